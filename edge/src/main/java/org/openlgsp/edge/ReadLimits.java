package org.openlgsp.edge;

import java.time.Duration;

/**
 * How long a client may take to send a request on any edge listener before its connection is closed
 * (docs/protocol.md, "Slow clients"):
 *
 * @param headerTimeout from a request's first byte to the end of its header block
 * @param bodyStallTimeout the longest pause between two pieces of a request body
 * @param bodyMinBytesPerSecond the least average body rate, enforced once the body has been
 *     arriving for {@code bodyStallTimeout}
 * @param idleTimeout how long a connection may stay open without starting a request (a new one, or
 *     the next on a kept-alive connection)
 */
record ReadLimits(
    Duration headerTimeout,
    Duration bodyStallTimeout,
    long bodyMinBytesPerSecond,
    Duration idleTimeout) {
  public ReadLimits {
    positive("headerTimeout", headerTimeout);
    positive("bodyStallTimeout", bodyStallTimeout);
    positive("idleTimeout", idleTimeout);
    if (bodyMinBytesPerSecond < 0) {
      throw new IllegalArgumentException("bodyMinBytesPerSecond must not be negative");
    }
  }

  /** 10 s for the headers, 10 s of silence within a body, 1 KiB/s on average, 60 s idle. */
  public static ReadLimits defaults() {
    return new ReadLimits(
        Duration.ofSeconds(10), Duration.ofSeconds(10), 1024, Duration.ofSeconds(60));
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
