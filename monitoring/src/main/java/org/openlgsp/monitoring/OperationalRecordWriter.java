package org.openlgsp.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
  private volatile boolean running = true;

  /** Where batches go; the {@link OperationalStore} in production. */
  @FunctionalInterface
  interface Store {
    void insert(List<OperationalRecord> records);
  }

  OperationalRecordWriter(Store store, int queueSize, int batchSize) {
    if (queueSize < 1 || batchSize < 1) {
      throw new IllegalArgumentException("queueSize and batchSize must be at least 1");
    }
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
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
