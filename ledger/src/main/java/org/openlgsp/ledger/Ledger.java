package org.openlgsp.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.GroupCommit;
import org.openlgsp.storage.Sql;

/**
 * A node's durable, append-only record of exchanges. One writer thread commits appends in groups
 * ({@link GroupCommit}): one transaction (one fsync) per batch, not per record, and every caller is
 * released only after its batch committed. Indices are dense and follow commit order.
 *
 * <p>On SQLite exactly one {@code Ledger} may write to a database at a time: the writer numbers
 * records from what it read at open. On PostgreSQL several instances of one node may share the
 * database (docs/scale-out.md): each batch takes a transaction-scoped advisory lock, re-reads the
 * tree's size and, when another instance appended since, its right edge, then appends after it. The
 * records keep one dense total order and the tree stays a single RFC 9162 tree.
 */
public final class Ledger implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Ledger.class.getName());
  private static final String ENTRY_COLUMNS = "SELECT idx, recorded_at, record, leaf_hash";
  private static final RowMapper<LedgerEntry> ENTRY =
      (r, ctx) ->
          new LedgerEntry(
              r.getLong(1),
              Instant.ofEpochMilli(r.getLong(2)),
              ExchangeRecord.decode(r.getBytes(3)),
              r.getBytes(4));
  private static final RowMapper<Raw> RAW = (r, ctx) -> new Raw(r.getLong(1), r.getBytes(2));

  // Advisory lock keys (second argument; the first is the schema's hash, so nodes sharing one
  // PostgreSQL database in different schemas do not wait for each other).
  static final int APPEND_LOCK = 1;
  static final int CHECKPOINT_LOCK = 2;

  private final Database db;
  private final Database.Claim soleWriter;
  private final boolean shared;
  private final GroupCommit<ExchangeRecord, Long> writes;
  private final AtomicLong size;
  private final TreeStore tree;
  private volatile Frontier frontier;
  // The tree after the batch being written; becomes the frontier once that batch committed.
  private Frontier staged;

  private Ledger(Database db, Database.Claim soleWriter, LedgerOptions options, Frontier frontier) {
    this.db = db;
    this.soleWriter = soleWriter;
    this.shared = db.dialect() == Database.Dialect.POSTGRESQL;
    this.tree = new TreeStore(db);
    this.frontier = frontier;
    this.size = new AtomicLong(frontier.size());
    this.writes =
        new GroupCommit<>(
            db,
            "ledger",
            new GroupCommit.Options(
                options.maxBatch(), options.maxDelay(), options.queueCapacity()),
            new GroupCommit.Batch<>() {
              @Override
              public List<GroupCommit.Outcome<Long>> write(Handle h, List<ExchangeRecord> records) {
                return insert(h, records);
              }

              @Override
              public void committed(
                  List<ExchangeRecord> records, List<GroupCommit.Outcome<Long>> outcomes) {
                advance(staged);
              }
            },
            Ledger::unavailable);
  }

  /**
   * Opens the ledger in {@code db}, refusing ({@code StorageException}) an embedded SQLite file
   * another process already writes a ledger in: records are numbered from what was read here, so
   * two writers would fork the log. Several writers share a PostgreSQL ledger (advisory locks).
   */
  public static Ledger open(Database db, LedgerOptions options) {
    Database.Claim claim = db.claimSoleWriter("ledger");
    try {
      return open(db, claim, options);
    } catch (RuntimeException e) {
      claim.close();
      throw e;
    }
  }

  private static Ledger open(Database db, Database.Claim claim, LedgerOptions options) {
    db.migrate("ledger");
    long size =
        Sql.read(
            db,
            h ->
                h.createQuery(
                        "SELECT COALESCE(MAX(idx) + 1, 0), (SELECT COALESCE(MAX(end_idx), 0)"
                            + " FROM ledger_archive) FROM ledger_record")
                    // archived records left the table but still count (retention)
                    .map((r, ctx) -> Math.max(r.getLong(1), r.getLong(2)))
                    .one());
    TreeStore tree = new TreeStore(db);
    long leaves = Sql.read(db, TreeStore::leafCount);
    if (leaves > size) {
      throw new IllegalStateException(
          "ledger tree has " + leaves + " leaves but only " + size + " records exist");
    }
    Frontier frontier = Frontier.load(tree, leaves);
    if (leaves < size) {
      frontier = backfill(db, frontier, size);
    }
    Ledger ledger = new Ledger(db, claim, options, frontier);
    ledger.writes.start();
    return ledger;
  }

  /** Hashes records written before the tree existed (or by an older version) into the tree. */
  private static Frontier backfill(Database db, Frontier frontier, long size) {
    LOG.info(() -> "ledger: adding records " + frontier.size() + ".." + size + " to the tree");
    Frontier f = frontier.copy();
    while (f.size() < size) {
      long from = f.size();
      Sql.inTransaction(
          db,
          h -> {
            List<Frontier.Node> nodes = new ArrayList<>();
            for (Raw r : rawRecords(h, from, 10_000)) {
              if (r.index() != f.size()) {
                throw new IllegalStateException("ledger record " + f.size() + " is missing");
              }
              f.append(Merkle.leafHash(r.bytes()), nodes);
            }
            TreeStore.insert(h, nodes);
            return null;
          });
    }
    return f;
  }

  /** The database the ledger writes to, which the node's other tables share (its audit log). */
  public Database database() {
    return db;
  }

  /** A stored record's index and canonical bytes, undecoded. */
  public record Raw(long index, byte[] bytes) {}

  /** Canonical record bytes in index order from {@code fromInclusive}, as stored. */
  List<Raw> rawRecords(long fromInclusive, int limit) {
    return rawRecords(db, fromInclusive, limit);
  }

  static List<Raw> rawRecords(Database db, long fromInclusive, int limit) {
    return Sql.read(db, h -> rawRecords(h, fromInclusive, limit));
  }

  private static List<Raw> rawRecords(Handle h, long fromInclusive, int limit) {
    return h.createQuery(
            "SELECT idx, record FROM ledger_record WHERE idx >= ? ORDER BY idx LIMIT ?")
        .bind(0, fromInclusive)
        .bind(1, limit)
        .map(RAW)
        .list();
  }

  /** The tree's stored leaf hashes for indices {@code [from, to)}, in order. */
  List<byte[]> leafHashes(long from, long to) {
    return leafHashes(db, from, to);
  }

  static List<byte[]> leafHashes(Database db, long from, long to) {
    return Sql.read(
        db,
        h ->
            h.createQuery("SELECT id, hash FROM ledger_node WHERE id >= ? AND id < ? ORDER BY id")
                .bind(0, 2 * from)
                .bind(1, 2 * to)
                .reduceResultSet(
                    new ArrayList<byte[]>(),
                    (leaves, r, ctx) -> {
                      if ((r.getLong(1) & 1) == 0) { // even ids are leaves
                        leaves.add(r.getBytes(2));
                      }
                      return leaves;
                    }));
  }

  /**
   * The current tree size and root hash; consistent with each other. On a shared (PostgreSQL)
   * database it includes what other instances of the node appended.
   */
  public TreeHead head() {
    if (shared) {
      refresh();
    }
    Frontier f = frontier;
    return new TreeHead(f.size(), f.root());
  }

  /** The root hash the tree had at {@code treeSize} records. */
  TreeHead headAt(long treeSize) {
    requireSize(treeSize);
    return new TreeHead(treeSize, Merkle.root(tree, treeSize));
  }

  /** The audit path of record {@code index} in the tree of {@code treeSize} records. */
  List<byte[]> inclusionProof(long index, long treeSize) {
    requireSize(treeSize);
    if (index < 0 || index >= treeSize) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED,
          "record " + index + " is not in a tree of " + treeSize + " records");
    }
    return Merkle.inclusionPath(tree, index, treeSize);
  }

  /** The proof that the tree at {@code first} records is a prefix of the tree at {@code second}. */
  public List<byte[]> consistencyProof(long first, long second) {
    requireSize(second);
    if (first < 0 || first > second) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "consistency needs 0 <= first <= second");
    }
    return Merkle.consistencyProof(tree, first, second);
  }

  private void requireSize(long treeSize) {
    if (shared && treeSize > size.get()) {
      refresh();
    }
    if (treeSize < 0 || treeSize > size.get()) {
      throw new LgspException(
          ErrorCode.RESOURCE_NOT_FOUND,
          "tree size " + treeSize + " is beyond this ledger's " + size.get() + " records");
    }
  }

  /** Appends and waits until the record is durably committed; returns its index. */
  public long append(ExchangeRecord record) {
    try {
      return appendAsync(record).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof LgspException le) {
        throw le;
      }
      throw unavailable("append failed", e.getCause());
    }
  }

  /**
   * Other durable writes of the node to this ledger's database that ride on the ledger's group
   * commit: they commit in the ledger writer's transactions (after the records of the same
   * transaction), so they share its fsync instead of paying their own, and no second writer waits
   * for the database's lock. The lane stops when the ledger is closed.
   */
  public <J, S> GroupCommit.Lane<J, S> writerLane(
      String name, GroupCommit.Batch<J, S> batch, GroupCommit.Failure failure) {
    return writes.lane(name, batch, failure);
  }

  /** Queues an append; the future completes with the index once the record is committed. */
  CompletableFuture<Long> appendAsync(ExchangeRecord record) {
    return writes.submit(record);
  }

  public long size() {
    return size.get();
  }

  /**
   * Registers the ledger writer's meters: {@code lgsp.ledger.append} (latency until durable),
   * {@code lgsp.ledger.batch.size}, {@code lgsp.ledger.queue.depth} and {@code .capacity}, and
   * {@code lgsp.ledger.records} (its size).
   */
  public void bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
    writes.bindTo(registry, "lgsp.ledger");
    io.micrometer.core.instrument.Gauge.builder("lgsp.ledger.records", size::get)
        .description("records in the ledger")
        .register(registry);
  }

  /** How many transactions the writer has committed (group commit makes this far below size). */
  long commits() {
    return writes.commits();
  }

  public Optional<LedgerEntry> get(long index) {
    List<LedgerEntry> found = query("WHERE idx = ?", index, 1);
    return found.stream().findFirst();
  }

  public List<LedgerEntry> byMessageId(String messageId) {
    return byMessageId(db, messageId);
  }

  static List<LedgerEntry> byMessageId(Database db, String messageId) {
    return Sql.read(
        db,
        h ->
            h.createQuery(ENTRY_COLUMNS + " FROM ledger_record WHERE message_id = ? ORDER BY idx")
                .bind(0, messageId)
                .map(ENTRY)
                .list());
  }

  public List<LedgerEntry> range(long fromInclusive, int limit) {
    return query("WHERE idx >= ?", fromInclusive, limit);
  }

  private List<LedgerEntry> query(String where, long value, int limit) {
    return query(db, where, value, limit);
  }

  static List<LedgerEntry> query(Database db, String where, long value, int limit) {
    return Sql.read(
        db,
        h ->
            h.createQuery(ENTRY_COLUMNS + " FROM ledger_record " + where + " ORDER BY idx LIMIT ?")
                .bind(0, value)
                .bind(1, limit)
                .map(ENTRY)
                .list());
  }

  /** Takes the frontier past what other instances sharing the database committed, if anything. */
  private void refresh() {
    long leaves = Sql.read(db, TreeStore::leafCount);
    if (leaves > frontier.size()) {
      // nodes are written with their leaf in one transaction and never deleted: all are there
      advance(Frontier.load(tree, leaves));
    }
  }

  /** Installs {@code f} unless a larger tree is already known; sizes only grow. */
  private synchronized void advance(Frontier f) {
    if (f.size() > frontier.size()) {
      frontier = f;
      size.accumulateAndGet(f.size(), Math::max);
    }
  }

  /**
   * Runs {@code work} while holding the node's lock {@code key} ({@link #CHECKPOINT_LOCK}): on
   * PostgreSQL a transaction-scoped advisory lock, so one instance of the node at a time runs it;
   * on SQLite, which one process writes, it just runs.
   */
  <T> T exclusively(int key, java.util.function.Supplier<T> work) {
    if (!shared) {
      return work.get();
    }
    return Sql.inTransaction(
        db,
        h -> {
          lock(h, key);
          return work.get();
        });
  }

  private static void lock(Handle h, int key) {
    h.createQuery("SELECT 1 FROM pg_advisory_xact_lock(hashtext(current_schema()), ?)")
        .bind(0, key)
        .mapTo(Integer.class)
        .one();
  }

  /** Writes one batch of records (group commit: one transaction for all of them). */
  private List<GroupCommit.Outcome<Long>> insert(Handle h, List<ExchangeRecord> records) {
    long now = System.currentTimeMillis();
    Frontier base = frontier;
    if (shared) {
      // One writer at a time across the node's instances; then continue after the last one.
      lock(h, APPEND_LOCK);
      long leaves = TreeStore.leafCount(h);
      if (leaves != base.size()) {
        base = Frontier.load(ids -> TreeStore.read(h, ids), leaves);
      }
    }
    Frontier next = base.copy();
    List<Frontier.Node> nodes = new ArrayList<>(records.size() * 2 + 64);
    List<GroupCommit.Outcome<Long>> indices = new ArrayList<>(records.size());
    PreparedBatch batch =
        h.prepareBatch(
            "INSERT INTO ledger_record (idx, message_id, side, client_id, service_id, status,"
                + " recorded_at, record, leaf_hash, subject_hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    long idx = base.size();
    for (ExchangeRecord r : records) {
      indices.add(new GroupCommit.Outcome.Done<>(idx));
      byte[] canonical = r.canonical();
      byte[] leaf = Merkle.leafHash(canonical);
      batch
          .bind(0, idx++)
          .bind(1, r.messageId())
          .bind(2, r.side().name())
          .bind(3, r.client().toString())
          .bind(4, r.service().toString())
          .bind(5, r.status())
          .bind(6, now)
          .bind(7, canonical)
          .bind(8, leaf)
          .bind(9, r.subjectHash())
          .add();
      next.append(leaf, nodes);
    }
    batch.execute();
    TreeStore.insert(h, nodes);
    staged = next;
    return indices;
  }

  private static LgspException unavailable(String detail, Throwable cause) {
    return cause == null
        ? new LgspException(ErrorCode.LEDGER_UNAVAILABLE, detail)
        : new LgspException(ErrorCode.LEDGER_UNAVAILABLE, detail, cause);
  }

  /**
   * Why an append now would fail, if it would (writer closed or stopped, queue full); empty while
   * the writer is healthy. For the node's readiness check.
   */
  public Optional<String> writerTrouble() {
    return writes.trouble();
  }

  /** Commits what is queued, then stops the writer; later appends fail. */
  @Override
  public void close() {
    try {
      writes.close();
    } finally {
      soleWriter.close();
    }
  }
}
