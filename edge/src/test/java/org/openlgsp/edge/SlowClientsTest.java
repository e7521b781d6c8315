package org.openlgsp.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bounded slowloris over real sockets: slow headers, slow request lines and slow bodies are
 * closed within the documented limits (lowered here to keep the test short), and a normal call's
 * latency stays near its baseline measured in the same test.
 */
class SlowClientsTest {
  static final ReadLimits LIMITS =
      new ReadLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), 1024, Duration.ofSeconds(2));
  static final int SLOW_HEADERS = 80;
  static final int SLOW_BODIES = 80;
  static final int SLOW_REQUEST_LINES = 40;
  static final Duration TRICKLE = Duration.ofMillis(200);

  WebServer server;
  HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    Edge.readLimits(LIMITS);
    Edge edge = Edge.builder().routes(routes()).build();
    server = edge.configure(WebServer.builder().host("127.0.0.1").port(0)).build().start();
  }

  /**
   * {@code GET /hello} answers a small JSON; {@code POST /upload} reads the body, says its size.
   */
  static List<Route> routes() {
    return List.of(
        Route.get("/hello")
            .publicAccess("test")
            .audit(Audit.notAudited("test"))
            .handle(c -> c.sendJson(200, Map.of("hello", "world"))),
        Route.post("/upload")
            .publicAccess("test")
            .audit(Audit.recordedElsewhere("nowhere: a test upload"))
            .handle(
                c -> {
                  try {
                    c.sendJson(200, Map.of("bytes", c.body().readAllBytes().length));
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }));
  }

  @AfterEach
  void stop() {
    server.stop();
    Edge.readLimits(ReadLimits.defaults());
  }

  @Test
  void slowHeadersRequestLinesAndBodiesAreClosedInTimeAndNormalCallsStayFast() throws Exception {
    long[] baseline = latencies(30);
    long closedBefore = Edge.slowConnectionsClosed();

    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<CompletableFuture<Duration>> headers = new ArrayList<>();
      List<CompletableFuture<Duration>> bodies = new ArrayList<>();
      List<CompletableFuture<Duration>> lines = new ArrayList<>();
      for (int i = 0; i < SLOW_HEADERS; i++) {
        headers.add(slow(pool, "GET /hello HTTP/1.1\r\nHost: x\r\n", (byte) 'a'));
      }
      for (int i = 0; i < SLOW_BODIES; i++) {
        bodies.add(
            slow(
                pool,
                "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n",
                (byte) 'b'));
      }
      for (int i = 0; i < SLOW_REQUEST_LINES; i++) {
        lines.add(slow(pool, "G", (byte) 'E'));
      }
      long[] underAttack = latencies(30);

      Duration headerClose = slowest(headers);
      Duration bodyClose = slowest(bodies);
      Duration lineClose = slowest(lines);
      System.out.printf(
          "slowloris: %d connections; normal call median %.2f ms baseline, %.2f ms under attack"
              + " (p90 %.2f / %.2f ms); slowest close: headers %d ms, bodies %d ms,"
              + " request lines %d ms%n",
          SLOW_HEADERS + SLOW_BODIES + SLOW_REQUEST_LINES,
          ms(baseline, 50),
          ms(underAttack, 50),
          ms(baseline, 90),
          ms(underAttack, 90),
          headerClose.toMillis(),
          bodyClose.toMillis(),
          lineClose.toMillis());

      Duration slack = Duration.ofMillis(1500); // the reaper's period, scheduling on 2 shared cores
      assertThat(headerClose).isLessThan(LIMITS.headerTimeout().plus(slack));
      assertThat(lineClose).isLessThan(LIMITS.idleTimeout().plus(slack));
      assertThat(bodyClose).isLessThan(LIMITS.bodyStallTimeout().plus(slack));
      assertThat(Edge.slowConnectionsClosed() - closedBefore)
          .isGreaterThanOrEqualTo(SLOW_HEADERS + SLOW_BODIES);
      // "within a few ms": a generous bound for a shared CI machine; the figures are printed above
      assertThat(ms(underAttack, 50)).isLessThan(ms(baseline, 50) + 25);
    }
    // Each slow body's request was answered or cut, never left holding the server.
    assertThat(latencies(5)).hasSize(5);
  }

  @Test
  void aBodySentSteadilyAboveTheMinimumRateIsReadInFull() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 12000\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      // 2 KiB/s for 6 s: longer than every limit, faster than the minimum rate
      byte[] piece = new byte[400];
      Arrays.fill(piece, (byte) 'x');
      for (int i = 0; i < 30; i++) {
        out.write(piece);
        out.flush();
        Thread.sleep(200); // the pace of a slow but honest client
      }
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 200").contains("\"bytes\":12000");
    }
  }

  /** Opens a connection, sends {@code start}, then one byte per trickle; completes when closed. */
  CompletableFuture<Duration> slow(ExecutorService pool, String start, byte drip) {
    return CompletableFuture.supplyAsync(
        () -> {
          long t0 = System.nanoTime();
          try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout((int) TRICKLE.toMillis());
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(start.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
              try {
                if (in.read() < 0) {
                  break; // closed by the server (after an answer, if any)
                }
              } catch (SocketTimeoutException stillOpen) {
                out.write(drip);
                out.flush();
              }
            }
          } catch (IOException closed) {
            // reset by the server
          }
          return Duration.ofNanos(System.nanoTime() - t0);
        },
        pool);
  }

  long[] latencies(int calls) throws Exception {
    long[] nanos = new long[calls];
    URI uri = URI.create("http://127.0.0.1:" + server.port() + "/hello");
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      nanos[i] = System.nanoTime() - t0;
      assertThat(r.statusCode()).isEqualTo(200);
    }
    Arrays.sort(nanos);
    return nanos;
  }

  static double ms(long[] sorted, int percentile) {
    return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1e6;
  }

  static Duration slowest(List<CompletableFuture<Duration>> closes) {
    return closes.stream().map(CompletableFuture::join).max(Duration::compareTo).orElseThrow();
  }
}
