package org.openlgsp.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Optional;
import java.util.SplittableRandom;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Json;
import org.openlgsp.core.ServiceId;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.statistics.Statistics;
import org.openlgsp.statistics.StatisticsOptions;
import org.openlgsp.storage.Database;

/**
 * A month's statistics report over the aggregates of N operational records (issue 14: 10 M in ≤ 5
 * s). The aggregates are made as a gateway makes them: N observations spread over the month (20
 * agencies × 5 systems, each system calling 2 of 40 services, 2 % refused, log-normal-ish
 * latencies) fed to the statistics observer, folded and flushed to SQLite. Then the report (PDF and
 * HTML), the figures per agency and day and a ranking are asked through the statistics API, three
 * times each.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.StatisticsBenchmark [records] [folder] [reuse]}
 */
public final class StatisticsBenchmark {
  private static final String TOKEN = "statistics-benchmark-token-0123456789";
  private static final YearMonth MONTH = YearMonth.of(2026, 11);
  private static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  private static final int CHUNK = 100_000;

  private StatisticsBenchmark() {}

  public static void main(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    Path folder = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("lgsp-stats");
    System.out.printf(
        "OpenLGSP statistics benchmark: %,d records in %s, %d cores%n",
        records, MONTH, Runtime.getRuntime().availableProcessors());
    ClientId[] systems = new ClientId[100];
    for (int i = 0; i < systems.length; i++) {
      systems[i] =
          ClientId.subsystem("VN", "GOV", String.format("000.00.00.H%02d", i / 5), "SYS" + i % 5);
    }
    ServiceId[] services = new ServiceId[40];
    for (int i = 0; i < services.length; i++) {
      services[i] =
          new ServiceId(
              ClientId.subsystem("VN", "GOV", String.format("000.00.00.G%02d", i / 4), "CSDL"),
              "service" + i);
    }
    StatisticsOptions d = StatisticsOptions.defaults();
    try (Database db = Database.sqlite(folder.resolve("statistics.db"));
        Statistics statistics =
            Statistics.start(
                db,
                new StatisticsOptions(
                    true,
                    2 * CHUNK,
                    CHUNK,
                    Duration.ofSeconds(1),
                    ZONE,
                    d.maxRange(),
                    d.retention(),
                    d.purgeInterval(),
                    Optional.of(0),
                    Optional.of(BearerTokens.hash(TOKEN))),
                new SimpleMeterRegistry(),
                "127.0.0.1")) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + statistics.apiPort().orElseThrow();
      ExchangeObserver observer = statistics.observers().getFirst();
      Instant start = MONTH.atDay(1).atStartOfDay(ZONE).toInstant();
      long monthMillis =
          Duration.between(start, MONTH.plusMonths(1).atDay(1).atStartOfDay(ZONE).toInstant())
              .toMillis();
      SplittableRandom random = new SplittableRandom(14);
      long t0 = System.nanoTime();
      boolean reuse = args.length > 2 && args[2].equals("reuse"); // buckets stored by a run before
      for (long n = 0; n < (reuse ? 0 : records); n++) {
        // in time order, as a gateway observes them
        Instant at = start.plusMillis(n * monthMillis / records);
        int s = random.nextInt(systems.length);
        ServiceId service = services[(s * 2 + random.nextInt(2)) % services.length];
        boolean refused = random.nextInt(50) == 0;
        long ms = 5 + (long) Math.exp(random.nextDouble() * 6);
        observer.observed(observation(at, systems[s], service, ms, refused, n));
        if ((n + 1) % CHUNK == 0) {
          long fed = n + 1;
          while (counted(http, base) < fed) {
            Thread.sleep(20);
          }
          if (fed % 1_000_000 == 0) {
            System.out.printf(
                "  %,d observations folded and stored (%.1f s)%n",
                fed, (System.nanoTime() - t0) / 1e9);
          }
        }
      }
      while (!reuse && counted(http, base) < records) {
        Thread.sleep(50);
      }
      double feedSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "aggregates: %,d observations in %.1f s (%,.0f/s), dropped %d, database %,d bytes%n",
          records,
          feedSeconds,
          records / feedSeconds,
          statistics.dropped(),
          Files.size(folder.resolve("statistics.db")));
      String range =
          "from=" + start + "&to=" + MONTH.plusMonths(1).atDay(1).atStartOfDay(ZONE).toInstant();
      String[][] asks = {
        {"report, PDF, vi", "/statistics/v1/report?month=" + MONTH + "&lang=vi&format=pdf"},
        {"report, HTML, en", "/statistics/v1/report?month=" + MONTH + "&lang=en&format=html"},
        {
          "figures per agency and day, JSON",
          "/statistics/v1/figures?" + range + "&groupBy=agency,day"
        },
        {
          "figures per system and service, CSV",
          "/statistics/v1/figures?" + range + "&groupBy=system,service&format=csv"
        },
        {
          "top 10 services by errors",
          "/statistics/v1/rankings?" + range + "&by=service&order=errors"
        },
      };
      System.out.println();
      System.out.println("| ask | run 1 ms | run 2 ms | run 3 ms | answer bytes |");
      System.out.println("|---|---:|---:|---:|---:|");
      for (String[] ask : asks) {
        long[] ms = new long[3];
        int size = 0;
        for (int i = 0; i < 3; i++) {
          long t = System.nanoTime();
          HttpResponse<byte[]> r =
              http.send(
                  HttpRequest.newBuilder(URI.create(base + ask[1]))
                      .header("Authorization", "Bearer " + TOKEN)
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          ms[i] = (System.nanoTime() - t) / 1_000_000;
          if (r.statusCode() != 200) {
            throw new IllegalStateException(
                ask[0] + ": " + r.statusCode() + " " + new String(r.body()));
          }
          size = r.body().length;
        }
        System.out.printf("| %s | %d | %d | %d | %,d |%n", ask[0], ms[0], ms[1], ms[2], size);
      }
    }
  }

  private static long counted(HttpClient http, String base) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/statistics/v1/status"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    var status = Json.mapper().readTree(r.body());
    if (status.get("dropped").asLong() > 0 || status.get("lost").asLong() > 0) {
      throw new IllegalStateException("observations dropped or lost: " + r.body());
    }
    return status.get("counted").asLong();
  }

  static ExchangeObservation observation(
      Instant at, ClientId client, ServiceId service, long ms, boolean refused, long n) {
    return new ExchangeObservation(
        at,
        "10.0.0.5",
        ExchangeObservation.SecurityServerType.CLIENT,
        at.minusMillis(ms),
        Optional.empty(),
        Optional.empty(),
        at,
        client,
        service,
        "",
        "GET",
        "/records/{subject}",
        "",
        "m" + n,
        "",
        "",
        "1",
        "",
        "",
        200,
        refused ? 120 : 1_500,
        !refused,
        "REST",
        refused ? "Server.ServerProxy.AccessDenied" : "",
        refused ? "Access denied" : "",
        refused ? 403 : 200,
        "",
        refused ? "access.denied" : "",
        "",
        "",
        "",
        n,
        Duration.ofMillis(ms),
        Duration.ZERO,
        Duration.ZERO,
        "",
        java.util.List.of(),
        ExchangeObservation.DataQuality.NONE,
        "");
  }
}
