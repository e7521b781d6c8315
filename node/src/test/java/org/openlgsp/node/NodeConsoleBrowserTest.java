package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.console.Accounts;
import org.openlgsp.console.Axe;
import org.openlgsp.console.Browser;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.gateway.spi.Observed;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The node-local console of a gateway node started from node.yaml, in Chromium: signing in
 * (password and TOTP set-up), the dashboard's traffic chart drawn from the node's own statistics,
 * its certificates, ledger checkpoints and operational records; a local system's credential created
 * (its secret shown once, then getting a token from the node), rotated and revoked after the
 * confirmation page (then refused); every page in Vietnamese and English checked by axe-core.
 * Screenshots: {@code node/target/screenshots/console-node-*.png}.
 */
@RequiresPeer(Peer.CHROMIUM)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeConsoleBrowserTest {
  static final String PORTAL = "VN/GOV/000.00.00.H53/DVC";
  @TempDir static Path dir;
  static GatewayNode node;
  static WebDriver browser;
  static WebDriverWait wait;
  static String base;
  static StoredCheckpoint published;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start();
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
    Path file =
        GatewayNodeSettingsTest.config(
            dir,
            ca,
            "  clientTlsPort: 0\n  clientHttpPort: 0\n  peerPort: 0\n"
                + "  statistics: {flushInterval: PT1S}\n"
                + "  localSystems: [{id: "
                + PORTAL
                + "}]\n  credentials: {rotationOverlap: PT1H}\n"
                + "  console: {enabled: true, port: 0}\n");
    node = GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
    Instant now = Instant.now();
    for (int i = 0; i < 6; i++) {
      feed(MonitoringSettingsTest.observed(now.minusSeconds(30 + i)));
    }
    for (int i = 0; i < 2; i++) {
      feed(
          Observed.from(MonitoringSettingsTest.observed(now.minusSeconds(20 + i)))
              .failed("access.denied", 403, "Server.ServerProxy.AccessDenied", "no grant")
              .build());
    }
    published = node.checkpoints().publish();
    base = "http://127.0.0.1:" + node.console().orElseThrow().port();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (node != null) {
      node.close();
    }
  }

  private static void feed(ExchangeObservation o) {
    for (ExchangeObserver observer : node.monitoring().observers()) {
      observer.observed(o);
    }
    for (ExchangeObserver observer : node.statistics().observers()) {
      observer.observed(o);
    }
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private static int token(String clientId, String secret) throws Exception {
    return CredentialsSettingsTest.token(node, clientId, secret);
  }

  @Test
  @Order(1)
  void anOperatorSignsInAndSeesTheNodesTrafficCertificatesCheckpointsAndRecords() throws Exception {
    Accounts accounts = node.console().orElseThrow().accounts();
    String password = accounts.create("ops", ConsoleRole.PLATFORM_ADMIN, Optional.empty());
    browser.get(base + "/login");
    assertThat(browser.getPageSource()).contains("Đăng nhập");
    Browser.firstSignIn(browser, wait, base, "ops", password, accounts);

    // the figures are flushed every second: the dashboard shows the 8 calls once they are
    wait.until(
        d -> {
          d.navigate().refresh();
          return d.findElement(By.id("count-calls")).getText().equals("8");
        });
    wait.until(
        d -> "true".equals(d.findElement(By.id("chart-traffic")).getAttribute("data-rendered")));
    assertThat(browser.findElements(By.cssSelector("#chart-traffic svg path"))).isNotEmpty();
    assertThat(browser.findElement(By.tagName("h1")).getText())
        .contains("VN/GOV/000.00.00.H53/gw1");
    assertThat(browser.findElement(By.id("latest-checkpoint")).getText())
        .contains(Long.toString(published.size()));
    Browser.shot(browser, "node-dashboard");

    browser.get(base + "/certificates");
    assertThat(text("certificates")).contains("CN=gw1").contains("signing VN/GOV/000.00.00.H53");
    assertThat(browser.getPageSource()).contains("sắp hết hạn");
    Browser.shot(browser, "node-certificates");

    browser.get(base + "/checkpoints");
    assertThat(text("checkpoints"))
        .contains(HexFormat.of().formatHex(published.checkpoint().rootHash()));
    Browser.shot(browser, "node-checkpoints");

    browser.get(base + "/records");
    assertThat(browser.getPageSource()).contains(Observed.PORTAL.encoded());
    browser.get(base + "/records?outcome=refused");
    assertThat(browser.findElements(By.cssSelector("td.outcome"))).hasSize(2);
    Browser.shot(browser, "node-records");
  }

  @Test
  @Order(2)
  void aCredentialMadeOnThePageGetsATokenAndOnceRevokedIsRefused() throws Exception {
    browser.get(base + "/credentials");
    assertThat(browser.findElement(By.tagName("h1")).getText())
        .isEqualTo("Thông tin xác thực của hệ thống");
    browser.findElement(By.id("create-credential")).click();
    wait.until(d -> !d.findElements(By.id("client-secret")).isEmpty());
    String clientId = text("client-id");
    String secret = text("client-secret");
    assertThat(browser.getPageSource()).contains("chỉ hiển thị một lần");
    Browser.shot(browser, "node-credential-created");
    assertThat(token(clientId, secret)).isEqualTo(200);

    browser.get(base + "/credentials");
    assertThat(text("credential-" + clientId)).contains(PORTAL).contains("Đang hiệu lực");
    assertThat(browser.getPageSource()).doesNotContain(secret);
    // back in the history: the answer that showed the secret is not kept (no-store), the list is
    // what the browser shows again
    browser.navigate().back();
    assertThat(browser.getPageSource()).doesNotContain(secret);

    browser.get(base + "/credentials");
    browser.findElement(By.cssSelector("#credential-" + clientId + " button.rotate")).click();
    wait.until(d -> !d.findElements(By.id("client-secret")).isEmpty());
    String newSecret = text("client-secret");
    assertThat(newSecret).isNotEqualTo(secret);
    assertThat(token(clientId, newSecret)).isEqualTo(200);
    assertThat(token(clientId, secret)).as("within the overlap").isEqualTo(200);

    browser.get(base + "/credentials");
    browser.findElement(By.cssSelector("#credential-" + clientId + " a.revoke")).click();
    wait.until(d -> !d.findElements(By.id("confirm-revoke")).isEmpty());
    assertThat(browser.getPageSource()).contains("Không thể hoàn tác");
    Browser.shot(browser, "node-credential-revoke");
    browser.findElement(By.id("confirm-revoke")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/credentials?done=revoked"));
    assertThat(text("credential-" + clientId)).contains("Đã thu hồi").contains("console:ops");
    Browser.shot(browser, "node-credentials");
    assertThat(token(clientId, newSecret)).isEqualTo(401);
    assertThat(token(clientId, secret)).isEqualTo(401);

    browser.get(base + "/lang?to=en&back=/credentials");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Systems' credentials");
    assertThat(text("credential-" + clientId)).contains("Revoked");
    Browser.shot(browser, "node-credentials-en");
    browser.get(base + "/lang?to=vi&back=/");
  }

  /** axe-core on every page of the node console, both languages: no serious or critical finding. */
  @Test
  @Order(3)
  void everyPageOfTheNodeConsoleInBothLanguagesHasNoSeriousViolation() throws Exception {
    String clientId =
        node.localCredentials().list(Optional.empty()).getFirst().clientId(); // revoked above
    String active =
        node.localCredentials()
            .create(org.openlgsp.core.ClientId.parse(PORTAL), "test")
            .credential()
            .clientId();
    List<String> pages =
        List.of(
            "/",
            "/certificates",
            "/checkpoints",
            "/records",
            "/credentials",
            "/credentials/" + active + "/revoke",
            "/credentials/" + clientId + "/revoke"); // a revoked one: the error page
    Map<String, List<Axe.Violation>> found = new LinkedHashMap<>();
    for (String lang : List.of("vi", "en")) {
      browser.get(base + "/lang?to=" + lang + "&back=/");
      for (String page : pages) {
        browser.get(base + page);
        if (page.equals("/")) {
          wait.until(
              d ->
                  "true"
                      .equals(d.findElement(By.id("chart-traffic")).getAttribute("data-rendered")));
        }
        List<Axe.Violation> v = Axe.blocking(browser);
        if (!v.isEmpty()) {
          found.put(lang + " " + page, v);
        }
      }
    }
    // the secret page, shown once
    browser.get(base + "/credentials");
    browser.findElement(By.cssSelector("#credential-" + active + " button.rotate")).click();
    wait.until(d -> !d.findElements(By.id("client-secret")).isEmpty());
    List<Axe.Violation> secretPage = Axe.blocking(browser);
    if (!secretPage.isEmpty()) {
      found.put("en secret", secretPage);
    }
    Browser.shot(browser, "node-credential-rotated-en");
    assertThat(found).isEmpty();
    assertThat(Files.exists(Browser.SHOTS.resolve("console-node-dashboard.png"))).isTrue();
  }
}
