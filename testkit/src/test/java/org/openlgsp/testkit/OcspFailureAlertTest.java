package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * The alert rule on trust services sees the gateway's own failed OCSP questions, not only the
 * exchanges refused for them: with the responder hung, the consumer cannot staple an answer for its
 * own certificates, its exchanges still pass (the provider holds answers for them), and the rule
 * raises {@code ocsp} from the node's counters. With the responder up, nothing is raised.
 */
class OcspFailureAlertTest {
  static final String READER = "ocsp-alerts-reader-token-0123456789";
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  int alertsPort;
  final org.openlgsp.gateway.MutableClock clock = new org.openlgsp.gateway.MutableClock();

  @Test
  void aHungOcspResponderRaisesTrustServiceFailuresThoughExchangesPassAndAnAnsweringOneNone()
      throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(true))) {
      String citizen = fed.citizenIds().getFirst();
      // The provider now holds fresh answers for the consumer's certificates (no responder needed).
      Federation.Reply warm = fed.lookUpCitizen(citizen, "HS-2026-000123");
      assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).doesNotContain("\n  alerts:").contains("\n  revocation:\n");
      alertsPort = AxisFiles.freePort();
      Files.writeString(dir.resolve("ocsp-rules.yaml"), "trustServiceFailures: {threshold: 1}\n");
      Files.writeString(
          file,
          written
              .replaceFirst(
                  "\n  revocation:\n",
                  "\n  alerts: {rulesFile: ocsp-rules.yaml, pollInterval: PT0.1S, api: {port: "
                      + alertsPort
                      + ", readerTokenSha256: "
                      + sha256(READER)
                      + ", operatorTokenSha256: "
                      + sha256("ocsp-alerts-operator-token-0123456789")
                      + "}}\n  revocation:\n")
              .replaceFirst("\n    timeout: .*\n", "\n    timeout: PT1S\n"));
      fed.consumerNode().close();

      try (GatewayNode consumer = start(file)) {
        Federation.Reply served = fed.lookUpCitizen(citizen, "HS-2026-000123");
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        // several polls of the rule pass with nothing to raise
        await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(trustServiceAlerts()).isEmpty();
        assertThat(ocspFailures(consumer)).isZero();

        // Past half the freshness (PT1M) the consumer asks the responder again; its last answers
        // still count, so the exchange passes, and the failed questions are what is raised.
        // The hung listener closes first, so the consumer's last checkpoint is not kept waiting.
        try (ServerSocket hung = fed.silenceTrustServices()) {
          clock.advance(Duration.ofSeconds(35));
          Federation.Reply passed = fed.lookUpCitizen(citizen, "HS-2026-000123");
          assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);
          assertThat(ocspFailures(consumer)).isPositive();
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> trustServiceAlerts().findValuesAsText("key").contains("ocsp"));
          JsonNode ocsp = null;
          for (JsonNode a : trustServiceAlerts()) {
            if (a.get("key").asText().equals("ocsp")) {
              ocsp = a;
            }
          }
          assertThat(ocsp).isNotNull();
          assertThat(ocsp.at("/evidence/facts/source").asText()).isEqualTo("node counters");
          assertThat(ocsp.get("severity").asText()).isEqualTo("HIGH");
        }
      }
    }
  }

  private GatewayNode start(Path file) {
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, clock);
  }

  private static String sha256(String token) {
    return Digests.hex(Digests.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static double ocspFailures(GatewayNode node) {
    return node.meters().get("lgsp.ocsp.failures").functionCounter().count();
  }

  private JsonNode trustServiceAlerts() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + alertsPort
                            + "/alerts/v1/alerts?rule=trustServiceFailures"))
                .header("Authorization", "Bearer " + READER)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body()).get("alerts");
  }
}
