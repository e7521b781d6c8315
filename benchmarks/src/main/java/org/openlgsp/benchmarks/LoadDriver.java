package org.openlgsp.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one kind of call in two ways. Closed loop: N workers call back to back for a duration
 * (throughput). Open loop: calls start on a fixed schedule and latency is measured from the
 * scheduled start, so a stall is charged to every call it delayed (no coordinated omission).
 */
final class LoadDriver {
  /** One call; returns normally on success and throws on failure. */
  @FunctionalInterface
  interface Call {
    void run(long sequence) throws Exception;
  }

  /** What a run measured; latencies in microseconds. */
  record Result(
      String name,
      long calls,
      long failures,
      double seconds,
      Histogram latency,
      Map<String, Long> failureKinds,
      long cpuNanos) {
    double perSecond() {
      return calls / seconds;
    }

    /** Process CPU time (all threads, every component in this JVM) per successful call. */
    double cpuMicrosPerCall() {
      return calls == 0 ? 0 : cpuNanos / 1000.0 / calls;
    }

    double p(double percentile) {
      return latency.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  static Result closedLoop(String name, Call call, int workers, Duration duration)
      throws Exception {
    Recorder recorder = new Recorder(3);
    AtomicLong sequence = new AtomicLong();
    Failures failures = new Failures();
    long end = System.nanoTime() + duration.toNanos();
    long started = System.nanoTime();
    long cpuStart = processCpuNanos();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (System.nanoTime() < end) {
                      long t0 = System.nanoTime();
                      try {
                        call.run(sequence.getAndIncrement());
                        recorder.recordValue((System.nanoTime() - t0) / 1000);
                      } catch (Exception e) {
                        failures.add(e);
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return result(name, recorder, failures, started, cpuStart);
  }

  static Result openLoop(String name, Call call, int ratePerSecond, Duration duration)
      throws Exception {
    Recorder recorder = new Recorder(3);
    Failures failures = new Failures();
    long intervalNanos = 1_000_000_000L / ratePerSecond;
    long total = duration.toSeconds() * ratePerSecond;
    long start = System.nanoTime() + 10_000_000;
    long cpuStart = processCpuNanos();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (long i = 0; i < total; i++) {
        long scheduled = start + i * intervalNanos;
        long wait = scheduled - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        long seq = i;
        executor.submit(
            () -> {
              try {
                call.run(seq);
                recorder.recordValue((System.nanoTime() - scheduled) / 1000);
              } catch (Exception e) {
                failures.add(e);
              }
            });
      }
    }
    return result(name, recorder, failures, start, cpuStart);
  }

  private static Result result(
      String name, Recorder recorder, Failures failures, long startNanos, long cpuStart) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Histogram h = recorder.getIntervalHistogram();
    return new Result(
        name,
        h.getTotalCount(),
        failures.total(),
        seconds,
        h,
        failures.kinds(),
        processCpuNanos() - cpuStart);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Counts failures by kind so a run says why calls failed, not only how many. */
  private static final class Failures {
    private final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();

    void add(Exception e) {
      String kind = e.getClass().getSimpleName() + ": " + e.getMessage();
      kinds
          .computeIfAbsent(
              kind.length() > 120 ? kind.substring(0, 120) : kind, k -> new LongAdder())
          .increment();
    }

    long total() {
      return kinds.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> kinds() {
      Map<String, Long> copy = new TreeMap<>();
      kinds.forEach((k, v) -> copy.put(k, v.sum()));
      return copy;
    }
  }

  static String table(List<Result> results) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "| %-44s | %9s | %8s | %8s | %8s | %8s | %8s | %9s |%n",
            "scenario",
            "calls/s",
            "failures",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "CPU µs/call"));
    b.append("|")
        .append("-".repeat(46))
        .append(
            "|---------:|---------:|---------:|---------:|---------:|---------:|----------:|\n");
    for (Result r : results) {
      b.append(
          String.format(
              "| %-44s | %9.0f | %8d | %8.2f | %8.2f | %8.2f | %8.2f | %9.0f |%n",
              r.name(),
              r.perSecond(),
              r.failures(),
              r.p(50),
              r.p(90),
              r.p(99),
              r.latency().getMaxValue() / 1000.0,
              r.cpuMicrosPerCall()));
    }
    for (Result r : results) {
      r.failureKinds()
          .forEach((kind, n) -> b.append(String.format("  %s: %d × %s%n", r.name(), n, kind)));
    }
    return b.toString();
  }
}
