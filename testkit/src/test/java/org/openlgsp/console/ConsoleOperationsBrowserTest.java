package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.testkit.Federation;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's operations pages against a real federation whose gateways open their monitoring,
 * statistics and alerts APIs ({@code registry.console.gateways}): real traffic through the gateways
 * (lookups, then a burst of refused calls) shows in the dashboard's charts, raises a {@code
 * refusalBurst} alert that a security officer acknowledges in the browser (the gateway records it,
 * the registry audits it), the statistics page offers CSV and PDF downloads, and the operational
 * records search finds the refusals. One federation and one browser; bounded waits.
 */
@RequiresPeer(Peer.CHROMIUM)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleOperationsBrowserTest {
  static final String PASSWORD = "correct horse battery staple";
  static final int REFUSALS = 12;
  @TempDir static Path dir;
  static Federation fed;
  static WebDriver browser;
  static WebDriverWait wait;
  static String base;
  static Accounts accounts;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start();
    wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    fed = Federation.start(dir, Federation.Options.exchange(3).withOperatorApis());
    Console console = fed.registryNode().console().orElseThrow();
    base = "http://127.0.0.1:" + console.port();
    accounts = console.accounts();
    accounts.create("officer", PASSWORD, ConsoleRole.SECURITY_OFFICER, Optional.empty());
    accounts.create("admin", PASSWORD, ConsoleRole.PLATFORM_ADMIN, Optional.empty());
    accounts.create("mps-admin", PASSWORD, ConsoleRole.AGENCY_ADMIN, Optional.of(Federation.MPS));
    // real traffic: lookups that pass, then refusals (no grant covers the path) from the portal
    for (String citizen : fed.citizenIds()) {
      Federation.Reply ok = fed.lookUpCitizen(citizen, "HS-2026-000123");
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }
    for (int i = 0; i < REFUSALS; i++) {
      Federation.Reply r = fed.call(fed.citizensService(), "/not-granted/" + i, "HS-2026-000123");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
      assertThat(r.body()).contains("access.denied");
    }
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (fed != null) {
      fed.close();
    }
  }

  /** Signs the browser in as {@code username}: the session of a real sign-in over HTTP. */
  static ConsoleClient signIn(String username) throws Exception {
    // one sign-in per account: a TOTP time step is accepted once
    ConsoleClient c = SESSIONS.get(username);
    if (c == null) {
      c = client(username);
    }
    browser.get(base + "/login");
    browser.manage().deleteAllCookies();
    browser.manage().addCookie(new Cookie(Sessions.COOKIE, c.cookies.get(Sessions.COOKIE), "/"));
    return c;
  }

  static final java.util.Map<String, ConsoleClient> SESSIONS = new java.util.HashMap<>();

  /** A client signed in as {@code username} over HTTP (the same session on later calls). */
  static ConsoleClient client(String username) throws Exception {
    ConsoleClient c = SESSIONS.get(username);
    if (c == null) {
      c = new ConsoleClient(base);
      assertThat(c.signIn(username, PASSWORD, accounts).statusCode()).isEqualTo(303);
      SESSIONS.put(username, c);
    }
    return c;
  }

  static int points(String id) {
    return Integer.parseInt(browser.findElement(By.id(id)).getAttribute("data-points"));
  }

  @Test
  @Order(1)
  void theDashboardChartsTheGatewaysTrafficErrorsAndLatencyWithOpenAlertsAndTopAgencies()
      throws Exception {
    signIn("officer");
    // the statistics are flushed every second and the refusal burst raised within a moment
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(700))
        .ignoreExceptions()
        .until(
            () -> {
              browser.get(base + "/");
              wait.until(
                  d ->
                      List.of("chart-traffic", "chart-errors", "chart-latency").stream()
                          .allMatch(
                              id ->
                                  "true"
                                      .equals(
                                          d.findElement(By.id(id)).getAttribute("data-rendered"))));
              return points("chart-errors") >= REFUSALS
                  && points("chart-traffic") >= REFUSALS + 3
                  && Integer.parseInt(browser.findElement(By.id("count-open-alerts")).getText())
                      >= 1;
            });
    assertThat(points("chart-latency")).isPositive();
    for (String id : List.of("chart-traffic", "chart-errors", "chart-latency")) {
      assertThat(browser.findElements(By.cssSelector("#" + id + " svg path"))).isNotEmpty();
      assertThat(browser.findElement(By.id(id)).getText())
          .contains(fed.consumerNodeId().toString());
    }
    assertThat(browser.findElement(By.id("top-agencies")).getText())
        .contains(Federation.TAY_NINH.encoded());
    assertThat(browser.findElement(By.id("top-services")).getText())
        .contains(fed.citizensService().encoded());
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Tổng quan");
    // the gateways' charts sit below the registry's own: show them in the screenshot
    ((org.openqa.selenium.JavascriptExecutor) browser)
        .executeScript("document.getElementById('chart-traffic').scrollIntoView()");
    Browser.shot(browser, "dashboard-operations");
  }

  @Test
  @Order(2)
  void anAlertRaisedByTheRefusedTrafficIsAcknowledgedFromTheAlertsPage() throws Exception {
    signIn("officer");
    browser.get(base + "/alerts");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Cảnh báo");
    WebElement row =
        browser.findElement(By.cssSelector("#alerts tr[data-rule=refusalBurst][data-state=OPEN]"));
    String id = row.getAttribute("id").substring("alert-".length());
    assertThat(row.getText()).contains(fed.consumerNodeId().toString()).contains("Đang mở");
    Browser.shot(browser, "alerts");
    row.findElement(By.cssSelector("button.acknowledge")).click();
    try {
      wait.until(d -> d.getCurrentUrl().endsWith("/alerts?done=acknowledge"));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(
          browser.getCurrentUrl() + ": " + browser.findElement(By.tagName("body")).getText(), e);
    }
    assertThat(browser.findElement(By.cssSelector(".notice")).getText())
        .isEqualTo("Đã tiếp nhận cảnh báo.");
    WebElement after = browser.findElement(By.id("alert-" + id));
    assertThat(after.getAttribute("data-state")).isEqualTo("ACKNOWLEDGED");
    assertThat(after.getText()).contains("Đã tiếp nhận");
    Browser.shot(browser, "alerts-acknowledged");
    // the gateway holds it acknowledged; the registry's audit trail names the officer
    JsonNode alert = gatewayAlert(id);
    assertThat(alert.get("state").asText()).isEqualTo("ACKNOWLEDGED");
    assertThat(
            fed.registryNode().registry().auditLog("console.alert.acknowledge", 0, 10).stream()
                .filter(e -> e.actor().equals("officer"))
                .toList())
        .singleElement()
        .satisfies(e -> assertThat(e.detail()).contains("OPEN").contains("after: ACKNOWLEDGED"));
    // acknowledging it again is refused: the gateway's conflict, nothing changed
    ConsoleClient officer = signIn("officer");
    officer.get("/alerts");
    HttpResponse<String> again =
        officer.postWithToken(
            "/alerts/" + id + "/acknowledge",
            java.util.Map.of("node", fed.consumerNodeId().toString()));
    assertThat(again.statusCode()).isEqualTo(409);
    // without the session's token: refused before the gateway is asked
    HttpResponse<String> forged =
        officer.post(
            "/alerts/" + id + "/resolve",
            java.util.Map.of("node", fed.consumerNodeId().toString(), "csrf", "forged"));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(gatewayAlert(id).get("state").asText()).isEqualTo("ACKNOWLEDGED");
  }

  private static JsonNode gatewayAlert(String id) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(fed.alertsApiUrl(true) + "/alerts/v1/alerts/" + id))
                    .header("Authorization", "Bearer " + fed.alertsReaderToken())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  @Test
  @Order(3)
  void theStatisticsPageListsTheFiguresAndOffersCsvAndPdfDownloads() throws Exception {
    ConsoleClient admin = signIn("admin");
    browser.get(base + "/statistics");
    WebElement consumer =
        browser.findElement(
            By.cssSelector("section.gateway[data-node='" + fed.consumerNodeId() + "']"));
    assertThat(consumer.findElement(By.cssSelector("table.figures")).getText())
        .contains(Federation.TAY_NINH.encoded());
    Browser.shot(browser, "statistics");
    String csvHref = consumer.findElement(By.cssSelector("a.csv")).getAttribute("href");
    HttpResponse<String> csv = admin.get(csvHref.substring(base.length()));
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
    assertThat(csv.body())
        .startsWith("gateway,agency,period,calls")
        .contains(Federation.TAY_NINH.encoded());
    String pdfHref = consumer.findElement(By.cssSelector("a.pdf")).getAttribute("href");
    HttpResponse<byte[]> pdf =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(pdfHref))
                    .header("Cookie", Sessions.COOKIE + "=" + admin.cookies.get(Sessions.COOKIE))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(pdf.statusCode())
        .as(new String(pdf.body(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(200);
    assertThat(pdf.headers().firstValue("Content-Type")).hasValue("application/pdf");
    assertThat(new String(pdf.body(), 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("%PDF-");
  }

  @Test
  @Order(4)
  void theOperationalRecordsSearchFindsTheRefusalsOfTheConsumerGateway() throws Exception {
    signIn("officer");
    browser.get(base + "/records");
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("outcome")))
        .selectByValue("refused");
    browser.findElement(By.id("from")).clear();
    browser
        .findElement(By.id("from"))
        .sendKeys(java.time.Instant.now().minusSeconds(3600).toString());
    browser.findElement(By.id("search-records")).click();
    wait.until(d -> d.getCurrentUrl().contains("outcome=refused"));
    List<WebElement> outcomes = browser.findElements(By.cssSelector("#records td.outcome"));
    assertThat(outcomes).hasSize(REFUSALS);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.getText()).isEqualTo("refused"));
    assertThat(browser.findElement(By.id("records")).getText()).contains("access.denied");
    Browser.shot(browser, "records");
  }

  @Test
  @Order(5)
  void anAgencyAdministratorSeesOnlyItsAgencysFiguresAndNoAlerts() throws Exception {
    ConsoleClient mps = client("mps-admin");
    ConsoleClient admin = client("admin");
    JsonNode all =
        Json.mapper().readTree(admin.get("/dashboard/operations.json?kind=traffic").body());
    JsonNode own =
        Json.mapper().readTree(mps.get("/dashboard/operations.json?kind=traffic").body());
    assertThat(sum(all)).isGreaterThanOrEqualTo(REFUSALS + 3);
    // every call came from Tây Ninh's portal: none is the Ministry of Public Security's
    assertThat(sum(own)).isZero();
    assertThat(mps.get("/statistics/figures.csv?node=" + fed.consumerNodeId()).body())
        .doesNotContain(Federation.TAY_NINH.encoded());
    assertThat(mps.get("/alerts").statusCode()).isEqualTo(403);
    assertThat(mps.get("/records").statusCode()).isEqualTo(403);
    assertThat(
            mps.get("/statistics/report.pdf?node=" + fed.consumerNodeId() + "&month=2026-12")
                .statusCode())
        .isEqualTo(403);
  }

  private static long sum(JsonNode chart) {
    long n = 0;
    for (JsonNode s : chart.get("series")) {
      for (JsonNode p : s.get("data")) {
        n += p.asLong();
      }
    }
    return n;
  }
}
