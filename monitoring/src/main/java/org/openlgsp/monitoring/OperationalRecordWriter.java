package org.openlgsp.monitoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.storage.BackgroundBatches;

/**
 * Writes observations to the store from its own thread, in batches. The gateway's thread only
 * offers to a bounded queue: when the queue is full the observation is dropped and counted, never
 * waited for; a batch the store refuses is counted as lost and the writer carries on.
 */
final class OperationalRecordWriter implements ExchangeObserver, AutoCloseable {
  private final BackgroundBatches<ExchangeObservation> batches;

  /** Where batches go; the {@link OperationalStore} in production. */
  @FunctionalInterface
  interface Store {
    void insert(List<OperationalRecord> records);
  }

  /** Longest a record waits for others to share its transaction. */
  static final Duration LINGER = Duration.ofMillis(200);

  OperationalRecordWriter(Store store, int queueSize, int batchSize) {
    this(store, queueSize, batchSize, LINGER);
  }

  OperationalRecordWriter(Store store, int queueSize, int batchSize, Duration linger) {
    this.batches =
        new BackgroundBatches<>(
            "opmon-writer",
            queueSize,
            batchSize,
            Duration.ZERO,
            linger,
            Duration.ofSeconds(10),
            "operational records not stored (%d lost so far): %s",
            BackgroundBatches.Sink.<ExchangeObservation, List<ExchangeObservation>>gathering(
                ArrayList::new,
                List::add,
                batch -> store.insert(batch.stream().map(OperationalRecord::of).toList())));
  }

  /**
   * Shows its queue's counters as {@code lgsp.opmon.dropped}, {@code .lost} and {@code
   * .queue.depth}.
   */
  void registerMeters(
      io.micrometer.core.instrument.MeterRegistry registry,
      String dropped,
      String lost,
      String waiting) {
    batches.registerMeters(registry, "lgsp.opmon", dropped, lost, waiting);
  }

  @Override
  public void observed(ExchangeObservation o) {
    batches.offer(o);
  }

  /** Observations dropped because the queue was full (or the writer closed). */
  long dropped() {
    return batches.dropped();
  }

  /** Observations taken from the queue that the store refused. */
  long lost() {
    return batches.lost();
  }

  long written() {
    return batches.done();
  }

  int queued() {
    return batches.queued();
  }

  /** Stops taking observations and writes what is queued (waiting at most {@code 10 s}). */
  @Override
  public void close() {
    batches.close();
  }
}
