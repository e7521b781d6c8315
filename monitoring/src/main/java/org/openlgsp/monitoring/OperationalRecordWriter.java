package org.openlgsp.monitoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;

/**
 * Writes observations to the store from its own thread, in batches. The gateway's thread only
 * offers to a bounded queue: when the queue is full the observation is dropped and counted, never
 * waited for; a batch the store refuses is counted as lost and the writer carries on.
 *
 * <p>A batch that would not be full waits {@link #LINGER} for company: under load, writing each
 * handful of records as it came cost a transaction each (on SQLite a durable commit of the same
 * table and index pages again and again, holding the write lock the ledger needs), which made the
 * records the largest part of what observing added to an exchange (BENCHMARKS.md, "Observer
 * overhead").
 */
final class OperationalRecordWriter implements ExchangeObserver, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OperationalRecordWriter.class.getName());
  private final BlockingQueue<ExchangeObservation> queue;
  private final int batchSize;
  private final Store store;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Thread thread;
  private final long lingerMillis;
  private volatile boolean running = true;
  // released by close(), so a lingering batch is written at once
  private final CountDownLatch closing = new CountDownLatch(1);

  /** Longest a record waits for others to share its transaction. */
  static final Duration LINGER = Duration.ofMillis(200);

  /** Where batches go; the {@link OperationalStore} in production. */
  @FunctionalInterface
  interface Store {
    void insert(List<OperationalRecord> records);
  }

  OperationalRecordWriter(Store store, int queueSize, int batchSize) {
    this(store, queueSize, batchSize, LINGER);
  }

  OperationalRecordWriter(Store store, int queueSize, int batchSize, Duration linger) {
    if (queueSize < 1 || batchSize < 1) {
      throw new IllegalArgumentException("queueSize and batchSize must be at least 1");
    }
    this.lingerMillis = linger.toMillis();
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.batchSize = batchSize;
    this.thread = Thread.ofPlatform().daemon().name("opmon-writer").start(this::run);
  }

  @Override
  public void observed(ExchangeObservation o) {
    if (!running || !queue.offer(o)) {
      dropped.incrementAndGet();
    }
  }

  private void run() {
    List<ExchangeObservation> batch = new ArrayList<>(batchSize);
    while (running || !queue.isEmpty()) {
      try {
        ExchangeObservation first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, batchSize - 1);
        // The queue is empty: let more arrive rather than commit a few records. A backlog (full
        // batches) or closing does not wait.
        if (batch.size() < batchSize && running && lingerMillis > 0) {
          closing.await(lingerMillis, TimeUnit.MILLISECONDS);
          queue.drainTo(batch, batchSize - batch.size());
        }
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<ExchangeObservation> batch) {
    try {
      store.insert(batch.stream().map(OperationalRecord::of).toList());
      written.addAndGet(batch.size());
    } catch (RuntimeException e) {
      long before = lost.getAndAdd(batch.size());
      // the first loss and then one line per thousand lost, so an outage cannot flood the log
      if (before == 0 || before / 1000 != (before + batch.size()) / 1000) {
        LOG.log(
            Level.WARNING,
            "operational records not stored ("
                + (before + batch.size())
                + " lost so far): "
                + e.getMessage());
      }
    }
  }

  /** Observations dropped because the queue was full (or the writer closed). */
  long dropped() {
    return dropped.get();
  }

  /** Observations taken from the queue that the store refused. */
  long lost() {
    return lost.get();
  }

  long written() {
    return written.get();
  }

  int queued() {
    return queue.size();
  }

  /** Stops taking observations and writes what is queued (waiting at most {@code 10 s}). */
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
