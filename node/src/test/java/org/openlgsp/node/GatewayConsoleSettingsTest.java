package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.console.Accounts;
import org.openlgsp.console.ConsoleClient;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.pki.CertificateAuthority;

/**
 * {@code gateway.console}: the running gateway node serves its own console (its traffic, records,
 * certificates and ledger checkpoints) as configured, with the registry console's sign-in. The
 * node's registry is unreachable; observations are handed to the node's own observers as its
 * gateway would hand them.
 */
class GatewayConsoleSettingsTest {
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  private Path config(String console) throws Exception {
    Files.deleteIfExists(dir.resolve("node.yaml"));
    return GatewayNodeSettingsTest.config(
        dir,
        ca,
        "  clientTlsPort: 0\n  peerPort: 0\n  database: jdbc:sqlite:data/gw-"
            + UUID.randomUUID()
            + ".db\n  statistics: {flushInterval: PT1S}\n  console: {"
            + console
            + "}\n");
  }

  private GatewayNode start(String console) throws Exception {
    return GatewayNode.start(
        NodeConfig.read(config(console)).gateway().orElseThrow(), dir, Clock.systemUTC());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void feed(GatewayNode node, ExchangeObservation o) {
    for (ExchangeObserver observer : node.monitoring().observers()) {
      observer.observed(o);
    }
    for (ExchangeObserver observer : node.statistics().observers()) {
      observer.observed(o);
    }
  }

  private static ConsoleClient signedIn(GatewayNode node, String username, ConsoleRole role)
      throws Exception {
    Accounts accounts = node.console().orElseThrow().accounts();
    String password =
        accounts.create(
            username,
            role,
            role == ConsoleRole.AGENCY_ADMIN
                ? Optional.of(org.openlgsp.core.ClientId.parse("VN/GOV/000.00.00.H53"))
                : Optional.empty());
    ConsoleClient c = new ConsoleClient("http://127.0.0.1:" + node.console().get().port());
    assertThat(c.signIn(username, password, accounts).statusCode()).isEqualTo(303);
    return c;
  }

  /**
   * enabled, port: the console on the written port, on loopback only by default, printed by {@code
   * lgsp serve}'s role start; its pages show this node's traffic, records, certificates and
   * checkpoints read from the running node, and nothing of a registry.
   */
  @Test
  void enabledTheNodeConsoleShowsTheNodesOwnTrafficRecordsCertificatesAndCheckpoints()
      throws Exception {
    int port = freePort();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NodeConfig cfg = NodeConfig.read(config("enabled: true, port: " + port));
    java.util.List<AutoCloseable> roles =
        NodeRoles.start(cfg, dir, new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      GatewayNode node =
          roles.stream()
              .filter(GatewayNode.class::isInstance)
              .map(GatewayNode.class::cast)
              .findFirst()
              .orElseThrow();
      assertThat(node.console()).isPresent();
      assertThat(node.console().get().port()).isEqualTo(port);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("web console http://127.0.0.1:" + port + "/");
      assertThat(GatewayNodeSettingsTest.accepts("127.0.0.1", port)).isTrue();
      assertThat(GatewayNodeSettingsTest.accepts("127.0.0.2", port)).isFalse();

      // no session: refused
      ConsoleClient anonymous = new ConsoleClient("http://127.0.0.1:" + port);
      assertThat(anonymous.get("/").statusCode()).isEqualTo(401);
      assertThat(anonymous.get("/login").body()).contains("Đăng nhập");

      Instant now = Instant.now();
      feed(node, MonitoringSettingsTest.observed(now.minusSeconds(60)));
      StoredCheckpoint published = node.checkpoints().publish();

      ConsoleClient auditor = signedIn(node, "auditor", ConsoleRole.AUDITOR);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(auditor.get("/").body())
                      .contains("Nút VN/GOV/000.00.00.H53/gw1")
                      .contains("<strong id=\"count-calls\">1</strong>"));
      String records = auditor.get("/records").body();
      assertThat(records)
          .contains(MonitoringSettingsTest.PORTAL.encoded())
          .contains(MonitoringSettingsTest.CITIZENS.encoded());
      assertThat(auditor.get("/records?outcome=refused").body())
          .doesNotContain(MonitoringSettingsTest.CITIZENS.encoded());
      assertThat(auditor.get("/certificates").body())
          .contains("CN=gw1")
          .contains("signing VN/GOV/000.00.00.H53")
          .contains("sắp hết hạn"); // issued for an hour
      assertThat(auditor.get("/checkpoints").body())
          .contains(HexFormat.of().formatHex(published.checkpoint().rootHash()));
      assertThat(auditor.get("/").body()).contains("id=\"latest-checkpoint\"");
      // a registry console's page is not here
      assertThat(auditor.get("/agencies").statusCode()).isEqualTo(404);

      // the records search is audited in the gateway's edge_audit with the account
      try (Connection db = node.database().connection();
          ResultSet rs =
              db.createStatement()
                  .executeQuery(
                      "SELECT actor, outcome FROM edge_audit WHERE action ="
                          + " 'console.records.search'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("auditor");
      }
      // an agency administrator reads the node's pages but not its records
      ConsoleClient agency = signedIn(node, "tn-admin", ConsoleRole.AGENCY_ADMIN);
      assertThat(agency.get("/certificates").statusCode()).isEqualTo(200);
      assertThat(agency.get("/records").statusCode()).isEqualTo(403);
      // signing out needs the session's anti-forgery token
      assertThat(auditor.post("/logout", java.util.Map.of("csrf", "wrong")).statusCode())
          .isEqualTo(403);
      assertThat(auditor.postWithToken("/logout", java.util.Map.of()).statusCode()).isEqualTo(303);
      assertThat(auditor.get("/").statusCode()).isEqualTo(401);
    } finally {
      NodeRoles.closeAll(roles);
    }
  }

  /** host: the listener binds the written address and no other. */
  @Test
  void hostIsTheAddressTheConsoleListensOn() throws Exception {
    int port = freePort();
    try (GatewayNode node = start("enabled: true, host: 127.0.0.2, port: " + port)) {
      assertThat(GatewayNodeSettingsTest.accepts("127.0.0.2", port)).isTrue();
      assertThat(GatewayNodeSettingsTest.accepts("127.0.0.1", port)).isFalse();
      assertThat(node.console().orElseThrow().url()).isEqualTo("http://127.0.0.2:" + port + "/");
    }
  }

  /**
   * lockoutAfter 2, lockoutFor PT1S: the second wrong password locks the account, the right one is
   * refused, then accepted a second later.
   */
  @Test
  void lockoutAfterAndLockoutForLockTheNodeConsolesAccounts() throws Exception {
    try (GatewayNode node = start("enabled: true, port: 0, lockoutAfter: 2, lockoutFor: PT1S")) {
      Accounts accounts = node.console().orElseThrow().accounts();
      String password = accounts.create("officer", ConsoleRole.SECURITY_OFFICER, Optional.empty());
      String base = "http://127.0.0.1:" + node.console().get().port();
      assertThat(new ConsoleClient(base).signIn("officer", "wrong one", accounts).statusCode())
          .isNotEqualTo(303);
      assertThat(accounts.locked("officer")).isFalse();
      assertThat(new ConsoleClient(base).signIn("officer", "wrong two", accounts).statusCode())
          .isNotEqualTo(303);
      assertThat(accounts.locked("officer")).isTrue();
      assertThat(new ConsoleClient(base).signIn("officer", password, accounts).statusCode())
          .isNotEqualTo(303);
      await()
          .pollInterval(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  new ConsoleClient(base).signIn("officer", password, accounts).statusCode()
                      == 303);
    }
  }

  /**
   * sessionTimeout PT3S: the session opens pages at once, not after 4 s unused; pageSize 5: six
   * operational records make a page of five and a next one of one.
   */
  @Test
  void sessionTimeoutEndsAnUnusedSessionAndPageSizeCutsTheRecords() throws Exception {
    try (GatewayNode node = start("enabled: true, port: 0, sessionTimeout: PT3S, pageSize: 5")) {
      for (int i = 0; i < 6; i++) {
        feed(node, MonitoringSettingsTest.observed(Instant.now().minusSeconds(10 + i)));
      }
      ConsoleClient c = signedIn(node, "auditor", ConsoleRole.AUDITOR);
      String row = "<td class=\"outcome\">";
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> c.get("/records").body().split(row, -1).length - 1 == 5);
      String first = c.get("/records").body();
      java.util.regex.Matcher next =
          java.util.regex.Pattern.compile("id=\"next-records\" href=\"([^\"]+)\"").matcher(first);
      assertThat(next.find()).isTrue();
      String second = c.get(next.group(1).replace("&amp;", "&")).body();
      assertThat(second.split(row, -1).length - 1).isEqualTo(1);
      await()
          .pollDelay(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(15))
          .until(() -> c.get("/").statusCode() == 401);
    }
  }

