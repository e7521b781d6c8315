package org.openlgsp.gateway;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/** Lets a bounded number of exchanges in at once; the rest wait briefly, then are refused. */
final class Admission {
  private final Semaphore slots;
  private final long queueNanos;

  /** Held for the duration of one admitted exchange. */
  interface Slot extends AutoCloseable {
    Slot NONE = () -> {};

    @Override
    void close();
  }

  Admission(AdmissionLimits limits) {
    this.slots = new Semaphore(limits.concurrentExchanges(), true);
    this.queueNanos = limits.queueTimeout().toNanos();
  }

  Slot enter() {
    boolean admitted;
    try {
      admitted = slots.tryAcquire(queueNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      admitted = false;
    }
    if (!admitted) {
      throw new LgspException(
          ErrorCode.SERVER_OVERLOADED,
          "the gateway is at its limit of concurrent exchanges; retry after a short pause");
    }
    return slots::release;
  }

  int available() {
    return slots.availablePermits();
  }
}
