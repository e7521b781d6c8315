package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the trust-services listener (what {@code lgsp ca serve} runs) no longer holds a client
 * that stops inside its request: gateways fail closed when OCSP is unreachable, so a handful of
 * stalled connections must not take the responder away. Checked on the real {@link TrustServer},
 * with its real limits (the edge's 10 s header and 60 s idle timeouts), while {@code openssl ocsp}
 * — an independent OCSP client — is answered in the meantime.
 */
class TrustServerSlowClientTest {
  /** The edge's header timeout (docs/protocol.md, "Slow clients"), plus scheduling slack. */
  static final Duration HEADER_TIMEOUT_BOUND = Duration.ofSeconds(10 + 5);

  /**
   * The edge's idle timeout (a connection that has not sent a whole request line), 60 s, checked
   * every quarter of it (Helidon's idle connection period), plus slack.
   */
  static final Duration IDLE_TIMEOUT_BOUND = Duration.ofSeconds(60 + 15 + 15);

  @TempDir Path dir;
  TrustFixture trust;
  final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    trust = new TrustFixture(dir);
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    trust.close();
  }

  /**
   * Twenty clients stalled inside their headers (slowloris), one that sent only the start of a TLS
   * ClientHello (a client configured with https:// for these plain-HTTP services) and one that sent
   * part of a request line: an independent OCSP client is answered promptly all the while, the
   * stalled ones are closed within the header timeout, the other two within the idle timeout
   * (before issue 13 they were held for good).
   */
  @Test
  void stalledClientsAreClosedInBoundedTimeWhileOpensslOcspIsAnswered() throws Exception {
    Credentials node = trust.issue(CertificateProfile.NODE_TLS, "VN:GOV:000.00.00.G01:gw1");
    OpenSsl.write(dir, "root.pem", Pem.write(trust.root.certificate()));
    OpenSsl.write(dir, "issuing.pem", Pem.write(trust.issuing.certificate()));
    OpenSsl.write(dir, "leaf.pem", Pem.write(node.certificate()));

    long closedBefore = org.openlgsp.edge.Edge.slowConnectionsClosed();
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      // a POST /ocsp whose headers never end: what a slowloris client sends
      stalled.add(
          connectAndSend(
              "POST /ocsp HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-"
                  .getBytes(StandardCharsets.US_ASCII)));
    }
    // the start of a TLS ClientHello record (handshake, version 3.1, length 512, ClientHello ...)
    Socket hello =
        connectAndSend(
            new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
    Socket partialLine = connectAndSend("POST /oc".getBytes(StandardCharsets.US_ASCII));
    long t0 = System.nanoTime();

    // meanwhile an independent OCSP client is answered, and promptly
    OpenSsl.Result r = OpenSsl.ocspForLeaf(dir, trust.baseUrl + "/ocsp", "-nonce").requireSuccess();
    assertThat(r.output()).contains("Response verify OK").contains("leaf.pem: good");
    assertThat(elapsed(t0)).isLessThan(Duration.ofSeconds(5));

    // every client stalled in its headers is closed by the server within the header timeout
    for (Socket s : stalled) {
      s.setSoTimeout((int) HEADER_TIMEOUT_BOUND.toMillis());
      assertThat(closedByServer(s)).as("closed by the server").isTrue();
    }
    assertThat(elapsed(t0)).isLessThan(HEADER_TIMEOUT_BOUND);
    assertThat(org.openlgsp.edge.Edge.slowConnectionsClosed() - closedBefore)
        .isGreaterThanOrEqualTo(stalled.size());

    // the ClientHello and the partial request line are closed within the idle timeout
    for (Socket s : List.of(hello, partialLine)) {
      s.setSoTimeout((int) IDLE_TIMEOUT_BOUND.toMillis());
      assertThat(closedByServer(s)).as("closed by the server").isTrue();
    }
    assertThat(elapsed(t0)).isLessThan(IDLE_TIMEOUT_BOUND);
  }

  /**
   * At most {@link TrustServer#MAX_CONNECTIONS} connections are served at once: with that many held
   * open (silent), one more is not answered — it waits in the listen backlog instead of costing a
   * thread — until one of them closes; then it is answered.
   */
  @Test
  void oneConnectionAboveTheCapWaitsUntilAnotherCloses() throws Exception {
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < TrustServer.MAX_CONNECTIONS; i++) {
      held.add(connectAndSend(new byte[0]));
    }
    // the last of them is surely accepted: it is answered
    Socket probe = held.getLast();
    probe
        .getOutputStream()
        .write("GET /ca HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    probe.setSoTimeout(10_000);
    assertThat(new String(probe.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1))
        .isEqualTo("HTTP/1.1 200");

    Socket extra =
        connectAndSend(
            "GET /ca HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    extra.setSoTimeout(2_000);
    assertThatThrownBy(() -> extra.getInputStream().read())
        .as("no answer while %d connections are open", TrustServer.MAX_CONNECTIONS)
        .isInstanceOf(java.net.SocketTimeoutException.class);

    held.getFirst().close();
    extra.setSoTimeout(10_000);
    String answer = new String(extra.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    assertThat(answer).startsWith("HTTP/1.1 200 ").contains("-----BEGIN CERTIFICATE-----");
  }

  private static Duration elapsed(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private Socket connectAndSend(byte[] bytes) throws IOException {
    Socket s = new Socket("127.0.0.1", trust.server.port());
    sockets.add(s);
    s.getOutputStream().write(bytes);
    s.getOutputStream().flush();
    return s;
  }

  /**
   * True once the server closed the connection (end of stream or reset), with or without an answer
   * first; a read timeout (the socket's, set by the caller) fails the test.
   */
  private static boolean closedByServer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      in.readAllBytes();
      return true;
    } catch (SocketException reset) {
      return true;
    }
  }
}
