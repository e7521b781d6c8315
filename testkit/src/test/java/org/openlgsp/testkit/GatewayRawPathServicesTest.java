package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;

/**
 * {@code gateway.rawPathServices} reaches the running provider gateway: a doubly encoded path
 * ({@code %252e%252e}) under a grant without path patterns is refused as {@code
 * request.path_unsafe} and never reaches the backend by default, and reaches it byte for byte once
 * the provider's file lists the service.
 */
class GatewayRawPathServicesTest {
  @TempDir Path dir;

  @Test
  void aServiceListedInRawPathServicesGetsPathsOtherwiseRefusedAsUnsafe() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false))) {
      new RegistryClient(fed.registryUrl(), fed.adminToken())
          .grant(
              new AdminRequests.Grant(
                  Federation.PORTAL.toString(),
                  Federation.CITIZEN_SERVICE,
                  List.of("GET"),
                  List.of()));
      Path consumerFile = dir.resolve("tay-ninh-gateway.yaml");
      Path providerFile = dir.resolve("mps-gateway.yaml");
      String provider = Files.readString(providerFile);
      assertThat(provider).containsPattern("\n  rawPathServices: \\[ *\\]\n"); // the default
      // both gateways read the directory with the new grant when they start
      fed.consumerNode().close();
      fed.providerNode().close();
      try (GatewayNode consumer = start(consumerFile)) {
        long lookups = fed.backendLookups();
        try (GatewayNode mps = start(providerFile)) {
          HttpResponse<String> refused = unsafeLookup(fed);
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
          assertThat(refused.body()).contains("request.path_unsafe");
          assertThat(fed.backendLookups()).isEqualTo(lookups);
        }
        Files.writeString(
            providerFile,
            provider.replaceFirst(
                "\n  rawPathServices: \\[ *\\]\n",
                "\n  rawPathServices: [" + Federation.CITIZEN_SERVICE + "]\n"));
        try (GatewayNode mps = start(providerFile)) {
          HttpResponse<String> passed = unsafeLookup(fed);
          // the backend's own answer: no 12-digit personal ID in "%2e%2e" once it decoded it
          assertThat(passed.body()).as(passed.body()).contains("SoDinhDanh must have 12 digits");
          assertThat(fed.backendLookups()).isEqualTo(lookups + 1);
        }
      }
    }
  }

  private GatewayNode start(Path file) throws Exception {
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
  }

  private static HttpResponse<String> unsafeLookup(Federation fed) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        fed.consumerHttpUrl()
                            + "/r1/"
                            + Federation.CITIZEN_SERVICE
                            + "/citizens/%252e%252e"))
                .header("Authorization", "Bearer " + fed.portalToken())
                .header("X-Road-Client", Federation.PORTAL.toString())
                .header("X-Road-Issue", "HS-2026-000123")
                .header("Accept", "application/problem+json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
