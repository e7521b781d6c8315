package org.openlgsp.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.GroupCommit;

/**
 * Remembers (client, nonce) pairs for twice the accepted clock window: a message older than the
 * window is refused by time, a newer one by this memory, so a replay is caught either way. The
 * nonce is the consumer gateway's {@code X-Road-Request-Id}, a random UUID covered by its
 * signature; the client's own {@code X-Road-Id} may be reused, as in X-Road.
 *
 * <p>With a database the memory is durable and shared: a pair is accepted only once its row in
 * {@code gateway_replay} has committed (insert-if-absent is the atomic check), so a replay is
 * refused after a crash and restart, and by every instance of a node sharing the database. Inserts
 * are group-committed (one transaction for every request waiting, each caller released only after
 * the commit), and expired rows are purged by the same writer. In a gateway the inserts ride on the
 * ledger's writer ({@link Ledger#writerLane}): they commit in the same transactions as the ledger
 * records waiting at that moment, one fsync for both, instead of a second writer thread and a
 * second commit per batch on the same database. The in-process cache stays in front as a fast path:
 * a replay it still holds is refused without touching the database.
 *
 * <p>The memory has no size cap on purpose: evicting an id before it expires would let its replay
 * through. Only a message whose signature verified against a member's certificate in the directory
 * consumes an id, so the memory grows with genuine traffic (rate times twice the window), not with
 * what strangers send.
 */
final class ReplayGuard implements AutoCloseable {
  private record Use(String client, String nonce, long now) {}

  private static final java.util.Comparator<Use> KEY_ORDER =
      java.util.Comparator.comparing(Use::client).thenComparing(Use::nonce);
  // Inserts the pair, or takes over an expired row of it; no row changes when it is still live.
  private static final String INSERT =
      "INSERT INTO gateway_replay (client, nonce, expires_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (client, nonce) DO UPDATE SET expires_at = excluded.expires_at"
          + " WHERE gateway_replay.expires_at <= ?";

  /** Where the durable inserts go, and the writer this memory started itself (closed with it). */
  private record Writer(
      Function<Use, CompletableFuture<Boolean>> submit, Optional<GroupCommit<?, ?>> own) {}

  private final Cache<String, Boolean> seen;
  private final Clock clock;
  private final long retentionMillis;
  private final Optional<Writer> durable;
  private long lastPurge = Long.MIN_VALUE;

  /** A memory of this process only (tests and tools without a database). */
  ReplayGuard(Duration window, Clock clock) {
    this(window, clock, Optional.empty());
  }

  /**
   * A memory kept in {@code db} (migrated here) with a writer of its own, shared by every gateway
   * using the database.
   */
  static ReplayGuard durable(Duration window, Clock clock, Database db) {
    db.migrate("gateway");
    return new ReplayGuard(
        window,
        clock,
        Optional.of(
            inserts -> {
              GroupCommit<Use, Boolean> own =
                  new GroupCommit<>(
                          db,
                          "replay",
                          // No wait for company: while one batch commits the next one gathers.
                          new GroupCommit.Options(512, Duration.ZERO, 65_536),
                          inserts,
                          ReplayGuard::unavailable)
                      .start();
              return new Writer(own::submit, Optional.of(own));
            }));
  }

  /**
   * A memory kept in {@code ledger}'s database (migrated here), its inserts committed by the
   * ledger's writer in the ledger's transactions; shared by every gateway using the database.
   */
  static ReplayGuard durable(Duration window, Clock clock, Ledger ledger) {
    ledger.database().migrate("gateway");
    return new ReplayGuard(
        window,
        clock,
        Optional.of(
            inserts -> {
              GroupCommit.Lane<Use, Boolean> lane =
                  ledger.writerLane("replay", inserts, ReplayGuard::unavailable);
              return new Writer(lane::submit, Optional.empty());
            }));
  }

