package org.openlgsp.benchmarks;

import java.io.UncheckedIOException;
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
      long cpuNanos,
      long allocatedBytes,
      long contextSwitches,
      long syscalls,
      Map<String, Long> threadCpuNanos) {
    /** CPU time of the JIT compiler threads during the run. */
    long jitCpuNanos() {
      return threadCpuNanos.entrySet().stream()
          .filter(e -> e.getKey().startsWith("C# Compiler"))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }

    /** CPU µs per call of each kind of thread (names with their numbers as #), largest first. */
    String threadCpuPerCall() {
      StringBuilder b = new StringBuilder();
      threadCpuNanos.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .filter(e -> e.getValue() / 1000.0 / Math.max(1, calls) >= 1)
          .forEach(
              e ->
                  b.append(b.isEmpty() ? "" : ", ")
                      .append(e.getKey())
                      .append(String.format(" %.0f", e.getValue() / 1000.0 / Math.max(1, calls))));
      return b.toString();
    }

    double perSecond() {
      return calls / seconds;
    }

    /** Process CPU time (all threads, every component in this JVM) per successful call. */
    double cpuMicrosPerCall() {
      return calls == 0 ? 0 : cpuNanos / 1000.0 / calls;
    }

    /**
     * Heap bytes allocated by every thread in this JVM per successful call: unlike CPU time it does
     * not move when other processes load the machine, so two builds compare on it reliably.
     */
    double kilobytesPerCall() {
      return calls == 0 ? 0 : allocatedBytes / 1024.0 / calls;
    }

    /**
     * Process CPU per successful call without the JIT compiler threads' time: C2 keeps compiling
     * for a minute and more after start, and what it spends in a short run says how long the run
     * warmed up, not what a call costs.
     */
    double cpuMicrosPerCallWithoutJit() {
      return calls == 0 ? 0 : (cpuNanos - jitCpuNanos()) / 1000.0 / calls;
    }

    /** Context switches of every thread in this JVM per successful call (Linux; else 0). */
    double switchesPerCall() {
      return calls == 0 ? 0 : (double) contextSwitches / calls;
    }

    /** read- and write-type system calls of this process per successful call (Linux; else 0). */
    double syscallsPerCall() {
      return calls == 0 ? 0 : (double) syscalls / calls;
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
    long allocStart = allocatedBytes();
    long switchStart = contextSwitches();
    long syscallStart = ioSyscalls();
    Map<Long, ThreadTime> threadStart = threadTimes();
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
    return result(
        name,
        recorder,
        failures,
        started,
        cpuStart,
        allocStart,
        switchStart,
        syscallStart,
        threadStart);
  }

  static Result openLoop(String name, Call call, int ratePerSecond, Duration duration)
      throws Exception {
    Recorder recorder = new Recorder(3);
    Failures failures = new Failures();
    long intervalNanos = 1_000_000_000L / ratePerSecond;
    long total = duration.toSeconds() * ratePerSecond;
    long start = System.nanoTime() + 10_000_000;
    long cpuStart = processCpuNanos();
    long allocStart = allocatedBytes();
    long switchStart = contextSwitches();
    long syscallStart = ioSyscalls();
    Map<Long, ThreadTime> threadStart = threadTimes();
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
    return result(
        name,
        recorder,
        failures,
        start,
        cpuStart,
        allocStart,
        switchStart,
        syscallStart,
        threadStart);
  }

  private static Result result(
      String name,
      Recorder recorder,
      Failures failures,
      long startNanos,
      long cpuStart,
      long allocStart,
      long switchStart,
      long syscallStart,
      Map<Long, ThreadTime> threadStart) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Histogram h = recorder.getIntervalHistogram();
    return new Result(
        name,
        h.getTotalCount(),
        failures.total(),
        seconds,
        h,
        failures.kinds(),
        processCpuNanos() - cpuStart,
        allocatedBytes() - allocStart,
        contextSwitches() - switchStart,
        ioSyscalls() - syscallStart,
        threadCpuSince(threadStart));
  }

  /** One thread's kind (its name, numbers as #) and CPU time so far. */
  record ThreadTime(String kind, long cpuNanos) {}

  /**
   * Every thread of this process with its CPU time (Linux: {@code /proc/self/task/<tid>/comm} and
   * {@code schedstat}; else none): JVM threads too (JIT compilers, GC), which Java's thread bean
   * does not list, and the carrier threads virtual threads run on.
   */
  static Map<Long, ThreadTime> threadTimes() {
    Map<Long, ThreadTime> times = new java.util.HashMap<>();
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      tasks.forEach(
          task -> {
            try {
              String comm = java.nio.file.Files.readString(task.resolve("comm")).strip();
              String schedstat = java.nio.file.Files.readString(task.resolve("schedstat"));
              times.put(
                  Long.parseLong(task.getFileName().toString()),
                  new ThreadTime(
                      comm.replaceAll("[0-9]+", "#"),
                      Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')))));
            } catch (java.io.IOException | RuntimeException e) {
              // the thread ended between listing and reading
            }
          });
    } catch (java.io.IOException | UncheckedIOException e) {
      return times;
    }
    return times;
  }

  /** CPU per kind of thread since {@code start} (threads that ended meanwhile are not counted). */
  static Map<String, Long> threadCpuSince(Map<Long, ThreadTime> start) {
    Map<String, Long> byKind = new TreeMap<>();
    threadTimes()
        .forEach(
            (tid, now) -> {
              ThreadTime then = start.get(tid);
              long used =
                  now.cpuNanos()
                      - (then != null && then.kind().equals(now.kind()) ? then.cpuNanos() : 0);
              byKind.merge(now.kind(), used, Long::sum);
            });
    return byKind;
  }

  /** syscr + syscw of /proc/self/io: reads and writes of files, sockets and pipes. */
  private static long ioSyscalls() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/io")).stream()
          .filter(l -> l.startsWith("syscr:") || l.startsWith("syscw:"))
          .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim()))
          .sum();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** Voluntary and involuntary switches summed over the live threads of this process. */
  private static long contextSwitches() {
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      return tasks.mapToLong(LoadDriver::switchesOf).sum();
    } catch (java.io.IOException | UncheckedIOException e) {
      return 0;
    }
  }

  private static long switchesOf(java.nio.file.Path task) {
    try {
      return java.nio.file.Files.readAllLines(task.resolve("status")).stream()
          .filter(l -> l.contains("ctxt_switches:"))
          .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim()))
          .sum();
    } catch (java.io.IOException e) {
      return 0; // the thread ended between listing and reading
    }
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean)
            java.lang.management.ManagementFactory.getThreadMXBean())
        .getTotalThreadAllocatedBytes();
  }

  static long processCpuNanos() {
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
            "| %-44s | %9s | %8s | %8s | %8s | %8s | %8s | %9s | %9s | %8s | %9s | %9s | %9s |%n",
            "scenario",
            "calls/s",
            "failures",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "CPU µs/call",
            "without JIT",
            "JIT CPU ms",
            "alloc KB/call",
            "switches/call",
            "I/O syscalls/call"));
    b.append("|")
        .append("-".repeat(46))
        .append(
            "|---------:|---------:|---------:|---------:|---------:|---------:|----------:|----------:|---------:|----------:|----------:|----------:|\n");
    for (Result r : results) {
      b.append(
          String.format(
              "| %-44s | %9.0f | %8d | %8.2f | %8.2f | %8.2f | %8.2f | %9.0f | %9.0f | %8.0f | %9.1f | %9.1f | %9.1f |%n",
              r.name(),
              r.perSecond(),
              r.failures(),
              r.p(50),
              r.p(90),
              r.p(99),
              r.latency().getMaxValue() / 1000.0,
              r.cpuMicrosPerCall(),
              r.cpuMicrosPerCallWithoutJit(),
              r.jitCpuNanos() / 1e6,
              r.kilobytesPerCall(),
              r.switchesPerCall(),
              r.syscallsPerCall()));
    }
    for (Result r : results) {
      b.append(String.format("  %s: CPU µs/call by thread: %s%n", r.name(), r.threadCpuPerCall()));
    }
    for (Result r : results) {
      r.failureKinds()
          .forEach((kind, n) -> b.append(String.format("  %s: %d × %s%n", r.name(), n, kind)));
    }
    return b.toString();
  }
}
