package org.openlgsp.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PersonalId;

/**
 * "Who accessed my data": every ledger record whose subject hash is the keyed hash of a personal
 * ID, each with its inclusion proof against the latest checkpoint.
 */
public final class SubjectAccess {
  private final LedgerReader reader;
  private final SubjectHasher hasher;
  private final Function<ClientId, String> agencyNames;

  public SubjectAccess(
      LedgerReader reader, SubjectHasher hasher, Function<ClientId, String> agencyNames) {
    this.reader = reader;
    this.hasher = hasher;
    this.agencyNames = agencyNames;
  }

  SubjectAccessReport report(PersonalId subject) {
    List<SubjectAccessReport.Access> out = new ArrayList<>();
    for (LedgerEntry e : reader.bySubjectHash(hasher.hash(subject.value()))) {
      ExchangeRecord r = e.record();
      out.add(
          new SubjectAccessReport.Access(
              e.index(),
              r.requestTime(),
              agencyNames.apply(r.client().memberId()),
              r.client().memberId().toString(),
              r.client().toString(),
              r.service().toString(),
              r.side(),
              r.userId(),
              r.issue(),
              r.status(),
              Digests.base64(e.leafHash()),
              Digests.base64(r.canonical()),
              proof(e.index()),
              r.errorCode(),
              r.consentId(),
              r.consentDigest(),
              r.findings()));
    }
    return new SubjectAccessReport(subject.masked(), out);
  }

  private SubjectAccessReport.Proof proof(long index) {
    try {
      return LedgerOps.inclusion(reader, index, OptionalLong.empty());
    } catch (LgspException notYet) {
      if (notYet.code() != ErrorCode.RESOURCE_NOT_FOUND) {
        throw notYet;
      }
      return SubjectAccessReport.Pending.NOT_YET;
    }
  }

  /**
   * What an audit row names for a request about {@code personalId}: the subject's keyed hash, as
   * the ledger records it, never the ID itself.
   */
  String auditTarget(String personalId) {
    return PersonalId.isValid(personalId)
        ? "subject " + hasher.hash(personalId)
        : "subject (not a personal ID)";
  }
}
