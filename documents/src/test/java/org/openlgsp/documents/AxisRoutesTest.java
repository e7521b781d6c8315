package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.edge.Access;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Route;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** Every route of the axis's two listeners, as declared: who may call it and how it is audited. */
class AxisRoutesTest {
  @TempDir Path dir;

  @Test
  void clientRoutesNeedAnAgencyTokenAndEveryStateChangeIsAccountedFor() {
    try (Database db = TestDatabases.sqlite(dir);
        DocumentAxis axis =
            new DocumentAxis(
                db,
                AxisOptions.defaults(dir.resolve("axis")),
                TestKeys.trust(),
                Set.of(TestKeys.PROVINCE),
                RemoteDelivery.NONE,
                Clock.systemUTC());
        AxisServer server =
            AxisServer.start(
                axis,
                Map.of(TestKeys.PROVINCE, AxisServer.hashToken("t")),
                "127.0.0.1",
                0,
                Optional.of("127.0.0.1"),
                0)) {
      assertThat(server.routes())
          .extracting(r -> r.method() + " " + r.path())
          .containsExactlyInAnyOrder(
              "POST /edoc/v1/packages",
              "GET /edoc/v1/inbox",
              "GET /edoc/v1/inbox/{id}",
              "GET /edoc/v1/sent",
              "POST /edoc/v1/inbox/{id}/ack",
              "GET /edoc/v1/history",
              "PUT /edoc/v1/webhook",
              "DELETE /edoc/v1/webhook");
      assertThat(server.routes())
          .allSatisfy(
              r ->
                  assertThat(r.access())
                      .isEqualTo(new Access.Roles(Set.of(AxisServer.AGENCY_ROLE))));
      assertThat(server.routes())
          .filteredOn(Route::changesState)
          .extracting(r -> r.auditAction().orElse("-"))
          .containsExactlyInAnyOrder(
              "package.submit", "delivery.acknowledge", "webhook.set", "webhook.remove");

      assertThat(server.relayRoutes())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.path()).isEqualTo("/edoc/v1/relay");
                assertThat(r.access()).isInstanceOf(Access.Public.class);
                assertThat(r.audit()).isInstanceOf(Audit.RecordedElsewhere.class);
              });
    }
  }
}
