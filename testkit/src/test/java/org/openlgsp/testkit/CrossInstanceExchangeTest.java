package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Directory;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.Signatures;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.Agreement;
import org.openlgsp.registry.Selector;
import org.openlgsp.registry.SignedAgreement;
import org.openlgsp.storage.Database;

/**
 * Two complete OpenLGSP instances in one JVM — the national platform (VN-NDXP) with the population
 * database, and Tây Ninh's LGSP (VN-TAYNINH) with its portal — each with its own CA, registry,
 * gateways and ledgers, federated under one agreement both registries signed (docs/federation.md).
 * The portal reads the national population database gateway to gateway.
 */
class CrossInstanceExchangeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

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
      MessageSigner ndxpKey = registryKey(ndxp.workDir());
      MessageSigner tnKey = registryKey(tn.workDir());
      Agreement agreement =
          new Agreement(
              "ndxp-tayninh-2026",
              Instant.now().minus(Duration.ofDays(1)),
              Instant.now().plus(Duration.ofDays(365)),
              List.of(
                  new Agreement.Party("VN-NDXP", Certificates.base64(ndxpKey.certificate())),
                  new Agreement.Party("VN-TAYNINH", Certificates.base64(tnKey.certificate()))),
              List.of(
                  new Agreement.Export(
                      "VN-NDXP",
                      "VN-TAYNINH",
                      List.of(Selector.service(citizens)),
                      List.of(new Selector("GOV", "000.00.00.H53", "DVC", "")))));
      byte[] signed =
          SignedAgreement.sign(agreement, "VN-NDXP", ndxpKey)
              .countersign("VN-TAYNINH", tnKey)
              .toJson();
      for (Federation f : List.of(ndxp, tn)) {
        Files.write(f.workDir().resolve("ndxp-tayninh-2026.agreement.json"), signed);
      }
      try (AutoCloseable ndxpSide = federate(ndxp, tn);
          AutoCloseable tnSide = federate(tn, ndxp)) {

        // Tây Ninh's consumer gateway learns the national service, its node and certificates
        await()
            .atMost(WAIT)
            .until(() -> directory(tn.consumerNode()).service(citizens).isPresent());
        Directory tnView = directory(tn.consumerNode());
        assertThat(tnView.node(ndxp.providerNodeId())).isPresent();
        assertThat(tnView.service(households)).isEmpty();
        assertThat(tnView.federation("VN-NDXP")).isPresent();

        // Tây Ninh grants its portal; NDXP has not yet: refused by the provider's end
        tn.registryNode()
            .registry()
            .grant(tn.portal(), citizens, List.of("GET"), List.of("/citizens/*"));
        await()
            .atMost(WAIT)
            .until(
                () ->
                    directory(tn.consumerNode()).grants().stream()
                        .anyMatch(g -> g.service().equals(citizens)));
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
        ndxp.registryNode()
            .registry()
            .grant(tn.portal(), citizens, List.of("GET"), List.of("/citizens/*"));
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

  private static AutoCloseable federate(Federation self, Federation peer) {
    NodeConfig.RegistryFederation settings =
        new NodeConfig.RegistryFederation(
            Optional.of(Duration.ofSeconds(5)),
            Optional.of(Duration.ofSeconds(600)),
            Optional.of(Duration.ofMillis(500)),
            Optional.empty(),
            List.of(
                new NodeConfig.FederationPeer(
                    "ndxp-tayninh-2026.agreement.json", peer.registryUrl())));
    return self.registryNode().registry().federate(settings.options(self.workDir()));
  }

  private static MessageSigner registryKey(Path workDir) throws Exception {
    X509Certificate cert =
        Pem.certificates(Files.readString(workDir.resolve("pki/registry-signing.pem"))).getFirst();
    return Signatures.software(
        Pem.privateKey(Files.readString(workDir.resolve("pki/registry-signing.key"))), cert);
  }

  private static Directory directory(org.openlgsp.node.GatewayNode node) {
    return node.directory().current().orElseThrow();
  }

  private static long ledgerSize(Federation f, String gateway) {
    try (Database db = Database.sqlite(f.workDir().resolve("data/" + gateway + ".db"))) {
      return LedgerReader.open(db).size();
    }
  }

  /** The one record appended after {@code before}, once written. */
  private static ExchangeRecord lastRecord(Federation f, String gateway, long before) {
    await().atMost(WAIT).until(() -> ledgerSize(f, gateway) > before);
    try (Database db = Database.sqlite(f.workDir().resolve("data/" + gateway + ".db"))) {
      LedgerReader reader = LedgerReader.open(db);
      return reader.get(reader.size() - 1).orElseThrow().record();
    }
  }
}
