package org.openlgsp.statistics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;

/**
 * Folds observations into hour buckets on its own thread and hands the buckets to the store every
 * {@code flushInterval} (or sooner, after {@code batchSize} observations). The gateway's thread
 * only offers to a bounded queue: when it is full the observation is dropped and counted, never
 * waited for; buckets the store refuses are counted as lost (by their calls) and the next ones go
 * on.
 */
final class Aggregator implements ExchangeObserver, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Aggregator.class.getName());
  private final BlockingQueue<ExchangeObservation> queue;
  private final int batchSize;
  private final long flushNanos;
  private final Consumer<Map<BucketKey, Bucket>> store;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong counted = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  // released by close(), so the aggregator's thread does not sit out a linger
  private final java.util.concurrent.CountDownLatch closing =
      new java.util.concurrent.CountDownLatch(1);
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  Aggregator(
      Consumer<Map<BucketKey, Bucket>> store,
      int queueSize,
      int batchSize,
      java.time.Duration flushInterval) {
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.batchSize = batchSize;
    this.flushNanos = flushInterval.toNanos();
    this.thread = Thread.ofPlatform().daemon().name("stats-aggregator").start(this::run);
  }

  @Override
  public void observed(ExchangeObservation o) {
    if (!running || !queue.offer(o)) {
      dropped.incrementAndGet();
    }
  }

  /** The bucket an observation falls in: its hour, side, client's agency and system, service. */
  static BucketKey keyOf(ExchangeObservation o) {
    return new BucketKey(
        BucketKey.hourOf(o.monitoringDataTs().toEpochMilli()),
        o.securityServerType() == ExchangeObservation.SecurityServerType.CLIENT
            ? "client"
            : "producer",
        o.client().memberId().encoded(),
        o.client().encoded(),
        o.service().encoded());
  }

  static void fold(Map<BucketKey, Bucket> buckets, ExchangeObservation o) {
    Bucket b = buckets.computeIfAbsent(keyOf(o), k -> new Bucket());
    b.calls++;
    switch (o.outcome()) {
      case SUCCESS -> b.successes++;
      case REFUSED -> b.refused++;
      case FAILED -> b.failed++;
    }
    if (!o.succeeded()) {
      b.errors.merge(o.errorCode(), 1L, Long::sum);
    }
    b.bytesIn += o.requestSize();
    b.bytesOut += o.responseSize();
    b.recordLatency(o.totalTime().toMillis());
  }

  private void run() {
    Map<BucketKey, Bucket> pending = new HashMap<>();
    List<ExchangeObservation> taken = new ArrayList<>();
    long folded = 0;
    long deadline = System.nanoTime() + flushNanos;
    while (running || !queue.isEmpty()) {
      try {
        long wait = Math.max(0, deadline - System.nanoTime());
        ExchangeObservation first = queue.poll(Math.min(wait, 200_000_000L), TimeUnit.NANOSECONDS);
        if (first != null) {
          taken.add(first);
          queue.drainTo(taken, batchSize - 1);
          for (ExchangeObservation o : taken) {
            fold(pending, o);
          }
          folded += taken.size();
          taken.clear();
          // Under load, waking for every observation cost each exchange a context switch; waking
          // a few times a second folds what queued meanwhile at once (BENCHMARKS.md, "Observer
          // overhead").
          long rest = Math.min(LINGER_NANOS, deadline - System.nanoTime());
          if (running && queue.isEmpty() && rest > 0) {
            closing.await(rest, TimeUnit.NANOSECONDS);
          }
        }
        if (folded >= batchSize || System.nanoTime() >= deadline || !running) {
          flush(pending, folded);
          folded = 0;
          deadline = System.nanoTime() + flushNanos;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    flush(pending, folded);
  }

  private void flush(Map<BucketKey, Bucket> pending, long folded) {
    if (pending.isEmpty()) {
      return;
    }
    try {
      store.accept(pending);
      counted.addAndGet(folded);
    } catch (RuntimeException e) {
      long before = lost.getAndAdd(folded);
      // the first loss and then one line per thousand lost, so an outage cannot flood the log
      if (before == 0 || before / 1000 != (before + folded) / 1000) {
        LOG.log(
            Level.WARNING,
            "statistics not stored ("
                + (before + folded)
                + " observations lost so far): "
                + e.getMessage());
      }
    } finally {
      pending.clear();
    }
  }

  long dropped() {
    return dropped.get();
  }

  long lost() {
    return lost.get();
  }

  /** Observations whose buckets are stored. */
  long counted() {
    return counted.get();
  }

  int queued() {
    return queue.size();
  }

  /** Stops taking observations and writes what is queued (waiting at most 10 s). */
  @Override
  public void close() {
    running = false;
    closing.countDown();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
