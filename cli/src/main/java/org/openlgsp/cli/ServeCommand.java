package org.openlgsp.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openlgsp.node.ConfigCheck;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lgsp serve --config FILE}: runs a real node in the roles its configuration names; with
 * {@code --check}, only checks the file and prints what would run (exit 0), or the first problem in
 * one line (exit 2).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run a node (registry, gateway, document axis) from a YAML configuration file.")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "Node configuration (YAML). See README, section Configuration.")
  Path config;

  @Option(
      names = "--check",
      description =
          "Check the configuration (keys, values, the files it names, that keys load) and print"
              + " the effective configuration with defaults filled in and secrets redacted; start"
              + " nothing.")
  boolean check;

  @Override
  public Integer call() throws Exception {
    if (check) {
      System.out.print(ConfigCheck.effectiveConfiguration(config));
      System.out.println("configuration OK: " + config);
      return 0;
    }
    NodeConfig cfg = NodeConfig.read(config);
    List<AutoCloseable> running;
    try {
      running = NodeRoles.start(config, System.out);
    } catch (NodeConfig.ConfigException | IllegalStateException e) {
      // a key that does not load, a port in use...: one line naming the file it comes from
      throw new IllegalStateException(config + ": " + e.getMessage());
    }
    CountDownLatch stop = new CountDownLatch(1);
    AtomicBoolean stopped = new AtomicBoolean();
    Runnable stopNode =
        () -> {
          if (stopped.compareAndSet(false, true)) {
            System.out.println(
                "stopping: refusing new connections, draining requests in flight (up to "
                    + cfg.shutdown().drainTimeout()
                    + "), flushing the ledger");
            NodeRoles.closeAll(running);
            System.out.println("node stopped");
          }
        };
    // SIGTERM (and Ctrl-C) drain and exit 0; any other way out of the JVM still stops the node.
    boolean handled = onSignals(stop::countDown, "TERM", "INT");
    Runtime.getRuntime().addShutdownHook(new Thread(stopNode, "lgsp-stop"));
    System.out.println(
        "node running; stop with SIGTERM or Ctrl-C"
            + (handled ? "" : " (signals not catchable here: the JVM exits with 143)"));
    stop.await();
    stopNode.run();
    return 0;
  }

  /**
   * Routes the named signals to {@code action} instead of the JVM's default (run the shutdown hooks
   * and exit 128+signal), so that a drained stop ends with exit code 0. False when the JVM does not
   * let a signal be caught (e.g. started with -Xrs); the shutdown hook then stops the node.
   */
  @SuppressWarnings("restriction")
  private static boolean onSignals(Runnable action, String... names) {
    boolean all = true;
    for (String name : names) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
      } catch (IllegalArgumentException unavailable) {
        all = false;
      }
    }
    return all;
  }
}
