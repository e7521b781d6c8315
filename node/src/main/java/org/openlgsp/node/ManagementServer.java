package org.openlgsp.node;

import io.helidon.webserver.WebServer;
import java.util.List;
import java.util.function.Supplier;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Edge;
import org.openlgsp.edge.Route;

/**
 * The management listener ({@code management:} in node.yaml): {@code GET /health/live} answers 200
 * while the process serves; {@code GET /health/ready} runs the readiness checks of every role the
 * node runs and answers 200 when all pass, 503 otherwise, listing each check as {@code {name, ok,
 * detail}} and naming the failing ones in {@code failing}.
 */
final class ManagementServer implements AutoCloseable {
  private final WebServer server;

  private ManagementServer(WebServer server) {
    this.server = server;
  }

  /** The answer of {@code /health/ready}. */
  /** What {@code /health/live} answers. */
  record Live(String status) {}

  record Readiness(String status, List<String> failing, List<HealthCheck.Result> checks) {}

  static ManagementServer start(
      NodeConfig.Management settings, Supplier<List<HealthCheck>> checks) {
    Edge edge =
        Edge.builder()
            .route(
                Route.get("/health/live")
                    .publicAccess("a liveness probe: says only that the process serves")
                    .audit(Audit.notAudited("probed every few seconds; reads nothing"))
                    .handle(call -> call.sendJson(200, new Live("live"))))
            .route(
                Route.get("/health/ready")
                    .publicAccess(
                        "a readiness probe: names the checks and why one fails, no data, no"
                            + " secrets")
                    .audit(Audit.notAudited("probed every few seconds; reads nothing"))
                    .handle(
                        call -> {
                          Readiness r = readiness(checks.get());
                          call.sendJson(r.failing().isEmpty() ? 200 : 503, r);
                        }))
            .build();
    WebServer server =
        Edge.start(edge.configure(WebServer.builder().host(settings.host()).port(settings.port())));
    return new ManagementServer(server);
  }

  static Readiness readiness(List<HealthCheck> checks) {
    List<HealthCheck.Result> results = checks.stream().map(HealthCheck::run).toList();
    List<String> failing =
        results.stream().filter(r -> !r.ok()).map(HealthCheck.Result::name).toList();
    return new Readiness(failing.isEmpty() ? "ready" : "not ready", failing, results);
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop();
  }
}
