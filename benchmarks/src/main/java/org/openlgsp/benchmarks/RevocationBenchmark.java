package org.openlgsp.benchmarks;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openlgsp.testkit.Federation;

/**
 * What OCSP checking costs per exchange: the same federation with gateways that check peers'
 * certificates by OCSP (answers cached, stapled to every signed message, freshness one minute) and
 * without, measured one after the other in the same run.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.RevocationBenchmark [seconds] [workers]}
 */
public final class RevocationBenchmark {
  private RevocationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 15);
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    System.out.printf(
        "OpenLGSP revocation benchmark: %d s per scenario, %d closed-loop workers, %d cores%n",
        duration.toSeconds(), workers, Runtime.getRuntime().availableProcessors());
    List<LoadDriver.Result> results = new ArrayList<>();
    for (boolean ocsp : new boolean[] {false, true}) {
      try (Federation fed =
          Federation.start(
              Files.createTempDirectory("lgsp-bench"),
              Federation.Options.exchange(1000).withRevocationChecking(ocsp))) {
        List<String> ids = fed.citizenIds();
        WebClient client =
            WebClient.builder().connectionCacheSize(workers * 2).followRedirects(false).build();
        String token = fed.portalToken();
        String gateway = fed.consumerHttpUrl() + "/r1/" + Federation.CITIZEN_SERVICE + "/citizens/";
        LoadDriver.Call call =
            seq ->
                expect200(
                    client
                        .get(gateway + ids.get((int) (seq % ids.size())))
                        .header(io.helidon.http.HeaderNames.AUTHORIZATION, "Bearer " + token)
                        .header(
                            io.helidon.http.HeaderNames.create("X-Road-Client"),
                            Federation.PORTAL.toString())
                        .request());
        String name = ocsp ? "via 2 gateways, OCSP checked" : "via 2 gateways, no OCSP (baseline)";
        System.out.println(name + "…");
        LoadDriver.closedLoop("warm-up", call, workers, Duration.ofSeconds(5));
        results.add(
            LoadDriver.closedLoop(name + ", " + workers + " workers", call, workers, duration));
      }
    }
    System.out.println();
    System.out.print(LoadDriver.table(results));
  }

  private static void expect200(HttpClientResponse r) {
    try (r) {
      r.entity().consume();
      if (r.status().code() != 200) {
        throw new IllegalStateException("status " + r.status().code());
      }
    }
  }
}
