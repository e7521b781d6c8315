package org.openlgsp.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Scale-out of a federation's provider gateway node (docs/scale-out.md): the node leaves the
 * federation's JVM and runs as {@code count} processes ({@link GatewayInstanceMain}; same node,
 * same keys, own ports) on one shared database, behind Debian's HAProxy in TCP mode (mutual TLS
 * passes through) listening where the directory says the node is. HAProxy's configuration, pid and
 * log, and each instance's configuration and log, are written to the work folder.
 */
public final class ProviderInstances implements AutoCloseable {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One running instance: its peer port, log and process (the JVM itself, for kill -9). */
  public record Instance(int number, int peerPort, Path log, Process process) {
    boolean logContains(String text) {
      try {
        return Files.readString(log).contains(text);
      } catch (IOException e) {
        return false;
      }
    }

    /** The last lines of its log. */
    public String tail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
      } catch (IOException e) {
        return "(no log)";
      }
    }
  }

  private final Path dir;
  private final List<Instance> instances = new ArrayList<>();
  private Process haproxy;

  private ProviderInstances(Path dir) {
    this.dir = dir;
  }

  /**
   * Stops {@code f}'s provider gateway and starts {@code count} instances of it on {@code database}
   * (a JDBC URL; PostgreSQL for more than one), the first alone (it migrates the schema), then the
   * others, then HAProxy on the node's peer port. Each waits at most {@code wait}.
   *
   * @param jvm options for each instance's JVM, e.g. {@code -Xmx256m}
   */
  public static ProviderInstances start(
      Federation f, String database, int count, Duration wait, List<String> jvm) {
    ProviderInstances p = new ProviderInstances(f.workDir());
    try {
      int balanced = f.ports().provider().peer();
      f.providerNode().close();
      Path yaml = f.workDir().resolve("mps-gateway.yaml");
      p.instances.add(p.startInstance(yaml, 1, database, jvm));
      awaitReady(p.instances.getFirst(), wait);
      for (int i = 2; i <= count; i++) {
        p.instances.add(p.startInstance(yaml, i, database, jvm));
      }
      for (Instance in : p.instances) {
        awaitReady(in, wait);
      }
      p.haproxy = p.startHaproxy(balanced);
      awaitPort(balanced, wait);
      return p;
    } catch (IOException e) {
      p.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  public List<Instance> instances() {
    return List.copyOf(instances);
  }

  /** SIGKILL: the instance dies at once, with whatever it had in flight. */
  public void kill(int index) throws InterruptedException {
    Process p = instances.get(index).process();
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: the instance closes (and signs a last checkpoint); true once it has exited. */
  public boolean stop(int index) throws InterruptedException {
    Process p = instances.get(index).process();
    p.destroy();
    return p.waitFor(30, TimeUnit.SECONDS);
  }

  /** Every instance's last log lines, for a failure report. */
  public String logs() {
    StringBuilder b = new StringBuilder();
    for (Instance in : instances) {
      b.append("--- instance ").append(in.number()).append('\n').append(in.tail()).append('\n');
    }
    return b.toString();
  }

  private Instance startInstance(Path yaml, int i, String database, List<String> jvm)
      throws IOException {
    ObjectNode tree = (ObjectNode) YAML.readTree(yaml.toFile());
    ObjectNode gateway = (ObjectNode) tree.get("gateway");
    int peer = Federation.free();
    gateway.put("peerPort", peer);
    gateway.put("clientTlsPort", Federation.free());
    gateway.put("database", database);
    // operational records and statistics: per instance (they are not the ledger)
    gateway.put("observerDatabase", "jdbc:sqlite:data/mps-gateway-" + i + "-observers.db");
    ((ObjectNode) gateway.get("ledger")).put("checkpointInterval", "PT1S");
    Path config = dir.resolve("mps-gateway-" + i + ".yaml");
    YAML.writeValue(config.toFile(), tree);
    Path log = dir.resolve("mps-gateway-" + i + ".log");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvm);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            GatewayInstanceMain.class.getName(),
            config.toString(),
            dir.toString()));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new Instance(i, peer, log, p);
  }

  /**
   * HAProxy in TCP mode on {@code port}, round robin, each instance health-checked every 200 ms.
   */
  private Process startHaproxy(int port) throws IOException {
    StringBuilder cfg = new StringBuilder();
    cfg.append("global\n  maxconn 1000\n  pidfile ")
        .append(dir.resolve("haproxy.pid"))
        .append("\ndefaults\n  mode tcp\n  timeout connect 2s\n  timeout client 60s\n")
        .append("  timeout server 60s\n  retries 2\n  option redispatch\n")
        .append("frontend gateway\n  bind 127.0.0.1:")
        .append(port)
        .append("\n  default_backend instances\nbackend instances\n  balance roundrobin\n")
        .append("  default-server inter 200ms fall 2 rise 2\n");
    for (Instance in : instances) {
      cfg.append("  server i")
          .append(in.number())
          .append(" 127.0.0.1:")
          .append(in.peerPort())
          .append(" check\n");
    }
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, cfg);
    return new ProcessBuilder("haproxy", "-db", "-f", file.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile()))
        .start();
  }

  private static void awaitReady(Instance in, Duration wait) {
    poll(
        wait,
        "instance " + in.number() + " ready",
        () -> !in.process().isAlive() || in.logContains("READY"));
    if (!in.process().isAlive()) {
      throw new IllegalStateException("instance " + in.number() + " died:\n" + in.tail());
    }
  }

  private static void awaitPort(int port, Duration wait) {
    poll(
        wait,
        "port " + port + " open",
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
          } catch (IOException e) {
            return false;
          }
        });
  }

  // Polls every 100 ms (a process's log or port: nothing to be notified by).
  private static void poll(Duration wait, String what, java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not " + what + " within " + wait);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /** Kills every instance still running and stops HAProxy. */
  @Override
  public void close() {
    for (Instance in : instances) {
      in.process().destroyForcibly();
    }
    if (haproxy != null) {
      haproxy.destroy();
      try {
        haproxy.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
