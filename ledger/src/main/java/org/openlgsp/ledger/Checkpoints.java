package org.openlgsp.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.openlgsp.core.Digests;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * Publishes signed checkpoints of a ledger at the configured cadence, time-stamps them, gathers
 * witness cosignatures, and keeps them all. Before signing, it checks the new tree head is
 * consistent with the last checkpoint it published, so a damaged store stops publication instead of
 * signing a fork.
 */
public final class Checkpoints implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Checkpoints.class.getName());
  private static final RowMapper<StoredCheckpoint> STORED =
      (r, ctx) -> {
        SignedNote note = SignedNote.parse(r.getString(1));
        byte[] token = r.getBytes(2);
        return new StoredCheckpoint(
            Checkpoint.parse(note.text()),
            note,
            Instant.ofEpochMilli(r.getLong(3)),
            token == null || token.length == 0 ? Optional.empty() : Optional.of(token));
      };

  private final Database db;
  private final Ledger ledger;
  private final NoteKey key;
  private final Timestamper timestamper;
  private final CheckpointPolicy policy;
  private final List<WitnessClient> witnesses;
  private final Clock clock;
  private final Map<String, Long> witnessSizes = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong timestampFailures =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong witnessFailures =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile Optional<Instant> lastPublished = Optional.empty();
  private volatile Optional<Instant> lastTimestamped = Optional.empty();
  private volatile Optional<Instant> lastCosigned = Optional.empty();
  private ScheduledExecutorService scheduler;

  /** Something that cosigns checkpoints: a {@link Witness} in this process or over HTTP. */
  public interface WitnessClient {
    String name();

    /** As {@link Witness#cosign}. */
    SignedNote.Line cosign(long oldSize, List<byte[]> proof, SignedNote note);

    static WitnessClient local(String name, Witness witness) {
      return new WitnessClient() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public SignedNote.Line cosign(long oldSize, List<byte[]> proof, SignedNote note) {
          return witness.cosign(oldSize, proof, note);
        }
      };
    }
  }

  public Checkpoints(
      Database db,
      Ledger ledger,
      NoteKey key,
      Timestamper timestamper,
      CheckpointPolicy policy,
      List<WitnessClient> witnesses,
      Clock clock) {
    if (key.type() != NoteKey.TYPE_ED25519) {
      throw new IllegalArgumentException("checkpoints are signed with an Ed25519 (0x01) key");
    }
    this.db = db;
    this.ledger = ledger;
    this.key = key;
    this.timestamper = timestamper;
    this.policy = policy;
    this.witnesses = List.copyOf(witnesses);
    this.clock = clock;
  }

  /** The origin line, which is also the signing key's name. */
  String origin() {
    return key.name();
  }

  NoteVerifier verifier() {
    return key.verifier();
  }

  /** Publishes in the background at the policy's cadence. */
  public Checkpoints start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("ledger-checkpoints").daemon().unstarted(r));
    long tick = Math.max(50, Math.min(1000, policy.interval().toMillis() / 4));
    scheduler.scheduleWithFixedDelay(this::publishIfDue, tick, tick, TimeUnit.MILLISECONDS);
    return this;
  }

  private void publishIfDue() {
    try {
      Optional<StoredCheckpoint> last = latest();
      long lastSize = last.map(StoredCheckpoint::size).orElse(0L);
      Instant lastTime = last.map(StoredCheckpoint::createdAt).orElse(Instant.EPOCH);
      if (policy.due(ledger.size() - lastSize, Duration.between(lastTime, clock.instant()))) {
        publish();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "checkpoint publication failed", e);
    }
  }

  /**
   * Whether {@code head} extends {@code prev}. Every tree extends the empty one, which the Merkle
   * verifier (like transparency-dev's) will not prove; a size-0 checkpoint must still carry the
   * empty tree's root.
   */
  private boolean extendsPublished(Checkpoint prev, TreeHead head) {
    if (prev.size() == 0) {
      return java.security.MessageDigest.isEqual(prev.rootHash(), Merkle.emptyRoot());
    }
    return Merkle.verifyConsistency(
        prev.size(),
        head.size(),
        prev.rootHash(),
        head.rootHash(),
        ledger.consistencyProof(prev.size(), head.size()));
  }

  /**
   * Signs and stores a checkpoint of the current tree unless the latest one already covers it.
   * Instances of one node sharing a PostgreSQL database publish one at a time (an advisory lock),
   * each reading the latest checkpoint and the tree under it, so none signs a head older than one
   * already published and none forks.
   */
  public synchronized StoredCheckpoint publish() {
    return ledger.exclusively(Ledger.CHECKPOINT_LOCK, this::publishNow);
  }

  private StoredCheckpoint publishNow() {
    TreeHead head = ledger.head();
    Optional<StoredCheckpoint> last = latest();
    if (last.isPresent() && last.get().size() == head.size()) {
      return last.get();
    }
    if (last.isPresent()) {
      Checkpoint prev = last.get().checkpoint();
      if (prev.size() > head.size() || !extendsPublished(prev, head)) {
        throw new IllegalStateException(
            "ledger tree at "
                + head.size()
                + " is not consistent with published checkpoint "
                + prev.size()
                + "; refusing to sign");
      }
    }
    Checkpoint cp = Checkpoint.of(origin(), head);
    SignedNote note = SignedNote.sign(cp.text(), key);
    Optional<byte[]> token = Optional.empty();
    try {
      token = timestamper.timestamp(Digests.sha256(cp.text().getBytes(StandardCharsets.UTF_8)));
    } catch (RuntimeException e) {
      timestampFailures.incrementAndGet();
      LOG.log(Level.WARNING, "time-stamping checkpoint " + cp.size() + " failed", e);
    }
    StoredCheckpoint stored = new StoredCheckpoint(cp, note, clock.instant(), token);
    insert(stored);
    lastPublished = Optional.of(stored.createdAt().truncatedTo(ChronoUnit.MILLIS));
    if (token.isPresent()) {
      lastTimestamped = Optional.of(stored.createdAt().truncatedTo(ChronoUnit.MILLIS));
    }
    int cosignatures = 0;
    for (WitnessClient w : witnesses) {
      StoredCheckpoint before = stored;
      stored = askWitness(w, stored);
      if (stored != before) {
        cosignatures++;
      } else {
        witnessFailures.incrementAndGet();
      }
    }
    if (!witnesses.isEmpty() && cosignatures == witnesses.size()) {
      lastCosigned = Optional.of(stored.createdAt().truncatedTo(ChronoUnit.MILLIS));
    }
    return stored;
  }

  private StoredCheckpoint askWitness(WitnessClient w, StoredCheckpoint stored) {
    long size = stored.size();
    for (int attempt = 0; attempt < 2; attempt++) {
      long old = witnessSizes.getOrDefault(w.name(), 0L);
      try {
        SignedNote.Line line = w.cosign(old, ledger.consistencyProof(old, size), stored.note());
        SignedNote cosigned = stored.note().with(line);
        updateNote(size, cosigned);
        witnessSizes.put(w.name(), size);
        return new StoredCheckpoint(
            stored.checkpoint(), cosigned, stored.createdAt(), stored.timestampToken());
      } catch (Witness.StaleSize e) {
        if (e.knownSize() > size) {
          LOG.warning("witness " + w.name() + " has seen a larger tree than this ledger");
          return stored;
        }
        witnessSizes.put(w.name(), e.knownSize());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "witness " + w.name() + " did not cosign checkpoint " + size, e);
        return stored;
      }
    }
    return stored;
  }

  private void insert(StoredCheckpoint s) {
    Sql.inTransaction(
        db,
        h ->
            h.createUpdate(
                    "INSERT INTO ledger_checkpoint (tree_size, root_hash, note, timestamp_token,"
                        + " created_at) VALUES (?, ?, ?, ?, ?)")
                .bind(0, s.size())
                .bind(1, s.checkpoint().rootHash())
                .bind(2, s.note().format())
                .bind(3, s.timestampToken().orElse(new byte[0]))
                .bind(4, s.createdAt().toEpochMilli())
                .execute());
  }

  /** Replaces the stored note of a checkpoint, e.g. with a cosignature added. */
  void updateNote(long size, SignedNote note) {
    Sql.inTransaction(
        db,
        h ->
            h.createUpdate("UPDATE ledger_checkpoint SET note = ? WHERE tree_size = ?")
                .bind(0, note.format())
                .bind(1, size)
                .execute());
  }

  /**
   * What monitoring watches (docs/ops.md), in milliseconds as stored: when the newest checkpoint
   * was published, when one was last time-stamped and last cosigned by every witness since this
   * process started, and how often the TSA or a witness failed. A time-stamper that is off counts
   * no failure.
   */
  public record Health(
      Optional<Instant> published,
      Optional<Instant> timestamped,
      Optional<Instant> cosigned,
      int witnesses,
      long timestampFailures,
      long witnessFailures) {
    public Health {
      java.util.Objects.requireNonNull(published, "published");
      java.util.Objects.requireNonNull(timestamped, "timestamped");
      java.util.Objects.requireNonNull(cosigned, "cosigned");
    }
  }

  /**
   * The checkpoints' health now. Until this process publishes, the newest checkpoint's time is read
   * from the database (a previous run's); afterwards it is known without a query.
   */
  public Health health() {
    Optional<Instant> published = lastPublished;
    return new Health(
        published.isPresent() ? published : latest().map(StoredCheckpoint::createdAt),
        lastTimestamped,
        lastCosigned,
        witnesses.size(),
        timestampFailures.get(),
        witnessFailures.get());
  }

  /** The latest published checkpoint, with the cosignatures it has gathered so far. */
  public Optional<StoredCheckpoint> latestPublished() {
    return latest();
  }

  Optional<StoredCheckpoint> latest() {
    return query("ORDER BY tree_size DESC LIMIT 1", -1).stream().findFirst();
  }

  /** The checkpoint of exactly this size, if one was published. */
  Optional<StoredCheckpoint> atSize(long size) {
    return query("WHERE tree_size = ?", size).stream().findFirst();
  }

  /** The smallest checkpoint covering record {@code index}, if one was published. */
  Optional<StoredCheckpoint> covering(long index) {
    return query("WHERE tree_size > ? ORDER BY tree_size LIMIT 1", index).stream().findFirst();
  }

  /** Every published checkpoint, oldest first. */
  List<StoredCheckpoint> all() {
    return query("ORDER BY tree_size", -1);
  }

  /** Every checkpoint stored in a ledger database, oldest first, without needing the key. */
  static List<StoredCheckpoint> readAll(Database db) {
    db.migrate("ledger");
    return query(db, "ORDER BY tree_size", -1);
  }

  private List<StoredCheckpoint> query(String tail, long value) {
    return query(db, tail, value);
  }

  static List<StoredCheckpoint> query(Database db, String tail, long value) {
    return Sql.read(
        db,
        h -> {
          Query q =
              h.createQuery(
                  "SELECT note, timestamp_token, created_at FROM ledger_checkpoint " + tail);
          if (tail.contains("?")) {
            q.bind(0, value);
          }
          return q.map(STORED).list();
        });
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
