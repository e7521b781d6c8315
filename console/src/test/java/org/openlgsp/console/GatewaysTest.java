package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openlgsp.statistics.FiguresAnswer;

/** The console's client of the gateways' operator APIs, against a real HTTP server. */
class GatewaysTest {
  WebServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void figuresAreReadAsTheStatisticsWireRecordsAndARefusalIsReportedPerGateway() {
    server =
        WebServer.builder()
            .port(0)
            .routing(
                r ->
                    r.get(
                        "/statistics/v1/figures",
                        (req, res) -> {
                          if (!req.headers()
                              .first(io.helidon.http.HeaderNames.AUTHORIZATION)
                              .orElse("")
                              .equals("Bearer good")) {
                            res.status(401)
                                .header("Content-Type", "application/problem+json")
                                .send("{\"code\":\"auth.required\"}");
                            return;
                          }
                          res.header("Content-Type", "application/json")
                              .send(
                                  "{\"from\":\"2026-12-01T00:00:00Z\",\"to\":\"2026-12-02T00:00:00Z\","
                                      + "\"rows\":[{\"agency\":\"VN:GOV:000.00.00.G01:MPS\","
                                      + "\"calls\":5,\"successes\":4,\"refused\":1,\"failed\":0,"
                                      + "\"errors\":{\"access.denied\":1},\"bytesIn\":1,"
                                      + "\"bytesOut\":2,\"latencyP50\":3,\"latencyP90\":4,"
                                      + "\"latencyP95\":5,\"latencyP99\":6,\"latencyMax\":7}]}");
                        }))
            .build()
            .start();
    String url = "http://127.0.0.1:" + server.port();
    Gateways gateways =
        new Gateways(
            List.of(
                new Gateways.Remote(
                    "good",
                    Optional.empty(),
                    Optional.of(new Gateways.Endpoint(url, "good")),
                    Optional.empty()),
                new Gateways.Remote(
                    "wrong-token",
                    Optional.empty(),
                    Optional.of(new Gateways.Endpoint(url, "bad")),
                    Optional.empty()),
                new Gateways.Remote(
                    "gone",
                    Optional.empty(),
                    Optional.of(new Gateways.Endpoint("http://127.0.0.1:1", "good")),
                    Optional.empty())));

    List<Gateways.Answer<FiguresAnswer>> answers =
        gateways.askAll(
            Gateways.Remote::statistics,
            "/statistics/v1/figures?groupBy=agency",
            FiguresAnswer.class);

    assertThat(answers)
        .extracting(Gateways.Answer::node)
        .containsExactly("good", "wrong-token", "gone");
    assertThat(answers.get(0).problem()).isEmpty();
    FiguresAnswer good = answers.get(0).value().orElseThrow();
    assertThat(good.rows()).hasSize(1);
    assertThat(good.rows().get(0).agency()).contains("VN:GOV:000.00.00.G01:MPS");
    assertThat(good.rows().get(0).service()).as("not grouped by it").isEmpty();
    assertThat(good.rows().get(0).errorCalls()).isEqualTo(1);
    assertThat(answers.get(1).problem()).contains("HTTP 401 auth.required");
    assertThat(answers.get(2).problem()).contains("unreachable");
  }
}
