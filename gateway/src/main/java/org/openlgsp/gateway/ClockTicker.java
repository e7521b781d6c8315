package org.openlgsp.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Lets caches age entries on the gateway's clock, the one message times and token lifetimes are
 * judged by, so that a test moving that clock moves cache expiry with it.
 */
record ClockTicker(Clock clock) implements Ticker {
  @Override
  public long read() {
    return TimeUnit.MILLISECONDS.toNanos(clock.millis());
  }
}
