package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Access;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;

/** The auditor API on the edge: roles, audit rows without personal IDs, typed answers. */
class LedgerHttpTest {
  private static final String CITIZEN = "079090001234";
  private static final String TOKEN = "auditor-secret";
  private static final NoteKey LOG_KEY =
      NoteKey.generate("VN/GOV/000.00.00.H53/gw1", NoteKey.TYPE_ED25519);

  @TempDir Path dir;
  private Database db;
  private Ledger ledger;
  private DatabaseAuditLog audit;
  private SubjectHasher hasher;
  private LedgerHttp api;
  private String url;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    db = Database.sqlite(dir.resolve("gateway.db"));
    ledger = Ledger.open(db, LedgerOptions.defaults());
    hasher = new SubjectHasher(SubjectHasher.newSecret());
    ledger.append(Records.withSubject(Records.sample("m-0"), hasher.hash(CITIZEN)));
    ledger.append(Records.sample("m-1"));
    new Checkpoints(
            db,
            ledger,
            LOG_KEY,
            Timestamper.none(),
            CheckpointPolicy.defaults(),
            List.of(),
            Clock.systemUTC())
        .publish();
    ledger.append(
        Records.withSubject(
            Records.sample("m-2"), hasher.hash(CITIZEN))); // not yet in a checkpoint
    audit = DatabaseAuditLog.open(db);
    api = api().start("127.0.0.1", 0);
    url = "http://127.0.0.1:" + api.port();
  }

  private LedgerHttp.Builder api() {
    return LedgerHttp.builder(
            LedgerReader.open(db),
            LOG_KEY.verifier(),
            new SubjectAccess(LedgerReader.open(db), hasher, id -> "Sở Tư pháp"))
        .auditorToken(BearerTokens.hash(TOKEN))
        .auditLog(audit);
  }

  @AfterEach
  void stop() {
    api.close();
    ledger.close();
    db.close();
  }

  @Test
  void subjectAccessWritesAnAuditRowNamingTheAuditorAndNeverThePersonalId() throws Exception {
    HttpResponse<String> report = get("/ledger/v1/subjects/" + CITIZEN + "/accesses", TOKEN);
    assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
    assertThat(report.body()).contains("\"accessCount\":2").doesNotContain(CITIZEN);

    List<AuditEvent> rows = audit.recent(10);
    assertThat(rows).hasSize(1);
    AuditEvent row = rows.get(0);
    assertThat(row.actor()).isEqualTo(LedgerHttp.AUDITOR);
    assertThat(row.action()).isEqualTo("ledger.subject-access");
    assertThat(row.outcome()).isEqualTo(AuditEvent.OK);
    assertThat(row.target()).isEqualTo("subject " + hasher.hash(CITIZEN));
    assertThat(List.of(row.actor(), row.action(), row.target(), row.outcome(), row.detail()))
        .noneMatch(field -> field.contains(CITIZEN) || field.contains(CITIZEN.substring(3)));
  }

  @Test
  void aMalformedPersonalIdIsRefusedAndAuditedWithoutIt() throws Exception {
    HttpResponse<String> bad = get("/ledger/v1/subjects/0790900/accesses", TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("request.malformed").doesNotContain("0790900");
    AuditEvent row = audit.recent(1).get(0);
    assertThat(row.outcome()).isEqualTo("request.malformed");
    assertThat(row.target()).isEqualTo("subject (not a personal ID)");
  }

  @Test
  void aWrongTokenIs401AndItsAuditRowsAreBounded() throws Exception {
    // from three addresses: each may fail 10 times before it is throttled (429, no row)
    for (int i = 0; i < 25; i++) {
      HttpResponse<String> refused =
          get(
              from("127.0.0." + (2 + i / 10)),
              "/ledger/v1/subjects/" + CITIZEN + "/accesses",
              "guess-" + i);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("admin.unauthenticated").doesNotContain("guess-");
    }
    List<AuditEvent> rows = audit.recent(100);
    assertThat(rows).hasSize(20); // the rest are counted for the summary row
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.actor()).isEqualTo("unauthenticated");
              assertThat(r.outcome()).isEqualTo("admin.unauthenticated");
              assertThat(r.target()).doesNotContain(CITIZEN);
            });
    assertThat(get("/ledger/v1/checkpoint", "").statusCode()).isEqualTo(401);
    HttpResponse<String> throttled = get(from("127.0.0.2"), "/ledger/v1/checkpoint", "guess");
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.body()).contains("authentication.throttled");
    assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
    assertThat(audit.recent(100)).hasSize(20);
  }

  private static HttpClient from(String address) throws Exception {
    return HttpClient.newBuilder().localAddress(java.net.InetAddress.getByName(address)).build();
  }

  @Test
  void everyRouteNeedsTheAuditorRoleAndDeclaresItsAudit() {
    assertThat(api.routes())
        .hasSize(13)
        .allSatisfy(
            r -> {
              assertThat(r.path()).startsWith("/ledger/v1/");
              assertThat(r.access())
                  .isEqualTo(
                      new Access.Roles(
                          r.path().equals("/ledger/v1/subjects/accesses")
                              ? Set.of(LedgerHttp.AUDITOR_ROLE, LedgerHttp.TRACKER_ROLE)
                              : Set.of(LedgerHttp.AUDITOR_ROLE)));
              assertThat(r.audit()).isInstanceOfAny(Audit.Action.class, Audit.NotAudited.class);
            });
    Route subject =
        api.routes().stream()
            .filter(r -> r.path().equals("/ledger/v1/subjects/{personalId}/accesses"))
            .findFirst()
            .orElseThrow();
    assertThat(subject.personalData()).isTrue();
    assertThat(subject.auditAction()).contains("ledger.subject-access");
    assertThat(
            api.routes().stream()
                .filter(r -> r.auditAction().isPresent())
                .map(r -> r.method().text() + " " + r.path()))
        .containsExactlyInAnyOrder(
            "GET /ledger/v1/records/{index}",
            "GET /ledger/v1/records",
            "GET /ledger/v1/export/records",
            "GET /ledger/v1/export/segments/{first}",
            "GET /ledger/v1/subjects/{personalId}/accesses",
            "POST /ledger/v1/subjects/accesses");
  }

  @Test
  void theTrackerTokenSearchesASubjectByBodyAndReadsNothingElse() throws Exception {
    String tracker = "tracker-token";
    try (LedgerHttp withTracker =
        api().trackerToken(BearerTokens.hash(tracker)).start("127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + withTracker.port();
      HttpResponse<String> found =
          search(
              base, tracker, "{\"personalId\":\"" + CITIZEN + "\",\"purpose\":\"1.001234:HS-9\"}");
      assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
      assertThat(found.body()).contains("\"accessCount\":2").doesNotContain(CITIZEN);
      AuditEvent row = audit.recent(1).get(0);
      assertThat(row.actor()).isEqualTo(LedgerHttp.TRACKER);
      assertThat(row.target())
          .isEqualTo("subject " + hasher.hash(CITIZEN) + " for purpose 1.001234:HS-9");

      HttpResponse<String> noPurpose =
          search(base, tracker, "{\"personalId\":\"" + CITIZEN + "\"}");
      assertThat(noPurpose.statusCode()).isEqualTo(400);
      assertThat(noPurpose.body()).contains("purpose.missing").doesNotContain(CITIZEN);

      HttpResponse<String> records =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/ledger/v1/records/0"))
                  .header("Authorization", "Bearer " + tracker)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(records.statusCode()).isEqualTo(403);
    }
    // without the setting, the same token is nobody's
    HttpResponse<String> unknown =
        search(url, tracker, "{\"personalId\":\"" + CITIZEN + "\",\"purpose\":\"x\"}");
    assertThat(unknown.statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> search(String base, String token, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/ledger/v1/subjects/accesses"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aWitnessServesItsPublicRoutesOnTheSameListener() {
    Witness witness =
        new Witness(
            db,
            NoteKey.generate("VN/GOV/000.00.00.G01/gw1/witness", NoteKey.TYPE_COSIGNATURE),
            List.of(LOG_KEY.verifier()),
            Clock.systemUTC());
    try (LedgerHttp withWitness = api().witness(witness).start("127.0.0.1", 0)) {
      assertThat(withWitness.routes())
          .filteredOn(r -> r.path().startsWith("/ledger/v1/witness/"))
          .hasSize(3)
          .allSatisfy(r -> assertThat(r.access()).isInstanceOf(Access.Public.class));
      assertThat(withWitness.routes()).hasSize(16);
    }
  }

  @Test
  void undeclaredPathsAndMethodsAreProblems() throws Exception {
    HttpResponse<String> unknown = get("/ledger/v1/nothing", TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("resource.not_found");
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/ledger/v1/checkpoint"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET");
    HttpResponse<String> notANumber = get("/ledger/v1/records/x1", TOKEN);
    assertThat(notANumber.statusCode()).isEqualTo(400);
    assertThat(notANumber.body()).contains("index must be a whole number >= 0");
  }

  @Test
  void theClientReadsTheSameRecordsTheLocalSourceBuilds() {
    LedgerSource local = new LocalLedgerSource(db, LedgerReader.open(db), Optional.empty(), hasher);
    try (LedgerClient client = new LedgerClient(url + "/", TOKEN)) {
      assertThat(client.latestCheckpoint()).isEqualTo(local.latestCheckpoint());
      assertThat(client.record(2)).isEqualTo(local.record(2));
      assertThat(client.byMessageId("m-1")).isEqualTo(local.byMessageId("m-1")).hasSize(1);
      assertThat(client.inclusion(1, OptionalLong.empty()))
          .isEqualTo(local.inclusion(1, OptionalLong.of(2)));
      assertThat(client.consistency(1, 3)).isEqualTo(local.consistency(1, 3));
      SubjectAccessReport report = client.subjectAccess(CITIZEN);
      assertThat(report.accesses())
          .extracting(SubjectAccessReport.Access::proof)
          .hasExactlyElementsOfTypes(InclusionProof.class, SubjectAccessReport.Pending.class);
      assertThat(report.accesses().get(0).agency()).isEqualTo("Sở Tư pháp");
      assertThat(client.key()).contains(LOG_KEY.verifier());

      assertThatThrownBy(() -> client.record(99))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
                assertThat(e.detail()).isEqualTo("no record 99");
              });
    }
    try (LedgerClient stranger = new LedgerClient(url, "wrong")) {
      assertThatThrownBy(stranger::latestCheckpoint)
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.ADMIN_UNAUTHENTICATED));
    }
  }

  @Test
  void anUnreachableNodeIsNamedWithoutAProblem() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    try (LedgerClient client = new LedgerClient("http://127.0.0.1:" + closed, TOKEN)) {
      assertThatThrownBy(client::latestCheckpoint)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("cannot reach http://127.0.0.1:" + closed);
    }
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return get(http, path, token);
  }

  private HttpResponse<String> get(HttpClient http, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    if (!token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
