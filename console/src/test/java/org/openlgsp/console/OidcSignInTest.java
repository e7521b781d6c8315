package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.registry.Registry;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * OpenID Connect sign-in against a real provider: panva's certified {@code oidc-provider} (peer
 * {@code oidc}) as a child process, a browser over HTTP going from the console's link through the
 * provider's authorization endpoint and interaction to the console's callback, which exchanges the
 * code at the provider's token endpoint and checks the ID token with the provider's published keys.
 * Each key of {@code console.oidc} is set here and its effect seen.
 */
@RequiresPeer(Peer.OIDC)
class OidcSignInTest {
  static final String SECRET = "a-console-client-secret-of-the-test-provider";
  static final String HS_SECRET = "another-client-secret-long-enough-for-hs256-keys";
  static final Pattern ENROL_SECRET = Pattern.compile("id=\"secret\">([A-Z2-7]+)<");
  @TempDir static Path shared;
  static OpenIdProvider provider;
  static Path secretFile;

  @TempDir Path dir;
  ConsoleFixture f;

  @BeforeAll
  static void provider() throws Exception {
    provider =
        OpenIdProvider.start(
            shared,
            List.of(
                OpenIdProvider.client("lgsp-console", SECRET, "RS256"),
                OpenIdProvider.client("lgsp-console-es", SECRET, "ES256"),
                OpenIdProvider.client("lgsp-console-ed", SECRET, "EdDSA"),
                OpenIdProvider.client("lgsp-console-hs", HS_SECRET, "HS256")));
    secretFile = Files.writeString(shared.resolve("console-oidc.secret"), SECRET + "\n");
  }

  @AfterAll
  static void stopProvider() throws Exception {
    if (provider != null) {
      provider.close();
    }
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The test's options: {@code sub} mapped, TOTP always asked, on {@code port}. */
  static ConsoleOptions.Oidc oidc(int port, Map<String, String> accounts) {
    return oidc(port, "lgsp-console", secretFile, List.of("openid"), "sub", accounts, List.of());
  }

  static ConsoleOptions.Oidc oidc(
      int port,
      String clientId,
      Path secret,
      List<String> scopes,
      String claim,
      Map<String, String> accounts,
      List<String> mfaAmr) {
    return new ConsoleOptions.Oidc(
        provider.issuer,
        clientId,
        secret.toString(),
        "http://127.0.0.1:" + port + ConsoleOptions.Oidc.CALLBACK,
        scopes,
        claim,
        accounts,
        mfaAmr,
        List.of("urn:lgsp:mfa"));
  }

  /** A console on a free port with these OIDC settings (issuer and redirect as the test's). */
  ConsoleFixture start(
      String clientId,
      Path secret,
      List<String> scopes,
      String claim,
      Map<String, String> accounts,
      List<String> mfaAmr)
      throws Exception {
    int port = freePort();
    return start(port, oidc(port, clientId, secret, scopes, claim, accounts, mfaAmr));
  }

  ConsoleFixture start(int port, ConsoleOptions.Oidc oidc) {
    f =
        new ConsoleFixture(
            TestDatabases.sqlite(dir),
            1000,
            ConsoleOptions.defaults().listening("127.0.0.1", port).withOidc(oidc));
    return f;
  }

  URI console(String path) {
    return URI.create("http://127.0.0.1:" + f.console.port() + path);
  }

  String base() {
    return "http://127.0.0.1:" + f.console.port();
  }

  URI atProvider(OidcBrowser b, String subject, String amr, String acr) throws Exception {
    return b.atProvider(base(), subject, amr, acr);
  }

  OidcBrowser.Page signIn(OidcBrowser b, String subject, String amr) throws Exception {
    return b.signIn(base(), subject, amr);
  }

  Registry.AuditEntry lastOidcAudit() {
    return f.registry.auditLog("console.login.oidc", 0, 1).getFirst();
  }

  @Test
  void theAuthorizationRequestUsesPkceS256AStateAndANonceAndTheConfiguredClientAndRedirect()
      throws Exception {
    int port = freePort();
    start(port, oidc(port, Map.of("ops-7f3c", "admin")));
    OidcBrowser.Page started = new OidcBrowser().get(console("/login/oidc"));
    URI to = URI.create(started.response().headers().firstValue("Location").orElseThrow());
    assertThat(to.toString()).startsWith(provider.issuer + "/auth?");
    assertThat(to.getQuery())
        .contains("response_type=code")
        .contains("client_id=lgsp-console")
        .contains("redirect_uri=http://127.0.0.1:" + port + "/login/oidc/callback")
        .contains("scope=openid")
        .contains("code_challenge_method=S256")
        .containsPattern("code_challenge=[A-Za-z0-9_-]{43}")
        .containsPattern("state=[A-Za-z0-9_-]{20,}")
        .containsPattern("nonce=[A-Za-z0-9_-]{20,}");
    assertThat(started.response().headers().allValues("Set-Cookie"))
        .anyMatch(
            c ->
                c.startsWith(OidcSignIn.STATE_COOKIE + "=")
                    && c.contains("HttpOnly")
                    && c.contains("SameSite=Lax"));
  }

  @Test
  void aMappedIdentitySignsInAsItsAccountWhichStillSetsUpAndGivesItsTotp() throws Exception {
    int port = freePort();
    start(port, oidc(port, Map.of("ops-7f3c", "admin")));
    assertThat(new OidcBrowser().get(console("/login")).body()).contains("href=\"/login/oidc\"");
    OidcBrowser b = new OidcBrowser();
    OidcBrowser.Page answer = signIn(b, "ops-7f3c", "pwd");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.refresh()).contains("/login/enrol");
    assertThat(lastOidcAudit().outcome()).isEqualTo("ok");
    assertThat(lastOidcAudit().detail()).contains("account admin by oidc sub ops-7f3c (TOTP next)");
    // not signed in before the second factor
    assertThat(b.get(console("/")).status()).isEqualTo(401);
    OidcBrowser.Page enrol = b.get(console("/login/enrol"));
    Matcher secret = ENROL_SECRET.matcher(enrol.body());
    assertThat(secret.find()).isTrue();
    String code =
        f.console.accounts().currentCode(Base32.decode(pad(secret.group(1))), Instant.now());
    OidcBrowser.Page done =
        b.post(console("/login/enrol"), Map.of("csrf", csrf(enrol.body()), "code", code));
    assertThat(done.status()).isEqualTo(303);
    OidcBrowser.Page home = b.get(console("/"));
    assertThat(home.status()).isEqualTo(200);
    assertThat(home.body()).contains("admin");
  }

