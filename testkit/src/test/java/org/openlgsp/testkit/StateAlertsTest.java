package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.gateway.MutableClock;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * The rules over the node's state on a real federation (registry, CA with its TSA, two gateways):
 * on normal traffic, with the consumer's checkpoint cosigned by the registry's witness and
 * time-stamped, and its certificates valid for a year, none of {@code certificateExpiry}, {@code
 * directoryExpiry}, {@code checkpointWitnessing} or {@code trustServiceFailures} is raised though
 * they are asked five times a second with short graces; once the consumer's clock is 35 minutes on,
 * the directory it holds (valid an hour) is within {@code directoryExpiry}'s 30 minutes and is
 * raised, HIGH, with the seconds left.
 */
class StateAlertsTest {
  static final String READER = "state-alerts-reader-token-0123456789";
  static final List<String> STATE_RULES =
      List.of(
          "certificateExpiry", "directoryExpiry", "checkpointWitnessing", "trustServiceFailures");
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  final MutableClock clock = new MutableClock();
  int alertsPort;

  @Test
  void stateRulesStayQuietOnANormalFederationAndADirectoryNearItsEndIsRaised() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false))) {
      String citizen = fed.citizenIds().getFirst();
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).doesNotContain("\n  alerts:").contains("\n  ledger:\n");
      alertsPort = AxisFiles.freePort();
      // short graces, so a checkpoint not cosigned or not time-stamped would show within the test
      Files.writeString(
          dir.resolve("state-rules.yaml"),
          "checkpointWitnessing: {grace: PT0.1S}\ntrustServiceFailures: {threshold: 1}\n");
      Files.writeString(
          file,
          written.replaceFirst(
              "\n  ledger:\n",
              "\n  alerts: {rulesFile: state-rules.yaml, pollInterval: PT0.2S, api: {port: "
                  + alertsPort
                  + ", readerTokenSha256: "
                  + sha256(READER)
                  + ", operatorTokenSha256: "
                  + sha256("state-alerts-operator-token-0123456789")
                  + "}}\n  ledger:\n"));
      fed.consumerNode().close();

      try (GatewayNode consumer =
          GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, clock)) {
        for (int i = 0; i < 3; i++) {
          Federation.Reply r = fed.lookUpCitizen(citizen, "HS-2026-000123");
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        StoredCheckpoint cp = consumer.checkpoints().publish();
        assertThat(cp.size()).isPositive();
        // the registry's witness cosigns and the CA's TSA time-stamps it
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    consumer
                        .checkpoints()
                        .latestPublished()
                        .filter(
                            c -> c.note().signatures().size() > 1 && c.timestampToken().isPresent())
                        .isPresent());
        // a dozen polls past the grace, none of the state rules finds anything
        await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> true);
        assertThat(raised()).isEmpty();

        clock.advance(Duration.ofMinutes(35));
        await().atMost(Duration.ofSeconds(10)).until(() -> raised().contains("directoryExpiry"));
        JsonNode a = alerts("directoryExpiry").get(0);
        assertThat(a.get("severity").asText()).isEqualTo("HIGH");
        assertThat(a.get("key").asText()).isEqualTo("directory");
        long left = a.at("/evidence/facts/secondsLeft").asLong();
        assertThat(left).isBetween(60L, 30 * 60L);
      }
    }
  }

  /** The state rules that raised an alert so far. */
  private List<String> raised() throws Exception {
    List<String> rules = new ArrayList<>();
    for (String rule : STATE_RULES) {
      if (!alerts(rule).isEmpty()) {
        rules.add(rule);
      }
    }
    return rules;
  }

  private JsonNode alerts(String rule) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + alertsPort + "/alerts/v1/alerts?rule=" + rule))
                .header("Authorization", "Bearer " + READER)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body()).get("alerts");
  }

  private static String sha256(String token) {
    return Digests.hex(Digests.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }
}
