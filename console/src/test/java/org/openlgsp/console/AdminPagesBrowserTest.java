package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.Enrolments;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The administration pages in Debian's headless Chromium (Selenium, chromium-driver): an enrolment
 * request approved with the names it asks for shown, its certificate then on the certificates page;
 * a trust anchor imported from a PEM file chosen in the file input, and a garbage file refused with
 * the reason; an account created with its password shown once. Screenshots go to {@code
 * target/screenshots/}.
 */
@RequiresPeer(Peer.CHROMIUM)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminPagesBrowserTest {
  @TempDir static Path dir;
  static ConsoleFixture f;
  static WebDriver browser;
  static WebDriverWait wait;
  static String base;
  static String request;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start();
    f = new ConsoleFixture(TestDatabases.sqlite(dir.resolve("db")), 1000);
    base = "http://127.0.0.1:" + f.console.port();
    wait = new WebDriverWait(browser, Duration.ofSeconds(10));
    request =
        f.enrolments.submit(
            Enrolments.Kind.NODE_TLS,
            "VN/GOV/000.00.00.H53/gw1",
            AdminPagesHttpTest.csr(
                "VN/GOV/000.00.00.H53/gw1", List.of("gw1.tayninh.gov.vn", "10.20.0.5")));
    Browser.firstSignIn(
        browser, wait, base, "admin", ConsoleFixture.PASSWORD, f.console.accounts());
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
  void anEnrolmentIsApprovedWithTheNamesItAsksForShownAndItsCertificateIsListed() throws Exception {
    browser.findElement(By.linkText("Yêu cầu cấp chứng thư")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/enrolments"));
    WebElement row = browser.findElement(By.id("enrolment-" + request));
    assertThat(row.getText())
        .contains("gw1.tayninh.gov.vn")
        .contains("10.20.0.5")
        .contains("Chờ phê duyệt");
    Browser.shot(browser, "enrolments");
    row.findElement(By.cssSelector("button.approve")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/enrolments?done=approved"));
    assertThat(browser.findElement(By.cssSelector(".notice")).getText())
        .isEqualTo("Đã phê duyệt yêu cầu và cấp chứng thư.");
    assertThat(browser.findElement(By.id("enrolment-" + request)).getText())
        .contains("Đã phê duyệt");
    String serial = f.enrolments.list().get(0).certificateSerial().orElseThrow();

    browser.findElement(By.linkText("Chứng thư số")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/certificates"));
    assertThat(browser.findElement(By.id("certificates")).getText())
        .contains(serial)
        .contains("CN=Console test CA");
    Browser.shot(browser, "certificates");
  }

  @Test
  @Order(2)
  void aTrustAnchorIsImportedFromAChosenPemFileAndGarbageIsRefused() throws Exception {
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "this is not a certificate\n");
    browser.get(base + "/anchors");
    browser.findElement(By.id("pem-file")).sendKeys(garbage.toAbsolutePath().toString());
    wait.until(d -> !d.findElement(By.id("pem")).getDomProperty("value").isEmpty());
    browser.findElement(By.id("import-anchor")).click();
    wait.until(d -> !d.findElements(By.id("anchor-error")).isEmpty());
    assertThat(browser.findElement(By.id("anchor-error")).getText())
        .contains("không phải là đúng một chứng thư ở dạng PEM");
    Browser.shot(browser, "anchors-refused");
    assertThat(f.registry.trustAnchors()).hasSize(1);

    CertificateAuthority government =
        CertificateAuthority.createRoot("Government CA", Duration.ofDays(90));
    Path pem = dir.resolve("government-ca.pem");
    Files.writeString(pem, Pem.write(government.certificate()));
    browser.findElement(By.id("pem")).clear();
    browser.findElement(By.id("pem-file")).sendKeys(pem.toAbsolutePath().toString());
    wait.until(
        d -> d.findElement(By.id("pem")).getDomProperty("value").contains("BEGIN CERTIFICATE"));
    browser.findElement(By.id("import-anchor")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/anchors?done=imported"));
    assertThat(browser.findElement(By.tagName("tbody")).getText())
        .contains("CN=Government CA")
        .contains(Certificates.fingerprint(government.certificate()));
    Browser.shot(browser, "anchors");
  }

  @Test
  @Order(3)
  void anAccountIsCreatedWithItsPasswordShownOnce() throws Exception {
    browser.findElement(By.linkText("Tài khoản")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/accounts"));
    browser.findElement(By.id("new-username")).sendKeys("tn-officer");
    new Select(browser.findElement(By.id("new-role"))).selectByValue("agency-admin");
    new Select(browser.findElement(By.id("new-agency"))).selectByValue(ConsoleFixture.TN.encoded());
    browser.findElement(By.id("create-account")).click();
    wait.until(d -> !d.findElements(By.id("password")).isEmpty());
    String password = browser.findElement(By.id("password")).getText();
    assertThat(password).hasSizeGreaterThanOrEqualTo(20);
    Browser.shot(browser, "account-created");
    assertThat(f.console.accounts().find("tn-officer").orElseThrow().agency())
        .hasValue(ConsoleFixture.TN);

    browser.get(base + "/accounts");
    assertThat(browser.findElement(By.id("account-tn-officer")).getText())
        .contains("Quản trị viên cơ quan")
        .contains(ConsoleFixture.TN.encoded());
    assertThat(browser.getPageSource()).doesNotContain(password);
    Browser.shot(browser, "accounts");
  }
}
