package org.openlgsp.storage;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.Update;

/**
 * Group commit: callers queue durable writes, one writer thread runs the queued ones in a single
 * transaction (one fsync for the batch instead of one per write) and completes each caller's future
 * only after that transaction committed. Under load batches grow by themselves: what arrives during
 * one transaction's fsync forms the next batch. A lone write waits at most {@code maxDelay} for
 * company, so with {@code maxDelay} zero it commits at once.
 *
 * <p>Other writes to the same database can ride on the same transactions: a {@link Lane} has its
 * own item type and batch, queues into this writer, and its items commit in the transaction of
 * whatever else is waiting (one fsync for both; on SQLite also no second writer contending for the
 * file lock). Each transaction runs the lanes' batches in the order the lanes were added, this
 * writer's own first.
 *
 * @param <I> what a caller asks to write
 * @param <R> what a caller learns once it is durable
 */
public final class GroupCommit<I, R> implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());
  private static final String ITEM = "item";
  private static final String BATCH = "batch";

  /**
   * At most {@code maxBatch} writes per transaction, waiting at most {@code maxDelay} after the
   * first for more; at most {@code queueCapacity} writes waiting.
   */
  public record Options(int maxBatch, Duration maxDelay, int queueCapacity) {
    public Options {
      if (maxBatch < 1 || maxBatch > 10_000) {
        throw new IllegalArgumentException("maxBatch must be 1..10000");
      }
      if (maxDelay.isNegative()) {
        throw new IllegalArgumentException("maxDelay must not be negative");
      }
      if (queueCapacity < maxBatch) {
        throw new IllegalArgumentException("queueCapacity must be at least maxBatch");
      }
    }
  }

  /** The writes of one batch, run by the writer inside its transaction. */
  public interface Batch<I, R> {
    /**
     * Writes {@code items}, returning one outcome per item in the same order. Throwing fails (and
     * rolls back) the whole batch; an item of its own can fail alone with {@link #isolated}.
     */
    List<Outcome<R>> write(Handle handle, List<I> items);

    /** Runs on the writer after the batch committed, before any caller is released. */
    default void committed(List<I> items, List<Outcome<R>> outcomes) {}
  }

  /** What became of one queued write. */
  public sealed interface Outcome<R> {
    /** The same outcome with a done value mapped, a failure kept. */
    default <T> Outcome<T> map(java.util.function.Function<? super R, ? extends T> f) {
      return switch (this) {
        case Done<R> d -> new Done<>(f.apply(d.value()));
        case Failed<R> x -> new Failed<>(x.error());
      };
    }

    record Done<R>(R value) implements Outcome<R> {}

    record Failed<R>(RuntimeException error) implements Outcome<R> {
      public Failed {
        Objects.requireNonNull(error, "error");
      }
    }
  }

  /** The work of one item, in the batch's transaction. */
  @FunctionalInterface
  public interface ItemWork<I, R> {
    R write(Handle handle, I item);
  }

  /** Builds the failure callers see: {@code detail}, with the cause when there is one. */
  @FunctionalInterface
  public interface Failure {
    RuntimeException of(String detail, Throwable cause);
  }

  private record Pending<I, R>(
      Lane<I, R> lane, I item, CompletableFuture<R> done, long queuedNanos) {}

  /**
   * Writes of another kind committed by this writer, in its transactions ({@link #lane}); the
   * writer's own items are its first lane.
   */
  public static final class Lane<J, S> {
    private final GroupCommit<?, ?> writer;
    private final String name;
    private final Batch<J, S> batch;
    private final Failure failure;

    private Lane(GroupCommit<?, ?> writer, String name, Batch<J, S> batch, Failure failure) {
      this.writer = writer;
      this.name = Objects.requireNonNull(name, "name");
      this.batch = Objects.requireNonNull(batch, "batch");
      this.failure = Objects.requireNonNull(failure, "failure");
    }

    /**
     * Queues a write; the future completes once the transaction holding it committed, or with the
     * write's failure.
     */
    public CompletableFuture<S> submit(J item) {
      return writer.enqueue(this, item);
    }
  }

  /** The meters of {@link #bindTo}; absent until bound, so an unmonitored writer pays nothing. */
  private record Meters(Timer append, DistributionSummary batchSize) {}

  private final Pending<I, R> stop = new Pending<>(null, null, null, 0);
  private volatile Optional<Meters> meters = Optional.empty();
  private final Database db;
  private final String name;
  private final Options options;
  private final Lane<I, R> own;
  // The writer's own lane first, then the others in the order they were added.
  private final List<Lane<?, ?>> lanes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final BlockingQueue<Pending<?, ?>> queue;
  private final Thread writer;
  private final AtomicLong commits = new AtomicLong();
  private volatile boolean open = true;

  /**
   * @param name names the writer thread and messages, e.g. {@code ledger}
   * @param failure how a write that was not (or will not be) committed is reported to its caller
   */
  public GroupCommit(
      Database db, String name, Options options, Batch<I, R> batch, Failure failure) {
    this.db = Objects.requireNonNull(db, "db");
    this.name = Objects.requireNonNull(name, "name");
    this.options = Objects.requireNonNull(options, "options");
    this.own = new Lane<>(this, name, batch, failure);
    this.lanes.add(own);
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity() + 1);
    this.writer = Thread.ofPlatform().name(name + "-writer").daemon().unstarted(this::run);
  }

  /** Starts the writer. */
  public GroupCommit<I, R> start() {
    writer.start();
    return this;
  }

  /** Queues a write; the future completes once it is committed, or with the write's failure. */
  public CompletableFuture<R> submit(I item) {
    return enqueue(own, item);
  }

  /**
   * Adds a lane: writes of another kind, to the same database, committed in this writer's
   * transactions after the writes of the lanes added before it. {@code failure} reports the lane's
   * writes that were not committed. The lane stops with this writer.
   */
  public <J, S> Lane<J, S> lane(String laneName, Batch<J, S> laneBatch, Failure laneFailure) {
    Lane<J, S> lane = new Lane<>(this, laneName, laneBatch, laneFailure);
    lanes.add(lane);
    return lane;
  }

  private <J, S> CompletableFuture<S> enqueue(Lane<J, S> lane, J item) {
    CompletableFuture<S> done = new CompletableFuture<>();
    if (!open) {
      done.completeExceptionally(lane.failure.of(lane.name + " is closed", null));
      return done;
    }
    // The queue's last slot is kept for close()'s stop marker.
    if (queue.remainingCapacity() <= 1
        || !queue.offer(new Pending<>(lane, item, done, System.nanoTime()))) {
      done.completeExceptionally(lane.failure.of(lane.name + " queue is full", null));
    }
    return done;
  }

  /**
   * Runs each item's work in a savepoint of the batch's transaction: an item that throws is rolled
   * back and fails alone, the others still commit. For batches whose items are independent.
   */
  public static <I, R> List<Outcome<R>> isolated(
      Handle handle, List<I> items, ItemWork<I, R> work) {
    List<Outcome<R>> out = new ArrayList<>(items.size());
    for (I item : items) {
      handle.savepoint(ITEM);
      try {
        R r = work.write(handle, item);
        handle.releaseSavepoint(ITEM);
        out.add(new Outcome.Done<>(r));
      } catch (JdbiException e) {
        handle.rollbackToSavepoint(ITEM);
        out.add(new Outcome.Failed<>(StorageException.of("write failed", e)));
      } catch (RuntimeException e) {
        handle.rollbackToSavepoint(ITEM);
        out.add(new Outcome.Failed<>(e));
      }
    }
    return out;
  }

  /**
   * Runs {@code sql} once per item as one prepared batch inside one savepoint of the batch's
   * transaction, the items taken in {@code order} (a lock order, so writers sharing a database do
   * not deadlock), and answers each item's update count in the batch's order. If the batch fails,
   * the savepoint is rolled back (what the transaction wrote before stays) and each item runs alone
   * as in {@link #isolated}, so only the items the database refuses fail. For statements that
   * rarely fail, such as an insert-if-absent: one statement for the batch instead of a savepoint, a
   * statement and a release per item.
   */
  public static <I> List<Outcome<Integer>> batched(
      Handle handle,
      List<I> items,
      Comparator<? super I> order,
      String sql,
      BiConsumer<SqlStatement<?>, ? super I> bind) {
    Integer[] byOrder = new Integer[items.size()];
    for (int i = 0; i < byOrder.length; i++) {
      byOrder[i] = i;
    }
    Arrays.sort(byOrder, Comparator.comparing(items::get, order));
    List<I> sorted = new ArrayList<>(byOrder.length);
    for (Integer i : byOrder) {
      sorted.add(items.get(i));
    }
    List<Outcome<Integer>> written = batchedInOrder(handle, sorted, sql, bind);
    List<Outcome<Integer>> answers = new ArrayList<>(Collections.nCopies(items.size(), null));
    for (int k = 0; k < byOrder.length; k++) {
      answers.set(byOrder[k], written.get(k));
    }
    return answers;
  }

  private static <I> List<Outcome<Integer>> batchedInOrder(
      Handle handle, List<I> items, String sql, BiConsumer<SqlStatement<?>, ? super I> bind) {
    int[] counts;
    handle.savepoint(BATCH);
    try {
      PreparedBatch batch = handle.prepareBatch(sql);
      for (I item : items) {
        bind.accept(batch, item);
        batch.add();
      }
      counts = batch.execute();
      handle.releaseSavepoint(BATCH);
    } catch (RuntimeException e) {
      handle.rollbackToSavepoint(BATCH);
      return isolated(
          handle,
          items,
          (h, item) -> {
            Update update = h.createUpdate(sql);
            bind.accept(update, item);
            return update.execute();
          });
    }
    if (counts.length != items.size()) {
      throw new IllegalStateException(
          "a batch of " + items.size() + " answered " + counts.length + " update counts");
    }
    List<Outcome<Integer>> out = new ArrayList<>(counts.length);
    for (int count : counts) {
      out.add(new Outcome.Done<>(count));
    }
    return out;
  }

  /**
   * Why a write submitted now would fail, if it would: the writer is closed or its thread has
   * stopped, or the queue is full. Empty while the writer is healthy.
   */
  public Optional<String> trouble() {
    if (!open) {
      return Optional.of(name + " is closed");
    }
    if (!writer.isAlive()) {
      return Optional.of(name + " writer thread has stopped");
    }
    if (queue.remainingCapacity() <= 1) {
      return Optional.of(name + " queue is full");
    }
    return Optional.empty();
  }

  /**
   * Registers this writer's meters under {@code prefix} (e.g. {@code lgsp.ledger}): {@code .append}
   * (timer: from submit until committed, histogram buckets for p99), {@code .batch.size} (writes
   * per transaction), {@code .queue.depth} and {@code .queue.capacity} (gauges).
   */
  public void bindTo(MeterRegistry registry, String prefix) {
    Gauge.builder(prefix + ".queue.depth", queue::size)
        .description("writes waiting for the " + name + " writer")
        .register(registry);
    Gauge.builder(prefix + ".queue.capacity", options::queueCapacity)
        .description("writes the " + name + " queue holds before refusing")
        .register(registry);
    meters =
        Optional.of(
            new Meters(
                Timer.builder(prefix + ".append")
                    .description("time from submitting a write until it is durably committed")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry),
                DistributionSummary.builder(prefix + ".batch.size")
                    .description("writes committed together in one transaction")
                    .register(registry)));
  }

  /** How many transactions the writer has committed (far fewer than writes under load). */
  public long commits() {
    return commits.get();
  }

  private void run() {
    List<Pending<?, ?>> pending = new ArrayList<>(options.maxBatch());
    while (true) {
      try {
        Pending<?, ?> first = queue.take();
        if (first == stop) {
          return;
        }
        pending.add(first);
        long deadline = System.nanoTime() + options.maxDelay().toNanos();
        boolean stopping = false;
        while (pending.size() < options.maxBatch()) {
          Pending<?, ?> next =
              queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          if (next == stop) {
            stopping = true;
            break;
          }
          pending.add(next);
        }
        commit(pending);
        pending.clear();
        if (stopping) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One lane's share of a transaction: its pending writes and, once written, their outcomes. */
  private static final class Share<J, S> {
    final Lane<J, S> lane;
    final List<Pending<J, S>> pending = new ArrayList<>();
    final List<J> items = new ArrayList<>();
    List<Outcome<S>> outcomes = List.of();

    Share(Lane<J, S> lane) {
      this.lane = lane;
    }

    @SuppressWarnings("unchecked")
    void add(Pending<?, ?> p) {
      Pending<J, S> mine = (Pending<J, S>) p;
      pending.add(mine);
      items.add(mine.item());
    }

    void write(Handle h, String writer) {
      List<Outcome<S>> written = lane.batch.write(h, items);
      if (written.size() != items.size()) {
        throw new IllegalStateException(
            writer + " batch returned " + written.size() + " outcomes for " + items.size());
      }
      outcomes = written;
    }

    void fail(String detail, RuntimeException cause) {
      RuntimeException f = lane.failure.of(detail, cause);
      pending.forEach(p -> p.done().completeExceptionally(f));
    }

    void committed(String writer) {
      try {
        lane.batch.committed(items, outcomes);
      } catch (RuntimeException e) {
        // Durable already: callers are still told so; the hook's own failure is only logged.
        LOG.log(Level.SEVERE, writer + "/" + lane.name + " after-commit step failed", e);
      }
    }

    void release() {
      for (int i = 0; i < pending.size(); i++) {
        switch (outcomes.get(i)) {
          case Outcome.Done<S> d -> pending.get(i).done().complete(d.value());
          case Outcome.Failed<S> f -> pending.get(i).done().completeExceptionally(f.error());
        }
      }
    }
  }

  private void commit(List<Pending<?, ?>> pending) {
    List<Share<?, ?>> shares = shares(pending);
    try (Handle h = db.jdbi().open()) {
      h.useTransaction(
          t -> {
            for (Share<?, ?> share : shares) {
              share.write(t, name);
            }
          });
    } catch (RuntimeException e) {
      RuntimeException cause = e instanceof JdbiException j ? StorageException.of(name, j) : e;
      LOG.log(Level.SEVERE, name + " batch of " + pending.size() + " writes not committed", cause);
      shares.forEach(share -> share.fail(share.lane.name + " could not write durably", cause));
      return;
    }
    commits.incrementAndGet();
    meters.ifPresent(
        m -> {
          long now = System.nanoTime();
          int own = 0;
          for (Pending<?, ?> p : pending) {
            if (p.lane() == this.own) {
              own++;
              m.append().record(now - p.queuedNanos(), TimeUnit.NANOSECONDS);
            }
          }
          if (own > 0) {
            m.batchSize().record(own);
          }
        });
    shares.forEach(share -> share.committed(name));
    shares.forEach(Share::release);
  }

  // The batch split by lane, lanes in the order they were added; lanes with nothing are left out.
  private List<Share<?, ?>> shares(List<Pending<?, ?>> pending) {
    if (lanes.size() == 1) {
      Share<?, ?> only = new Share<>(own);
      pending.forEach(only::add);
      return List.of(only);
    }
    List<Share<?, ?>> shares = new ArrayList<>(lanes.size());
    for (Lane<?, ?> lane : lanes) {
      Share<?, ?> share = null;
      for (Pending<?, ?> p : pending) {
        if (p.lane() == lane) {
          if (share == null) {
            share = new Share<>(lane);
          }
          share.add(p);
        }
      }
      if (share != null) {
        shares.add(share);
      }
    }
    return shares;
  }

  /** Commits what is queued, then stops the writer; later writes fail. */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    try {
      queue.put(stop);
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Pending<?, ?> left;
    while ((left = queue.poll()) != null) {
      if (left != stop) {
        closed(left);
      }
    }
  }

  private static <J, S> void closed(Pending<J, S> left) {
    left.done()
        .completeExceptionally(left.lane().failure.of(left.lane().name + " is closed", null));
  }
}
