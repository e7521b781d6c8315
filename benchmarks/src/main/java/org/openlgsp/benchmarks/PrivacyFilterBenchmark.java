package org.openlgsp.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.openlgsp.core.Json;
import org.openlgsp.core.LeakDetectors;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.core.PrivacyPolicy.LeakAction;
import org.openlgsp.core.PrivacyPolicy.LeakRule;
import org.openlgsp.core.ResponseFilter;

/**
 * CPU the provider gateway spends on a grant's response policy (docs/privacy.md): minimisation
 * (allow-list and masks) and leak detection on a 10 KB JSON answer, as the gateway runs them
 * (parse, filter, scan, encode: what {@code Minimisation.apply} does), next to parse + encode alone
 * (the floor any JSON filtering pays) in the same run; and the detectors' cost per MB of JSON and
 * of text; and the document axis's detectors on an edXML package with a 1 MB text attachment
 * ({@code LeakScan}: header fields, then the attachment streamed from the package file and base64
 * decoded), next to the same streaming pass without detectors. Single thread, CPU time of that
 * thread (ThreadMXBean).
 *
 * <p>Robust to the order of the scenarios: every scenario is first warmed up ({@value #WARM_UP}
 * rounds of all of them, so the JIT has compiled the shared parse, filter and encode paths before
 * anything is measured), then measured in {@value #ROUNDS} interleaved rounds — each round runs one
 * batch of every scenario, starting from a different one each round — and each scenario's median
 * batch is reported. Earlier, each scenario was warmed and measured on its own in turn, so the
 * first ones measured the JIT still warming up.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.PrivacyFilterBenchmark}
 */
public final class PrivacyFilterBenchmark {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private PrivacyFilterBenchmark() {}

  public static void main(String[] args) throws Exception {
    byte[] small = household(40); // ≈ 10 KB
    byte[] large = household(3000); // ≈ 1 MB
    byte[] text =
        new String(large, StandardCharsets.UTF_8)
            .replace('"', ' ')
            .getBytes(StandardCharsets.UTF_8);
    PrivacyPolicy minimise =
        new PrivacyPolicy(
            List.of(),
            false,
            List.of("/id", "/members/*/name", "/members/*/personalId", "/members/*/birthDate"),
            List.of(
                new PrivacyPolicy.Mask("/members/*/personalId", "last:4"),
                new PrivacyPolicy.Mask("/members/*/birthDate", "year")),
            null,
            0);
    List<LeakRule> dlp =
        List.of(
            new LeakRule("cccd", LeakAction.MASK),
            new LeakRule("cmnd", LeakAction.MASK),
            new LeakRule("tax_code", LeakAction.ALERT),
            new LeakRule("phone", LeakAction.MASK),
            new LeakRule("classification", LeakAction.BLOCK));
    PrivacyPolicy dlpOnly = new PrivacyPolicy(List.of(), false, null, null, null, 0, "", dlp);
    PrivacyPolicy both =
        new PrivacyPolicy(
            List.of(), false, minimise.responseFields(), minimise.masks(), null, 0, "", dlp);
    System.out.printf(
        "OpenLGSP privacy filter benchmark: JSON %,d B and %,d B, text %,d B, %d cores%n%n",
        small.length, large.length, text.length, Runtime.getRuntime().availableProcessors());
    List<Scenario> scenarios = new ArrayList<>();
    scenarios.add(
        new Scenario(
            "10 KB JSON: parse + encode only (baseline)",
            small.length,
            () -> encode(parse(small))));
    scenarios.add(
        new Scenario(
            "10 KB JSON: minimisation (4 fields, 2 masks)",
            small.length,
            filtering(minimise, small)));
    scenarios.add(
        new Scenario("10 KB JSON: DLP (5 detectors)", small.length, filtering(dlpOnly, small)));
    scenarios.add(
        new Scenario("10 KB JSON: minimisation + DLP", small.length, filtering(both, small)));
    scenarios.add(
        new Scenario(
            "1 MB JSON: parse + encode only (baseline)", large.length, () -> encode(parse(large))));
    scenarios.add(
        new Scenario("1 MB JSON: DLP (5 detectors)", large.length, filtering(dlpOnly, large)));
    ResponseFilter textFilter = ResponseFilter.of(dlpOnly);
    scenarios.add(
        new Scenario(
            "1 MB text: DLP (5 detectors)",
            text.length,
            () -> {
              Set<LeakDetectors.Kind> found = EnumSet.noneOf(LeakDetectors.Kind.class);
              return textFilter.applyToText(new String(text, StandardCharsets.UTF_8), found);
            }));
    java.nio.file.Path edoc = java.nio.file.Files.createTempFile("lgsp-dlp", ".edxml");
    try {
      org.openlgsp.documents.DocumentPackage doc = edocPackage(text);
      java.nio.file.Files.write(edoc, org.openlgsp.documents.EdxmlCodec.write(doc));
      int edocBytes = (int) java.nio.file.Files.size(edoc);
      Set<LeakDetectors.Kind> all = EnumSet.allOf(LeakDetectors.Kind.class);
      scenarios.add(
          new Scenario(
              "edXML, 1 MB text attached: stream + decode only",
              edocBytes,
              () -> org.openlgsp.documents.LeakScan.scan(doc, edoc, Set.of())));
      scenarios.add(
          new Scenario(
              "edXML, 1 MB text attached: DLP (5 detectors)",
              edocBytes,
              () -> org.openlgsp.documents.LeakScan.scan(doc, edoc, all)));
      report(scenarios, measure(scenarios));
    } finally {
      java.nio.file.Files.delete(edoc);
    }
  }

