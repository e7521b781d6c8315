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
    Optional<org.openlgsp.core.KeyedHash> consents) {
  public GatewayFeatures {
    java.util.Objects.requireNonNull(consents, "consents");
    java.util.Objects.requireNonNull(revocation, "revocation");
    java.util.Objects.requireNonNull(subjects, "subjects");
    observers = List.copyOf(observers);
  }

  public static GatewayFeatures none() {
    return new GatewayFeatures(Optional.empty(), Optional.empty(), List.of(), Optional.empty());
  }

  public GatewayFeatures withRevocation(RevocationChecker checker) {
    return new GatewayFeatures(Optional.of(checker), subjects, observers, consents);
  }

  public GatewayFeatures withSubjects(SubjectHasher hasher) {
    return new GatewayFeatures(revocation, Optional.of(hasher), observers, consents);
  }

  /**
   * Checks consents for grants that require them, finding the subject's consents in the directory
   * by their keyed hash under {@code key} (the registry's {@code consentKey}, docs/privacy.md).
   */
  public GatewayFeatures withConsentKey(org.openlgsp.core.KeyedHash key) {
    return new GatewayFeatures(revocation, subjects, observers, Optional.of(key));
  }

  /** Adds an observer, told of each exchange after its ledger write. */
  public GatewayFeatures withObserver(ExchangeObserver observer) {
    List<ExchangeObserver> more = new java.util.ArrayList<>(observers);
    more.add(observer);
    return new GatewayFeatures(revocation, subjects, more, consents);
  }
}
