package org.openlgsp.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.openlgsp.core.Digests;

/**
 * Checks a {@link TrackerReport} offline, with the gateways' checkpoint keys the auditor pins:
 * every entry's recorded bytes hash to its leaf hash and say what the entry shows (time, system,
 * service, side, officer, purpose, status, refusal code, consent and leak findings); its inclusion
 * proof leads from that leaf to the root of a checkpoint signed by a pinned key whose name is the
 * checkpoint's origin. An entry without a proof, a changed field, a changed proof, or a checkpoint
 * no pinned key signed makes the report unsound. A gateway that did not answer is a warning: the
 * report says it is incomplete.
 *
 * <p>What it cannot show: an entry left out of the report altogether (the report proves what it
 * shows, not that it shows everything; the gateway's full export and {@code lgsp ledger verify}
 * do).
 */
public final class TrackerReportVerifier {
  private final List<NoteVerifier> keys;

  public TrackerReportVerifier(List<NoteVerifier> keys) {
    this.keys = List.copyOf(keys);
  }

  /** The outcome: sound or not, the problems found and warnings. */
  public record Result(
      boolean sound, int verifiedEntries, List<String> problems, List<String> warnings) {
    public Result {
      problems = List.copyOf(problems);
      warnings = List.copyOf(warnings);
      if (sound != problems.isEmpty()) {
        throw new IllegalArgumentException("sound exactly when there is no problem");
      }
    }
  }

  public Result verify(TrackerReport report) {
    Objects.requireNonNull(report, "report");
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (keys.isEmpty()) {
      problems.add("no checkpoint key given (--key): nothing can be verified");
    }
    for (TrackerReport.GatewayAnswer g : report.gateways()) {
      if (g.status() != TrackerReport.GatewayStatus.ANSWERED) {
        warnings.add(
            "gateway "
                + g.node()
                + " "
                + g.status()
                + ": its accesses are not in this report ("
                + g.reason()
                + ")");
      }
    }
    int verified = 0;
    int n = 0;
    for (TrackerReport.Entry e : report.accesses()) {
      String where = "entry " + n++ + " (" + e.gateway() + " #" + e.access().index() + ")";
      List<String> found = new ArrayList<>(check(e.access()));
      for (TrackerReport.Consent k : e.consents()) {
        for (ConsentLog.Change c : k.changes()) {
          ConsentLog.check(k.id(), c, keys)
              .forEach(p -> found.add("consent " + k.id() + " log #" + c.index() + ": " + p));
        }
        if (!k.changes().isEmpty() && !k.matches()) {
          warnings.add(where + ": consent " + k.id() + " does not match its consent log");
        }
      }
      found.forEach(p -> problems.add(where + ": " + p));
      if (found.isEmpty()) {
        verified++;
      }
    }
    return new Result(problems.isEmpty(), verified, problems, warnings);
  }

  private List<String> check(SubjectAccessReport.Access a) {
    List<String> problems = new ArrayList<>();
    byte[] bytes;
    ExchangeRecord r;
    try {
      bytes = Digests.fromBase64("record", a.record());
      r = ExchangeRecord.decode(bytes);
    } catch (RuntimeException e) {
      return List.of("recorded bytes unreadable");
    }
    byte[] leaf = Merkle.leafHash(bytes);
    if (!Digests.base64(leaf).equals(a.leafHash())) {
      problems.add("leaf hash is not the hash of the recorded bytes");
    }
    if (!r.requestTime().equals(a.time())
        || !r.client().toString().equals(a.system())
        || !r.client().memberId().toString().equals(a.agencyCode())
        || !r.service().toString().equals(a.service())
        || r.side() != a.side()
        || !r.userId().equals(a.officer())
        || !r.issue().equals(a.purpose())
        || r.status() != a.status()
        // an older gateway's answer has no errorCode: then the status alone shows the refusal
        || (!a.errorCode().isEmpty() && !r.errorCode().equals(a.errorCode()))
        || !r.consentId().equals(a.consentId())
        || !r.consentDigest().equals(a.consentDigest())
        || !r.findings().equals(a.findings())) {
      problems.add("the entry's fields are not what the ledger recorded");
    }
    switch (a.proof()) {
      case SubjectAccessReport.Pending p ->
          problems.add("no inclusion proof (not covered by a signed checkpoint)");
      case InclusionProof p -> problems.addAll(checkProof(a, leaf, p));
    }
    return problems;
  }

  private List<String> checkProof(SubjectAccessReport.Access a, byte[] leaf, InclusionProof p) {
    return checkProof(keys, a.index(), a.leafHash(), leaf, p);
  }

  /** Problems of proof {@code p} of record {@code index} under checkpoints signed by keys. */
  static List<String> checkProof(
      List<NoteVerifier> keys, long index, String leafHash, byte[] leaf, InclusionProof p) {
    if (p.index() != index || !p.leafHash().equals(leafHash)) {
      return List.of("the proof is for another record");
    }
    SignedNote note;
    Checkpoint checkpoint;
    List<byte[]> path;
    try {
      note = SignedNote.parse(p.checkpoint());
      checkpoint = Checkpoint.parse(note.text());
      path = p.path().stream().map(h -> Digests.fromBase64("path", h)).toList();
    } catch (RuntimeException e) {
      return List.of("checkpoint or proof unreadable");
    }
    boolean signed =
        keys.stream().anyMatch(k -> k.name().equals(checkpoint.origin()) && note.verifiedBy(k));
    if (!signed) {
      return List.of(
          "checkpoint of " + checkpoint.origin() + " not signed by a pinned key (--key)");
    }
    if (checkpoint.size() != p.treeSize()) {
      return List.of("the proof's tree size is not the checkpoint's");
    }
    if (!Merkle.verifyInclusion(p.index(), p.treeSize(), leaf, path, checkpoint.rootHash())) {
      return List.of("inclusion proof does not lead to the signed root");
    }
    return List.of();
  }
}