  /** A document package from the province to a department with {@code text} as a CSV attachment. */
  private static org.openlgsp.documents.DocumentPackage edocPackage(byte[] text) {
    org.openlgsp.documents.DocumentPackage doc =
        org.openlgsp.documents.Packages.document(
            new org.openlgsp.documents.Packages.NewDocument(
                org.openlgsp.core.AgencyCode.parse("000.00.00.H41"),
                "UBND Tỉnh Nghệ An",
                List.of(org.openlgsp.core.AgencyCode.parse("000.00.15.H41")),
                "42",
                "UBND-VX",
                java.time.LocalDate.of(2026, 12, 7),
                "V/v rà soát danh sách hộ gia đình",
                "Gửi kèm danh sách để rà soát",
                "Nguyễn Văn A"),
            java.time.Instant.parse("2026-12-07T03:00:00Z"));
    org.openlgsp.documents.Packages.attach(doc, "danh-sach.txt", "text/plain", text);
    return doc;
  }

  private static void report(List<Scenario> scenarios, double[][] samples) {
    System.out.printf(
        "%-48s %14s %12s %22s%n", "scenario", "CPU µs / op", "CPU ms / MB", "quartiles µs / op");
    for (int s = 0; s < scenarios.size(); s++) {
      Scenario sc = scenarios.get(s);
      double[] micros = samples[s];
      Arrays.sort(micros);
      double median = micros[micros.length / 2];
      double perMb = median / 1_000.0 * (1024.0 * 1024.0 / sc.bytes());
      System.out.printf(
          "%-48s %14s %12s %22s%n",
          sc.name(),
          String.format("%,.1f", median),
          String.format("%,.1f", perMb),
          String.format("%,.1f - %,.1f", micros[micros.length / 4], micros[micros.length * 3 / 4]));
    }
  }

  /** Warm-up rounds of all scenarios before any is measured. */
  static final int WARM_UP = 8;

  /** Measured rounds; each gives every scenario one batch. */
  static final int ROUNDS = 25;

  /** One measured case: a name, its body size and one operation. */
  private record Scenario(String name, int bytes, Supplier<Object> op) {
    /** Operations per batch: about 2 MB of body, at least one. */
    int perBatch() {
      return Math.max(1, 2_000_000 / bytes);
    }
  }

  /**
   * CPU µs per operation of each scenario, one sample per round: all scenarios warmed up first,
   * then measured interleaved, each round starting from the next scenario so none always runs first
   * or after the same one.
   */
  private static double[][] measure(List<Scenario> scenarios) {
    int n = scenarios.size();
    for (int round = 0; round < WARM_UP; round++) {
      for (Scenario sc : scenarios) {
        batch(sc.op(), sc.perBatch());
      }
    }
    double[][] micros = new double[n][ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      for (int k = 0; k < n; k++) {
        int s = (round + k) % n;
        Scenario sc = scenarios.get(s);
        micros[s][round] = batch(sc.op(), sc.perBatch()) / 1_000.0 / sc.perBatch();
      }
    }
    return micros;
  }

  private static Supplier<Object> filtering(PrivacyPolicy policy, byte[] body) {
    ResponseFilter filter = ResponseFilter.of(policy);
    return () -> {
      Set<LeakDetectors.Kind> found = EnumSet.noneOf(LeakDetectors.Kind.class);
      byte[] out = encode(filter.apply(parse(body), found));
      return filter.blocks(found) ? null : out;
    };
  }

  private static Object sink;

  private static long batch(Supplier<Object> op, int n) {
    long start = CPU.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      sink = op.get();
    }
    return CPU.getCurrentThreadCpuTime() - start;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return Json.mapper().readTree(body);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encode(JsonNode node) {
    try {
      return Json.mapper().writeValueAsBytes(node);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A household register answer with {@code members} people (≈ 330 B each). */
  private static byte[] household(int members) {
    StringBuilder b =
        new StringBuilder("{\"id\":\"HK-0001\",\"address\":\"12 Lê Lợi, Tây Ninh\",\"members\":[");
    for (int i = 0; i < members; i++) {
      String id = String.format("0790%08d", 90_000_000 + i);
      b.append(i == 0 ? "" : ",")
          .append("{\"name\":\"Nguyễn Văn An ")
          .append(i)
          .append("\",\"personalId\":\"")
          .append(id)
          .append("\",\"birthDate\":\"1990-03-12\",\"phone\":\"09")
          .append(String.format("%08d", i))
          .append("\",\"note\":\"Hồ sơ số ")
          .append(i)
          .append(" đã xử lý, cán bộ tiếp nhận theo quy trình, không có ghi chú đặc biệt\",")
          .append("\"relation\":\"con\",\"nationality\":\"VN\"}");
    }
    return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
