package org.openlgsp.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ServiceId;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
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
  static void agree(Federation ndxp, Federation tn, ServiceId citizens) {
    Federations.agree(ndxp, tn, "ndxp-tayninh-2026", citizens);
  }

  static AutoCloseable federate(Federation self, Federation peer, Optional<String> hub) {
    return Federations.federate(
        self, List.of(new NodeConfig.FederationPeer(AGREEMENT, peer.registryUrl(), hub)));
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
