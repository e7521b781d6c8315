package org.openlgsp.testkit;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.Directory;
import org.openlgsp.core.NodeId;
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

  /** VN-NDXP in {@code dir}/ndxp: the population database (3 citizens) and a hub gateway. */
  static Federation nationalWithHub(Path dir) {
    return Federation.start(
        dir.resolve("ndxp"),
        Federation.Options.exchange(3).withInstance("VN-NDXP").withHub(Federation.Hub.RELAY));
  }

  /** VN-TAYNINH in {@code dir}/tn: the portal, its members' encryption keys, no hub of its own. */
  static Federation provinceWithKeys(Path dir) {
    return Federation.start(
        dir.resolve("tn"),
        Federation.Options.exchange(1)
            .withInstance("VN-TAYNINH")
            .withHub(Federation.Hub.MEMBER_KEYS));
  }

  /** Waits until {@code node}'s directory names {@code hub} for exchanges with {@code instance}. */
  static void awaitHub(GatewayNode node, String instance, NodeId hub) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                directory(node)
                    .federation(instance)
                    .flatMap(Directory.Federated::hubNode)
                    .equals(Optional.of(hub)));
  }

  /** {@code grantor}'s registry grants Tây Ninh's portal GET on /citizens/* of {@code service}. */
  static void grantPortal(Federation grantor, Federation tn, ServiceId service) {
    grantor
        .registryNode()
        .registry()
        .grant(tn.portal(), service, List.of("GET"), List.of("/citizens/*"));
  }

  /**
   * What the provider's access.denied says; it names the (sealed) method the hub must not learn.
   */
  static final String REFUSAL_DETAIL = "has no grant for GET";

  /**
   * Tây Ninh's registry lets its portal read /households/* of {@code service} too, and its consumer
   * gateway holds that grant: NDXP grants no such path, so the hub (which has a grant for the
   * service) relays such a call and NDXP's provider refuses it with {@code access.denied}.
   */
  static void grantHouseholdsAtTayNinhOnly(Federation tn, ServiceId service) {
    tn.registryNode()
        .registry()
        .grant(tn.portal(), service, List.of("GET"), List.of("/households/*"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                directory(tn.consumerNode()).grants().stream()
                    .anyMatch(g -> g.pathPatterns().toString().contains("/households/")));
  }

  /** Waits until Tây Ninh's consumer gateway holds a grant for {@code service}. */
  static void awaitConsumerGrant(Federation tn, ServiceId service) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                directory(tn.consumerNode()).grants().stream()
                    .anyMatch(g -> g.service().equals(service)));
  }

  /**
   * The agreement, and both registries federating under it with NDXP relaying its exchanges with
   * Tây Ninh through its hub (Tây Ninh configures no hub); closing the result stops both.
   */
  static AutoCloseable federateThroughHub(Federation ndxp, Federation tn) throws Exception {
    agree(ndxp, tn, ndxp.citizensService());
    AutoCloseable ndxpSide = federate(ndxp, tn, Optional.of(ndxp.hubNodeId().toString()));
    try {
      AutoCloseable tnSide = federate(tn, ndxp, Optional.empty());
      return () -> {
        try (ndxpSide;
            tnSide) {
          // both stopped, Tây Ninh's first
        }
      };
    } catch (RuntimeException e) {
      ndxpSide.close();
      throw e;
    }
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
