package org.openlgsp.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
    NodeConfig node = NodeConfig.read(config);
    List<AutoCloseable> running;
    try {
      running = NodeRoles.start(node, config.toAbsolutePath().getParent(), System.out);
    } catch (NodeConfig.ConfigException | IllegalStateException e) {
      // a key that does not load, a port in use...: one line naming the file it comes from
      throw new IllegalStateException(config + ": " + e.getMessage());
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  NodeRoles.closeAll(running);
                  stop.countDown();
                }));
    System.out.println("node running; stop with Ctrl-C");
    stop.await();
    return 0;
  }
}
