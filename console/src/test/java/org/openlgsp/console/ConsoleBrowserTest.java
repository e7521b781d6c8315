package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in Debian's headless Chromium driven by Selenium (chromium-driver): sign-in with the
 * TOTP set-up and with a code, the language switch, the dashboard chart drawn with data, a grant
 * created through the form, and failed sign-ins throttled. Screenshots of each page go to {@code
 * target/screenshots/}. One browser for the class, each wait bounded.
 */
@RequiresPeer(Peer.CHROMIUM)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  @TempDir static Path dir;
  static ConsoleFixture f;
  static WebDriver browser;
  static WebDriverWait wait;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start();
    // 3 failed sign-ins from one address, then 429 (the last test)
    f = new ConsoleFixture(TestDatabases.sqlite(dir), 3);
    base = "http://127.0.0.1:" + f.console.port();
    wait = new WebDriverWait(browser, Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (f != null) {
      f.close();
    }
  }

  static void shot(String name) throws Exception {
    Browser.shot(browser, name);
  }

  static void signIn(String username) {
    browser.get(base + "/login");
    browser.findElement(By.id("username")).sendKeys(username);
    browser.findElement(By.id("password")).sendKeys(ConsoleFixture.PASSWORD);
    browser.findElement(By.id("signin")).click();
  }

  @Test
  @Order(1)
  void firstSignInSetsUpTotpAndOpensTheDashboardWithItsChartDrawnFromData() throws Exception {
    browser.get(base + "/login");
    assertThat(browser.findElement(By.cssSelector("label[for=username]")).getText())
        .isEqualTo("Tên đăng nhập");
    shot("login");
    signIn("admin");
    wait.until(d -> d.getCurrentUrl().endsWith("/login/enrol"));
    shot("totp-setup");
    String secret = browser.findElement(By.id("secret")).getText();
    byte[] key = Base32.decode(secret + "=".repeat((8 - secret.length() % 8) % 8));
    browser
        .findElement(By.id("code"))
        .sendKeys(f.console.accounts().currentCode(key, Instant.now()));
    browser.findElement(By.id("confirm")).click();
    wait.until(d -> d.getCurrentUrl().equals(base + "/"));

    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Tổng quan");
    assertThat(browser.findElement(By.id("count-grants")).getText()).isEqualTo("2");
    wait.until(d -> "true".equals(d.findElement(By.id("chart")).getAttribute("data-rendered")));
    assertThat(browser.findElement(By.id("chart")).getAttribute("data-points")).isEqualTo("4");
    assertThat(browser.findElements(By.cssSelector("#chart svg path"))).isNotEmpty();
    assertThat(browser.findElement(By.id("chart")).getText()).contains("Bộ Công an");
    shot("dashboard");
  }

  @Test
  @Order(2)
  void theLanguageSwitchTurnsThePageIntoEnglishAndBack() throws Exception {
    browser.get(base + "/grants");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Quyền truy cập");
    browser.findElement(By.id("lang")).click();
    wait.until(d -> d.findElement(By.tagName("html")).getAttribute("lang").equals("en"));
    assertThat(browser.getCurrentUrl()).isEqualTo(base + "/grants");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Grants");
    shot("grants-en");
    browser.findElement(By.id("lang")).click();
    wait.until(d -> d.findElement(By.tagName("html")).getAttribute("lang").equals("vi"));
  }

  @Test
  @Order(3)
  void aGrantCreatedThroughTheFormAppearsInTheMatrixAndTheAuditLog() throws Exception {
    browser.get(base + "/grants");
    new Select(browser.findElement(By.id("client")))
        .selectByValue(ConsoleFixture.POPULATION.encoded());
    new Select(browser.findElement(By.id("service")))
        .selectByValue(ConsoleFixture.CITIZENS.encoded());
    browser.findElement(By.id("create-grant")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/grants?done=created"));
    assertThat(browser.findElement(By.cssSelector(".notice")).getText()).isEqualTo("Đã cấp quyền.");
    assertThat(browser.findElement(By.cssSelector("table.matrix")).getText())
        .contains(ConsoleFixture.POPULATION.encoded());
    shot("grants");
    browser.get(base + "/audit?q=grant.create");
    assertThat(browser.findElement(By.tagName("tbody")).getText())
        .contains("console.grant.create")
        .contains("admin");
    shot("audit");
    browser.get(base + "/service?id=" + ConsoleFixture.CITIZENS.encoded());
    assertThat(browser.findElement(By.id("openapi")).getText()).contains("Công dân");
    shot("service");
  }

  @Test
  @Order(4)
  void aLaterSignInAsksForTheTotpCode() throws Exception {
    browser.findElement(By.cssSelector("form[action='/logout'] button")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/login"));
    // the auditor's authenticator was set up a step ago; now it signs in with the current code
    byte[] secret = Totp.newSecret();
    Instant stepAgo = Instant.now().minusSeconds(30);
    assertThat(
            f.console
                .accounts()
                .enrolTotp("auditor", secret, f.console.accounts().currentCode(secret, stepAgo)))
        .isTrue();
    signIn("auditor");
    wait.until(d -> d.getCurrentUrl().endsWith("/login/totp"));
    shot("totp");
    browser
        .findElement(By.id("code"))
        .sendKeys(f.console.accounts().currentCode(secret, Instant.now()));
    browser.findElement(By.id("confirm")).click();
    wait.until(d -> d.getCurrentUrl().equals(base + "/"));
    assertThat(browser.findElement(By.cssSelector(".who")).getText()).contains("auditor");
    // an auditor gets no grant form
    browser.get(base + "/grants");
    assertThat(browser.findElements(By.id("create-grant"))).isEmpty();
    browser.findElement(By.cssSelector("form[action='/logout'] button")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/login"));
  }

  @Test
  @Order(5)
  void failedSignInsAreThrottled() throws Exception {
    for (int i = 0; i < 3; i++) {
      browser.get(base + "/login");
      browser.findElement(By.id("username")).sendKeys("admin");
      browser.findElement(By.id("password")).sendKeys("wrong password " + i);
      browser.findElement(By.id("signin")).click();
      // the answer replaces the page: read it once it has arrived, not the form it replaces
      assertThat(mainTextOnceItShows("Tên đăng nhập hoặc mật khẩu không đúng"))
          .contains("Tên đăng nhập hoặc mật khẩu không đúng");
    }
    signIn("admin");
    assertThat(mainTextOnceItShows("authentication.throttled"))
        .contains("429")
        .contains("authentication.throttled");
    shot("throttled");
    assertThat(Optional.of(browser.getCurrentUrl())).hasValue(base + "/login");
  }

  /** The page's main text once it contains {@code expected} (or what it holds after 10 s). */
  static String mainTextOnceItShows(String expected) {
    try {
      return wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .until(
              d -> {
                String text = d.findElement(By.tagName("main")).getText();
                return text.contains(expected) ? text : null;
              });
    } catch (org.openqa.selenium.TimeoutException e) {
      return browser.findElement(By.tagName("main")).getText();
    }
  }
}
