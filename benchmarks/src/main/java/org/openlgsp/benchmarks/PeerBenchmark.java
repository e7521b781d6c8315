package org.openlgsp.benchmarks;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.openlgsp.testkit.Federation;

/**
 * OpenLGSP next to its peer in one run, with one load driver ({@link LoadDriver}, HdrHistogram) and
 * one backend (the testkit's population database): the backend called directly, Debian's nginx as a
 * two-hop mutual-TLS chain in front of it ({@link NginxChain}), the federation with both gateways
 * in this JVM ({@link Federation}), and the same two gateways each in its own process ({@code lgsp
 * serve -c <node>.yaml} from this classpath, on the configuration files the federation wrote).
 *
 * <p>Per path: throughput with 64 workers (closed loop), p50/p99 with 1 and 4 workers, open loop at
 * fixed rates (latency from the intended send time: no coordinated omission), CPU per call (this
 * JVM plus the path's own processes, from {@code /proc}) and the peak RSS of the path's processes
 * under the 64-worker load. Ends with one table: OpenLGSP as % of the nginx chain and the p50 it
 * adds over the direct call.
 *
 * <p>Run: {@code benchmarks/peer-benchmark.sh [seconds] [rates] [paths] [node JVM options...]},
 * e.g. {@code benchmarks/peer-benchmark.sh 10 500,1000 direct,nginx,onejvm,separate -Xmx256m
 * -XX:StartFlightRecording=filename=node-{node}.jfr}: every argument after the paths goes to both
 * gateway processes ({@link #nodeOptions}); {@code {node}} becomes the gateway's name.
 */
public final class PeerBenchmark {
  private PeerBenchmark() {}

  /** One path's measurements. */
  private record Row(
      String path,
      LoadDriver.Result c64,
      LoadDriver.Result c1,
      LoadDriver.Result c4,
      List<LoadDriver.Result> open,
      double cpuMicrosPerCall,
      String rss) {}

