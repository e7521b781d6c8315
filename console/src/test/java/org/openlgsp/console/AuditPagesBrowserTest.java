package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ledger and subject-access pages in Debian's headless Chromium (chromium-driver): a security
 * officer reads the consent log's checkpoints and the witnessed gateway checkpoint, opens a
 * record's inclusion proof, uploads a gateway's export (sound, then with one byte changed) and
 * looks up a citizen. Screenshots go to {@code target/screenshots/}.
 */
@RequiresPeer(Peer.CHROMIUM)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditPagesBrowserTest {
  @TempDir static Path dir;
  static AuditFixture f;
  static WebDriver browser;
  static WebDriverWait wait;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start();
    f = new AuditFixture(dir);
    base = "http://127.0.0.1:" + f.console.port();
    wait = new WebDriverWait(browser, Duration.ofSeconds(10));
    // the officer's first sign-in, setting up its TOTP
    browser.get(base + "/login");
    browser.findElement(By.id("username")).sendKeys("officer");
    browser.findElement(By.id("password")).sendKeys(ConsoleFixture.PASSWORD);
    browser.findElement(By.id("signin")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/login/enrol"));
    String secret = browser.findElement(By.id("secret")).getText();
    byte[] key = Base32.decode(secret + "=".repeat((8 - secret.length() % 8) % 8));
    browser
        .findElement(By.id("code"))
        .sendKeys(f.console.accounts().currentCode(key, Instant.now()));
    browser.findElement(By.id("confirm")).click();
    wait.until(d -> d.getCurrentUrl().equals(base + "/"));
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

  @Test
  @Order(1)
  void theLedgerPageListsSignedCheckpointsAndOpensARecordsVerifiedProof() throws Exception {
    browser.findElement(By.linkText("Sổ cái")).click();
    wait.until(d -> d.getCurrentUrl().equals(base + "/ledger"));
    assertThat(browser.findElement(By.id("consent-origin")).getText())
        .isEqualTo("VN/registry/consents");
    assertThat(browser.findElements(By.cssSelector("#checkpoints tbody tr"))).hasSize(2);
    assertThat(
            browser
                .findElement(
                    By.cssSelector(
                        "#witnessed-logs tr[data-origin='" + AuditFixture.GATEWAY + "']"))
                .getText())
        .contains("Hợp lệ");
    Browser.shot(browser, "ledger");
    browser.findElement(By.id("index")).sendKeys("0");
    browser.findElement(By.id("show-proof")).click();
    wait.until(d -> d.getCurrentUrl().contains("/ledger/proof?index=0"));
    assertThat(browser.findElement(By.id("proof-verdict")).getText()).startsWith("Đã kiểm tra");
    assertThat(browser.findElement(By.id("record")).getText()).contains(f.consentId);
    Browser.shot(browser, "ledger-proof");
  }

  @Test
  @Order(2)
  void anUploadedExportIsSoundAndTheSameWithOneByteChangedIsNot() throws Exception {
    Path export = f.exportGatewayLedger(dir.resolve("export"));
    Path zip = Files.write(dir.resolve("gateway-export.zip"), AuditFixture.zip(export));
    upload(zip);
    assertThat(browser.findElement(By.id("verdict")).getText()).startsWith("Bản xuất toàn vẹn");
    assertThat(browser.findElement(By.id("records-count")).getText()).isEqualTo("3");
    Browser.shot(browser, "ledger-verify");

    Path records = export.resolve("records.bin");
    byte[] bytes = Files.readAllBytes(records);
    bytes[new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("m-2") + 2] = '9';
    Files.write(records, bytes);
    upload(Files.write(dir.resolve("gateway-export-edited.zip"), AuditFixture.zip(export)));
    assertThat(browser.findElement(By.id("verdict")).getText()).contains("KHÔNG toàn vẹn");
    assertThat(browser.findElement(By.id("first-bad")).getText()).isEqualTo("2");
    Browser.shot(browser, "ledger-verify-tampered");
  }

  private static void upload(Path zip) {
    browser.get(base + "/ledger");
    new Select(browser.findElement(By.id("log"))).selectByValue(AuditFixture.GATEWAY);
    browser.findElement(By.id("require-witness")).click();
    browser.findElement(By.id("export")).sendKeys(zip.toAbsolutePath().toString());
    browser.findElement(By.id("verify-export")).click();
    wait.until(d -> !d.findElements(By.id("verdict")).isEmpty());
  }

  @Test
  @Order(3)
  void aCitizenLookUpShowsEachAccessWithItsVerifiedProof() throws Exception {
    browser.get(base + "/");
    browser.findElement(By.linkText("Tra cứu truy cập dữ liệu công dân")).click();
    wait.until(d -> d.getCurrentUrl().equals(base + "/subjects"));
    browser.findElement(By.id("personalId")).sendKeys(AuditFixture.CITIZEN);
    browser.findElement(By.id("purpose")).sendKeys("yeu-cau-cong-dan:DVC-2026-0042");
    browser.findElement(By.id("lookup")).click();
    wait.until(d -> !d.findElements(By.id("report")).isEmpty());
    assertThat(browser.findElement(By.id("report-summary")).getText())
        .as(browser.findElement(By.id("gateways")).getText())
        .isEqualTo("Mọi cổng kết nối đã trả lời: 1 lần truy cập.");
    assertThat(browser.findElement(By.cssSelector("#accesses tr.access")).getText())
        .contains("UBND tỉnh Tây Ninh")
        .contains("Hồ sơ HS-2026-000123")
        .contains("Bằng chứng đã được kiểm tra");
    assertThat(browser.getPageSource()).doesNotContain(AuditFixture.CITIZEN);
    Browser.shot(browser, "subjects");
  }
}
