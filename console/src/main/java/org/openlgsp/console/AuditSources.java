package org.openlgsp.console;

import java.util.Objects;
import java.util.Optional;
import org.openlgsp.ledger.CitizenTracker;
import org.openlgsp.ledger.ConsentLog;
import org.openlgsp.ledger.Witness;

/**
 * What the registry node holds for the console's audit-side pages (docs/console.md, "Ledger and
 * subject access"): its consent log (a verifiable ledger in the registry's database), its
 * checkpoint witness (the latest checkpoint of each gateway log it cosigned) and the citizen data
 * tracker (subject-access look-ups across every gateway), and its own alerts for the alerts page.
 * Each is absent when the node does not run it, and the pages then say so (or, for the alerts, show
 * the gateways' only).
 */
public record AuditSources(
    Optional<ConsentLog> consentLog,
    Optional<Witness> witness,
    Optional<CitizenTracker> tracker,
    Optional<RegistryAlerts> alerts) {
  public AuditSources {
    Objects.requireNonNull(consentLog, "consentLog");
    Objects.requireNonNull(witness, "witness");
    Objects.requireNonNull(tracker, "tracker");
    Objects.requireNonNull(alerts, "alerts");
  }

  /** The ledger-side sources, without the registry's own alerts. */
  public AuditSources(
      Optional<ConsentLog> consentLog,
      Optional<Witness> witness,
      Optional<CitizenTracker> tracker) {
    this(consentLog, witness, tracker, Optional.empty());
  }

  /** None of them: the ledger and subject-access pages say the registry keeps none. */
  public static AuditSources none() {
    return new AuditSources(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }
}
