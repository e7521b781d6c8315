package org.openlgsp.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Directory;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.storage.Database;

/**
 * The consent registry's append-only, verifiable log of consent changes (docs/privacy.md, "Consent
 * log"): an RFC 9162 {@link Ledger} in the registry's database whose every record is one change of
 * one consent, with a checkpoint signed by the registry's consent-log key published as soon as the
 * change is committed, so each change has an inclusion proof at once. The log is an ordinary
 * ledger: {@code lgsp ledger export} and {@code lgsp ledger verify} read and check it like a
 * gateway's.
 *
 * <p>A change is written as an {@link ExchangeRecord} (docs/ledger.md, "Consent log records"):
 * {@code messageId} and {@code consentId} the consent id, {@code requestId} the consent's version
 * (1 granted, 2 withdrawn), {@code method} {@value #GRANT} or {@value #WITHDRAW}, {@code client}
 * the recipient agency, {@code node} the recipient's {@code consent-registry} node and {@code
 * service} its {@code consent-registry} subsystem's {@code consent} service (identifiers the record
 * format needs, not real ones), {@code path} the data category, {@code issue} the purpose, {@code
 * requestTime} and {@code responseTime} the change's time, {@code status} 200, {@code subjectHash}
 * the subject's keyed hash (consent key) and {@code consentDigest} the digest of the consent's
 * state after the change ({@link #stateDigest}).
 */
public final class ConsentLog implements AutoCloseable {
  /** The {@code method} of a grant's record. */
  public static final String GRANT = "GRANT";

  /** The {@code method} of a withdrawal's record. */
  public static final String WITHDRAW = "WITHDRAW";

  private final Ledger ledger;
  private final LedgerReader reader;
  private final Checkpoints checkpoints;
  private final NoteKey key;

  private ConsentLog(Database db, NoteKey key, Clock clock) {
    this.ledger = Ledger.open(db, LedgerOptions.defaults());
    this.reader = LedgerReader.open(db);
    this.key = key;
    this.checkpoints =
        new Checkpoints(
            db,
            ledger,
            key,
            org.openlgsp.ledger.spi.Timestamper.none(),
            CheckpointPolicy.defaults(),
            List.of(),
            clock);
  }

  /** Opens (creating its tables) the consent log in {@code db}, signing checkpoints with key. */
  public static ConsentLog open(Database db, NoteKey key, Clock clock) {
    return new ConsentLog(db, key, clock);
  }

  /** The key that verifies the log's checkpoints (its name is their origin). */
  public NoteVerifier verifier() {
    return key.verifier();
  }

  /**
   * The digest of a consent's state: {@link Directory.Consent#digest()} while it is in force; once
   * withdrawn at {@code withdrawnAt}, SHA-256 (base64) over that digest, a line feed, {@code
   * withdrawn } and the time (ISO-8601 UTC).
   */
  public static String stateDigest(Directory.Consent c, Optional<Instant> withdrawnAt) {
    String granted = c.digest();
    if (withdrawnAt.isEmpty()) {
      return granted;
    }
    String text = granted + "\nwithdrawn " + withdrawnAt.get();
    return Digests.base64(Digests.sha256(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** One logged change of a consent, with its record and its inclusion proof. */
  public record Change(
      long index,
      int version,
      String action,
      Instant at,
      String digest,
      String leafHash,
      String record,
      SubjectAccessReport.Proof proof) {
    public Change {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(leafHash, "leafHash");
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(proof, "proof");
    }
  }

  /** Logs the grant of {@code c} at {@code at}; returns the change with its proof. */
  public Change granted(Directory.Consent c, Instant at) {
    return append(c, 1, GRANT, at, stateDigest(c, Optional.empty()));
  }

  /** Logs the withdrawal of {@code c} at {@code at}; returns the change with its proof. */
  public Change withdrawn(Directory.Consent c, Instant at) {
    return append(c, 2, WITHDRAW, at, stateDigest(c, Optional.of(at)));
  }

  private synchronized Change append(
      Directory.Consent c, int version, String action, Instant at, String digest) {
    if (c.id().isEmpty()) {
      throw new IllegalArgumentException("a logged consent needs its id");
    }
    ClientId recipient = c.recipient();
    ledger.append(
        new ExchangeRecord(
            c.id(),
            Integer.toString(version),
            Side.PROVIDER,
            new NodeId(recipient, "consent-registry"),
            recipient,
            new ServiceId(
                ClientId.subsystem(
                    recipient.instance(),
                    recipient.memberClass(),
                    recipient.memberCode(),
                    "consent-registry"),
                "consent"),
            action,
            c.category(),
            200,
            at,
            at,
            "",
            "",
            "",
            "",
            "",
            c.purpose(),
            "",
            c.subjectHash(),
            c.id(),
            digest,
            ""));
    checkpoints.publish();
    return changes(c.id()).stream()
        .filter(ch -> ch.version() == version)
        .reduce((first, second) -> second)
        .orElseThrow();
  }

  /** Every logged change of consent {@code id}, oldest first, each with its inclusion proof. */
  public List<Change> changes(String id) {
    return reader.byMessageId(id).stream()
        .filter(e -> e.record().consentId().equals(id))
        .map(
            e ->
                new Change(
                    e.index(),
                    Integer.parseInt(e.record().requestId()),
                    e.record().method(),
                    e.record().responseTime(),
                    e.record().consentDigest(),
                    Digests.base64(e.leafHash()),
                    Digests.base64(e.record().canonical()),
                    proof(e.index())))
        .toList();
  }

  private SubjectAccessReport.Proof proof(long index) {
    try {
      return LedgerOps.inclusion(reader, index, OptionalLong.empty());
    } catch (org.openlgsp.core.LgspException notYet) {
      return SubjectAccessReport.Pending.NOT_YET;
    }
  }

  /**
   * Problems of a logged change of consent {@code consentId} checked offline: its recorded bytes
   * are a record of that consent saying what the change shows, and its inclusion proof leads to a
   * checkpoint signed by one of {@code keys} (the registry's consent-log key). Empty when sound.
   */
  public static List<String> check(String consentId, Change c, List<NoteVerifier> keys) {
    byte[] bytes;
    ExchangeRecord r;
    try {
      bytes = Digests.fromBase64("record", c.record());
      r = ExchangeRecord.decode(bytes);
    } catch (RuntimeException e) {
      return List.of("recorded bytes unreadable");
    }
    byte[] leaf = Merkle.leafHash(bytes);
    if (!Digests.base64(leaf).equals(c.leafHash())
        || !r.consentId().equals(consentId)
        || !r.consentDigest().equals(c.digest())
        || !r.method().equals(c.action())
        || !r.requestId().equals(Integer.toString(c.version()))
        || !r.responseTime().equals(c.at())) {
      return List.of("the change is not what the consent log recorded");
    }
    return switch (c.proof()) {
      case SubjectAccessReport.Pending p -> List.of("no inclusion proof");
      case InclusionProof p ->
          TrackerReportVerifier.checkProof(keys, c.index(), c.leafHash(), leaf, p);
    };
  }

  /** The log's size (records). */
  public long size() {
    return ledger.size();
  }

  @Override
  public void close() {
    checkpoints.close();
    ledger.close();
  }
}
