package org.openlgsp.benchmarks;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.openlgsp.testkit.Federation;
import org.openlgsp.testkit.ProviderInstances;

/**
 * Throughput of a full exchange as the provider gateway node grows from 1 to 3 instances behind
 * Debian's HAProxy on one PostgreSQL database (docs/scale-out.md), with the CPU each instance
 * spends per exchange. Each size runs in a fresh federation and schema: warm-up, then a closed
 * loop. Outside CI (it needs haproxy and a PostgreSQL server).
 *
 * <p>Run: {@code ./mvnw -q -o package -DskipTests -pl benchmarks -am && java -cp
 * "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.ScaleOutBenchmark [seconds] [workers] [jdbc:postgresql://...]}
 */
public final class ScaleOutBenchmark {
  private ScaleOutBenchmark() {}

  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 15);
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    String server =
        args.length > 2 ? args[2] : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    System.out.printf(
        "OpenLGSP scale-out: 1..3 provider instances behind HAProxy, %d s closed loop, %d workers,"
            + " %d cores%n",
        duration.toSeconds(), workers, Runtime.getRuntime().availableProcessors());
    System.out.println(
        "instances  exchanges/s  failures  provider CPU µs/exchange  provider cores busy"
            + "  test JVM CPU µs/exchange");
    for (int n = 1; n <= 3; n++) {
      Path work = Files.createTempDirectory("lgsp-scaleout");
      String schema =
          "lgsp_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (Connection c = DriverManager.getConnection(server);
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      String database = server + (server.contains("?") ? "&" : "?") + "currentSchema=" + schema;
      try (Federation fed = Federation.start(work, Federation.Options.exchange(100));
          ProviderInstances cluster =
              ProviderInstances.start(
                  fed, database, n, Duration.ofSeconds(180), List.of("-Xmx384m"))) {
        WebClient client =
            WebClient.builder().connectionCacheSize(workers * 2).followRedirects(false).build();
        String token = fed.portalToken();
        List<String> ids = fed.citizenIds();
        String url =
            fed.consumerHttpUrl() + "/r1/" + fed.citizensService().encoded() + "/citizens/";
        LoadDriver.Call call =
            seq ->
                ExchangeBenchmark.expect200(
                    client
                        .get(url + ids.get((int) (seq % ids.size())))
                        .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
                        .header(HeaderNames.create("X-Road-Client"), fed.portal().toString())
                        .header(HeaderNames.create("X-Road-Issue"), "benchmark")
                        .request());
        LoadDriver.closedLoop("warm-up", call, workers, Duration.ofSeconds(8));
        long before = providerCpuNanos(cluster);
        LoadDriver.Result r = LoadDriver.closedLoop(n + " instances", call, workers, duration);
        long provider = providerCpuNanos(cluster) - before;
        double perExchange = provider / 1000.0 / Math.max(1, r.calls());
        System.out.printf(
            "%9d  %11.0f  %8d  %24.0f  %19.2f  %24.0f%n",
            n,
            r.perSecond(),
            r.failures(),
            perExchange,
            provider / 1e9 / r.seconds(),
            r.cpuNanos() / 1000.0 / Math.max(1, r.calls()));
      }
    }
  }

  /** CPU time (user + system) the provider instances' JVMs have used so far. */
  private static long providerCpuNanos(ProviderInstances cluster) {
    return cluster.instances().stream()
        .mapToLong(i -> i.process().info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
        .sum();
  }
}
