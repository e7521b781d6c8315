package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;

/**
 * An OpenAPI document registered through the registry's admin API reaches the consumer gateway in
 * the signed directory: {@code listMethods} lists its endpoints and {@code getOpenAPI} returns it
 * with the backend's host removed, over the real nodes of a federation; a document that is not
 * OpenAPI 3 is refused at the registry.
 */
class MetaservicesThroughTheRegistryTest {
  static final String HOUSEHOLDS = Federation.POPULATION_DB + "/households";
  static final String PROVIDER = "/r1/" + Federation.POPULATION_DB + "/";

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aRegisteredDocumentIsListedAndReturnedByTheConsumerGateway() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(1))) {
      RegistryClient admin = new RegistryClient(fed.registryUrl(), fed.adminToken());
      String doc =
          "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"Hộ gia đình\",\"version\":\"1\"},"
              + "\"servers\":[{\"url\":\""
              + fed.backendUrl()
              + "/api\"}],\"paths\":{\"/households/{id}\":{\"get\":{\"responses\":{}}},"
              + "\"/households\":{\"post\":{\"responses\":{}}}}}";
      admin.addService(new AdminRequests.Service(HOUSEHOLDS, fed.backendUrl() + "/api", "", doc));
      admin.grant(
          new AdminRequests.Grant(
              Federation.PORTAL.toString(), HOUSEHOLDS, List.of("GET"), List.of("/households/*")));

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(get(fed, PROVIDER + "listMethods").body())
                      .contains(
                          "\"service_code\":\"households\",\"service_type\":\"OPENAPI\","
                              + "\"subsystem_code\":\"CSDLQGDC\",\"xroad_instance\":\"VN\","
                              + "\"endpoint_list\":[{\"method\":\"GET\",\"path\":\"/households/*\"},"
                              + "{\"method\":\"POST\",\"path\":\"/households\"}]"));
      assertThat(get(fed, PROVIDER + "allowedMethods").body())
          .contains("\"endpoint_list\":[{\"method\":\"GET\",\"path\":\"/households/*\"}]");

      HttpResponse<String> openApi = get(fed, PROVIDER + "getOpenAPI?serviceCode=households");
      assertThat(openApi.statusCode()).as(openApi.body()).isEqualTo(200);
      assertThat(openApi.headers().firstValue("Content-Type"))
          .hasValue("application/json; charset=utf-8");
      assertThat(openApi.body())
          .isEqualTo(doc.replace(fed.backendUrl() + "/api", "/api"))
          .doesNotContain("127.0.0.1");

      assertThatThrownBy(
              () ->
                  admin.addService(
                      new AdminRequests.Service(
                          Federation.POPULATION_DB + "/old",
                          fed.backendUrl() + "/api",
                          "",
                          "swagger: '2.0'\npaths: {}\n")))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_MALFORMED));
    }
  }

  private HttpResponse<String> get(Federation fed, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(fed.consumerHttpUrl() + path))
            .header("Authorization", "Bearer " + fed.portalToken())
            .header("X-Road-Client", Federation.PORTAL.toString())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
