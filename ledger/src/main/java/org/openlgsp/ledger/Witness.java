package org.openlgsp.ledger;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * Cosigns other logs' checkpoints (C2SP tlog-witness semantics): it verifies the log's signature,
 * and a consistency proof from the last checkpoint it cosigned for that origin, then remembers the
 * new one. It never cosigns two checkpoints of one log that no consistency proof links, so a log
 * that shows different histories to different parties is caught as soon as both reach a witness.
 */
public final class Witness {
  private final Database db;
  private final NoteKey key;
  private final Map<String, NoteVerifier> logs;
  private final Clock clock;

  /** The caller's idea of the witness's latest size for this log is wrong: retry from this one. */
  public static final class StaleSize extends LgspException {
    private static final long serialVersionUID = 1L;
    private final long knownSize;

    public StaleSize(long knownSize) {
      super(
          ErrorCode.CHECKPOINT_INCONSISTENT,
          "the witness last cosigned this log at size " + knownSize);
      this.knownSize = knownSize;
    }

    public long knownSize() {
      return knownSize;
    }
  }

  public Witness(Database db, NoteKey key, List<NoteVerifier> logs, Clock clock) {
    if (key.type() != NoteKey.TYPE_COSIGNATURE) {
      throw new IllegalArgumentException("a witness key must be of type 0x04 (cosignature)");
    }
    this.db = db;
    this.key = key;
    this.logs =
        logs.stream()
            .collect(Collectors.toUnmodifiableMap(NoteVerifier::name, Function.identity()));
    this.clock = Objects.requireNonNull(clock, "clock");
    db.migrate("ledger");
  }

  public NoteVerifier verifier() {
    return key.verifier();
  }

  /**
   * Cosigns {@code note} when it is signed by its log and consistent with what was cosigned before.
   *
   * @param oldSize the size of the last checkpoint the caller believes this witness cosigned (0 at
   *     first contact)
   * @param proof consistency proof from {@code oldSize} to the new checkpoint's size
   * @throws StaleSize when {@code oldSize} is not the witness's latest size
   * @throws LgspException {@code checkpoint.unverified} for an unknown log or a bad signature,
   *     {@code checkpoint.inconsistent} for a fork or a rollback
   */
  synchronized SignedNote.Line cosign(long oldSize, List<byte[]> proof, SignedNote note) {
    Checkpoint cp;
    try {
      cp = Checkpoint.parse(note.text());
    } catch (IllegalArgumentException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "not a checkpoint: " + e.getMessage());
    }
    NoteVerifier log = logs.get(cp.origin());
    if (log == null || !note.verifiedBy(log)) {
      throw new LgspException(
          ErrorCode.CHECKPOINT_UNVERIFIED, "no valid signature of a known log on the checkpoint");
    }
    return Sql.inTransaction(
        db,
        h -> {
          Optional<Cosigned> known =
              h.createQuery("SELECT tree_size, root_hash FROM ledger_witnessed WHERE origin = ?")
                  .bind(0, cp.origin())
                  .map((r, ctx) -> new Cosigned(r.getLong(1), r.getBytes(2)))
                  .findOne();
          long knownSize = known.map(Cosigned::size).orElse(0L);
          byte[] knownRoot = known.map(Cosigned::root).orElseGet(Merkle::emptyRoot);
          if (oldSize != knownSize || cp.size() < knownSize) {
            throw new StaleSize(knownSize);
          }
          // first contact (C2SP tlog-witness: old size 0 comes with an empty proof): the first
          // checkpoint is taken on trust; from then on every one must extend it
          boolean consistent =
              knownSize == 0
                  ? proof.isEmpty()
                  : Merkle.verifyConsistency(knownSize, cp.size(), knownRoot, cp.rootHash(), proof);
          if (!consistent) {
            throw new LgspException(
                ErrorCode.CHECKPOINT_INCONSISTENT,
                "checkpoint at size "
                    + cp.size()
                    + " is not consistent with the cosigned one at size "
                    + knownSize
                    + ": the log has forked");
          }
          SignedNote.Line cosignature = note.cosignature(key, clock.instant());
          h.createUpdate(
                  known.isEmpty()
                      ? "INSERT INTO ledger_witnessed (tree_size, root_hash, note, updated_at,"
                          + " origin) VALUES (?, ?, ?, ?, ?)"
                      : "UPDATE ledger_witnessed SET tree_size = ?, root_hash = ?, note = ?,"
                          + " updated_at = ? WHERE origin = ?")
              .bind(0, cp.size())
              .bind(1, cp.rootHash())
              .bind(2, note.with(cosignature).format()) // kept with this witness's word
              .bind(3, clock.millis())
              .bind(4, cp.origin())
              .execute();
          return cosignature;
        });
  }

  /** The size and root this witness last cosigned for a log, as stored. */
  private record Cosigned(long size, byte[] root) {}

  /** The keys of the logs this witness cosigns for (their names are the logs' origins). */
  public List<NoteVerifier> logs() {
    return logs.values().stream()
        .sorted(java.util.Comparator.comparing(NoteVerifier::name))
        .toList();
  }

  /** The latest checkpoint of {@code origin} this witness cosigned, with its cosignature. */
  public Optional<SignedNote> latest(String origin) {
    return Sql.read(
        db,
        h ->
            h.createQuery("SELECT note FROM ledger_witnessed WHERE origin = ?")
                .bind(0, origin)
                .map((r, ctx) -> SignedNote.parse(r.getString(1)))
                .findOne());
  }
}
