package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.TlsContexts;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * What the gateway's TLS listeners serve, seen by OpenSSL's {@code s_client} as an independent
 * peer: TLS 1.3 with the three AEAD suites of docs/pki.md and nothing else — a TLS 1.2 client (and
 * with it every CBC suite and any renegotiation) is refused on the client and the peer port.
 */
@RequiresPeer(Peer.OPENSSL)
class TlsParametersTest {
  @TempDir Path dir;
  TwoGateways net;

  @BeforeEach
  void start() {
    net = new TwoGateways(dir);
  }

  @AfterEach
  void stop() {
    net.close();
  }

  record Handshake(boolean established, String output) {
    String protocol() {
      return line("Protocol version: ");
    }

    String suite() {
      return line("Ciphersuite: ");
    }

    private String line(String prefix) {
      return output
          .lines()
          .filter(l -> l.startsWith(prefix))
          .map(l -> l.substring(prefix.length()).trim())
          .findFirst()
          .orElse("");
    }
  }

  @Test
  void tls12ClientsAreRefusedOnTheClientAndThePeerPort() throws Exception {
    for (int port : List.of(net.tn.clientTlsPort(), net.mps.peerPort())) {
      Handshake h = sClient(port, net.tnTls, "-tls1_2");
      assertThat(h.established()).as("TLS 1.2 on port %d: %s", port, h.output()).isFalse();
      assertThat(h.output()).containsIgnoringCase("protocol version");
    }
  }

  @Test
  void aTls12ClientReadyToRenegotiateIsRefusedBeforeItCouldTry() throws Exception {
    // renegotiation exists only up to TLS 1.2; a client asking for 1.2 with legacy renegotiation
    // allowed gets no session to renegotiate in
    for (int port : List.of(net.tn.clientTlsPort(), net.mps.peerPort())) {
      Handshake h = sClient(port, net.tnTls, "-tls1_2", "-legacy_renegotiation");
      assertThat(h.established()).as("port %d: %s", port, h.output()).isFalse();
      assertThat(h.output()).containsIgnoringCase("protocol version");
    }
  }

  @Test
  void cbcSuitesAreRefusedWhateverTheVersion() throws Exception {
    // the CBC suites the JDK would otherwise negotiate under TLS 1.2 (testssl: LUCKY13)
    String cbc =
        "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256"
            + ":ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-SHA:AES256-SHA";
    for (int port : List.of(net.tn.clientTlsPort(), net.mps.peerPort())) {
      Handshake h = sClient(port, net.tnTls, "-no_tls1_3", "-cipher", cbc);
      assertThat(h.established()).as("CBC on port %d: %s", port, h.output()).isFalse();
    }
  }

  @Test
  void tls13WithEachDocumentedSuiteAndARegisteredCertificateIsAccepted() throws Exception {
    for (String suite : TlsContexts.CIPHER_SUITES) {
      Handshake client =
          sClient(net.tn.clientTlsPort(), net.portalClientCert, "-tls1_3", "-ciphersuites", suite);
      assertThat(client.established()).as(client.output()).isTrue();
      assertThat(client.protocol()).isEqualTo("TLSv1.3");
      assertThat(client.suite()).isEqualTo(suite);
      // docs/pki.md: ephemeral ECDHE, x25519 first
      assertThat(client.output()).contains("Server Temp Key: X25519");
      Handshake peer = sClient(net.mps.peerPort(), net.tnTls, "-tls1_3", "-ciphersuites", suite);
      assertThat(peer.established()).as(peer.output()).isTrue();
      assertThat(peer.suite()).isEqualTo(suite);
    }
  }

  @Test
  void theClientsOrderOfPreferenceDecidesTheSuite() throws Exception {
    // docs/pki.md: the client's order decides (the server does not impose its own)
    for (List<String> order :
        List.of(
            List.of("TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"),
            List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"))) {
      Handshake h =
          sClient(
              net.tn.clientTlsPort(),
              net.portalClientCert,
              "-tls1_3",
              "-ciphersuites",
              String.join(":", order));
      assertThat(h.established()).as(h.output()).isTrue();
      assertThat(h.suite()).isEqualTo(order.getFirst());
    }
  }

  /**
   * The other direction: the client a gateway opens towards a peer node ({@code TlsPolicy.client},
   * as {@code PeerClients} builds it) against {@code openssl s_server}. A peer that offers only TLS
   * 1.2, or TLS 1.3 with none of the documented suites, is refused; one that speaks TLS 1.3 is
   * answered.
   */
  @Test
  void thePeerClientRefusesAServerOfferingTls12OrOtherSuites() throws Exception {
    assertThat(peerClientCall("-tls1_2")).as("TLS 1.2 server").isFalse();
    assertThat(peerClientCall("-tls1_2", "-legacy_renegotiation"))
        .as("TLS 1.2, legacy reneg")
        .isFalse();
    // a TLS 1.3 server restricted to a suite outside the documented three (CCM)
    assertThat(peerClientCall("-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_SHA256"))
        .as("TLS 1.3 with CCM only")
        .isFalse();
    assertThat(peerClientCall("-tls1_3")).as("TLS 1.3 server").isTrue();
  }

  /** True when the peer client completed a request to an {@code openssl s_server -www}. */
  private boolean peerClientCall(String... serverOptions) throws Exception {
    Path cert = Files.createTempFile(dir, "srv", ".pem");
    Path key = Files.createTempFile(dir, "srvkey", ".pem");
    Files.writeString(cert, Pem.write(net.mpsTls.certificate()));
    Files.writeString(key, Pem.write(net.mpsTls.key()));
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_server",
                "-accept",
                "127.0.0.1:" + port,
                "-cert",
                cert.toString(),
                "-key",
                key.toString(),
                "-www"));
    cmd.addAll(List.of(serverOptions));
    Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      awaitListening(port);
      var pins =
          java.util.Set.of(org.openlgsp.core.Certificates.fingerprint(net.mpsTls.certificate()));
      io.helidon.webclient.api.WebClient client =
          io.helidon.webclient.api.WebClient.builder()
              .baseUri("https://127.0.0.1:" + port)
              .tls(
                  TlsPolicy.client(
                      TlsContexts.create(
                          net.tnTls, new org.openlgsp.pki.PinnedTrustManager(() -> pins))))
              .connectTimeout(java.time.Duration.ofSeconds(5))
              .readTimeout(java.time.Duration.ofSeconds(5))
              .build();
      try (var res = client.get("/").request()) {
        return res.status().code() == 200;
      } catch (RuntimeException refused) {
        return false;
      }
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Until {@code openssl s_server} accepts connections (a plain connect; it serves on after it).
   */
  private static void awaitListening(int port) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .pollInterval(java.time.Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              new java.net.Socket("127.0.0.1", port).close();
              return true;
            });
  }

  /** One handshake by {@code openssl s_client -brief} presenting {@code own}; stdin is empty. */
  Handshake sClient(int port, Credentials own, String... options) throws IOException {
    Path cert = Files.createTempFile(dir, "cert", ".pem");
    Path key = Files.createTempFile(dir, "key", ".pem");
    Files.writeString(cert, Pem.write(own.certificate()));
    Files.writeString(key, Pem.write(own.key()));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-brief",
                "-connect",
                "127.0.0.1:" + port,
                "-cert",
                cert.toString(),
                "-key",
                key.toString()));
    cmd.addAll(List.of(options));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("openssl s_client did not finish: " + cmd);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Handshake(out.contains("CONNECTION ESTABLISHED"), out);
  }
}