  /** A path: how to call it and which processes besides this JVM serve it. */
  private record Target(
      String name, LoadDriver.Call call, Supplier<List<Long>> processes, boolean ownRss) {}

  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 10);
    int[] rates =
        Arrays.stream((args.length > 1 ? args[1] : "500,1000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    List<String> paths =
        List.of((args.length > 2 ? args[2] : "direct,nginx,onejvm,separate").split(","));
    List<String> nodeOptions = nodeOptions(args);
    Path work = Files.createDirectories(Path.of("target", "peer-benchmark")).toAbsolutePath();
    System.out.printf(
        "peer benchmark: %d s per scenario, open loop at %s/s, JVM %s, %d cores; %s%n",
        duration.toSeconds(),
        Arrays.toString(rates),
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        loadAverage());
    Path fedDir = work.resolve("federation-" + ProcessHandle.current().pid());
    List<Row> rows = new ArrayList<>();
    try (Federation fed = Federation.start(fedDir, Federation.Options.exchange(1000));
        NginxChain nginx =
            NginxChain.start(
                work.resolve("nginx-" + ProcessHandle.current().pid()),
                Integer.parseInt(
                    fed.backendUrl().substring(fed.backendUrl().lastIndexOf(':') + 1)))) {
      List<String> ids = fed.citizenIds();
      nginx.assertMutualTls("/api/citizens/" + ids.get(0));
      System.out.println(
          "nginx chain: B (TLS 1.3) serves A's certificate and refuses none or another CA's");
      WebClient client =
          WebClient.builder().connectionCacheSize(256).followRedirects(false).build();
      String gateway = fed.consumerHttpUrl() + "/r1/" + Federation.CITIZEN_SERVICE + "/citizens/";
      String[] token = {fed.portalToken()};
      LoadDriver.Call direct =
          seq ->
              ExchangeBenchmark.expect200(
                  client.get(fed.backendUrl() + "/api/citizens/" + id(ids, seq)).request());
      LoadDriver.Call viaNginx =
          seq ->
              ExchangeBenchmark.expect200(
                  client.get(nginx.url() + "/api/citizens/" + id(ids, seq)).request());
      LoadDriver.Call viaGateways =
          seq ->
              ExchangeBenchmark.expect200(
                  client
                      .get(gateway + id(ids, seq))
                      .header(HeaderNames.AUTHORIZATION, "Bearer " + token[0])
                      .header(HeaderNames.create("X-Road-Client"), Federation.PORTAL.toString())
                      .header(HeaderNames.create("X-Road-Issue"), "benchmark")
                      .request());
      if (paths.contains("direct")) {
        rows.add(measure(new Target("direct backend", direct, List::of, false), duration, rates));
      }
      if (paths.contains("nginx")) {
        rows.add(
            measure(
                new Target("nginx chain (2 hops, mTLS 1.3)", viaNginx, nginx::pids, false),
                duration,
                rates));
      }
      if (paths.contains("onejvm")) {
        rows.add(
            measure(new Target("OpenLGSP, one JVM", viaGateways, List::of, true), duration, rates));
      }
      if (paths.contains("wrk")) {
        wrk(
            "direct backend",
            fed.backendUrl() + "/api/citizens/" + ids.get(0),
            List.of(),
            duration);
        wrk("nginx chain", nginx.url() + "/api/citizens/" + ids.get(0), List.of(), duration);
        wrk(
            "OpenLGSP, one JVM",
            gateway + ids.get(0),
            List.of(
                "Authorization: Bearer " + token[0],
                "X-Road-Client: " + Federation.PORTAL,
                "X-Road-Issue: benchmark"),
            duration);
      }
      if (paths.contains("separate")) {
        fed.consumerNode().close(); // free their ports, ledgers and databases for the processes
        fed.providerNode().close();
        List<Process> nodes = new ArrayList<>();
        try {
          for (String node : List.of("mps-gateway", "tay-ninh-gateway")) {
            nodes.add(startNode(fedDir, node, nodeOptions));
          }
          token[0] = awaitToken(fed, nodes);
          rows.add(
              measure(
                  new Target(
                      "OpenLGSP, separate processes",
                      viaGateways,
                      () -> nodes.stream().map(Process::pid).toList(),
                      false),
                  duration,
                  rates));
        } finally {
          for (Process p : nodes) {
            p.destroy(); // SIGTERM: drains, flushes the ledger
          }
          for (Process p : nodes) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
              p.destroyForcibly();
            }
          }
        }
      }
      System.out.println();
      System.out.print(
          LoadDriver.table(
              rows.stream()
                  .flatMap(
                      r -> {
                        List<LoadDriver.Result> all = new ArrayList<>();
                        all.add(r.c64());
                        all.add(r.c1());
                        all.add(r.c4());
                        all.addAll(r.open());
                        return all.stream();
                      })
                  .toList()));
      System.out.println();
      System.out.print(summary(rows, rates));
      System.out.printf("%s; ledgers: see the nodes' logs under %s%n", loadAverage(), fedDir);
    }
  }

  private static String id(List<String> ids, long seq) {
    return ids.get((int) (seq % ids.size()));
  }

  /** Warm-up, then 64 workers (sampling RSS and the path's processes' CPU), 1, 4, open loops. */
  private static Row measure(Target t, Duration duration, int[] rates) throws Exception {
    System.out.printf("%s: warm-up…%n", t.name());
    // the gateways' code needs longer for the JIT than a proxy's path through this JVM
    LoadDriver.closedLoop(
        "warm-up",
        t.call(),
        64,
        t.name().startsWith("OpenLGSP") ? duration.multipliedBy(2) : duration);
    List<Long> pids = t.processes().get();
    long cpu0 = cpuNanos(pids);
    AtomicLong peakRss = new AtomicLong();
    Map<Long, Long> peakByPid = new LinkedHashMap<>();
    Thread sampler =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    long sum = 0;
                    for (long pid : t.ownRss() ? List.of(ProcessHandle.current().pid()) : pids) {
                      long kb = rssKb(pid);
                      sum += kb;
                      synchronized (peakByPid) {
                        peakByPid.merge(pid, kb, Math::max);
                      }
                    }
                    peakRss.accumulateAndGet(sum, Math::max);
                    LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                  }
                });
    System.out.printf("%s: 64 workers…%n", t.name());
    LoadDriver.Result c64 = LoadDriver.closedLoop(t.name() + ", c=64", t.call(), 64, duration);
    sampler.interrupt();
    sampler.join();
    long extraCpu = cpuNanos(pids) - cpu0;
    double cpuPerCall = c64.calls() == 0 ? 0 : (c64.cpuNanos() + extraCpu) / 1000.0 / c64.calls();
    String rss;
    if (!t.ownRss() && pids.isEmpty()) {
      rss = "—";
    } else if (t.ownRss()) {
      rss = (peakRss.get() >> 10) + " (whole JVM)";
    } else {
      synchronized (peakByPid) {
        rss =
            pids.size() > 2
                ? (peakRss.get() >> 10) + " (" + pids.size() + " processes)"
                : String.join(
                    " + ", peakByPid.values().stream().map(kb -> (kb >> 10) + "").toList());
      }
    }
    System.out.printf("%s: 1 worker, 4 workers…%n", t.name());
    LoadDriver.Result c1 = LoadDriver.closedLoop(t.name() + ", c=1", t.call(), 1, duration);
    LoadDriver.Result c4 = LoadDriver.closedLoop(t.name() + ", c=4", t.call(), 4, duration);
    List<LoadDriver.Result> open = new ArrayList<>();
    for (int rate : rates) {
      System.out.printf("%s: open loop %d/s…%n", t.name(), rate);
      open.add(LoadDriver.openLoop(t.name() + ", " + rate + "/s", t.call(), rate, duration));
    }
    return new Row(t.name(), c64, c1, c4, open, cpuPerCall, rss);
  }

  /** The one table: every path side by side, OpenLGSP against nginx and the direct call. */
  private static String summary(List<Row> rows, int[] rates) {
    double nginx =
        rows.stream()
            .filter(r -> r.path().startsWith("nginx"))
            .mapToDouble(r -> r.c64().perSecond())
            .findFirst()
            .orElse(Double.NaN);
    double directP50 =
        rows.stream()
            .filter(r -> r.path().startsWith("direct"))
            .mapToDouble(r -> r.c1().p(50))
            .findFirst()
            .orElse(Double.NaN);
    StringBuilder b = new StringBuilder();
    b.append(
        "| path | c=64 calls/s | % of nginx | c=1 p50 / p99 ms | added p50 c=1 ms | c=4 p50 / p99 ms");
    for (int rate : rates) {
      b.append(" | ").append(rate).append("/s p50 / p99 ms (failed)");
    }
    b.append(" | CPU µs/call (c=64) | RSS MB under load |\n|---|---:|---:|---:|---:|---:");
    b.append("|---:".repeat(rates.length)).append("|---:|---:|\n");
    for (Row r : rows) {
      b.append(
          String.format(
              "| %s | %,.0f | %s | %.2f / %.2f | %s | %.2f / %.2f",
              r.path(),
              r.c64().perSecond(),
              Double.isNaN(nginx)
                  ? ""
                  : String.format("%.1f %%", 100 * r.c64().perSecond() / nginx),
              r.c1().p(50),
              r.c1().p(99),
              r.path().startsWith("direct") || Double.isNaN(directP50)
                  ? "—"
                  : String.format("%.2f", r.c1().p(50) - directP50),
              r.c4().p(50),
              r.c4().p(99)));
      for (LoadDriver.Result o : r.open()) {
        b.append(
            String.format(
                " | %.2f / %.2f%s",
                o.p(50), o.p(99), o.failures() == 0 ? "" : " (" + o.failures() + ")"));
      }
      b.append(String.format(" | %,.0f | %s |%n", r.cpuMicrosPerCall(), r.rss()));
    }
    return b.toString();
  }

  /**
   * The gateway processes' JVM options: every argument after the paths, each split at spaces (so
   * {@code "-Xmx256m -XX:+UnlockDiagnosticVMOptions"} and separate arguments both work); {@code
   * -Xmx256m} unless one of them sets the heap.
   */
  static List<String> nodeOptions(String[] args) {
    List<String> options = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      for (String o : args[i].trim().split("\\s+")) {
        if (!o.isEmpty()) {
          options.add(o);
        }
      }
    }
    if (options.stream().noneMatch(o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxHeapSize"))) {
      options.add(0, "-Xmx256m");
    }
    return List.copyOf(options);
  }

  /** Starts {@code lgsp serve -c <node>.yaml} in the federation's folder, as the launcher does. */
  private static Process startNode(Path dir, String node, List<String> jvmOptions)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    // {node} names the process's own files, e.g. its JFR recording (JFR's %p works too)
    jvmOptions.forEach(o -> command.add(o.replace("{node}", node)));
    // this JVM's classpath, absolute: the node runs in the federation's folder
    String classpath =
        Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .map(e -> Path.of(e).toAbsolutePath().toString())
            .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    command.addAll(
        List.of("-cp", classpath, "org.openlgsp.cli.Lgsp", "serve", "-c", node + ".yaml"));
    System.out.printf(
        "starting %s as its own process: %s%n",
        node,
        String.join(" ", command.subList(2, command.size())).replace(classpath, "<classpath>"));
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(node + ".log").toFile())
        .start();
  }

  /** A portal token from the consumer gateway's process once it answers (90 s at most). */
  private static String awaitToken(Federation fed, List<Process> nodes) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      for (Process p : nodes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a gateway process exited: " + p.exitValue());
        }
      }
      try {
        return fed.portalToken();
      } catch (RuntimeException e) {
        last = e;
        LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
      }
    }
    throw new IllegalStateException("the consumer gateway's process did not answer in 90 s", last);
  }

  /** utime + stime of the processes (clock ticks of 10 ms on Linux), in nanoseconds. */
  static long cpuNanos(List<Long> pids) {
    long ticks = 0;
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // fields after the command's closing parenthesis: state is field 3, utime 14, stime 15
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException gone) {
        // the process ended
      }
    }
    return ticks * 10_000_000L;
  }

  /** VmRSS of a process in KiB (0 once it ended). */
  static long rssKb(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
          .findFirst()
          .orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String loadAverage() {
    try {
      return "load average " + Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "load average unknown";
    }
  }

  /** wrk (closed loop, 2 threads, 64 connections) as a cross-check of the Java driver. */
  private static void wrk(String name, String url, List<String> headers, Duration duration)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of("wrk", "-t2", "-c64", "-d" + duration.toSeconds() + "s", "--latency"));
    for (String h : headers) {
      command.addAll(List.of("-H", h));
    }
    command.add(url);
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException notInstalled) {
      System.out.println("wrk not found: no cross-check");
      return;
    }
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    System.out.printf("wrk -t2 -c64 %s:%n", name);
    out.lines()
        .filter(
            l ->
                l.contains("Requests/sec")
                    || l.matches("\\s+(50|99)%.*")
                    || l.contains("Non-2xx")
                    || l.contains("Socket errors")
                    || l.contains("requests in"))
        .forEach(l -> System.out.println("  " + l.strip()));
  }
}
