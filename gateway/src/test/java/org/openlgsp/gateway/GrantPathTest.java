package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paths that could reach another resource than the grant for {@code /citizens/*} admits, sent as
 * raw bytes (no client library normalises them) through two real gateways: each is refused by the
 * consumer gateway and the backend is never called. Error bodies are read only for their stable
 * {@code code}, whichever r1 error format the gateway speaks.
 */
class GrantPathTest {
  static final String SERVICE = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens";
  @TempDir static Path dir;
  static TwoGateways net;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    net = new TwoGateways(dir);
    token = net.token();
  }

  @AfterAll
  static void stop() {
    net.close();
  }

  @BeforeEach
  void forgetBackendCalls() {
    net.backendTargets.clear();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/citizens/..%2fhouseholds/1",
        "/citizens/..%2Fhouseholds",
        "/citizens/%2e%2e%2fhouseholds",
        "/citizens/%2e%2e/households",
        "/citizens/%252e%252e%252fhouseholds",
        "/citizens/%25%32%65%25%32%65",
        "/citizens/..%5chouseholds",
        "/citizens/..%5Chouseholds",
        "/citizens/1%00",
        "/citizens/..;x=1",
        "/citizens/%2e",
      })
  void encodedTraversalIsRefusedAndNeverReachesTheBackend(String below) throws Exception {
    Answer a = get(SERVICE + below);
    assertThat(a.status()).as(a.toString()).isEqualTo(400);
    assertThat(a.code()).as(a.toString()).isEqualTo("request.path_unsafe");
    assertThat(net.backendTargets).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/citizens/", "/citizens//x", "/households/1"})
  void anEmptySegmentIsNoMatchForStarAndIsDenied(String below) throws Exception {
    Answer a = get(SERVICE + below);
    assertThat(a.status()).as(a.toString()).isEqualTo(403);
    assertThat(a.code()).as(a.toString()).isEqualTo("access.denied");
    assertThat(net.backendTargets).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/citizens/079090001234", "/%63itizens/%30%37%39090001234"})
  void theBackendReceivesExactlyThePathTheGrantAdmitted(String below) throws Exception {
    Answer a = get(SERVICE + below);
    assertThat(a.status()).as(a.toString()).isEqualTo(200);
    assertThat(net.backendTargets).containsExactly("/api" + below);
  }

  record Answer(int status, String head, String body) {
    /** The stable code from a JSON body (a top-level "code") or an XML one (a code element). */
    String code() {
      Matcher m =
          Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"|<code>([^<]+)</code>").matcher(body);
      return m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : "(no code)";
    }
  }

  private static Answer get(String target) throws Exception {
    int port = net.tn.clientHttpPort().orElseThrow();
    String request =
        "GET "
            + target
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer "
            + token
            + "\r\nX-Road-Client: "
            + TwoGateways.PORTAL
            + "\r\nX-Road-Issue: HS-2026-000123\r\n"
            // OpenLGSP's statuses whatever the default r1 error format
            + "Accept: application/problem+json\r\n\r\n";
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      assertThat(end).as(text).isPositive();
      return new Answer(
          Integer.parseInt(text.substring(9, 12)), text.substring(0, end), text.substring(end + 4));
    }
  }
}
