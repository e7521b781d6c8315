package org.openlgsp.demo;

import io.helidon.webserver.WebServer;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openlgsp.testkit.PopulationService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lgsp demo backend}: the demo's sample population database on its own, as the backend host
 * of a deployment across machines (README, "Deploy on separate hosts").
 */
@Command(
    name = "backend",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the sample national population database (GET /api/citizens/{id}, POST"
          + " /api/citizens/verify) as a service's backend, until stopped. Prints a few of its"
          + " generated citizens' personal IDs."
    })
final class BackendCommand implements Callable<Integer> {
  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Bind address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "9090",
      description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--citizens",
      defaultValue = "200",
      description = "How many citizens to generate (default: ${DEFAULT-VALUE}).")
  int citizens;

  @Override
  public Integer call() throws InterruptedException {
    if (citizens < 1 || citizens > 1_000_000) {
      throw new IllegalArgumentException("--citizens must be between 1 and 1000000");
    }
    PopulationService population = new PopulationService(citizens, PopulationService.SEED);
    WebServer server = population.serve(host, port);
    List<String> ids = population.ids();
    System.out.printf(
        "[backend] sample population database (%d generated citizens) on http://%s:%d/api%n",
        ids.size(), host, server.port());
    System.out.println(
        "[backend] citizens " + String.join(" ", ids.subList(0, Math.min(3, ids.size()))));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop();
                  stop.countDown();
                }));
    stop.await();
    return 0;
  }
}
