package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
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
 *
 * <p>The bounds are the JDK HTTP server's process-wide settings ({@link
 * TrustServer#JDK_SERVER_LIMITS}); surefire runs this class in a JVM of its own with short ones (2
 * s, 50 connections, see pki/pom.xml), and the test reads whichever are in force.
 */
class TrustServerLimitsTest {
  /** How long a request may take: {@code sun.net.httpserver.maxReqTime}. */
  static final Duration TIMEOUT =
      Duration.ofSeconds(TrustServer.jdkServerLimit("sun.net.httpserver.maxReqTime"));

  /** How long a silent connection lives: the smaller of the idle interval and the request time. */
  static final Duration SILENT_TIMEOUT =
      Duration.ofSeconds(
          Math.min(
              TrustServer.jdkServerLimit("sun.net.httpserver.idleInterval"), TIMEOUT.toSeconds()));

  static final int MAX_CONNECTIONS =
      (int) TrustServer.jdkServerLimit("jdk.httpserver.maxConnections");

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
    assertThat(MAX_CONNECTIONS).as("room for the 40 and the OCSP client").isGreaterThan(41);
    trust = new TrustFixture(dir);
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
    trust = new TrustFixture(dir);
    Socket s = connect();
    long start = System.nanoTime();
    assertThat(readUntilClosed(s)).isEmpty();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(SILENT_TIMEOUT.minusMillis(500), SILENT_TIMEOUT.plusSeconds(3));
  }

  /**
   * The JDK server does not answer a connection beyond its limit: it closes it as soon as it
   * accepts it, so the client reads nothing (or a reset); it does not queue it.
   */
  @Test
  void connectionsBeyondTheLimitAreClosedUnansweredUntilSlotsFreeUp() throws Exception {
    trust = new TrustFixture(dir);
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
      Socket s = connect();
      s.getOutputStream().write('G');
      s.getOutputStream().flush();
    }
    String refused;
    try {
      refused = get(connect(), "/ca");
    } catch (SocketException reset) {
      refused = "";
    }
    assertThat(refused).as("closed without an answer").isEmpty();

    // the stalled ones time out; then the listener serves again
    await()
        .atMost(TIMEOUT.plusSeconds(10))
        .ignoreException(SocketException.class) // reset: still over the limit
        .untilAsserted(() -> assertThat(get(connect(), "/ca")).startsWith("HTTP/1.1 200 "));
  }

  @Test
  void http10RequestsAreAnsweredInHttp10AndUnknownPathsWithAProblem() throws Exception {
    trust = new TrustFixture(dir);
    Socket s = connect();
    s.getOutputStream().write("GET /ca HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    String answer = readUntilClosed(s);
    // the JDK server answers in its own version, HTTP/1.1 (RFC 9110 §2.5), and closes
    assertThat(answer)
        .startsWith("HTTP/1.1 200 OK\r\n")
        .containsIgnoringCase("connection: close\r\n")
        .contains("-----BEGIN CERTIFICATE-----");

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
    // the test's own bound: the server must act well before
    s.setSoTimeout((int) TIMEOUT.plusSeconds(8).toMillis());
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
