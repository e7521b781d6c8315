package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Issue 14's latency measure on the alert path (rules, store, webhook): with 1,000 exchanges a
 * second flowing through the rules, a burst of refusals reaches a real webhook receiver within 2
 * seconds of the refusal that completed it.
 */
class AlertLatencyTest {
  @TempDir Path dir;

  @Test
  void anAlertReachesTheWebhookWithinTwoSecondsAtAThousandExchangesASecond() throws Exception {
    AtomicReference<Instant> received = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        x -> {
          received.compareAndSet(null, Instant.now());
          x.getRequestBody().readAllBytes();
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    server.start();
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    try (Database db = TestDatabases.sqlite(dir);
        Alerts alerts =
            Alerts.start(
                db,
                AlertsOptions.defaults()
                    .withWebhooks(
                        List.of(
                            AlertsOptions.Webhook.of(
                                URI.create(
                                    "http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
                                "webhook-secret-0123456789"))),
                AlertRules.defaults(),
                NodeSignals.none(),
                "127.0.0.1",
                Clock.systemUTC())) {
      AtomicLong index = new AtomicLong();
      // 10 every 10 ms: 1,000 a second
      load.scheduleAtFixedRate(
          () -> {
            for (int i = 0; i < 10; i++) {
              alerts
                  .observer()
                  .observed(StreamRulesTest.succeeded(Instant.now(), index.incrementAndGet()));
            }
          },
          0,
          10,
          TimeUnit.MILLISECONDS);
      await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
      Instant last = null;
      for (int i = 0; i < 10; i++) { // the default refusalBurst threshold
        last = Instant.now();
        alerts
            .observer()
            .observed(
                StreamRulesTest.refused(last, ErrorCode.ACCESS_DENIED, index.incrementAndGet()));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> received.get() != null);
      Duration latency = Duration.between(last, received.get());
      System.out.println(
          "alert latency event to webhook at 1,000/s: " + latency.toMillis() + " ms");
      assertThat(latency).isLessThan(Duration.ofSeconds(2));
      assertThat(alerts.dropped()).isZero();
    } finally {
      load.shutdownNow();
      server.stop(0);
    }
  }
}
