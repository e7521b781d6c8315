package org.openlgsp.ledger;

import java.time.Duration;
import java.util.Objects;

/**
 * Group commit tuning: at most {@code maxBatch} records per transaction, waiting at most {@code
 * maxDelay} after the first one for more to arrive; at most {@code queueCapacity} records waiting.
 */
public record LedgerOptions(int maxBatch, Duration maxDelay, int queueCapacity) {
  public LedgerOptions {
    if (maxBatch < 1 || maxBatch > 10_000) {
      throw new IllegalArgumentException("maxBatch must be 1..10000");
    }
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxDelay.isNegative() || maxDelay.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("maxDelay must be 0..1 s");
    }
    if (queueCapacity < maxBatch) {
      throw new IllegalArgumentException("queueCapacity must be at least maxBatch");
    }
  }

  /** 512 records, 2 ms, 100,000 waiting. */
  public static LedgerOptions defaults() {
    return new LedgerOptions(512, Duration.ofMillis(2), 100_000);
  }
}
