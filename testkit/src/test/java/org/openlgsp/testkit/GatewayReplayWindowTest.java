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
 * {@code gateway.replayWindow} reaches the running provider gateway: a request as old as its clock
 * makes it is accepted under the default window and refused with {@code message.expired} under a
 * shorter configured one.
 */
class GatewayReplayWindowTest {
  @TempDir Path dir;

  /** The provider's clock runs this far ahead, so every request reaches it this old. */
  static final Duration AGE = Duration.ofSeconds(20);

  @Test
  void aRequestOlderThanTheConfiguredWindowIsRefusedWhereTheDefaultAcceptsIt() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(5))) {
      String citizen = fed.citizenIds().getFirst();
      Path file = dir.resolve("mps-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).containsPattern("\n  replayWindow: .*\n");
      fed.providerNode().close();

      Files.writeString(file, written.replaceFirst("\n  replayWindow: .*\n", "\n"));
      try (GatewayNode provider = startAhead(file)) {
        Federation.Reply accepted = lookUp(fed, citizen);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      }

      Files.writeString(
          file, written.replaceFirst("\n  replayWindow: .*\n", "\n  replayWindow: PT5S\n"));
      try (GatewayNode provider = startAhead(file)) {
        Federation.Reply refused = lookUp(fed, citizen);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("message.expired");
      }
    }
  }

  private GatewayNode startAhead(Path file) {
    return GatewayNode.start(
        NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.offset(Clock.systemUTC(), AGE));
  }

  /** The consumer may first try a connection to the provider that was stopped: one retry. */
  private static Federation.Reply lookUp(Federation fed, String citizen) throws Exception {
    Federation.Reply r = fed.lookUpCitizen(citizen, "HS-2026-000123");
    return r.body().contains("peer.unreachable") ? fed.lookUpCitizen(citizen, "HS-2026-000123") : r;
  }
}
