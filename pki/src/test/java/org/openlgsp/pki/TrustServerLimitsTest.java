package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust-services listener bounds what slow or idle clients can hold: gateways fail closed when
 * OCSP is unreachable, so a handful of stalled connections must not take the responder away.
 */
class TrustServerLimitsTest {
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  @TempDir Path dir;
  TrustFixture trust;
  final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    trust.close();
  }

  @Test
  void partialRequestLinesAreClosedWithinTheTimeoutWhileOcspIsStillAnswered() throws Exception {
    trust = new TrustFixture(dir, o -> o.withLimits(TIMEOUT, 50));
    Credentials node = trust.issue(CertificateProfile.NODE_TLS, "VN/GOV/000.00.00.H53/gw1");
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Socket s = connect();
      s.getOutputStream().write("POST /ocsp HTT".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      slow.add(s);
    }
    long start = System.nanoTime();

    // meanwhile a real OCSP request (the gateways' client) is answered
    RevocationStatus status =
        new OcspClient(Duration.ofSeconds(5), Clock.systemUTC())
            .status(node.certificate(), trust.issuing.certificate());
    assertThat(status).isInstanceOf(RevocationStatus.Good.class);

    for (Socket s : slow) {
      assertThat(readUntilClosed(s)).as("the server closes, sending nothing").isEmpty();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isLessThan(TIMEOUT.plusSeconds(3));
  }

  @Test
  void aClientThatSendsNothingIsClosedWithinTheTimeout() throws Exception {
    trust = new TrustFixture(dir, o -> o.withLimits(TIMEOUT, 50));
    Socket s = connect();
    long start = System.nanoTime();
    assertThat(readUntilClosed(s)).isEmpty();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(TIMEOUT.minusMillis(500), TIMEOUT.plusSeconds(3));
  }

  @Test
  void connectionsBeyondTheLimitAreAnswered503UntilSlotsFreeUp() throws Exception {
    // a longer timeout here: the five must still hold their slots when the sixth arrives
    trust = new TrustFixture(dir, o -> o.withLimits(Duration.ofSeconds(5), 5));
    for (int i = 0; i < 5; i++) {
      Socket s = connect();
      s.getOutputStream().write('G');
      s.getOutputStream().flush();
    }
    String refused = get(connect(), "/ca");
    assertThat(refused).startsWith("HTTP/1.1 503 ").contains("\"code\":\"server.overloaded\"");

    // the stalled five time out; then the listener serves again
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(get(connect(), "/ca")).startsWith("HTTP/1.1 200 "));
  }

  @Test
  void http10RequestsAreAnsweredInHttp10AndUnknownPathsWithAProblem() throws Exception {
    trust = new TrustFixture(dir);
    Socket s = connect();
    s.getOutputStream().write("GET /ca HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    String answer = readUntilClosed(s);
    assertThat(answer).startsWith("HTTP/1.0 200 OK\r\n").contains("-----BEGIN CERTIFICATE-----");

    assertThat(get(connect(), "/nowhere"))
        .startsWith("HTTP/1.1 404 ")
        .contains("application/problem+json")
        .contains("\"code\":\"resource.not_found\"");
  }

  @Test
  void aBodyAboveTheLimitIsRefusedUnread() throws Exception {
    trust = new TrustFixture(dir);
    Socket s = connect();
    s.getOutputStream()
        .write(
            "POST /ocsp HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(readUntilClosed(s))
        .startsWith("HTTP/1.1 413 ")
        .contains("\"code\":\"request.too_large\"");
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", trust.server.port());
    s.setSoTimeout(10_000); // the test's own bound: the server must act well before
    sockets.add(s);
    return s;
  }

  private static String get(Socket s, String path) throws IOException {
    s.getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return readUntilClosed(s);
  }

  /** Everything the server sends until it closes; fails when it does not close in time. */
  private static String readUntilClosed(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server held the connection open", e);
    }
  }
}
