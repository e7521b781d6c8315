package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.console.Accounts;
import org.openlgsp.console.ConsoleClient;
import org.openlgsp.console.ConsoleOptions;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.console.NodeConsole;
import org.openlgsp.console.SystemCredentials;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.node.ConsoleCredentials;
import org.openlgsp.statistics.Figures;

/**
 * The node-local console's page of local systems' credentials over HTTP, on a real gateway pair: a
 * credential created on the page gets a token that carries a real exchange, its rotation's new
 * secret too, and once revoked (after the confirmation page) both its secret and the token already
 * issued are refused. The secret is on the one answer that made it and nowhere else; every change
 * needs the session's anti-forgery token and is audited; an agency administrator sees and changes
 * its agency's systems' credentials only; every route refuses a caller without a session or role.
 */
class NodeConsoleCredentialsTest {
  static final Pattern CLIENT_ID = Pattern.compile("id=\"client-id\">([^<]+)<");
  static final Pattern SECRET = Pattern.compile("id=\"client-secret\">([^<]+)<");
  @TempDir Path dir;
  TwoGateways net;
  NodeConsole console;
  Accounts accounts;
  LocalCredentials store;

  @BeforeEach
  void start() {
    net = new TwoGateways(dir);
    store = net.tn.openCredentials(net.tnDb, CredentialOptions.defaults());
    console =
        NodeConsole.start(
            source(new ConsoleCredentials(store)),
            net.tnDb,
            ConsoleOptions.defaults().listening("127.0.0.1", 0),
            DatabaseAuditLog.open(net.tnDb));
    accounts = console.accounts();
  }

  @AfterEach
  void stop() {
    if (console != null) {
      console.close();
    }
    if (net != null) {
      net.close();
    }
  }

  /** The pair's Tây Ninh gateway as its console reads it: no statistics, records or ledger kept. */
  private static NodeConsole.Source source(SystemCredentials credentials) {
    return new NodeConsole.Source() {
      @Override
      public String node() {
        return TwoGateways.TN_NODE.toString();
      }

      @Override
      public Optional<byte[]> recordsJson(Map<String, String> query) {
        return Optional.empty();
      }

      @Override
      public Optional<List<Figures>> figures(Instant from, Instant to, String groupBy) {
        return Optional.empty();
      }

      @Override
      public List<NodeConsole.Certificate> certificates() {
        return List.of();
      }

      @Override
      public List<NodeConsole.Checkpoint> checkpoints() {
        return List.of();
      }

      @Override
      public SystemCredentials credentials() {
        return credentials;
      }
    };
  }

  private ConsoleClient signedIn(String username, ConsoleRole role, Optional<ClientId> agency)
      throws Exception {
    String password = accounts.create(username, role, agency);
    ConsoleClient c = new ConsoleClient("http://127.0.0.1:" + console.port());
    assertThat(c.signIn(username, password, accounts).statusCode()).isEqualTo(303);
    return c;
  }

  private ConsoleClient admin() throws Exception {
    return signedIn("admin", ConsoleRole.PLATFORM_ADMIN, Optional.empty());
  }

  private static String group(Pattern p, String body) {
    Matcher m = p.matcher(body);
    assertThat(m.find()).as(body).isTrue();
    return m.group(1);
  }

  private HttpResponse<String> exchange(String token) throws Exception {
    return net.citizenLookup(token);
  }

  private List<AuditEvent> audit(String prefix) {
    return DatabaseAuditLog.open(net.tnDb).recent(200).stream()
        .filter(e -> e.action().startsWith(prefix))
        .toList();
  }

