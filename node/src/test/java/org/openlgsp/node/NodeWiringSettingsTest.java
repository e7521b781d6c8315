package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Directory;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Pem;

/**
 * The keys that wire a node to its files and peers, each varied on a started node: the registry's
 * {@code adminTokenSha256} and {@code signing}; the gateway's {@code registryUrl}, {@code tls},
 * {@code signing}, {@code database}, {@code node} and its local systems' {@code oauthClientId} and
 * {@code secretSha256}.
 */
class NodeWiringSettingsTest {
  static final ClientId H53 = ClientId.parse("VN/GOV/000.00.00.H53");
  static final ClientId NEW_MEMBER = ClientId.parse("VN/GOV/000.00.00.A07");
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final HttpClient http = HttpClient.newHttpClient();

  static String sha256(String s) {
    return Digests.hex(Digests.sha256(s.getBytes(StandardCharsets.UTF_8)));
  }

  RegistryNode startRegistry(Path file) {
    return RegistryNode.start(
        "VN",
        NodeConfig.read(file).registry().orElseThrow(),
        dir,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  int status(String url, String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  SignedDocument directory(RegistryNode registry) throws Exception {
    return SignedDocument.parse(
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + registry.port() + "/directory"))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body(),
        Directory.SIGNED);
  }

  X509Certificate certificate(String file) throws Exception {
    return Pem.certificates(Files.readString(dir.resolve(file))).getFirst();
  }

  /**
   * adminTokenSha256: the admin API answers the token whose hash is written and refuses the other;
   * signing: the served directory verifies with the written signing certificate and not with the
   * other one. Both swapped in the file, the registry restarted: the other way round.
   */
  @Test
  void adminTokenSha256AndSigningAreTheRegistrysAdminTokenAndDirectoryKey() throws Exception {
    Path file = ManagementListenerTest.registryConfig(dir, ca, "");
    GatewayNodeSettingsTest.write(
        dir,
        "other-signing",
        ca.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING, "other", "Test", List.of(), Duration.ofHours(1)));
    X509Certificate first = certificate("registry-signing.pem");
    X509Certificate other = certificate("other-signing.pem");
    try (RegistryNode registry = startRegistry(file)) {
      assertAnswersAndSigns(registry, "admin", "another-admin-token", first, other);
    }
    Files.writeString(
        file,
        Files.readString(file)
            .replace(sha256("admin"), sha256("another-admin-token"))
            .replace("registry-signing.", "other-signing."));
    try (RegistryNode registry = startRegistry(file)) {
      assertAnswersAndSigns(registry, "another-admin-token", "admin", other, first);
    }
  }

  /**
   * The admin API answers {@code token} and refuses {@code notToken}; the directory verifies with
   * {@code signer} and is untrusted with {@code notSigner}.
   */
  private void assertAnswersAndSigns(
      RegistryNode registry,
      String token,
      String notToken,
      X509Certificate signer,
      X509Certificate notSigner)
      throws Exception {
    String members = "http://127.0.0.1:" + registry.port() + "/api/v1/members";
    assertThat(status(members, token)).isEqualTo(200);
    assertThat(status(members, notToken)).isEqualTo(401);
    SignedDocument d = directory(registry);
    assertThat(d.verify(List.of(signer), Instant.now(), Directory.SIGNED)).isNotNull();
    assertThatThrownBy(() -> d.verify(List.of(notSigner), Instant.now(), Directory.SIGNED))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("untrusted");
  }

  /**
   * A gateway wired as its file says: registryUrl (its directory is the running registry's, with
   * the member added there; pointed elsewhere it has none), tls (the certificate its TLS port
   * presents), signing (the member's signer), database (the file created), node (its checkpoints'
   * origin) and a local system's oauthClientId / secretSha256 (a token for that id and secret
   * only).
   */
  @Test
  void aGatewayUsesTheRegistryCertificatesDatabaseNodeIdAndClientCredentialsItsFileNames()
      throws Exception {
    Path registryFile = ManagementListenerTest.registryConfig(dir, ca, "");
    try (RegistryNode registry = startRegistry(registryFile)) {
      registry.registry().addMember(NEW_MEMBER, "Sở Thông tin và Truyền thông");
      String settings =
          "  clientTlsPort: 0\n  peerPort: 0\n  clientHttpPort: 0\n"
              + "  localSystems:\n"
              + "    - {id: VN/GOV/000.00.00.H53/DVC, oauthClientId: portal-7, secretSha256: "
              + sha256("portal-secret-0123456789")
              + "}\n";
      Path file = GatewayNodeSettingsTest.config(dir, ca, settings);
      String written =
          Files.readString(file)
              .replace("directoryTrust: [registry.pem]", "directoryTrust: [registry-signing.pem]")
              .replace("node: VN/GOV/000.00.00.H53/gw1", "node: VN/GOV/000.00.00.H53/gw7")
              .replace("jdbc:sqlite:data/gw.db", "jdbc:sqlite:data/wired-gateway.db");
      // registryUrl elsewhere (nothing listens on port 1): no directory
      Files.writeString(file, written);
      try (GatewayNode node = start(file)) {
        await()
            .during(Duration.ofMillis(500))
            .atMost(Duration.ofSeconds(3))
            .until(() -> node.directory().current().isEmpty());
      }
      Files.writeString(
          file, written.replace("http://127.0.0.1:1", "http://127.0.0.1:" + registry.port()));
      try (GatewayNode node = start(file)) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> node.directory().current().flatMap(d -> d.member(NEW_MEMBER)).isPresent());
        // tls: the certificate the client TLS port presents
        assertThat(presented(node.gateway().clientTlsPort()))
            .isEqualTo(certificate("tls.pem"))
            .isNotEqualTo(certificate("signing.pem"));
        // signing: the member's signer is the written certificate; no other member has one
        assertThat(node.gateway().signingCertificate(H53)).contains(certificate("signing.pem"));
        assertThat(node.gateway().signingCertificate(NEW_MEMBER)).isEmpty();
        // database: the written file, not the sample's
        assertThat(dir.resolve("data/wired-gateway.db")).exists();
        assertThat(dir.resolve("data/gw.db")).doesNotExist();
        // node: the origin of its checkpoints
        assertThat(node.checkpoints().publish().note().text())
            .startsWith("VN/GOV/000.00.00.H53/gw7\n");
        // oauthClientId + secretSha256: a token for that pair only
        String token =
            "http://127.0.0.1:" + node.gateway().clientHttpPort().orElseThrow() + "/token";
        assertThat(tokenStatus(token, "portal-7", "portal-secret-0123456789")).isEqualTo(200);
        assertThat(tokenStatus(token, "portal", "portal-secret-0123456789")).isEqualTo(401);
        assertThat(tokenStatus(token, "portal-7", "another-secret-0123456789")).isEqualTo(401);
      }
    }
  }

  private GatewayNode start(Path file) {
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
  }

  private int tokenStatus(String url, String id, String secret) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id="
                            + id
                            + "&client_secret="
                            + secret))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The leaf certificate a TLS server on 127.0.0.1:{@code port} presents (trusting anything). */
  private static X509Certificate presented(int port) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }
}
