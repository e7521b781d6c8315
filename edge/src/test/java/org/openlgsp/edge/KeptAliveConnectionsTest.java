package org.openlgsp.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A kept-alive connection between requests is idle, not slow: it stays open past the header timeout
 * after an answer (and after a request body), until the idle timeout.
 */
class KeptAliveConnectionsTest {
  // header timeout 1 s, idle timeout 20 s: the wait below lies well between them
  static final ReadLimits LIMITS =
      new ReadLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), 1024, Duration.ofSeconds(20));
  static final Duration BETWEEN_REQUESTS = Duration.ofMillis(2500);

  WebServer server;

  @BeforeEach
  void start() {
    Edge.readLimits(LIMITS);
    Edge edge = Edge.builder().routes(SlowClientsTest.routes()).build();
    server = edge.configure(WebServer.builder().host("127.0.0.1").port(0)).build().start();
  }

  @AfterEach
  void stop() {
    server.stop();
    Edge.readLimits(ReadLimits.defaults());
  }

  @Test
  void aConnectionIdleAfterAnAnswerOutlivesTheHeaderTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      assertThat(call(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")).contains("\"hello\"");
      Thread.sleep(BETWEEN_REQUESTS.toMillis()); // the client thinks; nothing to poll for
      assertThat(call(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")).contains("\"hello\"");
    }
  }

  @Test
  void aConnectionIdleAfterARequestBodyOutlivesTheHeaderTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      String post = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
      assertThat(call(s, post)).contains("\"bytes\":5");
      Thread.sleep(BETWEEN_REQUESTS.toMillis());
      assertThat(call(s, post)).contains("\"bytes\":5");
    }
  }

  /** Sends {@code request} and reads one answer (headers and its Content-Length body). */
  static String call(Socket s, String request) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed by the server before an answer");
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    assertThat(headers).startsWith("HTTP/1.1 200");
    Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
    assertThat(m.find()).as("Content-Length in %s", headers).isTrue();
    byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
    return headers + new String(body, StandardCharsets.UTF_8);
  }
}
