package org.openlgsp.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.Side;

/**
 * CPU a provider gateway adds per exchange to name the consent it checked and the leak findings in
 * the ledger record (docs/ledger.md, record version 3): the consent's digest ({@code
 * Directory.Consent.digest()}), the findings summary, and the record's canonical bytes and leaf
 * hash as version 3 next to the same record as version 2 (what the gateway wrote before). Single
 * thread, CPU time of that thread (ThreadMXBean); all scenarios warmed up, then measured in
 * interleaved rounds, each scenario's median round reported.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.ConsentRecordBenchmark}
 */
public final class ConsentRecordBenchmark {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static final int OPS = 50_000;
  private static final int WARM_UP = 6;
  private static final int ROUNDS = 15;

  private ConsentRecordBenchmark() {}

  private record Scenario(String name, Runnable op) {}

  private static volatile Object sink;

  public static void main(String[] args) {
    ClientId agency = ClientId.parse("VN/GOV/000.00.00.H53");
    Directory.Consent consent =
        new Directory.Consent(
            "0b6f0d2e-3c1a-4f7e-9b8d-5a4c3b2a1f00",
            "q1Vd1mZl0oD0y6p6w9aJv3y4m6QG0m2GQe6hC2u1aZ4=",
            "ho-tich",
            agency,
            "1.001234",
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2027-01-01T00:00:00Z"));
    String digest = consent.digest();
    List<String> found = List.of("cccd:mask", "phone:alert");
    ExchangeRecord v2 = record("", "", "");
    ExchangeRecord v3 = record(consent.id(), digest, "response/cccd:mask,response/phone:alert");
    List<Scenario> scenarios =
        List.of(
            new Scenario(
                "consent digest (Directory.Consent.digest)", () -> sink = consent.digest()),
            new Scenario(
                "findings summary (2 findings)",
                () -> {
                  TreeSet<String> s = new TreeSet<>();
                  for (String f : found) {
                    s.add("response/" + f);
                  }
                  sink = String.join(",", s);
                }),
            new Scenario("record v2: canonical + leaf hash (before)", () -> sink = v2.leafHash()),
            new Scenario(
                "record v3: canonical + leaf hash (consent + findings)",
                () -> sink = v3.leafHash()));
    System.out.printf(
        "OpenLGSP consent/findings record cost: %d cores, %,d ops per round%n%n",
        Runtime.getRuntime().availableProcessors(), OPS);
    for (int r = 0; r < WARM_UP; r++) {
      for (Scenario s : scenarios) {
        run(s);
      }
    }
    List<double[]> perScenario = new ArrayList<>();
    for (int i = 0; i < scenarios.size(); i++) {
      perScenario.add(new double[ROUNDS]);
    }
    for (int r = 0; r < ROUNDS; r++) {
      for (int k = 0; k < scenarios.size(); k++) {
        int i = (k + r) % scenarios.size();
        perScenario.get(i)[r] = run(scenarios.get(i));
      }
    }
    System.out.printf("%-56s %12s %20s%n", "scenario", "CPU µs/op", "quartiles µs/op");
    for (int i = 0; i < scenarios.size(); i++) {
      double[] v = perScenario.get(i).clone();
      Arrays.sort(v);
      System.out.printf(
          "%-56s %12.3f %9.3f - %.3f%n",
          scenarios.get(i).name(), v[ROUNDS / 2], v[ROUNDS / 4], v[3 * ROUNDS / 4]);
    }
  }

  /** CPU µs per op of one round. */
  private static double run(Scenario s) {
    long start = CPU.getCurrentThreadCpuTime();
    for (int i = 0; i < OPS; i++) {
      s.op().run();
    }
    return (CPU.getCurrentThreadCpuTime() - start) / 1_000.0 / OPS;
  }

  private static ExchangeRecord record(String consentId, String digest, String findings) {
    Instant t = Instant.parse("2026-12-07T08:00:00.123456Z");
    return new ExchangeRecord(
        "8d3e4f5a-6b7c-4d8e-9f00-112233445566",
        "req-1",
        Side.PROVIDER,
        NodeId.parse("VN/GOV/000.00.00.G01/gw1"),
        ClientId.parse("VN/GOV/000.00.00.H53/DVC"),
        ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens"),
        "GET",
        "/citizens/{subject}",
        200,
        t,
        t.plusMillis(12),
        "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
        "LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=",
        "MEUCIQDx7e0p2JfZ3ZgkQ2+Vv2Yx4Hn3S7mYzZm8kVQ0yL7L3wIgS0m7Z1gq0Xl5o3Jt4qTQ4a0bJm8h2x0c9j1w5Zt6e1E=",
        "MEQCIF3lq6a3rWmJ0S2kq3ZQ8k7j0z1V7xGz9s9Qy0dL2Xo2AiB5Zl8e1y3Q0gk2m5X7b9c1d3e5f7a9b1c3d5e7f9a1b3c5==",
        "VN079090001111",
        "1.001234:HS-2026-000123",
        "",
        "c3ViamVjdC1oYXNoLXN1YmplY3QtaGFzaC1zdWJqZWN0LWg=",
        consentId,
        digest,
        findings);
  }
}