  @Test
  void withMfaAmrOrMfaAcrTheProvidersSecondFactorStandsForTheTotp() throws Exception {
    start(
        "lgsp-console",
        secretFile,
        List.of("openid"),
        "sub",
        Map.of("ops-7f3c", "admin", "sec-91ab", "officer"),
        List.of("otp", "hwk"));
    OidcBrowser withOtp = new OidcBrowser();
    assertThat(signIn(withOtp, "ops-7f3c", "pwd otp").refresh()).contains("/");
    assertThat(withOtp.get(console("/")).status()).isEqualTo(200);
    assertThat(lastOidcAudit().detail()).contains("(second factor at the provider)");

    OidcBrowser withAcr = new OidcBrowser();
    assertThat(withAcr.get(atProvider(withAcr, "sec-91ab", "pwd", "urn:lgsp:mfa")).refresh())
        .contains("/");
    assertThat(withAcr.get(console("/")).status()).isEqualTo(200);

    OidcBrowser passwordOnly = new OidcBrowser();
    assertThat(signIn(passwordOnly, "ops-7f3c", "pwd").refresh()).contains("/login/enrol");
    assertThat(passwordOnly.get(console("/")).status()).isEqualTo(401);
  }

  @Test
  void anIdentityNotMappedOrMappedToNoAccountIsRefusedAndAudited() throws Exception {
    int port = freePort();
    start(port, oidc(port, Map.of("ops-7f3c", "admin", "ghost-1", "nobody")));
    OidcBrowser b = new OidcBrowser();
    OidcBrowser.Page stranger = signIn(b, "stranger-5d", "pwd otp");
    assertThat(stranger.status()).isEqualTo(401);
    assertThat(b.cookies.get("127.0.0.1:" + port)).doesNotContainKey(Sessions.COOKIE);
    Registry.AuditEntry row = lastOidcAudit();
    assertThat(row.outcome()).isEqualTo("console.unauthenticated");
    assertThat(row.detail()).contains("oidc sub stranger-5d (no account)");

    assertThat(signIn(new OidcBrowser(), "ghost-1", "pwd").status()).isEqualTo(401);
    assertThat(lastOidcAudit().detail()).contains("account nobody by oidc sub ghost-1");
  }

  @Test
  void aLockedAccountIsRefusedThroughTheProviderToo() throws Exception {
    int port = freePort();
    start(port, oidc(port, Map.of("ops-7f3c", "admin")));
    for (int i = 0; i < 5; i++) {
      f.console.accounts().checkPassword("admin", "wrong password " + i);
    }
    assertThat(f.console.accounts().locked("admin")).isTrue();
    assertThat(signIn(new OidcBrowser(), "ops-7f3c", "pwd").status()).isEqualTo(401);
  }

