package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;

/** What a node's file says about its listeners reaches the running node (gateway and registry). */
class GatewayNodeSettingsTest {
  @TempDir Path dir;

  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  @Test
  void everyGatewayListenerBindsToTheConfiguredHostAndNoOther() throws Exception {
    Path file =
        config(
            "  host: 127.0.0.2\n"
                + "  clientTlsPort: 0\n"
                + "  clientHttpPort: 0\n"
                + "  peerPort: 0\n"
                + "  ledger: {apiPort: 0, auditorTokenSha256: "
                + Digests.hex(Digests.sha256("auditor".getBytes()))
                + "}\n");
    try (GatewayNode node =
        GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC())) {
      List<Integer> ports =
          List.of(
              node.gateway().clientTlsPort(),
              node.gateway().clientHttpPort().orElseThrow(),
              node.gateway().peerPort(),
              node.ledgerApiPort().orElseThrow());
      for (int port : ports) {
        assertThat(accepts("127.0.0.2", port)).as("127.0.0.2:%d", port).isTrue();
        assertThat(accepts("127.0.0.1", port)).as("127.0.0.1:%d", port).isFalse();
      }
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.2:"
                                  + node.gateway().clientHttpPort().orElseThrow()
                                  + "/token"))
                      .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(401); // a gateway answering, refusing a stranger
    }
  }

  @Test
  void withoutAHostTheListenersStayOnLoopback() throws Exception {
    Path file = config("  clientTlsPort: 0\n  peerPort: 0\n");
    try (GatewayNode node =
        GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC())) {
      assertThat(accepts("127.0.0.1", node.gateway().peerPort())).isTrue();
      assertThat(accepts("127.0.0.2", node.gateway().peerPort())).isFalse();
      assertThat(node.gateway().clientHttpPort()).isEmpty(); // the default: -1, no listener
    }
    Files.delete(dir.resolve("node.yaml"));
    Path off = config("  clientTlsPort: 0\n  clientHttpPort: -1\n  peerPort: 0\n");
    try (GatewayNode node =
        GatewayNode.start(NodeConfig.read(off).gateway().orElseThrow(), dir, Clock.systemUTC())) {
      assertThat(node.gateway().clientHttpPort()).isEmpty();
    }
  }

  @Test
  void aConnectionBeyondConnectionsPerListenerIsNotServed() throws Exception {
    Path file =
        config(
            "  clientTlsPort: 0\n  clientHttpPort: 0\n  peerPort: 0\n"
                + "  limits: {concurrentExchanges: 1, connectionsPerListener: 1}\n");
    try (GatewayNode node =
        GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC())) {
      assertThat(secondConnectionServed(node.gateway().clientHttpPort().orElseThrow())).isFalse();
    }
    Files.delete(dir.resolve("node.yaml"));
    file = config("  clientTlsPort: 0\n  clientHttpPort: 0\n  peerPort: 0\n"); // default 4096
    try (GatewayNode node =
        GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC())) {
      assertThat(secondConnectionServed(node.gateway().clientHttpPort().orElseThrow())).isTrue();
    }
  }

  /**
   * With one idle connection held open to {@code port}, whether a request on a second connection
   * gets an answer within three seconds.
   */
  private static boolean secondConnectionServed(int port) throws Exception {
    try (Socket first = new Socket("127.0.0.1", port);
        Socket second = new Socket("127.0.0.1", port)) {
      second.setSoTimeout(3000);
      second.getOutputStream().write("GET /nowhere HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes());
      try {
        return new String(second.getInputStream().readNBytes(9)).equals("HTTP/1.1 ");
      } catch (java.net.SocketTimeoutException waiting) {
        return false;
      } catch (java.net.SocketException reset) {
        return false;
      }
    }
  }

  @Test
  void theRegistryListensOnItsConfiguredHostAndNoOther() throws Exception {
    write(
        dir,
        "registry-signing",
        ca.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING,
            "OpenLGSP registry VN",
            "Test",
            List.of(),
            Duration.ofHours(1)));
    Path file = dir.resolve("registry.yaml");
    Files.writeString(
        file,
        "instance: VN\n"
            + "registry:\n"
            + "  host: 127.0.0.2\n"
            + "  port: 0\n"
            + "  database: jdbc:sqlite:data/registry.db\n"
            + "  adminTokenSha256: "
            + Digests.hex(Digests.sha256("admin".getBytes()))
            + "\n"
            + "  signing: {certificate: registry-signing.pem, key: registry-signing.key}\n");
    try (RegistryNode registry =
        RegistryNode.start(
            "VN",
            NodeConfig.read(file).registry().orElseThrow(),
            dir,
            new PrintStream(OutputStream.nullOutputStream()))) {
      assertThat(accepts("127.0.0.2", registry.port())).isTrue();
      assertThat(accepts("127.0.0.1", registry.port())).isFalse();
    }
  }

  static boolean accepts(String host, int port) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }

  private Path config(String settings) throws Exception {
    return config(dir, ca, settings);
  }

  /**
   * A fresh node.yaml whose gateway listens on free ports, keeps a database of its own and has
   * {@code key: {settings}} (the module settings a test is about).
   */
  static Path configWith(Path dir, CertificateAuthority ca, String key, String settings)
      throws Exception {
    java.nio.file.Files.deleteIfExists(dir.resolve("node.yaml"));
    return config(
        dir,
        ca,
        "  clientTlsPort: 0\n  peerPort: 0\n  database: jdbc:sqlite:data/gw-"
            + java.util.UUID.randomUUID()
            + ".db\n  "
            + key
            + ": {"
            + settings
            + "}\n");
  }

  /**
   * A gateway file in {@code dir} with its keys (issued by {@code ca}) written beside it, plus
   * {@code settings} (gateway lines, or top-level ones when not indented); its registry is
   * unreachable.
   */
  static Path config(Path dir, CertificateAuthority ca, String settings) throws Exception {
    write(
        dir,
        "tls",
        ca.issueCredentials(
            CertificateProfile.NODE_TLS, "gw1", "Test", List.of("localhost"), Duration.ofHours(1)));
    write(
        dir,
        "signing",
        ca.issueCredentials(
            CertificateProfile.MEMBER_SIGNING,
            "VN/GOV/000.00.00.H53",
            "Test",
            List.of(),
            Duration.ofHours(1)));
    Files.writeString(dir.resolve("registry.pem"), Pem.write(ca.certificate()));
    Path file = dir.resolve("node.yaml");
    Files.writeString(
        file,
        NodeConfigTest.GATEWAY
                .replace("certificate: s.pem", "certificate: signing.pem")
                .replace("key: s.key", "key: signing.key")
                .replace("http://127.0.0.1:7070", "http://127.0.0.1:1")
            + settings);
    return file;
  }

  static void write(Path dir, String name, Credentials c) throws Exception {
    Files.writeString(dir.resolve(name + ".pem"), Pem.write(c.chain().toArray()));
    Files.writeString(dir.resolve(name + ".key"), Pem.write(c.key()));
  }
}
