package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.edge.Access;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Route;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** Every route of the registry's listener, as declared: who may call it and how it is audited. */
class RegistryRoutesTest {
  @TempDir Path dir;

  @Test
  void onlyTheSignedDocumentsAndTheApiDocumentArePublicAndEveryAdminRouteIsAudited() {
    try (Database db = TestDatabases.sqlite(dir);
        RegistryServer server =
            RegistryServer.start(
                RegistryTest.registry(db), RegistryServer.hashToken("t"), "127.0.0.1", 0)) {
      List<Route> routes = server.routes();

      assertThat(routes)
          .filteredOn(r -> r.access() instanceof Access.Public)
          .extracting(r -> r.method().text() + " " + r.path())
          .containsExactlyInAnyOrder(
              "GET /directory", "GET /federation/{instance}/catalogue", "GET /api/v1/openapi.json");
      assertThat(routes)
          .filteredOn(r -> !(r.access() instanceof Access.Public))
          .hasSize(41)
          .allSatisfy(
              r -> {
                assertThat(r.path()).startsWith("/api/v1/");
                // the breach register also opens to its own role (docs/privacy.md "Incidents"),
                // statistics upward to federated instances' tokens (docs/statistics.md)
                assertThat(r.access())
                    .isEqualTo(
                        new Access.Roles(
                            r.path().startsWith("/api/v1/breaches")
                                ? java.util.Set.of(
                                    RegistryServer.ADMIN_ROLE, RegistryServer.BREACH_ROLE)
                                : r.path().startsWith("/api/v1/federation/")
                                    ? java.util.Set.of(
                                        RegistryServer.ADMIN_ROLE,
                                        RegistryServer.FEDERATION_STATISTICS_ROLE)
                                    : java.util.Set.of(RegistryServer.ADMIN_ROLE)));
                assertThat(r.audit()).isInstanceOf(Audit.Action.class);
              });
      assertThat(routes)
          .filteredOn(Route::changesState)
          .allSatisfy(r -> assertThat(r.audit()).isInstanceOf(Audit.Action.class));
      assertThat(routes.stream().flatMap(r -> r.auditAction().stream()).distinct())
          .as("action names are unique")
          .hasSize(41);
    }
  }

  @Test
  void everyDeclaredRouteIsInTheServedApiDocument() throws Exception {
    try (Database db = TestDatabases.sqlite(dir);
        RegistryServer server =
            RegistryServer.start(
                RegistryTest.registry(db), RegistryServer.hashToken("t"), "127.0.0.1", 0)) {
      var served =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(
                              "http://127.0.0.1:" + server.port() + "/api/v1/openapi.json"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      var paths = org.openlgsp.core.Json.mapper().readTree(served.body()).path("paths");

      assertThat(server.routes())
          .allSatisfy(
              r ->
                  assertThat(paths.path(r.path()).has(r.method().text().toLowerCase()))
                      .as("%s %s in openapi.json", r.method().text(), r.path())
                      .isTrue());
    }
  }
}
