package org.openlgsp.console;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.InclusionProof;
import org.openlgsp.ledger.LedgerVerifier;
import org.openlgsp.ledger.TrackerReport;

/** The models of the audit-side pages ({@link AuditPages}). */
public final class AuditModels {
  private AuditModels() {}

  /**
   * A checkpoint of the consent log: its size and root, when it was made, whether the log's key
   * verifies its signature, who else signed it (witnesses) and whether it carries a time-stamp.
   */
  public record CheckpointRow(
      long size,
      String root,
      Instant createdAt,
      boolean signatureValid,
      List<String> cosigners,
      boolean timestamped) {
    public CheckpointRow {
      cosigners = List.copyOf(cosigners);
    }
  }

  /** The registry's consent log: its origin, verifier key, size and checkpoints (newest first). */
  public record ConsentLogView(
      String origin, String vkey, long size, Paged<CheckpointRow> checkpoints) {}

  /**
   * The latest checkpoint of a gateway log the registry's witness cosigned (none yet: size empty),
   * with its log's signature and the witness's cosignature checked.
   */
  public record WitnessedRow(
      String origin,
      Optional<Long> size,
      String root,
      boolean logSignatureValid,
      Optional<Instant> cosignedAt,
      String note) {}

  public record LedgerPage(
      Optional<ConsentLogView> consentLog,
      List<WitnessedRow> witnessed,
      Optional<String> witnessKey,
      List<String> logs) {
    public LedgerPage {
      witnessed = List.copyOf(witnessed);
      logs = List.copyOf(logs);
    }
  }

  /** A consent-log record with its inclusion proof and what was checked of it. */
  public record ProofPage(
      String origin,
      long index,
      Instant recordedAt,
      ExchangeRecord record,
      String leafHash,
      boolean leafMatches,
      List<String> path,
      long treeSize,
      String root,
      String note,
      boolean included,
      boolean signed) {
    public ProofPage {
      path = List.copyOf(path);
    }

    public boolean verified() {
      return leafMatches && included && signed;
    }
  }

  /** The verifier's verdict on an uploaded export. */
  public record VerifyPage(
      String fileName, String log, boolean witnessRequired, LedgerVerifier.Result result) {}

  /** One access of a subject-access report and the problems its offline check found. */
  public record AccessRow(TrackerReport.Entry entry, List<String> problems) {
    public AccessRow {
      problems = List.copyOf(problems);
    }

    public Optional<InclusionProof> proof() {
      return entry.access().proof() instanceof InclusionProof p ? Optional.of(p) : Optional.empty();
    }

    /** The checkpoint's first line (its origin: the log that proves the access). */
    public String proofOrigin() {
      return proof().map(p -> p.checkpoint().lines().findFirst().orElse("")).orElse("");
    }

    public boolean verified() {
      return problems.isEmpty();
    }
  }

  /** The look-up form and, after a look-up, the tracker's report and each access's check. */
  public record SubjectsPage(
      boolean configured,
      Optional<TrackerReport> report,
      List<AccessRow> accesses,
      String purpose) {
    public SubjectsPage {
      accesses = List.copyOf(accesses);
    }

    static SubjectsPage form(boolean configured) {
      return new SubjectsPage(configured, Optional.empty(), List.of(), "");
    }
  }

  /** One operational record of a gateway: every field its monitoring API gives, in its order. */
  public record RecordPage(
      String node, String id, List<java.util.Map.Entry<String, String>> fields) {
    public RecordPage {
      fields = List.copyOf(fields);
    }
  }
}