  @Test
  void withoutTheSectionOrDisabledThereIsNoNodeConsole() throws Exception {
    Files.deleteIfExists(dir.resolve("node.yaml"));
    try (GatewayNode node =
        GatewayNode.start(
            NodeConfig.read(GatewayNodeSettingsTest.config(dir, ca, "  clientTlsPort: 0\n"))
                .gateway()
                .orElseThrow(),
            dir,
            Clock.systemUTC())) {
      assertThat(node.console()).isEmpty();
    }
    try (GatewayNode node = start("enabled: false, port: 0")) {
      assertThat(node.console()).isEmpty();
    }
  }

  /** The registry console's {@code gateways} has no meaning here; a misspelled key is refused. */
  @Test
  void gatewaysOrAMisspelledKeyIsRefused() throws Exception {
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    config(
                        "enabled: true, gateways: [{node: VN/GOV/000.00.00.H53/gw1, alerts: {url:"
                            + " 'http://127.0.0.1:1', tokenFile: t}}]")))
        .hasMessageContaining("console.gateways");
    // the document axis pages are the registry console's
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    config(
                        "enabled: true, documents: {url: 'http://127.0.0.1:1', agencies:"
                            + " [{member: VN/GOV/000.00.00.H53, tokenFile: t}]}")))
        .hasMessageContaining("console.documents");
    assertThatThrownBy(() -> NodeConfig.read(config("enabld: true")))
        .hasMessageContaining("enabld");
  }
}
