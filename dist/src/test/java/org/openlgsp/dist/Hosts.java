package org.openlgsp.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Hosts (network namespaces, {@link Namespaces}) each holding folders of nodes, where the unpacked
 * archive's {@code bin/lgsp} runs: a one-shot command, or a node (its own JVM) left running until
 * {@link #close}. A folder {@code name} of host {@code h} is {@code DIR/h<h>/<name>}: each node of
 * a host has its own, as it would have its own {@code /etc} and {@code /var/lib} on a machine.
 */
final class Hosts implements AutoCloseable {
  /** One-shot commands: C1 only starts a short JVM faster and uses less CPU. */
  private static final Map<String, String> COMMAND =
      Map.of("LGSP_JAVA_OPTS", Distribution.QUICK_JVM);

  /**
   * A bound against a hung command, not a performance goal: on a shared machine with many JVMs
   * starting at once, `ca init` (four PKCS#12 files at 600,000 PBKDF2 rounds) alone may take a
   * minute.
   */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(180);

  private final Distribution dist;
  private final Path dir;
  private final Namespaces namespaces;
  private final Map<String, String> nodeJvm;
  private final List<Process> nodes = new ArrayList<>();

  private Hosts(Distribution dist, Path dir, Namespaces namespaces, String nodeJvmOptions) {
    this.dist = dist;
    this.dir = dir;
    this.namespaces = namespaces;
    this.nodeJvm = Map.of("LGSP_JAVA_OPTS", nodeJvmOptions);
  }

  /** {@code count} hosts; nodes started on them run with {@code nodeJvmOptions}. */
  static Hosts create(Distribution dist, Path dir, int count, String nodeJvmOptions)
      throws IOException, InterruptedException {
    return new Hosts(dist, dir, Namespaces.create(count), nodeJvmOptions);
  }

  /** The folder {@code name} of host {@code h}, created if needed. */
  Path folder(int h, String name) throws IOException {
    return Files.createDirectories(dir.resolve("h" + h).resolve(name));
  }

  /** Runs {@code bin/lgsp args} in folder {@code name} of host {@code h}; it must exit 0. */
  String run(int h, String name, String... args) throws IOException, InterruptedException {
    Distribution.Result r = attempt(h, name, args);
    assertThat(r.exit()).as("bin/lgsp " + String.join(" ", args) + "\n" + r.out()).isZero();
    return r.out();
  }

  /** As {@link #run}, whatever the exit code. */
  Distribution.Result attempt(int h, String name, String... args)
      throws IOException, InterruptedException {
    return dist.runIn(folder(h, name), namespaces.on(h), COMMAND, COMMAND_TIMEOUT, args);
  }

  /** Starts {@code bin/lgsp args} (a node) in folder {@code name} of host {@code h}; its log. */
  Path start(int h, String name, String... args) throws IOException {
    Path log = folder(h, name).resolve("node-" + args[0] + ".log");
    synchronized (nodes) {
      nodes.add(dist.start(folder(h, name), namespaces.on(h), nodeJvm, log, args));
    }
    return log;
  }

  /** Waits until something listens on {@code port} of host {@code h}. */
  static void awaitPort(int h, int port) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> portOpen(h, port));
  }

  static boolean portOpen(int h, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(Namespaces.address(h), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Steps that may throw. */
  interface Step {
    void run() throws Exception;
  }

  /** Runs {@code steps} at once (as operators of different hosts would) and waits for all. */
  static void inParallel(Step... steps) throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(steps.length)) {
      List<Future<?>> running = new ArrayList<>();
      for (Step s : steps) {
        running.add(
            pool.submit(
                () -> {
                  s.run();
                  return null;
                }));
      }
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          running.forEach(other -> other.cancel(true));
          if (e.getCause() instanceof Exception cause) {
            throw cause;
          }
          throw (Error) e.getCause();
        }
      }
    }
  }

  /** The last {@code lines} lines of every node log, for a failed run. */
  void printLogs(int lines) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path log :
          files
              .filter(f -> f.getFileName().toString().matches("node-.*\\.log"))
              .sorted()
              .toList()) {
        List<String> all = Files.readAllLines(log);
        System.out.println("---- " + dir.relativize(log) + " (last " + lines + " lines)");
        all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.out::println);
      }
    }
  }

  /** Stops every node (SIGTERM, then SIGKILL after 15 s) and removes the hosts. */
  @Override
  public void close() throws IOException, InterruptedException {
    synchronized (nodes) {
      for (Process p : nodes) {
        p.destroy();
      }
      for (Process p : nodes) {
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
    namespaces.close();
  }
}
