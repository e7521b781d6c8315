package org.openlgsp.testkit;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Directory;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.Signatures;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.Agreement;
import org.openlgsp.registry.Selector;
import org.openlgsp.registry.SignedAgreement;
import org.openlgsp.storage.Database;

/**
 * Two {@link Federation}s of different instances (VN-NDXP and VN-TAYNINH) federated under one
 * agreement both registries sign (docs/federation.md), and what the tests read of them.
 */
final class FederatedPair {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String AGREEMENT = "ndxp-tayninh-2026.agreement.json";

  private FederatedPair() {}

  /** NDXP exports citizens (only) to Tây Ninh's portal; both registries sign. */
  static void agree(Federation ndxp, Federation tn, ServiceId citizens) throws Exception {
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
      Files.write(f.workDir().resolve(AGREEMENT), signed);
    }
  }

  static AutoCloseable federate(Federation self, Federation peer, Optional<String> hub) {
    NodeConfig.RegistryFederation settings =
        new NodeConfig.RegistryFederation(
            Optional.of(Duration.ofSeconds(5)),
            Optional.of(Duration.ofSeconds(600)),
            Optional.of(Duration.ofMillis(500)),
            Optional.empty(),
            List.of(new NodeConfig.FederationPeer(AGREEMENT, peer.registryUrl(), hub)));
    return self.registryNode().registry().federate(settings.options(self.workDir()));
  }

  static MessageSigner registryKey(Path workDir) throws Exception {
    X509Certificate cert =
        Pem.certificates(Files.readString(workDir.resolve("pki/registry-signing.pem"))).getFirst();
    return Signatures.software(
        Pem.privateKey(Files.readString(workDir.resolve("pki/registry-signing.key"))), cert);
  }

  static Directory directory(GatewayNode node) {
    return node.directory().current().orElseThrow();
  }

  static long ledgerSize(Federation f, String gateway) {
    try (Database db = Database.sqlite(f.workDir().resolve("data/" + gateway + ".db"))) {
      return LedgerReader.open(db).size();
    }
  }

  /** The one record appended after {@code before}, once written. */
  static ExchangeRecord lastRecord(Federation f, String gateway, long before) {
    await().atMost(WAIT).until(() -> ledgerSize(f, gateway) > before);
    try (Database db = Database.sqlite(f.workDir().resolve("data/" + gateway + ".db"))) {
      LedgerReader reader = LedgerReader.open(db);
      return reader.get(reader.size() - 1).orElseThrow().record();
    }
  }
}
