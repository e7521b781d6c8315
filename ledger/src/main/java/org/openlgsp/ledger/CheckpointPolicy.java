package org.openlgsp.ledger;

import java.time.Duration;
import java.util.Objects;

/**
 * When a new checkpoint is published: once {@code interval} has passed since the last one and
 * records were added, or as soon as {@code everyRecords} records were added, whichever comes first.
 */
public record CheckpointPolicy(Duration interval, long everyRecords) {
  public CheckpointPolicy {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException("checkpoint interval must be at least 100 ms");
    }
    if (everyRecords < 1) {
      throw new IllegalArgumentException("everyRecords must be positive");
    }
  }

  /** Every 10 seconds or every 10,000 records. */
  public static CheckpointPolicy defaults() {
    return new CheckpointPolicy(Duration.ofSeconds(10), 10_000);
  }

  boolean due(long newRecords, Duration sinceLast) {
    return newRecords >= everyRecords || (newRecords > 0 && sinceLast.compareTo(interval) >= 0);
  }
}
