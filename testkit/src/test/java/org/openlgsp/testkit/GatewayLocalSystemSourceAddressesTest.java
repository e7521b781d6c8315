package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * {@code gateway.localSystems[].sourceAddresses} reaches the running consumer gateway: as written
 * (none) a call to the plain-HTTP port without a token is {@code 401}; with the portal's entry
 * listing the caller's address the same call is the portal's exchange; with a network that does not
 * hold the caller it is refused again; and a value that is not an address or CIDR stops the node at
 * start-up, naming the key.
 */
class GatewayLocalSystemSourceAddressesTest {
  @TempDir Path dir;

  @Test
  void aListedSourceAddressAuthenticatesThePortalOnThePlainHttpPortAndNoOtherDoes()
      throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false))) {
      String citizen = fed.citizenIds().getFirst();
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).contains("sourceAddresses: []");
      fed.consumerNode().close();

      try (GatewayNode consumer = start(file)) { // as written: no source address
        HttpResponse<String> r = lookUp(fed, citizen);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.body()).contains("client.unauthenticated");
      }

      Files.writeString(
          file, written.replace("sourceAddresses: []", "sourceAddresses: [\"127.0.0.1/32\"]"));
      try (GatewayNode consumer = start(file)) {
        HttpResponse<String> r = lookUp(fed, citizen);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains(citizen);
        assertThat(r.headers().firstValue("X-Road-Client")).hasValue(Federation.PORTAL.toString());
      }

      Files.writeString(
          file,
          written.replace("sourceAddresses: []", "sourceAddresses: [\"10.0.0.0/8\", \"::1\"]"));
      try (GatewayNode consumer = start(file)) {
        assertThat(lookUp(fed, citizen).statusCode()).isEqualTo(401);
      }

      Files.writeString(
          file,
          written.replace("sourceAddresses: []", "sourceAddresses: [\"::1\", \"10.0.0.1/8\"]"));
      assertThatThrownBy(() -> start(file))
          .isInstanceOf(NodeConfig.ConfigException.class)
          .hasMessageContaining("gateway.localSystems[0]")
          .hasMessageContaining("sourceAddresses[1]")
          .hasMessageContaining("10.0.0.0/8");
    }
  }

  private GatewayNode start(Path file) {
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
  }

  private static HttpResponse<String> lookUp(Federation fed, String citizen) throws Exception {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .build()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        fed.consumerHttpUrl()
                            + "/r1/"
                            + Federation.CITIZEN_SERVICE
                            + "/citizens/"
                            + citizen))
                .timeout(Duration.ofSeconds(30))
                .header("X-Road-Client", Federation.PORTAL.toString())
                .header("X-Road-UserId", "VN072090000001")
                .header("X-Road-Issue", "HS-2026-000123")
                .header("Accept", "application/problem+json") // OpenLGSP's statuses
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
