package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * {@code gateway.revocation} reaches the running consumer gateway: without the section it takes no
 * OCSP answer at all, and {@code revocation.freshness} decides whether an answer produced a little
 * while ago (by the consumer's clock) still counts.
 */
class GatewayRevocationSettingsTest {
  @TempDir Path dir;

  /**
   * The consumer's clock runs this far ahead: every OCSP answer is this old to it, and its requests
   * still fall in the provider's 60 s replay window.
   */
  static final Duration AHEAD = Duration.ofSeconds(40);

  @Test
  void freshnessDecidesHowOldAnOcspAnswerMayBeAndWithoutTheSectionNoneIsNeeded() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(true))) {
      String citizen = fed.citizenIds().getFirst();
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).containsPattern("\n    freshness: .*\n");
      fed.consumerNode().close();

      try (GatewayNode consumer = startAhead(file)) { // as written: one minute
        Federation.Reply accepted = fed.lookUpCitizen(citizen, "HS-2026-000123");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      }

      Files.writeString(
          file, written.replaceFirst("\n    freshness: .*\n", "\n    freshness: PT20S\n"));
      try (GatewayNode consumer = startAhead(file)) {
        Federation.Reply stale = fed.lookUpCitizen(citizen, "HS-2026-000123");
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(403);
        assertThat(stale.body()).contains("ocsp.stale");
      }

      Files.writeString(file, written.replaceFirst("\n  revocation:\n(    .*\n)+", "\n"));
      assertThat(Files.readString(file)).doesNotContain("freshness");
      try (GatewayNode consumer = startAhead(file)) { // no OCSP checking by the consumer
        Federation.Reply accepted = fed.lookUpCitizen(citizen, "HS-2026-000123");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      }
    }
  }

  /**
   * With the responder hung (it takes connections and never answers) and the provider's stapled
   * answers too old for the consumer, the consumer must ask the responder itself: it gives up after
   * {@code revocation.timeout} for each question and fails the exchange closed with {@code
   * ocsp.unavailable}: here three questions of PT1S, where the written PT5S would take 15 s.
   */
  @Test
  void timeoutIsHowLongTheGatewayWaitsForAHungResponderBeforeFailingClosed() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(true))) {
      String citizen = fed.citizenIds().getFirst();
      // The provider now holds fresh answers for the consumer's certificates (no responder needed).
      Federation.Reply warm = fed.lookUpCitizen(citizen, "HS-2026-000123");
      assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).contains("\n    timeout: \"PT5S\"\n");
      fed.consumerNode().close();

      Files.writeString(
          file,
          written
              .replaceFirst("\n    freshness: .*\n", "\n    freshness: PT20S\n")
              .replaceFirst("\n    timeout: .*\n", "\n    timeout: PT1S\n"));
      // The hung listener goes first, so the consumer's last checkpoint is not kept waiting on it.
      try (GatewayNode consumer = startAhead(file);
          ServerSocket hung = fed.silenceTrustServices()) {
        long started = System.nanoTime();
        Federation.Reply refused = fed.lookUpCitizen(citizen, "HS-2026-000123");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains("ocsp.unavailable");
        assertThat(took)
            .isGreaterThanOrEqualTo(Duration.ofSeconds(1))
            .isLessThan(Duration.ofSeconds(15));
      }
    }
  }

  /**
   * In a federation whose directory carries no trust anchors, a gateway checking revocation knows
   * no issuing CA to ask the responder about: the exchange is refused with {@code
   * certificate.issuer_unknown}. With the issuing CA in {@code revocation.issuers} of both gateways
   * the same exchange is served.
   */
  @Test
  void issuersAreTheCasTheGatewayChecksRevocationWithBesidesTheDirectorysAnchors()
      throws Exception {
    try (Federation fed =
        Federation.start(
            dir,
            Federation.Options.exchange(1)
                .withRevocationChecking(true)
                .withoutAnchorsInDirectory())) {
      String citizen = fed.citizenIds().getFirst();
      Federation.Reply unknown = fed.lookUpCitizen(citizen, "HS-2026-000123");
      assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(403);
      assertThat(unknown.body()).contains("certificate.issuer_unknown");

      Path consumerFile = dir.resolve("tay-ninh-gateway.yaml");
      Path providerFile = dir.resolve("mps-gateway.yaml");
      for (Path file : List.of(consumerFile, providerFile)) {
        String written = Files.readString(file);
        assertThat(written).contains("\n    issuers: []\n");
        Files.writeString(
            file, written.replace("\n    issuers: []\n", "\n    issuers: [pki/issuing-ca.pem]\n"));
      }
      fed.consumerNode().close();
      fed.providerNode().close();
      try (GatewayNode provider = start(providerFile);
          GatewayNode consumer = start(consumerFile)) {
        Federation.Reply served = fed.lookUpCitizen(citizen, "HS-2026-000123");
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
      }
    }
  }

  private GatewayNode start(Path file) {
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
  }

  private GatewayNode startAhead(Path file) {
    return GatewayNode.start(
        NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.offset(Clock.systemUTC(), AHEAD));
  }
}
