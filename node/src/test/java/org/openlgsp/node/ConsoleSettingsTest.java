package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.CertificateAuthority;

/** {@code registry.console}: the running registry node serves its web console as configured. */
class ConsoleSettingsTest {
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  private RegistryNode start(String consoleSection, ByteArrayOutputStream out) throws Exception {
    Path file = ManagementListenerTest.registryConfig(dir, ca, consoleSection);
    return RegistryNode.start(
        "VN",
        NodeConfig.read(file).registry().orElseThrow(),
        dir,
        new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void enabledTheConsoleServesOnItsPortWithItsSessionTimeoutAndLockout() throws Exception {
    int port = freePort();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RegistryNode registry =
        start(
            "  console: {enabled: true, port: "
                + port
                + ", lockoutAfter: 2, sessionTimeout: PT5M}\n",
            out)) {
      assertThat(registry.console()).isPresent();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("web console http://127.0.0.1:" + port + "/");
      HttpResponse<String> login =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.body()).contains("Đăng nhập");
      // lockoutAfter: 2 — the second wrong password locks the account
      var accounts = registry.console().orElseThrow().accounts();
      String password =
          accounts.create(
              "admin", org.openlgsp.console.ConsoleRole.AUDITOR, java.util.Optional.empty());
      accounts.checkPassword("admin", "wrong one");
      assertThat(accounts.locked("admin")).isFalse();
      accounts.checkPassword("admin", "wrong two");
      assertThat(accounts.locked("admin")).isTrue();
      assertThat(accounts.checkPassword("admin", password)).isEmpty();
      // the default lockoutFor (PT15M): still refused well after the PT1S of the next test
      org.awaitility.Awaitility.await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> accounts.checkPassword("admin", password).isEmpty());
    }
  }

  /**
   * lockoutFor PT1S: after lockoutAfter (2) wrong passwords at the sign-in page even the right one
   * is refused, and a second later it signs in (the default keeps it locked: the test above).
   */
  @Test
  void lockoutForIsHowLongALockedAccountRefusesTheRightPassword() throws Exception {
    int port = freePort();
    try (RegistryNode registry =
        start(
            "  console: {enabled: true, port: " + port + ", lockoutAfter: 2, lockoutFor: PT1S}\n",
            new ByteArrayOutputStream())) {
      var accounts = registry.console().orElseThrow().accounts();
      String password =
          accounts.create(
              "admin", org.openlgsp.console.ConsoleRole.AUDITOR, java.util.Optional.empty());
      String base = "http://127.0.0.1:" + port;
      org.openlgsp.console.ConsoleClient c = new org.openlgsp.console.ConsoleClient(base);
      assertThat(c.signIn("admin", "wrong one", accounts).statusCode()).isNotEqualTo(303);
      assertThat(c.signIn("admin", "wrong two", accounts).statusCode()).isNotEqualTo(303);
      assertThat(new org.openlgsp.console.ConsoleClient(base).signIn("admin", password, accounts))
          .extracting(HttpResponse::statusCode)
          .isNotEqualTo(303);
      org.awaitility.Awaitility.await()
          .pollInterval(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  new org.openlgsp.console.ConsoleClient(base)
                          .signIn("admin", password, accounts)
                          .statusCode()
                      == 303);
    }
  }

  /**
   * sessionTimeout PT3S: a signed-in session still opens pages a second later, not after 3 s
   * unused; pageSize 5: six agencies make two pages.
   */
  @Test
  void sessionTimeoutEndsAnUnusedSessionAndPageSizeCutsLists() throws Exception {
    int port = freePort();
    try (RegistryNode registry =
        start(
            "  console: {enabled: true, port: " + port + ", sessionTimeout: PT3S, pageSize: 5}\n",
            new ByteArrayOutputStream())) {
      for (int i = 1; i <= 6; i++) {
        registry
            .registry()
            .addMember(org.openlgsp.core.ClientId.parse("VN/GOV/000.00.00.A0" + i), "Sở số " + i);
      }
      var accounts = registry.console().orElseThrow().accounts();
      String password =
          accounts.create(
              "admin", org.openlgsp.console.ConsoleRole.AUDITOR, java.util.Optional.empty());
      org.openlgsp.console.ConsoleClient c =
          new org.openlgsp.console.ConsoleClient("http://127.0.0.1:" + port);
      assertThat(c.signIn("admin", password, accounts).statusCode()).isEqualTo(303);

      assertThat(c.get("/agencies").body()).contains("Trang 1 trên 2 (6)");
      assertThat(c.get("/agencies?page=2").body()).contains("Sở số 6").doesNotContain("Sở số 1<");
      org.awaitility.Awaitility.await()
          .pollDelay(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(15))
          .until(() -> c.get("/").statusCode() == 401);
    }
  }

  @Test
  void withoutTheSectionThereIsNoConsole() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RegistryNode registry = start("", out)) {
      assertThat(registry.console()).isEmpty();
      assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("web console");
      assertThat(GatewayNodeSettingsTest.accepts("127.0.0.1", 8480)).isFalse();
    }
  }

  /**
   * {@code registry.console.gateways}: the console asks the alerts API named there with the token
   * read from its file (here the registry node's own alerts API, a real one): listed with that
   * token, refused with another (the page says so), nothing asked without the key, and a token file
   * that cannot be read stops the node.
   */
  @Test
  void gatewaysNameTheOperatorApisTheConsoleAsksWithTheTokenOfTheirFile() throws Exception {
    int alerts = freePort();
    String sha =
        org.openlgsp.core.Digests.hex(
            org.openlgsp.core.Digests.sha256("op-token-0123456789".getBytes()));
    String reader =
        org.openlgsp.core.Digests.hex(
            org.openlgsp.core.Digests.sha256("reader-token-0123456789".getBytes()));
    String alertsApi =
        "  alerts: {api: {port: "
            + alerts
            + ", readerTokenSha256: "
            + reader
            + ", operatorTokenSha256: "
            + sha
            + "}}\n";
    String gateways =
        ", gateways: [{node: VN/GOV/000.00.00.H53/gw1, alerts: {url: 'http://127.0.0.1:"
            + alerts
            + "', tokenFile: alerts.token}}]}\n";
    java.nio.file.Files.writeString(dir.resolve("alerts.token"), "op-token-0123456789\n");
    int port = freePort();
    try (RegistryNode registry =
        start(
            alertsApi + "  console: {enabled: true, port: " + port + gateways,
            new ByteArrayOutputStream())) {
      String page = alertsPage(registry, port);
      assertThat(page).contains("<table id=\"alerts\"").contains("Không có mục nào.");
      assertThat(page)
          .doesNotContain("Không lấy được dữ liệu")
          .doesNotContain("chưa được cấu hình");
    }
    // another token in the file: the alerts API refuses the console, the page says which gateway
    java.nio.file.Files.writeString(dir.resolve("alerts.token"), "another-token-0123456789\n");
    port = freePort();
    try (RegistryNode registry =
        start(
            alertsApi + "  console: {enabled: true, port: " + port + gateways,
            new ByteArrayOutputStream())) {
      assertThat(alertsPage(registry, port))
          .contains("Không lấy được dữ liệu từ cổng kết nối: VN/GOV/000.00.00.H53/gw1: HTTP 401");
    }
    // without the key: no gateway is asked
    port = freePort();
    try (RegistryNode registry =
        start(
            alertsApi + "  console: {enabled: true, port: " + port + "}\n",
            new ByteArrayOutputStream())) {
      assertThat(alertsPage(registry, port)).contains("chưa được cấu hình để hỏi cổng kết nối nào");
    }
    // a token file that cannot be read stops the node, naming the key
    java.nio.file.Files.delete(dir.resolve("alerts.token"));
    int stopped = freePort();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                start(
                    alertsApi + "  console: {enabled: true, port: " + stopped + gateways,
                    new ByteArrayOutputStream()))
        .hasMessageContaining("registry.console.gateways")
        .hasMessageContaining("alerts.token");
  }

  private int officers;

  /** The alerts page as a new security officer sees it (the database outlives each start). */
  private String alertsPage(RegistryNode registry, int port) throws Exception {
    var accounts = registry.console().orElseThrow().accounts();
    String officer = "officer" + ++officers;
    String password =
        accounts.create(
            officer, org.openlgsp.console.ConsoleRole.SECURITY_OFFICER, java.util.Optional.empty());
    org.openlgsp.console.ConsoleClient c =
        new org.openlgsp.console.ConsoleClient("http://127.0.0.1:" + port);
    assertThat(c.signIn(officer, password, accounts).statusCode()).isEqualTo(303);
    HttpResponse<String> r = c.get("/alerts");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
