package org.openlgsp.benchmarks;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.Signatures;
import org.openlgsp.core.Signatures.Verifier;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.testkit.Federation;

/**
 * Full exchanges per second and latency through consumer gateway → provider gateway → backend, next
 * to direct backend calls measured in the same run on the same machine.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.ExchangeBenchmark [seconds] [workers] [rate] [all|closed|open|idle]
 * [rounds]}
 *
 * <p>{@code closed} measures only the closed loop through both gateways, {@code rounds} times in a
 * row (default 1): the first rounds after start carry the JIT compiler's work (shown apart as "JIT
 * ms" and "without JIT"), the later ones what an exchange costs once the code is compiled.
 */
public final class ExchangeBenchmark {
  private ExchangeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 20);
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    String only = args.length > 3 ? args[3] : "all";
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    Path work = Files.createTempDirectory("lgsp-bench");
    System.out.printf(
        "OpenLGSP exchange benchmark: %d s per scenario, %d closed-loop workers, open loop at %d/s%n",
        duration.toSeconds(), workers, rate);
    System.out.printf(
        "JVM %s, %d cores, max heap %d MiB%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    try (Federation fed = Federation.start(work, Federation.Options.exchange(1000))) {
      List<String> ids = fed.citizenIds();
      WebClient client =
          WebClient.builder().connectionCacheSize(workers * 2).followRedirects(false).build();
      String token = fed.portalToken();
      String gateway = fed.consumerHttpUrl() + "/r1/" + Federation.CITIZEN_SERVICE + "/citizens/";
      String direct = fed.backendUrl() + "/api/citizens/";
      LoadDriver.Call viaGateway =
          seq ->
              expect200(
                  client
                      .get(gateway + ids.get((int) (seq % ids.size())))
                      .header(io.helidon.http.HeaderNames.AUTHORIZATION, "Bearer " + token)
                      .header(
                          io.helidon.http.HeaderNames.create("X-Road-Client"),
                          Federation.PORTAL.toString())
                      // the citizen service returns personal data: a purpose is required
                      .header(io.helidon.http.HeaderNames.create("X-Road-Issue"), "benchmark")
                      .request());
      LoadDriver.Call directCall =
          seq -> expect200(client.get(direct + ids.get((int) (seq % ids.size()))).request());

      System.out.println("warming up…");
      LoadDriver.closedLoop("warm-up direct", directCall, workers, Duration.ofSeconds(3));
      LoadDriver.closedLoop("warm-up gateway", viaGateway, workers, Duration.ofSeconds(8));

      List<LoadDriver.Result> results = new ArrayList<>();
      if (only.equals("idle")) { // what the federation burns with no traffic at all
        var os =
            (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        Thread.sleep(duration.toMillis());
        System.out.printf(
            "idle for %d s: %.1f%% of one core%n",
            duration.toSeconds(), (os.getProcessCpuTime() - cpu0) / 1e7 / duration.toSeconds());
        return;
      }
      if (only.equals("closed")) { // for profiling: only the closed loop through both gateways
        for (int i = 1; i <= rounds; i++) {
          java.time.LocalTime from = java.time.LocalTime.now(); // to cut a profile by round
          results.add(
              LoadDriver.closedLoop(
                  rounds == 1 ? "via 2 gateways" : "via 2 gateways, round " + i,
                  viaGateway,
                  workers,
                  duration));
          System.out.printf("round %d: %s–%s%n", i, from, java.time.LocalTime.now());
        }
        System.out.print(LoadDriver.table(results));
        return;
      }
      if (only.equals("open")) { // for finding the knee: only the open loop through both gateways
        System.out.print(
            LoadDriver.table(
                List.of(
                    LoadDriver.openLoop(
                        "via 2 gateways, " + rate + "/s", viaGateway, rate, duration))));
        return;
      }
      System.out.println("closed loop, direct backend…");
      results.add(
          LoadDriver.closedLoop(
              "direct backend, " + workers + " workers", directCall, workers, duration));
      System.out.println("closed loop, through both gateways…");
      results.add(
          LoadDriver.closedLoop(
              "via 2 gateways, " + workers + " workers", viaGateway, workers, duration));
      System.out.println("open loop, direct backend…");
      results.add(
          LoadDriver.openLoop("direct backend, " + rate + "/s fixed", directCall, rate, duration));
      System.out.println("open loop, through both gateways…");
      results.add(
          LoadDriver.openLoop("via 2 gateways, " + rate + "/s fixed", viaGateway, rate, duration));
      System.out.println("crypto baseline, one thread each…");
      results.addAll(cryptoBaseline(duration));
      System.out.println();
      System.out.print(LoadDriver.table(results));
      double added = results.get(3).p(99) - results.get(2).p(99);
      System.out.printf("%nadded p99 latency at %d/s: %.2f ms%n", rate, added);
      System.out.printf(
          "ledger records written: consumer %d, provider %d%n",
          fed.ledgerSizes()[0], fed.ledgerSizes()[1]);
    }
  }

  /**
   * What the four signature operations of every exchange (consumer signs, provider verifies and
   * signs, consumer verifies) cost on this machine, measured on one thread each.
   */
  private static List<LoadDriver.Result> cryptoBaseline(Duration duration) throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("bench", Duration.ofDays(1));
    Credentials member =
        ca.issueCredentials(
            CertificateProfile.MEMBER_SIGNING, "bench", "bench", List.of(), Duration.ofDays(1));
    MessageSigner signer = Signatures.software(member.key(), member.certificate());
    Verifier verifier = Signatures.verifier(member.certificate().getPublicKey());
    byte[] input = new byte[400]; // about the size of a request's signing input
    byte[] signature = signer.sign(input);
    Duration each = duration.dividedBy(2);
    return List.of(
        LoadDriver.closedLoop("Ed25519 sign (BC), 1 thread", seq -> signer.sign(input), 1, each),
        LoadDriver.closedLoop(
            "Ed25519 verify (BC), 1 thread",
            seq -> {
              if (!verifier.verify(input, signature)) {
                throw new IllegalStateException("verification failed");
              }
            },
            1,
            each));
  }

  /** Reads the answer; fails unless it is 200, naming the status and the X-Road error code. */
  static void expect200(HttpClientResponse r) {
    try (r) {
      r.entity().consume();
      if (r.status().code() != 200) {
        throw new IllegalStateException(
            "status "
                + r.status().code()
                + " "
                + r.headers().first(io.helidon.http.HeaderNames.create("X-Road-Error")).orElse(""));
      }
    }
  }
}
