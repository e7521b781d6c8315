package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openlgsp.testkit.FederatedPair.*;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ServiceId;
import org.openlgsp.ledger.ExchangeRecord;

/**
 * Two complete OpenLGSP instances in one JVM — the national platform (VN-NDXP) with the population
 * database, and Tây Ninh's LGSP (VN-TAYNINH) with its portal — each with its own CA, registry,
 * gateways and ledgers, federated under one agreement both registries signed (docs/federation.md).
 * The portal reads the national population database gateway to gateway.
 */
class CrossInstanceExchangeTest {

  @TempDir Path dir;

  @Test
  void aPortalOfOneInstanceCallsAProviderOfAnotherDirectlyWithGrantsCheckedOnBothEnds()
      throws Exception {
    try (Federation ndxp =
            Federation.start(
                dir.resolve("ndxp"), Federation.Options.exchange(5).withInstance("VN-NDXP"));
        Federation tn =
            Federation.start(
                dir.resolve("tn"), Federation.Options.exchange(1).withInstance("VN-TAYNINH"))) {
      ServiceId citizens = ndxp.citizensService();
      ServiceId households = new ServiceId(citizens.provider(), "households");
      ndxp.registryNode()
          .registry()
          .addService(households, ndxp.backendUrl() + "/api", "", Optional.empty());

      // The agreement: NDXP exports citizens (only) to Tây Ninh's portal; both registries sign.
      agree(ndxp, tn, citizens);
      try (AutoCloseable ndxpSide = federate(ndxp, tn, Optional.empty());
          AutoCloseable tnSide = federate(tn, ndxp, Optional.empty())) {

        // Tây Ninh's consumer gateway learns the national service, its node and certificates
        await()
            .atMost(WAIT)
            .until(() -> directory(tn.consumerNode()).service(citizens).isPresent());
        Directory tnView = directory(tn.consumerNode());
        assertThat(tnView.node(ndxp.providerNodeId())).isPresent();
        assertThat(tnView.service(households)).isEmpty();
        assertThat(tnView.federation("VN-NDXP")).isPresent();

        // Tây Ninh grants its portal; NDXP has not yet: refused by the provider's end
        grantPortal(tn, tn, citizens);
        awaitConsumerGrant(tn, citizens);
        await()
            .atMost(WAIT)
            .until(() -> directory(ndxp.providerNode()).system(tn.portal()).isPresent());
        String citizen = ndxp.citizenIds().getFirst();
        long refusedAt = ledgerSize(tn, "tay-ninh-gateway");
        Federation.Reply refused = tn.call(citizens, "/citizens/" + citizen, "HS-2026-000123");
        assertThat(refused.statusCode())
            .as(refused.body() + " consumer grants " + directory(tn.consumerNode()).grants())
            .isEqualTo(403);
        assertThat(refused.body()).contains("access.denied");
        ExchangeRecord refusal = lastRecord(tn, "tay-ninh-gateway", refusedAt);
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.requestSignature())
            .as(
                "signed and sent: the consumer's grant passed, the provider's end refused: "
                    + refusal)
            .isNotEmpty();

        // NDXP grants Tây Ninh's portal: the exchange goes through, gateway to gateway
        grantPortal(ndxp, tn, citizens);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    directory(ndxp.providerNode()).grants().stream()
                        .anyMatch(g -> g.client().equals(tn.portal())));
        long tnBefore = ledgerSize(tn, "tay-ninh-gateway");
        long ndxpBefore = ledgerSize(ndxp, "mps-gateway");
        Federation.Reply ok = tn.call(citizens, "/citizens/" + citizen, "HS-2026-000123");
        assertThat(ok.statusCode())
            .as(
                ok.body()
                    + " consumer grants "
                    + directory(tn.consumerNode()).grants()
                    + " provider grants "
                    + directory(ndxp.providerNode()).grants())
            .isEqualTo(200);
        assertThat(ok.body()).contains(citizen);

        // both gateways wrote their record, with the consumer's signature unchanged
        ExchangeRecord consumerRecord = lastRecord(tn, "tay-ninh-gateway", tnBefore);
        ExchangeRecord providerRecord = lastRecord(ndxp, "mps-gateway", ndxpBefore);
        assertThat(consumerRecord.side()).isEqualTo(org.openlgsp.ledger.Side.CONSUMER);
        assertThat(providerRecord.side()).isEqualTo(org.openlgsp.ledger.Side.PROVIDER);
        assertThat(providerRecord.messageId()).isEqualTo(consumerRecord.messageId());
        assertThat(providerRecord.client()).isEqualTo(tn.portal());
        assertThat(providerRecord.service()).isEqualTo(citizens);
        assertThat(providerRecord.requestSignature())
            .isNotEmpty()
            .isEqualTo(consumerRecord.requestSignature());
        assertThat(providerRecord.responseSignature())
            .isNotEmpty()
            .isEqualTo(consumerRecord.responseSignature());

        // a service the agreement does not export: refused at Tây Ninh's gateway, clearly
        Federation.Reply notAgreed = tn.call(households, "/x", "HS-2026-000123");
        assertThat(notAgreed.statusCode()).as(notAgreed.body()).isEqualTo(403);
        assertThat(notAgreed.body()).contains("federation.not_agreed");
      }
    }
  }
}
