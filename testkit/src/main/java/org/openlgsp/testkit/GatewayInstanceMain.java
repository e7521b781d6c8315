package org.openlgsp.testkit;

import java.nio.file.Path;
import java.time.Clock;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * One instance of a gateway node in its own JVM, started by {@link ProviderInstances}: {@code
 * CONFIG BASEDIR}. Prints {@code READY} once serving; SIGTERM closes the node (its last checkpoint
 * is signed), SIGKILL does not.
 */
public final class GatewayInstanceMain {
  private GatewayInstanceMain() {}

  public static void main(String[] args) throws InterruptedException {
    NodeConfig config = NodeConfig.read(Path.of(args[0]));
    GatewayNode node =
        GatewayNode.start(config.gateway().orElseThrow(), Path.of(args[1]), Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(node::close));
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
