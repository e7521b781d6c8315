package org.openlgsp.gateway;

import java.util.Optional;
import org.openlgsp.ledger.SubjectHasher;
import org.openlgsp.pki.RevocationChecker;

/**
 * What a gateway does beyond the core exchange: OCSP checking of peers (and stapling of its own
 * status), and recording keyed hashes of data subjects' IDs for personal-data services.
 */
public record GatewayFeatures(
    Optional<RevocationChecker> revocation, Optional<SubjectHasher> subjects) {
  public GatewayFeatures {
    java.util.Objects.requireNonNull(revocation, "revocation");
    java.util.Objects.requireNonNull(subjects, "subjects");
  }

  public static GatewayFeatures none() {
    return new GatewayFeatures(Optional.empty(), Optional.empty());
  }

  public GatewayFeatures withRevocation(RevocationChecker checker) {
    return new GatewayFeatures(Optional.of(checker), subjects);
  }

  public GatewayFeatures withSubjects(SubjectHasher hasher) {
    return new GatewayFeatures(revocation, Optional.of(hasher));
  }
}
