package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.edge.AdminApi;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Credentials of local systems created, rotated and revoked through the operator API while two real
 * gateways run, each step proven by a real {@code POST /token} and a real exchange; the store on
 * SQLite and on PostgreSQL.
 */
class LocalCredentialsExchangeTest {
  static final String OPERATOR_TOKEN = "operator-token-of-alice-0123456789";
  static final String READER_TOKEN = "reader-token-of-the-console-0123456789";
  static final String CITIZEN = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/079090001234";
  @TempDir Path dir;
  TwoGateways net;
  Database db;
  AdminApi api;
  final List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()));
          if (r.getThrown() != null) {
            logged.add(String.valueOf(r.getThrown()));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  void start(String kind) {
    Logger.getLogger("").addHandler(capture);
    Logger.getLogger("").setLevel(java.util.logging.Level.ALL);
    net = new TwoGateways(dir);
    db = kind.equals("sqlite") ? net.tnDb : TestDatabases.open(kind, dir);
    LocalCredentials store =
        net.tn.openCredentials(
            db,
            CredentialOptions.defaults()
                .withApi(
                    0,
                    List.of(
                        new CredentialOptions.ApiToken(
                            "alice", BearerTokens.hash(OPERATOR_TOKEN), CredentialOptions.OPERATOR),
                        new CredentialOptions.ApiToken(
                            "console",
                            BearerTokens.hash(READER_TOKEN),
                            CredentialOptions.READER))));
    api = store.startApi("127.0.0.1", DatabaseAuditLog.open(db));
  }

  @AfterEach
  void stop() {
    Logger.getLogger("").removeHandler(capture);
    Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
    if (api != null) {
      api.close();
    }
    if (net != null) {
      // db is still null when its PostgreSQL was not there (the case skipped)
      if (db != null && db != net.tnDb) {
        db.close();
      }
      net.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aCreatedCredentialGetsATokenThatCarriesARealExchangeAndIsRefusedOnceRevoked(String kind)
      throws Exception {
    start(kind);
    Map<?, ?> created = post("/credentials", "{\"system\":\"" + TwoGateways.PORTAL + "\"}", 201);
    String clientId = (String) created.get("clientId");
    String secret = (String) created.get("clientSecret");
    assertThat(clientId).startsWith("lgsp-");
    assertThat(secret).hasSizeGreaterThanOrEqualTo(43);

    String token = net.token(clientId, secret);
    HttpResponse<String> exchange = exchange(token);
    assertThat(exchange.statusCode()).as(exchange.body()).isEqualTo(200);
    assertThat(exchange.body()).contains("Nguyễn Văn An");
    assertThat(exchange.headers().firstValue("X-Road-Client"))
        .hasValue(TwoGateways.PORTAL.toString());
    assertThat(net.token()).as("node.yaml's secret keeps working beside").isNotEmpty();

    Map<?, ?> revoked = post("/credentials/" + clientId + "/revoke", "", 200);
    assertThat(revoked.get("state")).isEqualTo("revoked");
    assertThat(revoked.get("revokedBy")).isEqualTo("alice");
    assertThat(tokenStatus(clientId, secret)).isEqualTo(401);
    HttpResponse<String> after = exchange(token);
    GatewayExchangeTest.assertProblem(after, ErrorCode.TOKEN_INVALID);
    assertThat(exchange(net.token()).statusCode()).as("other tokens unaffected").isEqualTo(200);
    // a second revocation and a rotation of a revoked credential are conflicts
    assertThat(
            call("POST", "/credentials/" + clientId + "/revoke", "", OPERATOR_TOKEN).statusCode())
        .isEqualTo(409);
    assertThat(
            call("POST", "/credentials/" + clientId + "/rotate", "", OPERATOR_TOKEN).statusCode())
        .isEqualTo(409);

    String listed = call("GET", "/systems", "", READER_TOKEN).body();
    assertThat(listed).contains(clientId).contains("revoked").doesNotContain(secret);
    assertThat(listed).doesNotContain(LocalSystem.hashSecret(secret));
    assertSecretNowhere(secret);
    List<AuditEvent> audit = DatabaseAuditLog.open(db).recent(50);
    assertThat(audit)
        .filteredOn(e -> e.action().startsWith("gateway.credential."))
        .extracting(AuditEvent::actor, AuditEvent::action, AuditEvent::target, AuditEvent::outcome)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "alice",
                "gateway.credential.create",
                "credential " + clientId + " of " + TwoGateways.PORTAL,
                "ok"),
            org.assertj.core.groups.Tuple.tuple(
                "alice",
                "gateway.credential.revoke",
                "credential " + clientId + " of " + TwoGateways.PORTAL,
                "ok"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aRotatedSecretWorksDuringTheOverlapOnlyAndTheNewOneAfter(String kind) throws Exception {
    start(kind);
    Map<?, ?> created = post("/credentials", "{\"system\":\"" + TwoGateways.PORTAL + "\"}", 201);
    String clientId = (String) created.get("clientId");
    String oldSecret = (String) created.get("clientSecret");

    Map<?, ?> byDefault = post("/credentials/" + clientId + "/rotate", "", 200);
    Map<?, ?> view = (Map<?, ?>) byDefault.get("credential");
    assertThat(
            Duration.between(
                java.time.Instant.parse((String) view.get("rotatedAt")),
                java.time.Instant.parse((String) view.get("previousValidUntil"))))
        .as("the configured overlap, 24 h by default")
        .isEqualTo(CredentialOptions.DEFAULT_ROTATION_OVERLAP);
    String middleSecret = (String) byDefault.get("clientSecret");
    Map<?, ?> rotated = post("/credentials/" + clientId + "/rotate", "{\"overlap\":\"PT1H\"}", 200);
    String newSecret = (String) rotated.get("clientSecret");
    assertThat(newSecret).isNotEqualTo(middleSecret).isNotEqualTo(oldSecret);
    assertThat(tokenStatus(clientId, oldSecret))
        .as("only the secret before the last rotation overlaps")
        .isEqualTo(401);

    net.clock.advance(Duration.ofMinutes(59));
    net.republish();
    assertThat(exchange(net.token(clientId, middleSecret)).statusCode()).isEqualTo(200);
    assertThat(exchange(net.token(clientId, newSecret)).statusCode()).isEqualTo(200);

    net.clock.advance(Duration.ofMinutes(1));
    assertThat(tokenStatus(clientId, middleSecret)).as("the overlap is over").isEqualTo(401);
    assertThat(exchange(net.token(clientId, newSecret)).statusCode()).isEqualTo(200);
    assertSecretNowhere(newSecret);
    assertSecretNowhere(middleSecret);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void unknownSystemsWrongTokensAndReadersAreRefused(String kind) throws Exception {
    start(kind);
    HttpResponse<String> unknown =
        call(
            "POST",
            "/credentials",
            "{\"system\":\"VN/GOV/000.00.00.H53/NOTSERVED\"}",
            OPERATOR_TOKEN);
    assertProblem(unknown, ErrorCode.RESOURCE_NOT_FOUND);
    assertProblem(
        call("POST", "/credentials", "{\"system\":\"VN/GOV/000.00.00.H53\"}", OPERATOR_TOKEN),
        ErrorCode.REQUEST_MALFORMED);
    assertProblem(
        call("POST", "/credentials", "{\"system\":\"" + TwoGateways.PORTAL + "\"}", READER_TOKEN),
        ErrorCode.ADMIN_FORBIDDEN);
    assertProblem(call("GET", "/systems", "", "not-a-token"), ErrorCode.ADMIN_UNAUTHENTICATED);
    assertProblem(
        call("POST", "/credentials/lgsp-00000000000000000000/revoke", "", OPERATOR_TOKEN),
        ErrorCode.RESOURCE_NOT_FOUND);
    String clientId =
        (String)
            post("/credentials", "{\"system\":\"" + TwoGateways.PORTAL + "\"}", 201)
                .get("clientId");
    assertProblem(
        call(
            "POST",
            "/credentials/" + clientId + "/rotate",
            "{\"overlap\":\"P31D\"}",
            OPERATOR_TOKEN),
        ErrorCode.REQUEST_MALFORMED);
    assertProblem(
        call(
            "POST",
            "/credentials/" + clientId + "/rotate",
            "{\"overlap\":\"soon\"}",
            OPERATOR_TOKEN),
        ErrorCode.REQUEST_MALFORMED);
    assertThat(tokenStatus("lgsp-00000000000000000000", "whatever")).isEqualTo(401);
    String listed = call("GET", "/systems", "", READER_TOKEN).body();
    assertThat(listed)
        .contains(TwoGateways.PORTAL.toString())
        .contains(TwoGateways.OTHER_SYSTEM.toString())
        .contains("\"configuredClientId\":\"portal\"");
  }

  @org.junit.jupiter.api.Test
  void everyRouteRefusesCallersWithoutItsRoleAndChangesNothing() throws Exception {
    start("sqlite");
    LocalCredentials store = net.tn.openCredentials(db, CredentialOptions.defaults());
    List<org.openlgsp.edge.Route> routes = new CredentialsApi(store).routes();
    assertThat(routes).hasSize(4);
    for (org.openlgsp.edge.Route r : routes) {
      String path =
          r.path()
              .substring(CredentialsApi.BASE.length())
              .replace("{clientId}", "lgsp-00000000000000000000");
      String body = r.changesState() ? "{\"system\":\"" + TwoGateways.PORTAL + "\"}" : "";
      assertProblem(call(r.method().text(), path, body, ""), ErrorCode.ADMIN_UNAUTHENTICATED);
      if (r.changesState()) {
        assertThat(r.auditAction()).isPresent();
        assertProblem(call(r.method().text(), path, body, READER_TOKEN), ErrorCode.ADMIN_FORBIDDEN);
      }
    }
    assertThat(store.list(java.util.Optional.empty())).isEmpty();
  }

  private void assertSecretNowhere(String secret) throws Exception {
    assertThat(logged).noneMatch(l -> l.contains(secret));
    assertThat(DatabaseAuditLog.open(db).recent(100)).noneMatch(e -> e.toString().contains(secret));
    assertThat(DatabaseAuditLog.open(net.tnDb).recent(100))
        .noneMatch(e -> e.toString().contains(secret));
  }

  private static void assertProblem(HttpResponse<String> r, ErrorCode code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code.httpStatus());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(Json.mapper().readValue(r.body(), Map.class).get("code")).isEqualTo(code.code());
    assertThat(r.body()).doesNotContain("Exception");
  }

  private HttpResponse<String> exchange(String token) throws Exception {
    return net.citizenLookup(token);
  }

  private int tokenStatus(String clientId, String secret) throws Exception {
    return net.tokenResponse(clientId, secret).statusCode();
  }

  private Map<?, ?> post(String path, String body, int status) throws Exception {
    HttpResponse<String> r = call("POST", path, body, OPERATOR_TOKEN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    if (r.body().contains("clientSecret")) {
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    }
    return Json.mapper().readValue(r.body(), Map.class);
  }

  private HttpResponse<String> call(String method, String path, String body, String token)
      throws Exception {
    return net.http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + CredentialsApi.BASE + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
