package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.console.OidcBrowser;
import org.openlgsp.console.OpenIdProvider;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * {@code registry.console.oidc} and {@code gateway.console.oidc}: a node started from its file
 * signs people in through a real OpenID provider (panva's {@code oidc-provider}, peer {@code oidc})
 * with every key as written: the issuer asked, the client and its secret from the file beside
 * node.yaml, the redirect, the scopes, the claim and its accounts, and the provider's second factor
 * trusted by {@code mfaAmr} and {@code mfaAcr}.
 */
class ConsoleOidcSettingsTest {
  static final String SECRET = "the-console-client-secret-in-its-own-file";
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The oidc section (flow style) for a console on {@code port}. */
  private static String oidc(String issuer, int port) {
    return "oidc: {issuer: '"
        + issuer
        + "', clientId: lgsp-console, clientSecretFile: console-oidc.secret, redirectUri:"
        + " 'http://127.0.0.1:"
        + port
        + "/login/oidc/callback', scopes: [openid, email], claim: email, accounts:"
        + " {'ops@example.gov.vn': ops}, mfaAmr: [otp], mfaAcr: ['urn:lgsp:mfa']}";
  }

  private OpenIdProvider provider() throws Exception {
    Files.writeString(dir.resolve("console-oidc.secret"), SECRET + "\n");
    return OpenIdProvider.start(
        dir, List.of(OpenIdProvider.client("lgsp-console", SECRET, "RS256")));
  }

  /** What the console at {@code base} does with {@code ops} signed in as the keys say. */
  private static void signsInAsWritten(String base) throws Exception {
    // claim email with scope email, mapped by accounts; amr otp in mfaAmr: no TOTP step
    OidcBrowser withOtp = new OidcBrowser();
    assertThat(withOtp.signIn(base, "ops", "pwd otp").refresh()).contains("/");
    assertThat(withOtp.get(URI.create(base + "/")).status()).isEqualTo(200);
    // the acr of mfaAcr does the same
    OidcBrowser withAcr = new OidcBrowser();
    assertThat(withAcr.get(withAcr.atProvider(base, "ops", "pwd", "urn:lgsp:mfa")).refresh())
        .contains("/");
    // a password alone at the provider: the account's own TOTP comes next
    assertThat(new OidcBrowser().signIn(base, "ops", "pwd").refresh()).contains("/login/enrol");
    // an email not in accounts
    assertThat(new OidcBrowser().signIn(base, "someone-else", "pwd otp").status()).isEqualTo(401);
  }

  @Test
  @RequiresPeer(Peer.OIDC)
  void theRegistryConsoleSignsInThroughTheProviderWithEveryKeyAsWritten() throws Exception {
    int port = freePort();
    try (OpenIdProvider provider = provider();
        RegistryNode registry =
            RegistryNode.start(
                "VN",
                NodeConfig.read(
                        ManagementListenerTest.registryConfig(
                            dir,
                            ca,
                            "  console: {enabled: true, port: "
                                + port
                                + ", "
                                + oidc(provider.issuer, port)
                                + "}\n"))
                    .registry()
                    .orElseThrow(),
                dir,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      registry
          .console()
          .orElseThrow()
          .accounts()
          .create("ops", ConsoleRole.PLATFORM_ADMIN, Optional.empty());
      signsInAsWritten("http://127.0.0.1:" + port);
      assertThat(registry.registry().auditLog("console.login.oidc", 0, 10))
          .anyMatch(e -> e.detail().contains("account ops by oidc email ops@example.gov.vn"))
          .anyMatch(e -> e.outcome().equals("console.unauthenticated"));
    }
  }

  @Test
  @RequiresPeer(Peer.OIDC)
  void theGatewayNodeConsoleSignsInThroughTheProviderWithEveryKeyAsWritten() throws Exception {
    int port = freePort();
    try (OpenIdProvider provider = provider();
        GatewayNode node =
            GatewayNode.start(
                NodeConfig.read(
                        gatewayConfig(
                            "enabled: true, port: " + port + ", " + oidc(provider.issuer, port)))
                    .gateway()
                    .orElseThrow(),
                dir,
                Clock.systemUTC())) {
      node.console()
          .orElseThrow()
          .accounts()
          .create("ops", ConsoleRole.SECURITY_OFFICER, Optional.empty());
      signsInAsWritten("http://127.0.0.1:" + port);
    }
  }

  private Path gatewayConfig(String console) throws Exception {
    Files.deleteIfExists(dir.resolve("node.yaml"));
    return GatewayNodeSettingsTest.config(
        dir,
        ca,
        "  clientTlsPort: 0\n  peerPort: 0\n  database: jdbc:sqlite:data/gw-"
            + UUID.randomUUID()
            + ".db\n  console: {"
            + console
            + "}\n");
  }

  @Test
  void aClientSecretFileThatCannotBeReadStopsTheStartNamingTheKeyNotTheSecret() throws Exception {
    int port = freePort();
    Path file =
        ManagementListenerTest.registryConfig(
            dir,
            ca,
            "  console: {enabled: true, port: "
                + port
                + ", "
                + oidc("https://id.example.gov.vn", port)
                + "}\n");
    assertThatThrownBy(
            () ->
                RegistryNode.start(
                    "VN",
                    NodeConfig.read(file).registry().orElseThrow(),
                    dir,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .hasMessageStartingWith("registry.console.oidc.clientSecretFile: cannot read ")
        .hasMessageContaining("console-oidc.secret");
    assertThatThrownBy(
            () ->
                GatewayNode.start(
                    NodeConfig.read(
                            gatewayConfig(
                                "enabled: true, port: 0, "
                                    + oidc("https://id.example.gov.vn", port)))
                        .gateway()
                        .orElseThrow(),
                    dir,
                    Clock.systemUTC()))
        .hasMessageStartingWith("gateway.console.oidc.clientSecretFile: cannot read ");
  }

  @Test
  void aMisspelledMissingOrUnsafeOidcKeyIsRefusedWhenTheFileIsRead() throws Exception {
    String good = oidc("https://id.example.gov.vn", 8480);
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    gatewayConfig(
                        "enabled: true, " + good.replace("clientSecretFile", "clientSecret"))))
        .hasMessageContaining("clientSecret");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    gatewayConfig(
                        "enabled: true, "
                            + good.replace(
                                "https://id.example.gov.vn", "http://id.example.gov.vn"))))
        .hasMessageContaining("oidc.issuer: https");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    gatewayConfig(
                        "enabled: true, " + good.replace("/login/oidc/callback", "/elsewhere"))))
        .hasMessageContaining("oidc.redirectUri");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    gatewayConfig(
                        "enabled: true, "
                            + good.replace("scopes: [openid, email]", "scopes: [email]"))))
        .hasMessageContaining("oidc.scopes: must hold openid");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    gatewayConfig(
                        "enabled: true, " + good.replace("{'ops@example.gov.vn': ops}", "{}"))))
        .hasMessageContaining("oidc.accounts");
  }
}
