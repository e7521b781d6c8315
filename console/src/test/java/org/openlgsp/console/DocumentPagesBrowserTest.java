package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.StatusCode;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The document axis pages in Chromium, against a real axis: Tây Ninh's administrator follows its
 * sent document to its status history; axe-core finds no serious or critical violation on the three
 * pages in either language.
 */
@RequiresPeer(Peer.CHROMIUM)
class DocumentPagesBrowserTest {
  @TempDir Path dir;
  AxisFixture axis;
  ConsoleFixture f;
  WebDriver browser;

  @BeforeEach
  void start() throws Exception {
    axis = new AxisFixture(dir);
    f = axis.console(20);
    browser = Browser.start();
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    f.close();
    axis.close();
  }

  @Test
  void anAgencyAdministratorFollowsASentDocumentToItsStatusHistory() throws Exception {
    DocumentPackage doc =
        axis.send(AxisFixture.TN, AxisFixture.MPS, "501", "V/v triển khai trục liên thông");
    axis.report(doc, AxisFixture.MPS, StatusCode.ACCEPTED, "Đã vào sổ");
    String base = "http://127.0.0.1:" + f.console.port();
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
    Browser.firstSignIn(
        browser,
        wait,
        base,
        ConsoleFixture.username(ConsoleRole.AGENCY_ADMIN),
        ConsoleFixture.PASSWORD,
        f.console.accounts());

    browser.findElement(By.linkText("Văn bản điện tử")).click();
    wait.until(d -> d.getCurrentUrl().contains("/documents"));
    browser.findElement(By.id("tab-sent")).click();
    wait.until(d -> d.getCurrentUrl().contains("/documents/sent"));
    assertThat(browser.findElement(By.id("documents")).getText())
        .contains("V/v triển khai trục liên thông")
        .contains(AxisFixture.MPS.value());
    browser.findElement(By.className("document")).click();
    wait.until(d -> d.getCurrentUrl().contains("/documents/history"));
    assertThat(browser.findElement(By.id("statuses")).getText())
        .contains("03")
        .contains("Đã vào sổ");
    Browser.shot(browser, "document-history");

    Map<String, List<Axe.Violation>> found = new LinkedHashMap<>();
    String history = browser.getCurrentUrl().substring(base.length());
    for (String lang : List.of("vi", "en")) {
      browser.get(base + "/lang?to=" + lang + "&back=/");
      for (String page : List.of("/documents", "/documents/sent", history)) {
        browser.get(base + page);
        List<Axe.Violation> v = Axe.blocking(browser);
        if (!v.isEmpty()) {
          found.put(lang + " " + page, v);
        }
      }
    }
    assertThat(found).isEmpty();
  }
}
