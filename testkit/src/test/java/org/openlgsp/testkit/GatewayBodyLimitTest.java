package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * {@code gateway.maxBodyBytes} reaches the running consumer gateway: a 4 KiB existence check goes
 * through under the federation's limit and is refused with {@code request.too_large} under a 1 KiB
 * one.
 */
class GatewayBodyLimitTest {
  @TempDir Path dir;

  @Test
  void aBodyLargerThanMaxBodyBytesIsRefusedWhereTheLargerLimitPassesIt() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false))) {
      String citizen = fed.citizenIds().getFirst();
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).containsPattern("\n  maxBodyBytes: .*\n");

      HttpResponse<String> passed = verify(fed, citizen);
      assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);
      assertThat(passed.body()).contains("TonTai");

      fed.consumerNode().close();
      Files.writeString(
          file, written.replaceFirst("\n  maxBodyBytes: .*\n", "\n  maxBodyBytes: 1024\n"));
      try (GatewayNode consumer =
          GatewayNode.start(
              NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC())) {
        HttpResponse<String> refused = verify(fed, citizen);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(413);
        assertThat(refused.body()).contains("request.too_large");
      }
    }
  }

  /** An existence check whose name is 4 KiB long, so the body is larger than 1 KiB. */
  private static HttpResponse<String> verify(Federation fed, String citizen) throws Exception {
    String body = Json.writeString(Map.of("SoDinhDanh", citizen, "HoVaTen", "a".repeat(4096)));
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        fed.consumerHttpUrl()
                            + "/r1/"
                            + Federation.CITIZEN_SERVICE
                            + "/citizens/verify"))
                .header("Authorization", "Bearer " + fed.portalToken())
                .header("Accept", "application/problem+json") // OpenLGSP's 413
                .header("X-Road-Client", Federation.PORTAL.toString())
                .header("X-Road-UserId", "VN072090000001")
                .header("X-Road-Issue", "HS-2026-000123")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
