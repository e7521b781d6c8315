package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * {@code gateway.limits.concurrentExchanges} and {@code queueTimeout} reach the running consumer
 * gateway: while one exchange holds a slot (waiting on a slow backend), a second one is served
 * under the default limits, and refused with {@code server.overloaded} after the configured wait
 * under a one-slot limit.
 */
class GatewayAdmissionSettingsTest {
  @TempDir Path dir;

  @Test
  void aSecondExchangeWaitsQueueTimeoutForTheOnlySlotThenIsRefused() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false))) {
      String citizen = fed.citizenIds().getFirst();
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).doesNotContain("limits:").containsPattern("\n  maxBodyBytes: .*\n");

      fed.delayBackend(Duration.ofSeconds(8));
      CompletableFuture<Federation.Reply> first = holdASlot(fed, citizen); // defaults: 256 slots
      Federation.Reply served = fed.lookUpCitizen(citizen, "HS-2026-000123");
      assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
      assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

      fed.consumerNode().close();
      Files.writeString(
          file,
          written.replaceFirst(
              "(\n  maxBodyBytes: .*\n)",
              "$1  limits: {concurrentExchanges: 1, queueTimeout: PT5S}\n"));
      try (GatewayNode consumer =
          GatewayNode.start(
              NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC())) {
        CompletableFuture<Federation.Reply> held = holdASlot(fed, citizen);
        long started = System.nanoTime();
        Federation.Reply refused =
            await()
                .atMost(Duration.ofSeconds(30))
                .until(
                    () -> fed.lookUpCitizen(citizen, "HS-2026-000123"), r -> r.statusCode() == 503);
        assertThat(refused.body()).contains("server.overloaded");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
    }
  }

  /**
   * An exchange through the consumer waiting on the (delayed) backend: it holds an admission slot
   * until the backend answers. A slow request body no longer holds one (docs/protocol.md).
   */
  private static CompletableFuture<Federation.Reply> holdASlot(Federation fed, String citizen) {
    int before = fed.backendLookupsInProgress();
    CompletableFuture<Federation.Reply> held =
        CompletableFuture.supplyAsync(() -> fed.lookUpCitizen(citizen, "HS-2026-000123"));
    await().atMost(Duration.ofSeconds(30)).until(() -> fed.backendLookupsInProgress() > before);
    return held;
  }
}
