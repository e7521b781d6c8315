package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The OIDC sign-in in Chromium, across sites: the console at {@code localhost}, the provider
 * (panva's {@code oidc-provider}) at {@code 127.0.0.1}, so that the browser applies its SameSite
 * rules as it would with a provider on another domain. The state cookie (Lax) must come back with
 * the provider's redirect, and the session cookie (Strict) must be sent once the console's page
 * refreshes to the dashboard.
 */
@RequiresPeer({Peer.OIDC, Peer.CHROMIUM})
class OidcSignInBrowserTest {
  static final String SECRET = "a-console-client-secret-of-the-browser-test";
  @TempDir Path dir;

  @Test
  void aPersonSignsInThroughTheProviderOnAnotherSiteAndLandsOnTheDashboard() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path secret = Files.writeString(dir.resolve("oidc.secret"), SECRET);
    String base = "http://localhost:" + port;
    try (OpenIdProvider provider =
            OpenIdProvider.start(
                dir, List.of(OpenIdProvider.client("lgsp-console", SECRET, "ES256")));
        ConsoleFixture f =
            new ConsoleFixture(
                TestDatabases.sqlite(dir),
                1000,
                ConsoleOptions.defaults()
                    .listening("127.0.0.1", port)
                    .withOidc(
                        new ConsoleOptions.Oidc(
                            provider.issuer,
                            "lgsp-console",
                            secret.toString(),
                            base + ConsoleOptions.Oidc.CALLBACK,
                            null,
                            null,
                            Map.of("ops-7f3c", "officer"),
                            List.of("otp"),
                            null)))) {
      WebDriver browser = Browser.start();
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        browser.get(base + "/login");
        browser.findElement(By.id("signin-oidc")).click();
        wait.until(d -> d.getCurrentUrl().startsWith(provider.issuer + "/interaction/"));
        browser.findElement(By.id("login")).sendKeys("ops-7f3c");
        browser.findElement(By.id("amr")).sendKeys("pwd otp");
        browser.findElement(By.id("go")).click();
        wait.until(d -> d.getCurrentUrl().equals(base + "/"));
        assertThat(browser.getPageSource()).contains("officer").contains("action=\"/logout\"");
        Browser.shot(browser, "oidc-signed-in");
        assertThat(f.registry.auditLog("console.login.oidc", 0, 1).getFirst().detail())
            .contains("account officer by oidc sub ops-7f3c (second factor at the provider)");
      } finally {
        browser.quit();
      }
    }
  }
}
