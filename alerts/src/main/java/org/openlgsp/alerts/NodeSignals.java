package org.openlgsp.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The state of the node the non-stream rules poll: each a small supplier the node wires to what it
 * already holds, asked on the engine's poll thread. A supplier that throws is skipped for that
 * poll.
 *
 * @param certificates the node's certificates by name (TLS, signing ...)
 * @param directoryValidUntil until when the signed directory the gateway holds is valid
 * @param latestCheckpoint the ledger's latest published checkpoint
 * @param trustServiceFailures how many time-stamp and OCSP requests have failed since start
 * @param breachDeadlines the personal-data breaches whose authority notification is still due (a
 *     registry node's breach register, docs/privacy.md "Incidents")
 */
public record NodeSignals(
    Supplier<List<CertificateValidity>> certificates,
    Supplier<Optional<Instant>> directoryValidUntil,
    Supplier<Optional<CheckpointStatus>> latestCheckpoint,
    Supplier<FailureCounts> trustServiceFailures,
    Supplier<List<BreachDeadline>> breachDeadlines) {
  public NodeSignals {
    Objects.requireNonNull(breachDeadlines, "breachDeadlines");
    Objects.requireNonNull(certificates, "certificates");
    Objects.requireNonNull(directoryValidUntil, "directoryValidUntil");
    Objects.requireNonNull(latestCheckpoint, "latestCheckpoint");
    Objects.requireNonNull(trustServiceFailures, "trustServiceFailures");
  }

  /** A node that exposes none of these. */
  public static NodeSignals none() {
    return new NodeSignals(
        List::of, Optional::empty, Optional::empty, () -> new FailureCounts(0, 0), List::of);
  }

  public NodeSignals withCertificates(Supplier<List<CertificateValidity>> s) {
    return new NodeSignals(
        s, directoryValidUntil, latestCheckpoint, trustServiceFailures, breachDeadlines);
  }

  public NodeSignals withDirectoryValidUntil(Supplier<Optional<Instant>> s) {
    return new NodeSignals(
        certificates, s, latestCheckpoint, trustServiceFailures, breachDeadlines);
  }

  public NodeSignals withLatestCheckpoint(Supplier<Optional<CheckpointStatus>> s) {
    return new NodeSignals(
        certificates, directoryValidUntil, s, trustServiceFailures, breachDeadlines);
  }

  public NodeSignals withTrustServiceFailures(Supplier<FailureCounts> s) {
    return new NodeSignals(certificates, directoryValidUntil, latestCheckpoint, s, breachDeadlines);
  }

  public NodeSignals withBreachDeadlines(Supplier<List<BreachDeadline>> s) {
    return new NodeSignals(
        certificates, directoryValidUntil, latestCheckpoint, trustServiceFailures, s);
  }

  /**
   * A breach whose notification of the authority is still due: its register id and the deadline
   * (the register's detection time plus its notification period).
   */
  public record BreachDeadline(String id, Instant detectedAt, Instant deadline) {
    public BreachDeadline {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(detectedAt, "detectedAt");
      Objects.requireNonNull(deadline, "deadline");
    }
  }

  /** One certificate: a name the operator knows it by, and the end of its validity. */
  public record CertificateValidity(String name, Instant notAfter) {
    public CertificateValidity {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(notAfter, "notAfter");
    }
  }

  /**
   * The latest checkpoint: its tree size, when it was made, its cosignatures and time-stamp, and
   * how many witnesses and whether a TSA the node is configured with (a node configured without
   * them is not alerted for their absence).
   */
  public record CheckpointStatus(
      long size,
      Instant createdAt,
      int cosignatures,
      int witnesses,
      boolean timestamped,
      boolean timestampAuthority) {
    public CheckpointStatus {
      Objects.requireNonNull(createdAt, "createdAt");
      if (size < 0 || cosignatures < 0 || witnesses < 0) {
        throw new IllegalArgumentException("size, cosignatures and witnesses are >= 0");
      }
    }
  }

  /** Failures counted since the node started (never decreasing). */
  public record FailureCounts(long timestamp, long ocsp) {
    public FailureCounts {
      if (timestamp < 0 || ocsp < 0) {
        throw new IllegalArgumentException("counts are >= 0");
      }
    }
  }
}
