package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * {@code gateway.limits.concurrentExchanges} and {@code queueTimeout} reach the running consumer
 * gateway: while one exchange holds a slot (its body still arriving), a second one is served under
 * the default limits, and refused with {@code server.overloaded} after the configured wait under a
 * one-slot limit.
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

      try (Socket held = holdASlot(fed)) { // the defaults: 256 slots
        Federation.Reply served = fed.lookUpCitizen(citizen, "HS-2026-000123");
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
      }

      fed.consumerNode().close();
      Files.writeString(
          file,
          written.replaceFirst(
              "(\n  maxBodyBytes: .*\n)",
              "$1  limits: {concurrentExchanges: 1, queueTimeout: PT5S}\n"));
      try (GatewayNode consumer =
              GatewayNode.start(
                  NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
          Socket held = holdASlot(fed)) {
        long started = System.nanoTime();
        Federation.Reply refused =
            await()
                .atMost(Duration.ofSeconds(30))
                .until(
                    () -> fed.lookUpCitizen(citizen, "HS-2026-000123"), r -> r.statusCode() == 503);
        assertThat(refused.body()).contains("server.overloaded");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(5));
      }
    }
  }

  /**
   * An exchange through the consumer whose body never finishes arriving: it holds an admission slot
   * until the returned socket is closed.
   */
  private static Socket holdASlot(Federation fed) throws Exception {
    URI consumer = URI.create(fed.consumerHttpUrl());
    Socket s = new Socket(consumer.getHost(), consumer.getPort());
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST /r1/"
                + Federation.CITIZEN_SERVICE
                + "/citizens/verify HTTP/1.1\r\n"
                + "Host: gateway\r\n"
                + "Authorization: Bearer "
                + fed.portalToken()
                + "\r\n"
                + "X-Road-Client: "
                + Federation.PORTAL
                + "\r\n"
                + "X-Road-UserId: VN072090000001\r\n"
                + "X-Road-Issue: HS-2026-000123\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{\"SoDinhDanh\":")
            .getBytes(StandardCharsets.UTF_8));
    out.flush();
    return s;
  }
}
