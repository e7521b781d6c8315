package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.ledger.LedgerEntry;
import org.openlgsp.ledger.Side;
import org.openlgsp.node.GatewayNode;

/**
 * Real signed exchanges in an "LGSP as a Service" installation: each tenant's portal calls its own
 * population database through its own consumer and provider gateways, configured from files on the
 * tenant's prefix and trusting only the tenant's directory key; a tenant's portal cannot reach the
 * other tenant's service, and each tenant's gateway ledgers hold its own exchanges only.
 */
class TenantGatewayExchangeTest {
  @TempDir Path dir;

  @Test
  void eachTenantsGatewaysExchangeOnItsOwnDirectoryAndCannotReachTheOtherTenant() throws Exception {
    try (TenantInstallation laas = new TenantInstallation(dir)) {
      laas.startWithGateways();
      TenantInstallation.Tenant a = laas.tenant("a");
      TenantInstallation.Tenant b = laas.tenant("b");
      String tokenA = laas.portalToken("a");
      String tokenB = laas.portalToken("b");
      List<TenantInstallation.Answer> own =
          List.of(
              laas.call("a", tokenA, a.citizens()),
              laas.call("a", tokenA, a.citizens()),
              laas.call("b", tokenB, b.citizens()));
      assertThat(own).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));

      // tenant a's portal asks for tenant b's service: not in a's directory, refused by a's
      // consumer gateway (404 service.unknown, as a service that does not exist) before anything
      // is signed or sent; and the other way round
      TenantInstallation.Answer across = laas.call("a", tokenA, b.citizens());
      assertThat(across.status()).as(across.body()).isEqualTo(404);
      assertThat(across.body()).contains("service.unknown");
      TenantInstallation.Answer back = laas.call("b", tokenB, a.citizens());
      assertThat(back.status()).as(back.body()).isEqualTo(404);
      assertThat(back.body()).contains("service.unknown");

      // each directory lists its tenant's objects only
      assertThat(laas.consumer("a").directory().current().orElseThrow().members())
          .allMatch(m -> m.id().instance().equals("VN-TA"))
          .hasSize(2);

      // every exchange is in both of its tenant's ledgers, none in the other tenant's
      assertOwnLedger(laas.consumer("a"), "VN-TA", own.subList(0, 2), Side.CONSUMER);
      assertOwnLedger(laas.provider("a"), "VN-TA", own.subList(0, 2), Side.PROVIDER);
      assertOwnLedger(laas.consumer("b"), "VN-TB", own.subList(2, 3), Side.CONSUMER);
      assertOwnLedger(laas.provider("b"), "VN-TB", own.subList(2, 3), Side.PROVIDER);
      for (TenantInstallation.Answer r : own.subList(0, 2)) {
        assertThat(laas.consumer("b").ledger().byMessageId(r.messageId())).isEmpty();
        assertThat(laas.provider("b").ledger().byMessageId(r.messageId())).isEmpty();
      }
      assertThat(laas.provider("b").ledger().byMessageId(across.messageId())).isEmpty();
      assertThat(laas.provider("a").ledger().byMessageId(back.messageId())).isEmpty();

      // each tenant's statistics are its own gateways' (docs/statistics.md): a's figures count
      // a's two lookups served, b's its one
      await().atMost(Duration.ofSeconds(30)).until(() -> successes(laas, "a") == 2);
      await().atMost(Duration.ofSeconds(30)).until(() -> successes(laas, "b") == 1);
      for (String id : List.of("a", "b")) {
        // rows by agency: the encoded member, its instance first
        assertThat(laas.figures(id).path("rows"))
            .isNotEmpty()
            .allSatisfy(
                row ->
                    assertThat(row.path("agency").asText())
                        .startsWith(laas.tenant(id).instance() + "/"));
      }
    }
  }

  private static long successes(TenantInstallation laas, String id) throws Exception {
    long n = 0;
    for (com.fasterxml.jackson.databind.JsonNode row : laas.figures(id).path("rows")) {
      n += row.path("successes").asLong();
    }
    return n;
  }

  /** {@code node}'s ledger: each answer once, on {@code side}; no record of another instance. */
  static void assertOwnLedger(
      GatewayNode node, String instance, List<TenantInstallation.Answer> answers, Side side) {
    for (TenantInstallation.Answer r : answers) {
      assertThat(node.ledger().byMessageId(r.messageId()))
          .as("%s, message %s", node.ledger(), r.messageId())
          .singleElement()
          .satisfies(e -> assertThat(e.record().side()).isEqualTo(side))
          .satisfies(e -> assertThat(e.record().status()).isEqualTo(200));
    }
    List<LedgerEntry> all = node.ledger().range(0, 10_000);
    assertThat(all)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.record().client().instance()).isEqualTo(instance))
        .allSatisfy(e -> assertThat(e.record().node().owner().instance()).isEqualTo(instance));
  }
}
