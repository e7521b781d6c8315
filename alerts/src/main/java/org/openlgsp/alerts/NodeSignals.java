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
 * @param procedureDeadlines the procedure cases about to miss or past their working-day limit (a
 *     node running the procedure engine, docs/procedures.md)
 */
public record NodeSignals(
    Supplier<List<CertificateValidity>> certificates,
    Supplier<Optional<Instant>> directoryValidUntil,
    Supplier<Optional<CheckpointStatus>> latestCheckpoint,
    Supplier<FailureCounts> trustServiceFailures,
    Supplier<List<BreachDeadline>> breachDeadlines,
    Supplier<List<ProcedureDeadline>> procedureDeadlines) {
  public NodeSignals {
    Objects.requireNonNull(procedureDeadlines, "procedureDeadlines");
    Objects.requireNonNull(breachDeadlines, "breachDeadlines");
    Objects.requireNonNull(certificates, "certificates");
    Objects.requireNonNull(directoryValidUntil, "directoryValidUntil");
    Objects.requireNonNull(latestCheckpoint, "latestCheckpoint");
    Objects.requireNonNull(trustServiceFailures, "trustServiceFailures");
  }

  /** A node that exposes none of these. */
  public static NodeSignals none() {
    return new NodeSignals(
        List::of,
        Optional::empty,
        Optional::empty,
        () -> new FailureCounts(0, 0),
        List::of,
        List::of);
  }

  public NodeSignals withCertificates(Supplier<List<CertificateValidity>> s) {
    return new NodeSignals(
        s,
        directoryValidUntil,
        latestCheckpoint,
        trustServiceFailures,
        breachDeadlines,
        procedureDeadlines);
  }

  public NodeSignals withDirectoryValidUntil(Supplier<Optional<Instant>> s) {
    return new NodeSignals(
        certificates,
        s,
        latestCheckpoint,
        trustServiceFailures,
        breachDeadlines,
        procedureDeadlines);
  }

  public NodeSignals withLatestCheckpoint(Supplier<Optional<CheckpointStatus>> s) {
    return new NodeSignals(
        certificates,
        directoryValidUntil,
        s,
        trustServiceFailures,
        breachDeadlines,
        procedureDeadlines);
  }

  public NodeSignals withTrustServiceFailures(Supplier<FailureCounts> s) {
    return new NodeSignals(
        certificates,
        directoryValidUntil,
        latestCheckpoint,
        s,
        breachDeadlines,
        procedureDeadlines);
  }

  public NodeSignals withBreachDeadlines(Supplier<List<BreachDeadline>> s) {
    return new NodeSignals(
        certificates,
        directoryValidUntil,
        latestCheckpoint,
        trustServiceFailures,
        s,
        procedureDeadlines);
  }

  public NodeSignals withProcedureDeadlines(Supplier<List<ProcedureDeadline>> s) {
    return new NodeSignals(
        certificates,
        directoryValidUntil,
        latestCheckpoint,
        trustServiceFailures,
        breachDeadlines,
        s);
  }

  /**
   * A procedure case near or past its limit in working days, as the engine judges it with its
   * calendar: its code, procedure, when it is due, and whether that has passed.
   */
  public record ProcedureDeadline(String code, String procedure, Instant due, boolean overdue) {
    public ProcedureDeadline {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(procedure, "procedure");
      Objects.requireNonNull(due, "due");
    }
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
