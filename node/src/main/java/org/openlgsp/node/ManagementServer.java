package org.openlgsp.node;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
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
 * detail}} and naming the failing ones in {@code failing}; {@code GET /metrics} answers the node's
 * meters in the Prometheus text format (OpenMetrics when the scraper asks for it).
 *
 * <p>All three are unauthenticated, like the health probes of X-Road's operational monitoring: the
 * listener binds to 127.0.0.1 unless told otherwise and is meant for the operator's network only
 * (docs/ops.md). The meters carry counts, times and configured identifiers, never message content
 * or personal data.
 */
final class ManagementServer implements AutoCloseable {
  private final WebServer server;

  private ManagementServer(WebServer server) {
    this.server = server;
  }

  /** What {@code /health/live} answers. */
  record Live(String status) {}

  /** The answer of {@code /health/ready}. */
  record Readiness(String status, List<String> failing, List<HealthCheck.Result> checks) {}

  static ManagementServer start(
      NodeConfig.Management settings, Supplier<List<HealthCheck>> checks, NodeMetrics metrics) {
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
            .route(
                Route.get("/metrics")
                    .publicAccess(
                        "a Prometheus scrape on the operator's network: counts, times and"
                            + " configured identifiers, no message content, no personal data")
                    .audit(Audit.notAudited("scraped every few seconds; reads nothing"))
                    .handle(
                        call -> {
                          NodeMetrics.Scrape scrape =
                              metrics.scrape(
                                  call.request().headers().first(HeaderNames.ACCEPT).orElse(""));
                          call.response().status(Status.OK_200);
                          call.response().header(HeaderNames.CONTENT_TYPE, scrape.contentType());
                          call.response().send(scrape.body());
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
