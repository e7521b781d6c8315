package org.openlgsp.statistics;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.storage.BackgroundBatches;

/**
 * Folds observations into hour buckets on its own thread and hands the buckets to the store every
 * {@code flushInterval} (or sooner, after {@code batchSize} observations). The gateway's thread
 * only offers to a bounded queue: when it is full the observation is dropped and counted, never
 * waited for; buckets the store refuses are counted as lost (by their calls) and the next ones go
 * on.
 */
final class Aggregator implements ExchangeObserver, AutoCloseable {
  private final BackgroundBatches<ExchangeObservation> batches;

  Aggregator(
      Consumer<Map<BucketKey, Bucket>> store,
      int queueSize,
      int batchSize,
      java.time.Duration flushInterval) {
    this.batches =
        new BackgroundBatches<>(
            "stats-aggregator",
            queueSize,
            batchSize,
            flushInterval,
            // woken a few times a second rather than per observation (BENCHMARKS.md)
            java.time.Duration.ofMillis(200),
            java.time.Duration.ofSeconds(10),
            "statistics not stored (%d observations lost so far): %s",
            BackgroundBatches.Sink.<ExchangeObservation, Map<BucketKey, Bucket>>gathering(
                HashMap::new, Aggregator::fold, store));
  }

  /**
   * Shows its queue's counters as {@code lgsp.stats.dropped}, {@code .lost} and {@code
   * .queue.depth}.
   */
  void registerMeters(
      io.micrometer.core.instrument.MeterRegistry registry,
      String dropped,
      String lost,
      String waiting) {
    batches.registerMeters(registry, "lgsp.stats", dropped, lost, waiting);
  }

  @Override
  public void observed(ExchangeObservation o) {
    batches.offer(o);
  }

  /** The bucket an observation falls in: its hour, side, client's agency and system, service. */
  static BucketKey keyOf(ExchangeObservation o) {
    return new BucketKey(
        BucketKey.hourOf(o.monitoringDataTs().toEpochMilli()),
        o.securityServerType() == ExchangeObservation.SecurityServerType.CLIENT
            ? "client"
            : "producer",
        memberOf(o.client()),
        o.client().encoded(),
        o.service().encoded());
  }

  /**
   * The encoded member of a client: a subsystem's member is its identifier without the subsystem
   * part. Cut from the encoded form rather than built as a new {@code ClientId}, whose validation
   * of every part was the aggregator's largest cost per observation (BENCHMARKS.md).
   */
  private static String memberOf(org.openlgsp.core.ClientId c) {
    if (!c.isSubsystem()) {
      return c.encoded();
    }
    String encoded = c.encoded();
    return encoded.substring(0, encoded.lastIndexOf('/'));
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

  long dropped() {
    return batches.dropped();
  }

  long lost() {
    return batches.lost();
  }

  /** Observations whose buckets are stored. */
  long counted() {
    return batches.done();
  }

  int queued() {
    return batches.queued();
  }

  /** Stops taking observations and writes what is queued (waiting at most 10 s). */
  @Override
  public void close() {
    batches.close();
  }
}
