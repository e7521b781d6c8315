package org.openlgsp.edge;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Bounds how many audit rows failed authentications can write: the first {@code perWindow} in a
 * window get a row each, the rest are counted, and the count is written as one summary row once the
 * window has passed (with the next audit row the listener writes). Someone guessing tokens thus
 * costs the audit log at most {@code perWindow + 1} rows per window.
 */
final class FailedAuthentications {
  private static final Logger LOG = Logger.getLogger(FailedAuthentications.class.getName());
  private final int perWindow;
  private final Duration window;
  private Instant windowStart = Instant.EPOCH;
  private int written;
  private int suppressed;

  /** Failures not written one by one in the window from {@code from} to {@code to}. */
  record Summary(int count, Instant from, Instant to) {}

  /** Whether a failure gets its own row, and the summary of a window that has just closed. */
  record Verdict(boolean ownRow, Optional<Summary> closed) {}

  FailedAuthentications(int perWindow, Duration window) {
    if (perWindow < 0 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("perWindow >= 0 and a positive window");
    }
    this.perWindow = perWindow;
    this.window = window;
  }

  synchronized Verdict failure(Instant now) {
    Optional<Summary> closed = roll(now);
    if (written < perWindow) {
      written++;
      return new Verdict(true, closed);
    }
    if (suppressed++ == 0) {
      LOG.warning(
          "more than "
              + perWindow
              + " failed authentications in "
              + window
              + "; further ones are counted, not audited one by one");
    }
    return new Verdict(false, closed);
  }

  /** The summary of a window that has closed with failures left unwritten, once. */
  synchronized Optional<Summary> closed(Instant now) {
    return roll(now);
  }

  private Optional<Summary> roll(Instant now) {
    Instant end = windowStart.plus(window);
    if (now.isBefore(end)) {
      return Optional.empty();
    }
    Optional<Summary> summary =
        suppressed > 0 ? Optional.of(new Summary(suppressed, windowStart, end)) : Optional.empty();
    windowStart = now;
    written = 0;
    suppressed = 0;
    return summary;
  }
}
