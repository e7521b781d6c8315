package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

  private GatewayNode startAhead(Path file) {
    return GatewayNode.start(
        NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.offset(Clock.systemUTC(), AHEAD));
  }
}