  private ReplayGuard(
      Duration window,
      Clock clock,
      Optional<Function<GroupCommit.Batch<Use, Boolean>, Writer>> writer) {
    this.clock = clock;
    // The time check admits a message whose time is exactly one window off on either side, so a
    // replay can come exactly twice the window after the first use; Caffeine forgets an entry once
    // its age reaches the duration, so one more millisecond keeps that instant covered.
    this.retentionMillis = window.multipliedBy(2).plusMillis(1).toMillis();
    this.seen =
        Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMillis(retentionMillis))
            .ticker(new ClockTicker(clock))
            // Maintenance on the calling thread: scheduled on the common pool, every write woke a
            // worker (measured: ~20 % more CPU per exchange in ExchangeBenchmark).
            .executor(Runnable::run)
            .build();
    GroupCommit.Batch<Use, Boolean> inserts =
        new GroupCommit.Batch<>() {
          @Override
          public List<GroupCommit.Outcome<Boolean>> write(Handle h, List<Use> uses) {
            purgeNowAndThen(h);
            return inKeyOrder(h, uses);
          }
        };
    this.durable = writer.map(w -> w.apply(inserts));
  }

  /**
   * True the first time this client uses this nonce (durably recorded once a database is used);
   * false for a replay.
   *
   * @throws LgspException {@code ledger.unavailable} when the database cannot record the use: the
   *     request is then refused, never served unrecorded
   */
  boolean firstUse(String client, String nonce) {
    String key = client + '\n' + nonce;
    if (seen.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
      return false;
    }
    if (durable.isEmpty()) {
      return true;
    }
    try {
      return durable.get().submit().apply(new Use(client, nonce, clock.millis())).join();
    } catch (CompletionException e) {
      // Not recorded: forget it here too, so the genuine message can be retried.
      seen.invalidate(key);
      throw e.getCause() instanceof RuntimeException r ? r : unavailable("replay memory", e);
    }
  }

  /** How many ids this process remembers, after forgetting the expired ones. */
  long size() {
    seen.cleanUp();
    return seen.estimatedSize();
  }

  /**
   * Inserts a batch in (client, nonce) order and answers in the batch's order. Two instances
   * sharing a database write their batches concurrently; taken in different orders, two batches
   * holding some of the same nonces deadlocked on PostgreSQL (seen in CI). One prepared batch for
   * all the pairs ({@link GroupCommit#batched}): the insert-if-absent does not fail on a live pair
   * (its update count is 0), so a failure is the database's, and then each pair is tried alone. A
   * savepoint and a statement per pair cost the ledger's writer about as much as the records.
   */
  private List<GroupCommit.Outcome<Boolean>> inKeyOrder(Handle h, List<Use> uses) {
    return GroupCommit.batched(h, uses, KEY_ORDER, INSERT, this::bind).stream()
        .map(count -> count.map(c -> c == 1))
        .toList();
  }

  private void bind(SqlStatement<?> statement, Use use) {
    statement
        .bind(0, use.client())
        .bind(1, use.nonce())
        .bind(2, use.now() + retentionMillis)
        .bind(3, use.now());
  }

  // Runs on the writer thread only; at most once per retention period.
  private void purgeNowAndThen(Handle h) {
    long now = clock.millis();
    if (lastPurge != Long.MIN_VALUE && now - lastPurge < retentionMillis) {
      return;
    }
    lastPurge = now;
    h.createUpdate("DELETE FROM gateway_replay WHERE expires_at <= ?").bind(0, now).execute();
  }

  private static LgspException unavailable(String detail, Throwable cause) {
    return cause == null
        ? new LgspException(ErrorCode.LEDGER_UNAVAILABLE, detail)
        : new LgspException(ErrorCode.LEDGER_UNAVAILABLE, detail, cause);
  }

  @Override
  public void close() {
    durable.flatMap(Writer::own).ifPresent(GroupCommit::close);
  }
}
