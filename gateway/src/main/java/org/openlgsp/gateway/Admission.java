package org.openlgsp.gateway;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/** Lets a bounded number of exchanges in at once; the rest wait briefly, then are refused. */
final class Admission {
  private final Semaphore slots;
  private final long queueNanos;
  private final int limit;
  private final java.util.concurrent.atomic.AtomicLong refused =
      new java.util.concurrent.atomic.AtomicLong();

  /** Held for the duration of one admitted exchange. */
  interface Slot extends AutoCloseable {
    Slot NONE = () -> {};

    @Override
    void close();
  }

  Admission(AdmissionLimits limits) {
    this.slots = new Semaphore(limits.concurrentExchanges(), true);
    this.queueNanos = limits.queueTimeout().toNanos();
    this.limit = limits.concurrentExchanges();
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
      refused.incrementAndGet();
      throw new LgspException(
          ErrorCode.SERVER_OVERLOADED,
          "the gateway is at its limit of concurrent exchanges; retry after a short pause");
    }
    return slots::release;
  }

  int available() {
    return slots.availablePermits();
  }

  /** Exchanges being worked on now. */
  int inUse() {
    return limit - slots.availablePermits();
  }

  /** Exchanges waiting for a slot now (an estimate, as the semaphore gives it). */
  int waiting() {
    return slots.getQueueLength();
  }

  int limit() {
    return limit;
  }

  /** Exchanges refused with {@code server.overloaded} since start. */
  long refused() {
    return refused.get();
  }

  /**
   * Registers this endpoint's admission meters, {@code side} being {@code consumer} or {@code
   * provider}: {@code lgsp.admission.in.use}, {@code .waiting}, {@code .limit} (gauges) and {@code
   * lgsp.admission.refusals} (counter).
   */
  void bindTo(io.micrometer.core.instrument.MeterRegistry registry, String side) {
    io.micrometer.core.instrument.Gauge.builder("lgsp.admission.in.use", this::inUse)
        .description("exchanges the endpoint is working on")
        .tag("side", side)
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder("lgsp.admission.waiting", this::waiting)
        .description("exchanges waiting for an admission slot")
        .tag("side", side)
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder("lgsp.admission.limit", this::limit)
        .description("exchanges the endpoint works on at once (limits.concurrentExchanges)")
        .tag("side", side)
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "lgsp.admission.refusals", this, Admission::refused)
        .description("exchanges refused with server.overloaded after waiting queueTimeout")
        .tag("side", side)
        .register(registry);
  }
}