  @Test
  void aCredentialCreatedOnThePageCarriesARealExchangeAndOnceRevokedIsRefused() throws Exception {
    ConsoleClient admin = admin();
    HttpResponse<String> created =
        admin.postWithToken("/credentials", Map.of("system", TwoGateways.PORTAL.encoded()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(created.body())
        .contains("Đã tạo thông tin xác thực")
        .contains("chỉ hiển thị một lần");
    String clientId = group(CLIENT_ID, created.body());
    String secret = group(SECRET, created.body());
    assertThat(clientId).startsWith("lgsp-");

    String token = net.token(clientId, secret);
    HttpResponse<String> exchanged = exchange(token);
    assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
    assertThat(exchanged.body()).contains("Nguyễn Văn An");

    // listed, with who made it, but the secret never again
    String list = admin.get("/credentials").body();
    assertThat(list).contains(clientId).contains("console:admin").contains("Đang hiệu lực");
    assertThat(list).doesNotContain(secret);

    // a rotation shows the new secret once; it carries an exchange too
    HttpResponse<String> rotated =
        admin.postWithToken("/credentials/" + clientId + "/rotate", Map.of());
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    String newSecret = group(SECRET, rotated.body());
    assertThat(newSecret).isNotEqualTo(secret);
    assertThat(rotated.body()).contains("Khóa cũ còn dùng được đến");
    assertThat(exchange(net.token(clientId, newSecret)).statusCode()).isEqualTo(200);

    // revoking is confirmed on its own page; the post without the confirmation changes nothing
    assertThat(admin.postWithToken("/credentials/" + clientId + "/revoke", Map.of()).statusCode())
        .isEqualTo(400);
    assertThat(net.tokenResponse(clientId, newSecret).statusCode()).isEqualTo(200);
    HttpResponse<String> confirm = admin.get("/credentials/" + clientId + "/revoke");
    assertThat(confirm.statusCode()).isEqualTo(200);
    assertThat(confirm.body()).contains("Không thể hoàn tác").contains("name=\"confirm\"");
    HttpResponse<String> revoked =
        admin.postWithToken("/credentials/" + clientId + "/revoke", Map.of("confirm", "yes"));
    assertThat(revoked.statusCode()).isEqualTo(303);
    assertThat(revoked.headers().firstValue("Location")).hasValue("/credentials?done=revoked");
    assertThat(net.tokenResponse(clientId, newSecret).statusCode()).isEqualTo(401);
    assertThat(net.tokenResponse(clientId, secret).statusCode()).isEqualTo(401);
    HttpResponse<String> refused = exchange(token);
    // the r1 path answers in X-Road's error format
    assertThat(refused.statusCode()).isNotEqualTo(200);
    assertThat(refused.body()).contains("\"code\":\"" + ErrorCode.TOKEN_INVALID.code() + "\"");
    assertThat(admin.get("/credentials?done=revoked").body())
        .contains("Đã thu hồi thông tin xác thực")
        .contains("Đã thu hồi");
    // a second revocation, and a rotation of a revoked credential, are conflicts
    assertThat(
            admin
                .postWithToken("/credentials/" + clientId + "/revoke", Map.of("confirm", "yes"))
                .statusCode())
        .isEqualTo(409);
    assertThat(admin.postWithToken("/credentials/" + clientId + "/rotate", Map.of()).statusCode())
        .isEqualTo(409);

    List<AuditEvent> changes = audit("console.credential.");
    assertThat(changes)
        .extracting(AuditEvent::actor, AuditEvent::action, AuditEvent::outcome)
        .contains(
            org.assertj.core.groups.Tuple.tuple("admin", "console.credential.create", "ok"),
            org.assertj.core.groups.Tuple.tuple("admin", "console.credential.rotate", "ok"),
            org.assertj.core.groups.Tuple.tuple("admin", "console.credential.revoke", "ok"),
            org.assertj.core.groups.Tuple.tuple(
                "admin", "console.credential.revoke", "resource.conflict"));
    assertThat(changes)
        .filteredOn(e -> e.action().equals("console.credential.revoke") && e.outcome().equals("ok"))
        .first()
        .satisfies(
            e ->
                assertThat(e.detail())
                    .contains(
                        "before: credential "
                            + clientId
                            + " of "
                            + TwoGateways.PORTAL.encoded()
                            + " active")
                    .contains(
                        "after: credential "
                            + clientId
                            + " of "
                            + TwoGateways.PORTAL.encoded()
                            + " revoked"));
    assertThat(DatabaseAuditLog.open(net.tnDb).recent(500))
        .noneMatch(e -> e.toString().contains(secret) || e.toString().contains(newSecret));
  }

  @Test
  void everyChangeWithoutTheSessionsTokenIsRefusedAndChangesNothing() throws Exception {
    ConsoleClient admin = admin();
    HttpResponse<String> forged =
        admin.post(
            "/credentials", Map.of("csrf", "forged", "system", TwoGateways.PORTAL.encoded()));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(
            admin.post("/credentials", Map.of("system", TwoGateways.PORTAL.encoded())).statusCode())
        .isEqualTo(403);
    assertThat(admin.get("/credentials").body()).doesNotContain("lgsp-");

    String clientId =
        group(
            CLIENT_ID,
            admin
                .postWithToken("/credentials", Map.of("system", TwoGateways.PORTAL.encoded()))
                .body());
    String before = admin.get("/credentials").body();
    assertThat(admin.post("/credentials/" + clientId + "/rotate", Map.of("csrf", "x")).statusCode())
        .isEqualTo(403);
    assertThat(
            admin
                .post("/credentials/" + clientId + "/revoke", Map.of("csrf", "x", "confirm", "yes"))
                .statusCode())
        .isEqualTo(403);
    String after = admin.get("/credentials").body();
    assertThat(after).contains("Đang hiệu lực").doesNotContain("Đã thu hồi");
    assertThat(after).isEqualTo(before);
    assertThat(audit("console.credential."))
        .filteredOn(e -> e.outcome().equals("console.csrf_invalid"))
        .hasSize(4);
  }

  @Test
  void anAgencyAdministratorManagesItsAgencysSystemsOnlyAndReadersChangeNothing() throws Exception {
    ConsoleClient admin = admin();
    String clientId =
        group(
            CLIENT_ID,
            admin
                .postWithToken("/credentials", Map.of("system", TwoGateways.PORTAL.encoded()))
                .body());

    // the Ministry's administrator: Tây Ninh's credential is neither listed nor reachable
    ConsoleClient other =
        signedIn("mps-admin", ConsoleRole.AGENCY_ADMIN, Optional.of(TwoGateways.MPS));
    String list = other.get("/credentials").body();
    assertThat(list).doesNotContain(clientId).doesNotContain(TwoGateways.PORTAL.encoded());
    assertThat(other.get("/credentials?q=" + clientId).body())
        .doesNotContain("id=\"credential-" + clientId);
    assertThat(other.get("/credentials/" + clientId + "/revoke").statusCode()).isEqualTo(404);
    assertThat(other.postWithToken("/credentials/" + clientId + "/rotate", Map.of()).statusCode())
        .isEqualTo(404);
    assertThat(
            other
                .postWithToken("/credentials/" + clientId + "/revoke", Map.of("confirm", "yes"))
                .statusCode())
        .isEqualTo(404);
    assertThat(
            other
                .postWithToken("/credentials", Map.of("system", TwoGateways.PORTAL.encoded()))
                .statusCode())
        .isEqualTo(404);
    assertThat(admin.get("/credentials").body())
        .contains("Đang hiệu lực")
        .doesNotContain("Đã thu hồi");
    assertThat(store.list(Optional.of(TwoGateways.PORTAL))).hasSize(1);

    // Tây Ninh's administrator sees it and may create one for its portal
    ConsoleClient own =
        signedIn("tn-admin", ConsoleRole.AGENCY_ADMIN, Optional.of(TwoGateways.TAY_NINH));
    assertThat(own.get("/credentials").body()).contains(clientId);
    HttpResponse<String> made =
        own.postWithToken("/credentials", Map.of("system", TwoGateways.PORTAL.encoded()));
    assertThat(made.statusCode()).isEqualTo(200);
    assertThat(
            net.tokenResponse(group(CLIENT_ID, made.body()), group(SECRET, made.body()))
                .statusCode())
        .isEqualTo(200);
    // a system this gateway does not serve, and a malformed one
    assertThat(
            own.postWithToken("/credentials", Map.of("system", "VN/GOV/000.00.00.H53/NONE"))
                .statusCode())
        .isEqualTo(404);
    assertThat(own.postWithToken("/credentials", Map.of("system", "not an id")).statusCode())
        .isEqualTo(400);

    // the auditor and the security officer read the list and change nothing
    for (ConsoleRole role : List.of(ConsoleRole.AUDITOR, ConsoleRole.SECURITY_OFFICER)) {
      ConsoleClient reader = signedIn(role.id(), role, Optional.empty());
      String page = reader.get("/credentials").body();
      assertThat(page).contains(clientId).doesNotContain("id=\"create-credential\"");
      assertThat(
              reader
                  .postWithToken("/credentials", Map.of("system", TwoGateways.PORTAL.encoded()))
                  .statusCode())
          .isEqualTo(403);
      assertThat(
              reader.postWithToken("/credentials/" + clientId + "/rotate", Map.of()).statusCode())
          .isEqualTo(403);
      assertThat(reader.get("/credentials/" + clientId + "/revoke").statusCode()).isEqualTo(403);
      assertThat(
              reader
                  .postWithToken("/credentials/" + clientId + "/revoke", Map.of("confirm", "yes"))
                  .statusCode())
          .isEqualTo(403);
    }
    assertThat(store.get(clientId).revoked()).isFalse();
  }

  /**
   * Deny by default: the credential routes are declared for roles (none public), and refuse a
   * caller without a session.
   */
  @Test
  void everyCredentialRouteRefusesACallerWithoutASession() throws Exception {
    ConsoleClient anonymous = new ConsoleClient("http://127.0.0.1:" + console.port());
    List<Route> routes =
        console.routes().stream().filter(r -> r.path().startsWith("/credentials")).toList();
    assertThat(routes).hasSize(5);
    for (Route r : routes) {
      assertThat(r.access()).as(r.path()).isInstanceOf(org.openlgsp.edge.Access.Roles.class);
      String path = r.path().replace("{clientId}", "lgsp-00000000000000000000");
      HttpResponse<String> answer =
          r.method().text().equals("GET") ? anonymous.get(path) : anonymous.post(path, Map.of());
      assertThat(answer.statusCode()).as(r.method().text() + " " + path).isEqualTo(401);
    }
    // the English page
    ConsoleClient admin = admin();
    admin.get("/lang?to=en&back=/credentials");
    assertThat(admin.get("/credentials").body())
        .contains("lang=\"en\"")
        .contains("Create a credential")
        .contains("Client id");
  }
}
