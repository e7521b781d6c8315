package org.openlgsp.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.testkit.Federation;

/**
 * Issue 14: "alert latency from event to webhook ≤ 2 s at 1,000 exchanges/s", end to end through
 * the demo federation's two real gateways. Tây Ninh's gateway runs its alert rules as configured in
 * node.yaml, with a webhook to a real HTTP receiver on loopback. A probe sends a burst of ten
 * refused exchanges (no grant for {@code /households}: {@code access.denied}, the default {@code
 * refusalBurst} threshold) every {@code period}; the latency of one probe is from the answer to its
 * tenth refusal (the event completing the finding) to the webhook POST of the alert arriving at the
 * receiver. Each probe waits for its alert (at most 10 s, else counted lost). Two phases in one
 * run: the baseline with no other traffic, then the same probes while an open loop drives {@code
 * rate} successful exchanges a second through both gateways.
 *
 * <pre>
 * java -cp "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*" \
 *   org.openlgsp.benchmarks.AlertLatencyBenchmark   # [seconds per phase=30] [rate=1000] [period ms=1000]
 * </pre>
 */
public final class AlertLatencyBenchmark {
  private AlertLatencyBenchmark() {}

  /** What one phase measured; latencies in microseconds. */
  record Phase(String name, Histogram latency, int probes, int lost, LoadDriver.Result load) {}

  public static void main(String[] args) throws Exception {
    Duration phase = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 30);
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Duration period = Duration.ofMillis(args.length > 2 ? Integer.parseInt(args[2]) : 1000);
    Path work = Files.createTempDirectory("lgsp-alert-bench");
    System.out.printf(
        "OpenLGSP alert latency benchmark: %d s per phase, load %d exchanges/s, a probe every %d"
            + " ms%nJVM %s, %d cores%n",
        phase.toSeconds(),
        rate,
        period.toMillis(),
        Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    LinkedBlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        x -> {
          long at = System.nanoTime();
          String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          if (body.contains("\"rule\":\"refusalBurst\"")) {
            arrivals.add(at);
          }
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    receiver.start();
    try (Federation fed = Federation.start(work, Federation.Options.exchange(1000))) {
      // Tây Ninh's gateway again, from its file with alerts delivered to the receiver; every
      // finding a new alert (a suppression of 1 ms), so each probe is one webhook
      Path file = work.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      Files.writeString(
          file,
          written.replaceFirst(
              "\n  ledger:\n",
              "\n  alerts: {suppression: PT0.001S, webhooks: [{url: 'http://127.0.0.1:"
                  + receiver.getAddress().getPort()
                  + "/hook', secret: 'alert-benchmark-secret-0123'}]}\n  ledger:\n"));
      fed.consumerNode().close();
      try (GatewayNode consumer =
          GatewayNode.start(
              NodeConfig.read(file).gateway().orElseThrow(), work, Clock.systemUTC())) {
        List<String> ids = fed.citizenIds();
        WebClient client =
            WebClient.builder().connectionCacheSize(256).followRedirects(false).build();
        String token = fed.portalToken();
        String service = fed.consumerHttpUrl() + "/r1/" + Federation.CITIZEN_SERVICE;
        LoadDriver.Call lookup =
            seq ->
                ExchangeBenchmark.expect200(
                    request(
                        client, service + "/citizens/" + ids.get((int) (seq % ids.size())), token));
        Runnable burst =
            () -> {
              for (int i = 0; i < 10; i++) {
                try (HttpClientResponse r =
                    request(client, service + "/households/" + ids.get(i % ids.size()), token)) {
                  r.entity().consume();
                  if (r.status().code() == 200) {
                    throw new IllegalStateException("households answered 200");
                  }
                }
              }
            };

        System.out.println("warming up…");
        LoadDriver.closedLoop("warm-up", lookup, 64, Duration.ofSeconds(8));
        probes("warm-up", burst, arrivals, Duration.ofSeconds(5), period);

        List<Phase> phases = new ArrayList<>();
        System.out.println("baseline: probes alone…");
        phases.add(probes("no other traffic", burst, arrivals, phase, period));
        System.out.printf("probes under %d exchanges/s…%n", rate);
        CompletableFuture<LoadDriver.Result> load =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return LoadDriver.openLoop(rate + "/s lookups", lookup, rate, phase);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        Phase loaded = probes(rate + " exchanges/s", burst, arrivals, phase, period);
        phases.add(
            new Phase(loaded.name(), loaded.latency(), loaded.probes(), loaded.lost(), load.get()));
        System.out.println();
        System.out.print(table(phases));
        System.out.print(LoadDriver.table(List.of(load.get())));
        var meters = consumer.meters();
        System.out.printf(
            "observations the rules dropped (full queue): %.0f; alerts raised: %.0f; deliveries"
                + " given up: %.0f%n",
            meters.get("lgsp.alerts.dropped").functionCounter().count(),
            meters.get("lgsp.alerts.raised").functionCounter().count(),
            meters.get("lgsp.alerts.delivery.failed").functionCounter().count());
      }
    } finally {
      receiver.stop(0);
    }
  }

  private static HttpClientResponse request(WebClient client, String url, String token) {
    return client
        .get(url)
        .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
        .header(HeaderNames.create("X-Road-Client"), Federation.PORTAL.toString())
        .header(HeaderNames.create("X-Road-Issue"), "benchmark")
        .request();
  }

  /** Sends a probe every {@code period} for {@code duration}, each waiting for its alert. */
  private static Phase probes(
      String name,
      Runnable burst,
      LinkedBlockingQueue<Long> arrivals,
      Duration duration,
      Duration period)
      throws InterruptedException {
    Histogram h = new Histogram(60_000_000L, 3);
    int probes = 0;
    int lost = 0;
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      long next = System.nanoTime() + period.toNanos();
      arrivals.clear();
      burst.run();
      long event = System.nanoTime();
      probes++;
      Long arrived = arrivals.poll(10, TimeUnit.SECONDS);
      if (arrived == null) {
        lost++;
      } else {
        h.recordValue(Math.max(0, (arrived - event) / 1000));
      }
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    return new Phase(name, h, probes, lost, null);
  }

  private static String table(List<Phase> phases) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| phase | probes | lost | event → webhook p50 ms | p90 | p99 | max | load achieved/s | load"
            + " failures | load p99 ms |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Phase p : phases) {
      Histogram h = p.latency();
      b.append(
          String.format(
              "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %s | %s | %s |%n",
              p.name(),
              p.probes(),
              p.lost(),
              h.getValueAtPercentile(50) / 1000.0,
              h.getValueAtPercentile(90) / 1000.0,
              h.getValueAtPercentile(99) / 1000.0,
              h.getMaxValue() / 1000.0,
              p.load() == null ? "–" : String.format("%.0f", p.load().perSecond()),
              p.load() == null ? "–" : Long.toString(p.load().failures()),
              p.load() == null ? "–" : String.format("%.0f", p.load().p(99))));
    }
    return b.toString();
  }
}
