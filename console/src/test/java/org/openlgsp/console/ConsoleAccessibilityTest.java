package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Accessibility of the console's pages in Chromium: axe-core ({@link Axe}) finds no serious or
 * critical violation (labels, contrast, landmarks, names of links and buttons, language) on the
 * sign-in pages, every main page in both languages and an error page; and the console is used with
 * the keyboard alone (a skip link first, then the navigation; signing in by Tab and Enter).
 */
@RequiresPeer(Peer.CHROMIUM)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleAccessibilityTest {
  @TempDir static Path dir;
  static ConsoleFixture f;
  static WebDriver browser;
  static WebDriverWait wait;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start();
    f = new ConsoleFixture(TestDatabases.sqlite(dir), 20);
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

  private static WebElement focused() {
    return browser.switchTo().activeElement();
  }

  private static void tab() {
    new Actions(browser).sendKeys(Keys.TAB).perform();
  }

  /** Signing in with the keyboard only: Tab from the page's start, type, Enter. */
  @Test
  @Order(1)
  void signingInWorksWithTheKeyboardAloneAndTheSkipLinkComesFirst() throws Exception {
    browser.get(base + "/login");
    assertThat(Axe.blocking(browser)).as("/login").isEmpty();
    // the form's first field has the focus on arrival; Tab goes on to the password and the button
    assertThat(focused().getAttribute("id")).isEqualTo("username");
    focused().sendKeys("admin");
    tab();
    assertThat(focused().getAttribute("id")).isEqualTo("password");
    focused().sendKeys(ConsoleFixture.PASSWORD);
    tab();
    assertThat(focused().getAttribute("id")).isEqualTo("signin");
    focused().sendKeys(Keys.ENTER);
    wait.until(d -> d.getCurrentUrl().endsWith("/login/enrol"));
    assertThat(Axe.blocking(browser)).as("/login/enrol").isEmpty();
    String secret = browser.findElement(By.id("secret")).getText();
    byte[] key = Base32.decode(secret + "=".repeat((8 - secret.length() % 8) % 8));
    WebElement code = browser.findElement(By.id("code"));
    code.sendKeys(f.console.accounts().currentCode(key, Instant.now()));
    code.sendKeys(Keys.ENTER);
    wait.until(d -> d.getCurrentUrl().equals(base + "/"));
    // a page freshly loaded: the first Tab stop is the skip link, then the navigation's first link
    browser.get(base + "/agencies");
    tab();
    assertThat(focused().getAttribute("id")).isEqualTo("skip");
    assertThat(focused().getText()).isEqualTo("Chuyển đến nội dung chính");
    tab();
    assertThat(focused().getAttribute("href")).isEqualTo(base + "/");
    // Enter on the skip link moves on to the main content: the next Tab stop is in it
    browser.get(base + "/agencies");
    tab();
    focused().sendKeys(Keys.ENTER);
    wait.until(d -> d.getCurrentUrl().endsWith("#main"));
    tab();
    assertThat(
            (Boolean)
                ((org.openqa.selenium.JavascriptExecutor) browser)
                    .executeScript(
                        "return document.getElementById('main').contains(document.activeElement);"))
        .isTrue();
  }

  @Test
  @Order(2)
  void theMainPagesInBothLanguagesAndAnErrorPageHaveNoSeriousViolation() throws Exception {
    List<String> pages =
        List.of(
            "/",
            "/agencies",
            "/systems",
            "/services",
            "/service?id=" + ConsoleFixture.CITIZENS.encoded(),
            "/grants",
            "/nodes",
            "/anchors",
            "/statistics",
            "/alerts",
            "/records",
            "/audit",
            "/service?id=VN/GOV/000.00.00.X99/none/none");
    Map<String, List<Axe.Violation>> found = new LinkedHashMap<>();
    for (String lang : List.of("vi", "en")) {
      browser.get(base + "/lang?to=" + lang + "&back=/");
      for (String page : pages) {
        browser.get(base + page);
        if (page.equals("/")) {
          wait.until(
              d -> "true".equals(d.findElement(By.id("chart")).getAttribute("data-rendered")));
        }
        List<Axe.Violation> all = Axe.check(browser);
        all.stream()
            .filter(x -> !x.blocking())
            .forEach(x -> System.err.println("axe, not failing: " + lang + " " + page + ": " + x));
        List<Axe.Violation> v = all.stream().filter(Axe.Violation::blocking).toList();
        if (!v.isEmpty()) {
          found.put(lang + " " + page, v);
        }
      }
    }
    assertThat(found).isEmpty();
  }

  /** The check is live: an input without a label and low-contrast text put into a page fail it. */
  @Test
  @Order(3)
  void theCheckFindsAnUnlabelledFieldAndLowContrastTextPutIntoAPage() {
    browser.get(base + "/agencies");
    assertThat(Axe.blocking(browser)).isEmpty();
    ((org.openqa.selenium.JavascriptExecutor) browser)
        .executeScript(
            "var i = document.createElement('input'); i.id = 'unlabelled';"
                + " document.getElementById('main').appendChild(i);"
                + " var p = document.createElement('p'); p.textContent = 'faint';"
                + " p.style.color = '#ccc'; p.style.background = '#fff';"
                + " document.getElementById('main').appendChild(p);");
    assertThat(Axe.blocking(browser))
        .extracting(Axe.Violation::rule)
        .contains("label", "color-contrast");
  }
}
