package org.openlgsp.monitoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openlgsp.core.SchemaCheck;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.storage.BackgroundBatches;

/**
 * Writes the data-quality rows of checked services' exchanges (docs/privacy.md, "Data quality")
 * from its own thread, in batches, like the operational records: the gateway's thread only offers
 * to a bounded queue, and an exchange of a service that is not checked is not even queued.
 */
final class QualityRecorder implements ExchangeObserver, AutoCloseable {
  private final BackgroundBatches<ExchangeObservation> batches;

  QualityRecorder(QualityStore store, int queueSize, int batchSize) {
    this.batches =
        new BackgroundBatches<>(
            "quality-writer",
            queueSize,
            batchSize,
            Duration.ZERO,
            OperationalRecordWriter.LINGER,
            Duration.ofSeconds(10),
            "data-quality rows not stored (%d lost so far): %s",
            BackgroundBatches.Sink.<ExchangeObservation, List<ExchangeObservation>>gathering(
                ArrayList::new, List::add, store::insert));
  }

  @Override
  public void observed(ExchangeObservation o) {
    if (o.quality().mode() != SchemaCheck.OFF) {
      batches.offer(o);
    }
  }

  /**
   * Shows its queue's counters as {@code lgsp.quality.dropped}, {@code .lost}, {@code
   * .queue.depth}.
   */
  void registerMeters(io.micrometer.core.instrument.MeterRegistry registry) {
    batches.registerMeters(
        registry,
        "lgsp.quality",
        "Data-quality rows dropped because the writer's queue was full",
        "Data-quality rows the database did not take",
        "Data-quality rows waiting to be written");
  }

  @Override
  public void close() {
    batches.close();
  }
}
