package org.openlgsp.monitoring;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openlgsp.gateway.spi.ExchangeObserver;

/**
 * A record writer whose store does not answer until released, for tests outside this package that
 * fill its queue through real gateways.
 */
public final class StalledWriter implements AutoCloseable {
  private final CountDownLatch release = new CountDownLatch(1);
  private final OperationalRecordWriter writer;

  public StalledWriter(int queueSize) {
    this.writer =
        new OperationalRecordWriter(
            records -> {
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            queueSize,
            1);
  }

  public ExchangeObserver observer() {
    return writer;
  }

  public long dropped() {
    return writer.dropped();
  }

  /** Observations the writer has in hand or queued (in hand: taken, waiting for the store). */
  public int queued() {
    return writer.queued();
  }

  @Override
  public void close() {
    release.countDown();
    writer.close();
  }
}
