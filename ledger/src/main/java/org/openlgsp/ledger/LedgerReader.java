package org.openlgsp.ledger;

import java.util.List;
import java.util.Optional;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * Read-only access to a ledger database, safe beside the node that writes it: records, tree heads,
 * proofs and checkpoints, all computed from what is committed (records and tree nodes commit in one
 * transaction, so every committed size has its nodes).
 */
public final class LedgerReader {
  private final Database db;
  private final TreeStore tree;

  private LedgerReader(Database db) {
    this.db = db;
    this.tree = new TreeStore(db);
  }

  public static LedgerReader open(Database db) {
    db.migrate("ledger");
    return new LedgerReader(db);
  }

  public long size() {
    return Sql.read(db, TreeStore::leafCount);
  }

  public TreeHead head() {
    return headAt(size());
  }

  public TreeHead headAt(long treeSize) {
    requireSize(treeSize);
    return new TreeHead(treeSize, Merkle.root(tree, treeSize));
  }

  /**
   * A record by index, from the database or, once archived, from its segment file (an archived
   * record reports its response time as {@code recordedAt}: the commit time is not archived).
   */
  public Optional<LedgerEntry> get(long index) {
    Optional<LedgerEntry> live = Ledger.query(db, "WHERE idx = ?", index, 1).stream().findFirst();
    if (live.isPresent()) {
      return live;
    }
    return LedgerArchive.find(db, index)
        .map(
            bytes -> {
              ExchangeRecord r = ExchangeRecord.decode(bytes);
              return new LedgerEntry(index, r.responseTime(), r, Merkle.leafHash(bytes));
            });
  }

  public List<LedgerEntry> byMessageId(String messageId) {
    return Ledger.byMessageId(db, messageId);
  }

  /** Records whose subject hash is {@code subjectHash} (see {@link SubjectHasher}). */
  public List<LedgerEntry> bySubjectHash(String subjectHash) {
    if (subjectHash.isEmpty()) {
      return List.of();
    }
    return Sql.read(
            db,
            h ->
                h.createQuery(
                        "SELECT idx FROM ledger_archived_subject WHERE subject_hash = ? UNION"
                            + " SELECT idx FROM ledger_record WHERE subject_hash = ?"
                            + " ORDER BY idx LIMIT 10000")
                    .bind(0, subjectHash)
                    .bind(1, subjectHash)
                    .map((r, ctx) -> r.getLong(1))
                    .list())
        .stream()
        .map(i -> get(i).orElseThrow())
        .filter(e -> e.record().subjectHash().equals(subjectHash))
        .toList();
  }

  /** Segments moved out of the database by retention, oldest first. */
  public List<LedgerArchive.Segment> archiveSegments() {
    return LedgerArchive.segments(db);
  }

  public List<Ledger.Raw> rawRecords(long fromInclusive, int limit) {
    return Ledger.rawRecords(db, fromInclusive, limit);
  }

  public List<byte[]> leafHashes(long from, long to) {
    return Ledger.leafHashes(db, from, to);
  }

  public List<byte[]> inclusionProof(long index, long treeSize) {
    requireSize(treeSize);
    if (index < 0 || index >= treeSize) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED,
          "record " + index + " is not in a tree of " + treeSize + " records");
    }
    return Merkle.inclusionPath(tree, index, treeSize);
  }

  public List<byte[]> consistencyProof(long first, long second) {
    requireSize(second);
    if (first < 0 || first > second) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "consistency needs 0 <= first <= second");
    }
    return Merkle.consistencyProof(tree, first, second);
  }

  public List<StoredCheckpoint> checkpoints() {
    return Checkpoints.readAll(db);
  }

  public Optional<StoredCheckpoint> latestCheckpoint() {
    return Checkpoints.query(db, "ORDER BY tree_size DESC LIMIT 1", -1).stream().findFirst();
  }

  /** The smallest checkpoint that covers record {@code index}. */
  public Optional<StoredCheckpoint> checkpointCovering(long index) {
    return Checkpoints.query(db, "WHERE tree_size > ? ORDER BY tree_size LIMIT 1", index).stream()
        .findFirst();
  }

  public Optional<StoredCheckpoint> checkpointAt(long size) {
    return Checkpoints.query(db, "WHERE tree_size = ?", size).stream().findFirst();
  }

  private void requireSize(long treeSize) {
    long size = size();
    if (treeSize < 0 || treeSize > size) {
      throw new LgspException(
          ErrorCode.RESOURCE_NOT_FOUND,
          "tree size " + treeSize + " is beyond this ledger's " + size + " records");
    }
  }
}
