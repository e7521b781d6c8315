package org.openlgsp.storage;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * Group commit: callers queue durable writes, one writer thread runs the queued ones in a single
 * transaction (one fsync for the batch instead of one per write) and completes each caller's future
 * only after that transaction committed. Under load batches grow by themselves: what arrives during
 * one transaction's fsync forms the next batch. A lone write waits at most {@code maxDelay} for
 * company, so with {@code maxDelay} zero it commits at once.
 *
 * @param <I> what a caller asks to write
 * @param <R> what a caller learns once it is durable
 */
public final class GroupCommit<I, R> implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());
  private static final String ITEM = "item";

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

  private record Pending<I, R>(I item, CompletableFuture<R> done, long queuedNanos) {}

  /** The meters of {@link #bindTo}; absent until bound, so an unmonitored writer pays nothing. */
  private record Meters(Timer append, DistributionSummary batchSize) {}

  private final Pending<I, R> stop = new Pending<>(null, null, 0);
  private volatile Optional<Meters> meters = Optional.empty();
  private final Database db;
  private final String name;
  private final Options options;
  private final Batch<I, R> batch;
  private final Failure failure;
  private final BlockingQueue<Pending<I, R>> queue;
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
    this.batch = Objects.requireNonNull(batch, "batch");
    this.failure = Objects.requireNonNull(failure, "failure");
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
    CompletableFuture<R> done = new CompletableFuture<>();
    if (!open) {
      done.completeExceptionally(failure.of(name + " is closed", null));
      return done;
    }
    // The queue's last slot is kept for close()'s stop marker.
    if (queue.remainingCapacity() <= 1
        || !queue.offer(new Pending<>(item, done, System.nanoTime()))) {
      done.completeExceptionally(failure.of(name + " queue is full", null));
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
    List<Pending<I, R>> pending = new ArrayList<>(options.maxBatch());
    while (true) {
      try {
        Pending<I, R> first = queue.take();
        if (first == stop) {
          return;
        }
        pending.add(first);
        long deadline = System.nanoTime() + options.maxDelay().toNanos();
        boolean stopping = false;
        while (pending.size() < options.maxBatch()) {
          Pending<I, R> next =
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

  private void commit(List<Pending<I, R>> pending) {
    List<I> items = pending.stream().map(Pending::item).toList();
    List<Outcome<R>> outcomes;
    try (Handle h = db.jdbi().open()) {
      outcomes =
          h.inTransaction(
              t -> {
                List<Outcome<R>> written = batch.write(t, items);
                if (written.size() != items.size()) {
                  throw new IllegalStateException(
                      name + " batch returned " + written.size() + " outcomes for " + items.size());
                }
                return written;
              });
    } catch (RuntimeException e) {
      RuntimeException cause = e instanceof JdbiException j ? StorageException.of(name, j) : e;
      LOG.log(Level.SEVERE, name + " batch of " + items.size() + " writes not committed", cause);
      RuntimeException f = failure.of(name + " could not write durably", cause);
      pending.forEach(p -> p.done().completeExceptionally(f));
      return;
    }
    commits.incrementAndGet();
    meters.ifPresent(
        m -> {
          long now = System.nanoTime();
          m.batchSize().record(pending.size());
          pending.forEach(p -> m.append().record(now - p.queuedNanos(), TimeUnit.NANOSECONDS));
        });
    try {
      batch.committed(items, outcomes);
    } catch (RuntimeException e) {
      // Durable already: callers are still told so; the hook's own failure is only logged.
      LOG.log(Level.SEVERE, name + " after-commit step failed", e);
    }
    for (int i = 0; i < pending.size(); i++) {
      switch (outcomes.get(i)) {
        case Outcome.Done<R> d -> pending.get(i).done().complete(d.value());
        case Outcome.Failed<R> f -> pending.get(i).done().completeExceptionally(f.error());
      }
    }
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
    Pending<I, R> left;
    while ((left = queue.poll()) != null) {
      if (left != stop) {
        left.done().completeExceptionally(failure.of(name + " is closed", null));
      }
    }
  }
}
