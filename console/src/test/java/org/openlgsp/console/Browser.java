package org.openlgsp.console;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.Peers;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by chromium-driver for the console's browser tests (this
 * module's and the testkit's, which runs the console against a real federation), and the
 * screenshots they write to {@code target/screenshots/}.
 */
public final class Browser {
  public static final Path SHOTS = Path.of("target", "screenshots");
  static final File DRIVER = new File("/usr/bin/chromedriver");

  private Browser() {}

  /** A headless Chromium, or the test skipped (or failed when required) without chromedriver. */
  public static WebDriver start() throws Exception {
    if (!DRIVER.canExecute()) {
      Peers.missing(Peer.CHROMIUM, "chromedriver not found at " + DRIVER + " (chromium-driver)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(Path.of("/usr/bin/chromium").toString());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).usingAnyFreePort().build();
    WebDriver browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    Files.createDirectories(SHOTS);
    return browser;
  }

  /** Writes what {@code browser} shows to {@code target/screenshots/console-<name>.png}. */
  public static void shot(WebDriver browser, String name) throws Exception {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve("console-" + name + ".png"), png);
  }

  /**
   * Signs {@code username} in for the first time at the console on {@code base}: the password, then
   * the TOTP set-up with the secret the page shows, until the dashboard opens.
   */
  public static void firstSignIn(
      WebDriver browser,
      org.openqa.selenium.support.ui.WebDriverWait wait,
      String base,
      String username,
      String password,
      Accounts accounts) {
    browser.get(base + "/login");
    browser.findElement(org.openqa.selenium.By.id("username")).sendKeys(username);
    browser.findElement(org.openqa.selenium.By.id("password")).sendKeys(password);
    browser.findElement(org.openqa.selenium.By.id("signin")).click();
    wait.until(d -> d.getCurrentUrl().endsWith("/login/enrol"));
    String secret = browser.findElement(org.openqa.selenium.By.id("secret")).getText();
    byte[] key =
        org.bouncycastle.util.encoders.Base32.decode(
            secret + "=".repeat((8 - secret.length() % 8) % 8));
    browser
        .findElement(org.openqa.selenium.By.id("code"))
        .sendKeys(accounts.currentCode(key, java.time.Instant.now()));
    browser.findElement(org.openqa.selenium.By.id("confirm")).click();
    wait.until(d -> d.getCurrentUrl().equals(base + "/"));
  }
}
