package org.openlgsp.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The citizen data tracker's answer: every recorded access to one data subject's records across the
 * gateways of the instance, each with its gateway's inclusion proof and signed checkpoint, and what
 * each gateway answered — a gateway that did not answer is named, never silently left out.
 *
 * <p>This JSON is the machine-readable bundle {@code lgsp ledger verify-report} checks offline
 * ({@link TrackerReportVerifier}); the subject appears only masked.
 *
 * @param format {@value #FORMAT}
 * @param subject the personal ID, masked (last three digits)
 * @param purpose the purpose the look-up stated
 * @param requester who asked (the tracker reader's audit actor)
 * @param complete every gateway of the instance answered
 * @param lookups earlier look-ups of this subject through the tracker (the registry's audit log,
 *     found by the subject's keyed hash; not covered by a ledger proof), newest first
 */
public record TrackerReport(
    String format,
    String subject,
    String purpose,
    String requester,
    Instant generatedAt,
    boolean complete,
    List<GatewayAnswer> gateways,
    int accessCount,
    List<Entry> accesses,
    List<Lookup> lookups) {
  public static final String FORMAT = "openlgsp-tracker-report/1";

  public TrackerReport {
    if (!FORMAT.equals(format)) {
      throw new IllegalArgumentException("format must be " + FORMAT);
    }
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(generatedAt, "generatedAt");
    gateways = List.copyOf(gateways);
    accesses = List.copyOf(accesses);
    lookups = lookups == null ? List.of() : List.copyOf(lookups);
    if (accessCount != accesses.size()) {
      throw new IllegalArgumentException("accessCount must be the number of accesses");
    }
    if (complete != gateways.stream().allMatch(g -> g.status() == GatewayStatus.ANSWERED)) {
      throw new IllegalArgumentException("complete must say whether every gateway answered");
    }
  }

  /** An earlier look-up of the subject: when, by whom, for which purpose, and its outcome. */
  public record Lookup(Instant at, String requester, String purpose, String outcome) {
    public Lookup {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(requester, "requester");
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /** What a gateway said: answered (with how many accesses), or why it did not. */
  public record GatewayAnswer(String node, GatewayStatus status, int accesses, String reason) {
    public GatewayAnswer {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(reason, "reason");
      if (accesses < 0) {
        throw new IllegalArgumentException("accesses must be >= 0");
      }
    }
  }

  /** Whether a gateway's accesses are in the report. */
  public enum GatewayStatus {
    /** It answered; all its recorded accesses are in the report. */
    ANSWERED,
    /** It was asked and failed, refused or did not answer within the deadline. */
    NOT_ANSWERED,
    /** It is in the directory but the tracker has no address and credential for it. */
    NOT_CONFIGURED
  }

  /**
   * One access, as the gateway {@code gateway} recorded and proved it, with the subject's consents
   * (from the registry's consent registry, not from the ledger: not covered by the proof) that were
   * in force for the calling agency and the access's purpose at its time.
   */
  public record Entry(String gateway, SubjectAccessReport.Access access, List<Consent> consents) {
    public Entry {
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(access, "access");
      consents = consents == null ? List.of() : List.copyOf(consents);
    }
  }

  /**
   * A consent of the subject: its id, data category, recipient agency, purpose, validity and, when
   * withdrawn, when; with {@code changes}, its grant and withdrawal as the registry's consent log
   * recorded them, each with its inclusion proof under the log's signed checkpoint (empty when the
   * registry keeps no consent log). {@code matches} says whether the registry's consent row still
   * has the digest the log recorded last.
   */
  public record Consent(
      String id,
      String category,
      String recipient,
      String purpose,
      Instant validFrom,
      Instant validTo,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          Instant withdrawnAt,
      List<ConsentLog.Change> changes,
      boolean matches) {
    public Consent {
      changes = changes == null ? List.of() : List.copyOf(changes);
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(validFrom, "validFrom");
      Objects.requireNonNull(validTo, "validTo");
    }

    /**
     * Whether it was in force for {@code agency} and the stated purpose {@code issue} (its part
     * before the first {@code :}, as grants match purposes) at {@code time}.
     */
    public boolean coveredAccess(String agency, String issue, Instant time) {
      int colon = issue.indexOf(':');
      String code = colon < 0 ? issue : issue.substring(0, colon);
      return recipient.equals(agency)
          && purpose.equals(code)
          && !time.isBefore(validFrom)
          && time.isBefore(validTo)
          && (withdrawnAt == null || time.isBefore(withdrawnAt));
    }
  }
}
