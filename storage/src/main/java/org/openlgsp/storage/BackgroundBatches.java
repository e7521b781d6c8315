package org.openlgsp.storage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fire-and-forget counterpart of {@link GroupCommit}: a hot path offers items to a bounded queue
 * and never waits (a full queue drops the item and counts it); one thread of its own takes them in
 * batches and hands them to a {@link Sink}. An item the sink refuses, or a flush it refuses, counts
 * those items as lost and the thread carries on, logging the first loss and then one line per
 * thousand lost so an outage cannot flood the log.
 *
 * @param <T> what is queued
 */
public final class BackgroundBatches<T> implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(BackgroundBatches.class.getName());
  private static final long IDLE_POLL_NANOS = 200_000_000L;

  /** What the worker thread does with the items; called only from that thread. */
  public interface Sink<T> {
    /** Takes one item from the queue. */
    void add(T item);

    /**
     * Stores what was added since the last flush and forgets it, whether it succeeds or throws; a
     * thrown {@link RuntimeException} counts those items as lost.
     */
    void flush();

    /**
     * Gathers items into a fresh {@code A} (a list, a map of sums) and hands each full one to
     * {@code store}.
     */
    static <T, A> Sink<T> gathering(Supplier<A> fresh, BiConsumer<A, T> add, Consumer<A> store) {
      return new Sink<>() {
        private A pending = fresh.get();

        @Override
        public void add(T item) {
          add.accept(pending, item);
        }

        @Override
        public void flush() {
          A full = pending;
          pending = fresh.get();
          store.accept(full);
        }
      };
    }

    /** Handles each item as it is taken; nothing gathers, so a flush does nothing. */
    static <T> Sink<T> each(Consumer<T> handle) {
      return new Sink<>() {
        @Override
        public void add(T item) {
          handle.accept(item);
        }

        @Override
        public void flush() {
          // nothing gathered
        }
      };
    }
  }

  private final BlockingQueue<T> queue;
  private final int batchSize;
  private final long flushNanos;
  private final Sink<T> sink;
  private final String lossWarning;
  private final Duration closeWait;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final Thread thread;
  private final long lingerNanos;
  private volatile boolean running = true;
  // released by close(), so a lingering batch is taken at once
  private final java.util.concurrent.CountDownLatch closing =
      new java.util.concurrent.CountDownLatch(1);

  /**
   * Starts the worker thread {@code threadName}. With {@code flushInterval} zero each batch taken
   * (at most {@code batchSize} items) is flushed at once; otherwise items gather until {@code
   * batchSize} of them were added or {@code flushInterval} passed. A batch taken short of {@code
   * batchSize} waits up to {@code linger} for company before it is handed on (closing ends the
   * wait): under load, waking the thread and flushing for every few items costs a context switch or
   * a transaction each (BENCHMARKS.md, "Observer overhead"). {@code lossWarning} is the warning's
   * format, given the items lost so far and the sink's message; {@code close} waits at most {@code
   * closeWait}.
   */
  public BackgroundBatches(
      String threadName,
      int queueSize,
      int batchSize,
      Duration flushInterval,
      Duration linger,
      Duration closeWait,
      String lossWarning,
      Sink<T> sink) {
    if (queueSize < 1 || batchSize < 1) {
      throw new IllegalArgumentException("queueSize and batchSize must be at least 1");
    }
    if (flushInterval.isNegative() || linger.isNegative()) {
      throw new IllegalArgumentException("flushInterval and linger must not be negative");
    }
    this.lingerNanos = linger.toNanos();
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.batchSize = batchSize;
    this.flushNanos = flushInterval.toNanos();
    this.closeWait = closeWait;
    this.lossWarning = lossWarning;
    this.sink = sink;
    this.thread = Thread.ofPlatform().daemon().name(threadName).start(this::run);
  }

  /** Queues {@code item} unless the queue is full or closed, then drops and counts it. */
  public void offer(T item) {
    if (!running || !queue.offer(item)) {
      dropped.incrementAndGet();
    }
  }

  private void run() {
    List<T> taken = new ArrayList<>(batchSize);
    long added = 0;
    long deadline = System.nanoTime() + flushNanos;
    while (running || !queue.isEmpty()) {
      try {
        long wait =
            flushNanos == 0
                ? IDLE_POLL_NANOS
                : Math.min(Math.max(0, deadline - System.nanoTime()), IDLE_POLL_NANOS);
        T first = queue.poll(wait, TimeUnit.NANOSECONDS);
        if (first != null) {
          taken.add(first);
          queue.drainTo(taken, batchSize - 1);
          if (taken.size() < batchSize && running && lingerNanos > 0) {
            closing.await(lingerNanos, TimeUnit.NANOSECONDS);
            queue.drainTo(taken, batchSize - taken.size());
          }
          for (T item : taken) {
            try {
              sink.add(item);
              added++;
            } catch (RuntimeException e) {
              lose(1, e);
            }
          }
          taken.clear();
        }
        boolean due =
            flushNanos == 0
                ? first != null
                : added >= batchSize || System.nanoTime() >= deadline || !running;
        if (due) {
          flush(added);
          added = 0;
          deadline = System.nanoTime() + flushNanos;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    flush(added);
  }

  private void flush(long added) {
    if (added == 0) {
      return;
    }
    try {
      sink.flush();
      done.addAndGet(added);
    } catch (RuntimeException e) {
      lose(added, e);
    }
  }

  private void lose(long n, RuntimeException e) {
    long before = lost.getAndAdd(n);
    if (before == 0 || before / 1000 != (before + n) / 1000) {
      LOG.log(
          Level.WARNING,
          String.format(java.util.Locale.ROOT, lossWarning, before + n, e.getMessage()));
    }
  }

  /**
   * Shows the counters in {@code registry}: {@code <prefix>.dropped} and {@code <prefix>.lost}
   * (function counters) and {@code <prefix>.queue.depth} (gauge), described by {@code dropped},
   * {@code lost} and {@code waiting}.
   */
  public void registerMeters(
      MeterRegistry registry, String prefix, String dropped, String lost, String waiting) {
    FunctionCounter.builder(prefix + ".dropped", this, BackgroundBatches::dropped)
        .description(dropped)
        .register(registry);
    FunctionCounter.builder(prefix + ".lost", this, BackgroundBatches::lost)
        .description(lost)
        .register(registry);
    Gauge.builder(prefix + ".queue.depth", this, BackgroundBatches::queued)
        .description(waiting)
        .register(registry);
  }

  /** Items dropped because the queue was full (or closed). */
  public long dropped() {
    return dropped.get();
  }

  /** Items taken from the queue that the sink refused to add or to flush. */
  public long lost() {
    return lost.get();
  }

  /** Items taken from the queue and flushed. */
  public long done() {
    return done.get();
  }

  public int queued() {
    return queue.size();
  }

  /** Stops taking items and flushes what is queued, waiting at most the close wait. */
  @Override
  public void close() {
    running = false;
    closing.countDown();
    try {
      thread.join(closeWait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
