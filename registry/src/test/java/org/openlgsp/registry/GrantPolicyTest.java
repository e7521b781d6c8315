package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** Grants with a privacy policy: stored, published in the directory, refused when malformed. */
class GrantPolicyTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  static final PrivacyPolicy POLICY =
      new PrivacyPolicy(
          List.of("1.001234", "kiem-tra-nhan-than"),
          true,
          List.of("/fullName", "/members/*/name"),
          List.of(new PrivacyPolicy.Mask("/personalId", "last:4")),
          PrivacyPolicy.NonJson.REFUSE,
          4096);

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aGrantsPolicyIsStoredAndPublishedSignedWhileAnOpenGrantCarriesNone(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = RegistryTest.registry(db);
      RegistryTest.populate(r);
      r.grant(
          RegistryTest.PORTAL,
          RegistryTest.CITIZENS,
          List.of("GET"),
          List.of("/citizens/*"),
          POLICY);
      r.grant(RegistryTest.PORTAL, RegistryTest.CITIZENS, List.of("POST"), List.of());

      Directory d =
          r.publish()
              .verify(List.of(RegistryTest.SIGNER.certificate()), Instant.now(), Directory.SIGNED);

      assertThat(d.grants())
          .extracting(Directory.Grant::policy)
          .containsExactlyInAnyOrder(POLICY, PrivacyPolicy.OPEN);
      assertThat(r.grants())
          .extracting(e -> e.grant().policy())
          .containsExactlyInAnyOrder(POLICY, PrivacyPolicy.OPEN);
    }
  }

  @Test
  void theAdminApiRefusesAMalformedPointerOrRuleAndAGrantOnAnUnknownService() throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry registry = RegistryTest.registry(db);
      RegistryTest.populate(registry);
      try (RegistryServer server =
          RegistryServer.start(
              registry,
              RegistryServer.hashToken(RegistryServerTest.TOKEN),
              "127.0.0.1",
              0,
              Optional.empty())) {
        String url = "http://127.0.0.1:" + server.port() + "/api/v1/grants";
        String grant =
            """
            {"client":"VN/GOV/000.00.00.H53/DVC","service":"%s","policy":%s}""";
        String citizens = RegistryTest.CITIZENS.toString();

        HttpResponse<String> badPointer =
            post(url, grant.formatted(citizens, "{\"responseFields\":[\"/a~2b\"]}"));
        HttpResponse<String> noSlash =
            post(url, grant.formatted(citizens, "{\"responseFields\":[\"members\"]}"));
        HttpResponse<String> badRule =
            post(
                url,
                grant.formatted(
                    citizens, "{\"masks\":[{\"pointer\":\"/personalId\",\"rule\":\"first:4\"}]}"));
        HttpResponse<String> unknownService =
            post(
                url,
                grant.formatted(
                    "VN/GOV/000.00.00.G01/CSDLQGDC/nothing", "{\"purposes\":[\"1.001234\"]}"));
        HttpResponse<String> good = post(url, grant.formatted(citizens, Json.writeString(POLICY)));

        assertThat(badPointer.statusCode()).as(badPointer.body()).isEqualTo(400);
        assertThat(code(badPointer)).isEqualTo("request.malformed");
        assertThat(badPointer.body()).contains("/a~2b");
        assertThat(noSlash.statusCode()).isEqualTo(400);
        assertThat(badRule.statusCode()).isEqualTo(400);
        assertThat(badRule.body()).contains("first:4");
        assertThat(unknownService.statusCode()).as(unknownService.body()).isEqualTo(404);
        assertThat(code(unknownService)).isEqualTo("resource.not_found");
        assertThat(good.statusCode()).as(good.body()).isEqualTo(201);
        assertThat(registry.grants())
            .singleElement()
            .satisfies(e -> assertThat(e.grant().policy()).isEqualTo(POLICY));
        // every change is audited, refusals included
        assertThat(registry.auditLog(10))
            .filteredOn(a -> a.action().equals("grant.add"))
            .hasSize(5);
      }
    }
  }

  HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + RegistryServerTest.TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String code(HttpResponse<String> r) throws Exception {
    return (String) Json.mapper().readValue(r.body(), Map.class).get("code");
  }
}
