package org.openlgsp.gateway;

import java.util.List;
import java.util.Optional;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.ledger.SubjectHasher;
import org.openlgsp.pki.RevocationChecker;

/**
 * What a gateway does beyond the core exchange: OCSP checking of peers (and stapling of its own
 * status), recording keyed hashes of data subjects' IDs for personal-data services, and telling
 * observers (operational monitoring, metrics) about each recorded exchange.
 */
public record GatewayFeatures(
    Optional<RevocationChecker> revocation,
    Optional<SubjectHasher> subjects,
    List<ExchangeObserver> observers,
    Optional<org.openlgsp.core.KeyedHash> consents,
    java.util.Map<org.openlgsp.core.ClientId, org.openlgsp.pki.Credentials> encryption,
    HubRouting hub) {
  public GatewayFeatures {
    encryption = java.util.Map.copyOf(encryption);
    java.util.Objects.requireNonNull(hub, "hub");
    java.util.Objects.requireNonNull(consents, "consents");
    java.util.Objects.requireNonNull(revocation, "revocation");
    java.util.Objects.requireNonNull(subjects, "subjects");
    observers = List.copyOf(observers);
  }

  public static GatewayFeatures none() {
    return new GatewayFeatures(
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        java.util.Map.of(),
        HubRouting.none());
  }

  public GatewayFeatures withRevocation(RevocationChecker checker) {
    return new GatewayFeatures(
        Optional.of(checker), subjects, observers, consents, encryption, hub);
  }

  public GatewayFeatures withSubjects(SubjectHasher hasher) {
    return new GatewayFeatures(
        revocation, Optional.of(hasher), observers, consents, encryption, hub);
  }

  /**
   * Checks consents for grants that require them, finding the subject's consents in the directory
   * by their keyed hash under {@code key} (the registry's {@code consentKey}, docs/privacy.md).
   */
  public GatewayFeatures withConsentKey(org.openlgsp.core.KeyedHash key) {
    return new GatewayFeatures(revocation, subjects, observers, Optional.of(key), encryption, hub);
  }

  /** Adds an observer, told of each exchange after its ledger write. */
  public GatewayFeatures withObserver(ExchangeObserver observer) {
    List<ExchangeObserver> more = new java.util.ArrayList<>(observers);
    more.add(observer);
    return new GatewayFeatures(revocation, subjects, more, consents, encryption, hub);
  }

  /**
   * Adds a member's encryption (key agreement) credentials: sealed messages to it are opened with
   * them (docs/federation.md, "Hub mode"). Its certificate is the one published in the directory.
   */
  public GatewayFeatures withEncryptionKey(
      org.openlgsp.core.ClientId member, org.openlgsp.pki.Credentials credentials) {
    java.util.Map<org.openlgsp.core.ClientId, org.openlgsp.pki.Credentials> more =
        new java.util.HashMap<>(encryption);
    more.put(member.memberId(), credentials);
    return new GatewayFeatures(revocation, subjects, observers, consents, more, hub);
  }

  /** Routes exchanges with some instances through a hub, or makes this gateway a hub. */
  public GatewayFeatures withHub(HubRouting routing) {
    return new GatewayFeatures(revocation, subjects, observers, consents, encryption, routing);
  }
}
