package org.openlgsp.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A clock tests can move, to reach directory expiry or message-time limits without waiting. Public
 * in this module's test jar for the tests of the modules above that run gateways (testkit).
 */
public final class MutableClock extends Clock {
  private final Supplier<Instant> base;
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  /** The real time, plus whatever the test advances it by. */
  public MutableClock() {
    this(Instant::now);
  }

  private MutableClock(Supplier<Instant> base) {
    this.base = base;
  }

  /** A clock that stands at {@code start} until the test moves it, for exact boundaries. */
  public static MutableClock standingAt(Instant start) {
    return new MutableClock(() -> start);
  }

  public void advance(Duration d) {
    offset.updateAndGet(o -> o.plus(d));
  }

  /** Moves the clock to {@code at} (from a standing clock: exactly there). */
  public void set(Instant at) {
    advance(Duration.between(instant(), at));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return base.get().plus(offset.get());
  }
}
