package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SchemaCheck;
import org.openlgsp.core.ServiceId;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * A service's schema check (docs/privacy.md, "Data quality"): stored, published signed, and refused
 * for an unknown service, an unknown mode or a service without an OpenAPI document.
 */
class SchemaCheckRegistryTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  static final ServiceId UNDOCUMENTED = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/households");

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void theModeIsStoredAndPublishedInTheSignedDirectoryAndListedToTheAdministrator(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = RegistryTest.registry(db);
      RegistryTest.populate(r);
      assertThat(published(r).schemaCheck()).isEqualTo(SchemaCheck.OFF);

      r.setSchemaCheck(RegistryTest.CITIZENS, SchemaCheck.BLOCK);
      assertThat(published(r).schemaCheck()).isEqualTo(SchemaCheck.BLOCK);
      r.setSchemaCheck(RegistryTest.CITIZENS, SchemaCheck.WARN);
      assertThat(r.services())
          .filteredOn(s -> s.id().equals(RegistryTest.CITIZENS))
          .singleElement()
          .satisfies(s -> assertThat(s.schemaCheck()).isEqualTo(SchemaCheck.WARN));
      r.setSchemaCheck(RegistryTest.CITIZENS, SchemaCheck.OFF);
      assertThat(published(r).schemaCheck()).isEqualTo(SchemaCheck.OFF);
    }
  }

  @Test
  void aServiceWithoutADocumentCanBeOffButNotCheckedAndAnUnknownServiceIsNotFound() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = RegistryTest.registry(db);
      RegistryTest.populate(r);
      r.addService(UNDOCUMENTED, "http://127.0.0.1:9090/api", "", Optional.empty());

      r.setSchemaCheck(UNDOCUMENTED, SchemaCheck.OFF);
      assertThatThrownBy(() -> r.setSchemaCheck(UNDOCUMENTED, SchemaCheck.BLOCK))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.QUALITY_NO_SCHEMA));
      assertThatThrownBy(
              () ->
                  r.setSchemaCheck(
                      ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/nothing"), SchemaCheck.WARN))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND));
    }
  }

  @Test
  void theAdminApiSetsAModeAndRefusesAnUnknownServiceAnUnknownModeAndAMissingDocument()
      throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry registry = RegistryTest.registry(db);
      RegistryTest.populate(registry);
      registry.addService(UNDOCUMENTED, "http://127.0.0.1:9090/api", "", Optional.empty());
      try (RegistryServer server =
          RegistryServer.start(
              registry,
              RegistryServer.hashToken(RegistryServerTest.TOKEN),
              "127.0.0.1",
              0,
              Optional.empty())) {
        String url = "http://127.0.0.1:" + server.port() + "/api/v1/services/schema-check";
        String body = "{\"id\":\"%s\",\"mode\":\"%s\"}";
        String citizens = RegistryTest.CITIZENS.toString();

        HttpResponse<String> unknownService =
            post(url, body.formatted("VN/GOV/000.00.00.G01/CSDLQGDC/nothing", "warn"));
        HttpResponse<String> unknownMode = post(url, body.formatted(citizens, "strict"));
        HttpResponse<String> noDocument =
            post(url, body.formatted(UNDOCUMENTED.toString(), "block"));
        HttpResponse<String> good = post(url, body.formatted(citizens, "warn"));

        assertThat(unknownService.statusCode()).as(unknownService.body()).isEqualTo(404);
        assertThat(GrantPolicyTest.code(unknownService)).isEqualTo("resource.not_found");
        assertThat(unknownService.headers().firstValue("Content-Type"))
            .hasValue("application/problem+json");
        assertThat(unknownMode.statusCode()).as(unknownMode.body()).isEqualTo(400);
        assertThat(GrantPolicyTest.code(unknownMode)).isEqualTo("request.malformed");
        assertThat(noDocument.statusCode()).as(noDocument.body()).isEqualTo(400);
        assertThat(GrantPolicyTest.code(noDocument)).isEqualTo("quality.no_schema");
        assertThat(good.statusCode()).as(good.body()).isEqualTo(204);
        assertThat(published(registry).schemaCheck()).isEqualTo(SchemaCheck.WARN);
        assertThat(registry.auditLog(10))
            .filteredOn(a -> a.action().equals("service.schema-check"))
            .hasSize(4);
      }
    }
  }

  static Directory.Service published(Registry r) {
    Directory d =
        r.publish()
            .verify(List.of(RegistryTest.SIGNER.certificate()), Instant.now(), Directory.SIGNED);
    return d.service(RegistryTest.CITIZENS).orElseThrow();
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
}
