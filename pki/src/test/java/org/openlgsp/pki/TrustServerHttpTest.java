package org.openlgsp.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the trust-services listener answers over raw sockets: every bad request is a 4xx
 * problem+json with a documented code and no Java type name, also when the HTTP parser refuses it
 * before any route runs; HTTP/1.0 requests (OpenSSL's OCSP and TSA clients) are answered and
 * closed.
 */
class TrustServerHttpTest {
  /** The codes a refusal of a malformed request may carry (docs/pki.md). */
  static final Set<String> CODES =
      Set.of(
          "request.malformed",
          "request.too_large",
          "resource.not_found",
          "request.method_not_allowed");

  @TempDir Path dir;
  TrustFixture trust;

  @BeforeEach
  void start() {
    trust = new TrustFixture(dir);
  }

  @AfterEach
  void stop() {
    trust.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET /ocsp/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /ocsp/%zz HTTP/1.0\r\n\r\n",
        "GET /ocsp/not-base64! HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "POST /ocsp HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST /ocsp HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "POST /ocsp HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "POST /ocsp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "POST /tsa HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        "GET /ca HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n",
        "GET /c\u0001a HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /ca HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n",
        "GET /ca HTTP/2.5\r\nHost: x\r\n\r\n",
        "POST /ocsp HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n",
        "DELETE /crl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      })
  void badRequestsAreRefusedWithAProblemAndAKnownCode(String request) throws Exception {
    assertProblem(exchange(request));
  }

  @Test
  void oversizedHeadersAreRefusedWithAProblem() throws Exception {
    assertProblem(
        exchange("GET /ca HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"));
  }

  @Test
  void aLongUrlIsRefusedWithAProblem() throws Exception {
    assertProblem(exchange("GET /ocsp/" + "A".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  }

  @Test
  void aLongHttp10UrlIsRefusedWithAProblem() throws Exception {
    assertProblem(exchange("GET /ocsp/" + "A".repeat(20_000) + " HTTP/1.0\r\n\r\n"));
  }

  /** The request line arrives in pieces: it is recognised as HTTP/1.0 once it is complete. */
  @Test
  void anHttp10RequestLineSentInPiecesIsAnswered() throws Exception {
    try (Socket s = new Socket("127.0.0.1", trust.server.port())) {
      s.setSoTimeout(5_000);
      for (String piece : new String[] {"GET /c", "a HTTP/1", ".0\r", "\n\r\n"}) {
        s.getOutputStream().write(piece.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        Thread.sleep(50); // separate TCP segments, as a slow client sends them
      }
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 200 ").contains("-----BEGIN CERTIFICATE-----");
    }
  }

  @Test
  void http10RequestsAreAnsweredAndTheConnectionClosed() throws Exception {
    String answer = exchange("GET /ca HTTP/1.0\r\n\r\n");
    // answered in the server's version, HTTP/1.1 (RFC 9110 §2.5), then closed
    assertThat(answer)
        .startsWith("HTTP/1.1 200 ")
        .containsIgnoringCase("connection: close\r\n")
        .contains("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void http10OcspPostIsAnsweredWithASignedResponse() throws Exception {
    Credentials node = trust.issue(CertificateProfile.NODE_TLS, "VN/GOV/000.00.00.H53/gw1");
    // the gateways' own client speaks HTTP/1.1: both versions reach the same responder
    assertThat(
            new OcspClient(Duration.ofSeconds(5), Clock.systemUTC())
                .status(node.certificate(), trust.issuing.certificate()))
        .isInstanceOf(RevocationStatus.Good.class);
    String answer =
        exchange(
            "POST /ocsp HTTP/1.0\r\nContent-Type: application/ocsp-request\r\n"
                + "Content-Length: 2\r\n\r\n\u0030\u0000");
    // not a valid OCSPRequest: RFC 6960 §2.3 answers malformedRequest, an OCSP response
    assertThat(answer).startsWith("HTTP/1.1 200 ").contains("application/ocsp-response");
  }

  private static void assertProblem(String answer) {
    assertThat(answer).as(answer).matches("(?s)HTTP/1\\.1 4\\d\\d .*");
    assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
    String code = answer.replaceAll("(?s).*\"code\":\"([^\"]*)\".*", "$1");
    assertThat(CODES).as(answer).contains(code);
    assertThat(answer)
        .doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Z][A-Za-z]+(Exception|Error)")
        .doesNotContain("Exception")
        .doesNotContain("<html");
  }

  /** Sends {@code request} and reads until the server closes (or 5 s pass with an answer). */
  private String exchange(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", trust.server.port())) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      StringBuilder got = new StringBuilder();
      byte[] buf = new byte[8192];
      try {
        for (int n = s.getInputStream().read(buf); n >= 0; n = s.getInputStream().read(buf)) {
          got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (SocketTimeoutException | SocketException endOfAnswer) {
        // kept alive after a complete answer, or reset after it: what arrived is the answer
      }
      return got.toString();
    }
  }
}
