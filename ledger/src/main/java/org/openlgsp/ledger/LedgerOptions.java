package org.openlgsp.ledger;

import java.time.Duration;
import java.util.Objects;

/**
 * Group commit tuning: at most {@code maxBatch} records per transaction, waiting at most {@code
 * maxDelay} after the first one for more to arrive; at most {@code queueCapacity} records waiting.
 * With {@code maxDelay} zero the writer never waits: a lone record commits at once and whatever
 * arrives during a commit's fsync forms the next batch.
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

  /**
   * 512 records, no waiting, 100,000 waiting. Waiting for company only added latency: under load
   * the queue fills during each fsync anyway (BENCHMARKS.md, group commit).
   */
  public static LedgerOptions defaults() {
    return new LedgerOptions(512, Duration.ZERO, 100_000);
  }
}
