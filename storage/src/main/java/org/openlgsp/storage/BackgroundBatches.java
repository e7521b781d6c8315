package org.openlgsp.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fire-and-forget counterpart of {@link GroupCommit}: a hot path offers items to a bounded queue
 * and never waits (a full queue drops the item and counts it); one thread of its own takes them in
 * batches and hands them to a {@link Sink}. A flush the sink refuses counts its items as lost and
 * the thread carries on, logging the first loss and then one line per thousand lost so an outage
 * cannot flood the log.
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
  }

  private final BlockingQueue<T> queue;
  private final int batchSize;
  private final long flushNanos;
  private final Sink<T> sink;
  private final String what;
  private final Duration closeWait;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Starts the worker thread {@code threadName}. With {@code flushInterval} zero each batch taken
   * (at most {@code batchSize} items) is flushed at once; otherwise items gather until {@code
   * batchSize} of them were added or {@code flushInterval} passed. {@code what} names the items in
   * the loss warning ("operational records"); {@code close} waits at most {@code closeWait}.
   */
  public BackgroundBatches(
      String threadName,
      int queueSize,
      int batchSize,
      Duration flushInterval,
      Duration closeWait,
      String what,
      Sink<T> sink) {
    if (queueSize < 1 || batchSize < 1) {
      throw new IllegalArgumentException("queueSize and batchSize must be at least 1");
    }
    if (flushInterval.isNegative()) {
      throw new IllegalArgumentException("flushInterval must not be negative");
    }
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.batchSize = batchSize;
    this.flushNanos = flushInterval.toNanos();
    this.closeWait = closeWait;
    this.what = what;
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
          taken.forEach(sink::add);
          added += taken.size();
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
      long before = lost.getAndAdd(added);
      if (before == 0 || before / 1000 != (before + added) / 1000) {
        LOG.log(
            Level.WARNING,
            what + " not stored (" + (before + added) + " lost so far): " + e.getMessage());
      }
    }
  }

  /** Items dropped because the queue was full (or closed). */
  public long dropped() {
    return dropped.get();
  }

  /** Items taken from the queue whose flush the sink refused. */
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
    try {
      thread.join(closeWait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