  @Test
  void aCallbackWithAnotherBrowsersStateAForgedStateOrAUsedOneIsRefused() throws Exception {
    int port = freePort();
    start(port, oidc(port, Map.of("ops-7f3c", "admin")));
    OidcBrowser victim = new OidcBrowser();
    URI callback = atProvider(victim, "ops-7f3c", "pwd", "");
    // the same answer delivered to another browser (login CSRF): no cookie of the sign-in
    OidcBrowser other = new OidcBrowser();
    assertThat(other.get(callback).status()).isEqualTo(401);
    assertThat(lastOidcAudit().detail()).contains("unknown, used or expired state");
    // the state is spent by that attempt: the right browser cannot use it either
    assertThat(victim.get(callback).status()).isEqualTo(401);

    OidcBrowser b = new OidcBrowser();
    URI good = atProvider(b, "ops-7f3c", "pwd", "");
    URI forged =
        URI.create(good.toString().replaceFirst("state=[^&]+", "state=forged-state-value"));
    assertThat(b.get(forged).status()).isEqualTo(401);
    assertThat(b.get(good).status()).as("the real state is still there").isEqualTo(200);
    assertThat(b.get(good).status()).as("used once").isEqualTo(401);
  }

  @Test
  void anHs256IdTokenIsRefusedWhateverTheSecretAndEs256AndEdDsaAreAccepted() throws Exception {
    Path hsSecret = Files.writeString(dir.resolve("hs.secret"), HS_SECRET);
    start(
        "lgsp-console-hs",
        hsSecret,
        List.of("openid"),
        "sub",
        Map.of("ops-7f3c", "admin"),
        List.of());
    assertThat(signIn(new OidcBrowser(), "ops-7f3c", "pwd").status()).isEqualTo(401);
    assertThat(lastOidcAudit().detail()).contains("ID token refused");
    f.close();
    f = null;

    for (String client : List.of("lgsp-console-es", "lgsp-console-ed")) {
      start(client, secretFile, List.of("openid"), "sub", Map.of("ops-7f3c", "admin"), List.of());
      assertThat(signIn(new OidcBrowser(), "ops-7f3c", "pwd").refresh())
          .as(client)
          .contains("/login/enrol");
      f.close();
      f = null;
    }
  }

  @Test
  void theClientSecretFileIsWhatTheTokenEndpointChecks() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong.secret"), "not-the-secret-the-provider-has");
    start("lgsp-console", wrong, List.of("openid"), "sub", Map.of("ops-7f3c", "admin"), List.of());
    assertThat(signIn(new OidcBrowser(), "ops-7f3c", "pwd").status()).isEqualTo(401);
    assertThat(lastOidcAudit().detail())
        .contains("the token endpoint refused the code: invalid_client");
    assertThat(lastOidcAudit().detail()).doesNotContain("not-the-secret");
    f.close();
    f = null;

    assertThatThrownBy(
            () ->
                start(
                    "lgsp-console",
                    dir.resolve("missing.secret"),
                    List.of("openid"),
                    "sub",
                    Map.of("x", "admin"),
                    List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("oidc.clientSecretFile: cannot read ");
  }

  @Test
  void claimEmailWithScopeEmailMapsTheVerifiedEmailAndRefusesAnUnverifiedOne() throws Exception {
    start(
        "lgsp-console",
        secretFile,
        List.of("openid", "email"),
        "email",
        Map.of(
            "officer1@example.gov.vn", "officer",
            "unverified-2@example.gov.vn", "auditor"),
        List.of());
    assertThat(signIn(new OidcBrowser(), "officer1", "pwd").refresh()).contains("/login/enrol");
    assertThat(lastOidcAudit().detail())
        .contains("account officer by oidc email officer1@example.gov.vn");
    assertThat(signIn(new OidcBrowser(), "unverified-2", "pwd").status()).isEqualTo(401);
    assertThat(lastOidcAudit().detail()).contains("email is not verified");
    f.close();
    f = null;

    // without the email scope the provider puts no email in the token: nobody maps
    start(
        "lgsp-console",
        secretFile,
        List.of("openid"),
        "email",
        Map.of("officer1@example.gov.vn", "officer"),
        List.of());
    assertThat(signIn(new OidcBrowser(), "officer1", "pwd").status()).isEqualTo(401);
  }

  @Test
  void anIssuerWhoseDiscoveryDocumentNamesAnotherIsUnavailableAndPasswordsStillWork()
      throws Exception {
    int port = freePort();
    String elsewhere = provider.issuer.replace("127.0.0.1", "localhost");
    start(
        port,
        new ConsoleOptions.Oidc(
            elsewhere,
            "lgsp-console",
            secretFile.toString(),
            "http://127.0.0.1:" + port + ConsoleOptions.Oidc.CALLBACK,
            null,
            null,
            Map.of("ops-7f3c", "admin"),
            null,
            null));
    OidcBrowser.Page answer = new OidcBrowser().get(console("/login/oidc"));
    assertThat(answer.status()).isEqualTo(502);
    assertThat(answer.body()).contains("console.oidc_unavailable");
    ConsoleClient c = f.client();
    c.signIn("admin", ConsoleFixture.PASSWORD, f.console.accounts());
    assertThat(c.get("/").statusCode()).isEqualTo(200);
  }

  static String csrf(String body) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(body);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static String pad(String base32) {
    return base32 + "=".repeat((8 - base32.length() % 8) % 8);
  }
}
