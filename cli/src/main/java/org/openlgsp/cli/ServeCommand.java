package org.openlgsp.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lgsp serve --config FILE}: runs a real node in the roles its configuration names. */
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

  @Override
  public Integer call() throws Exception {
    List<AutoCloseable> running =
        NodeRoles.start(NodeConfig.read(config), config.toAbsolutePath().getParent(), System.out);
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
