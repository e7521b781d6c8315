package org.openlgsp.edge;

import java.time.Duration;

/**
 * How many failed authentications one source address may make in a window before every call of that
 * source needing credentials is refused with 429 {@code authentication.throttled} (and a {@code
 * Retry-After}) until the window ends. Counted per listener, for routes open to roles (admin and
 * auditor tokens) and audited routes whose handler checks credentials itself ({@code POST /token}).
 * The defaults are here and nowhere else.
 *
 * @param failuresPerSource failures a source may make in a window; 0 turns throttling off
 * @param window how long failures are remembered and a throttled source waits
 */
public record AuthenticationLimits(int failuresPerSource, Duration window) {
  public static final int DEFAULT_FAILURES_PER_SOURCE = 10;
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

  public AuthenticationLimits {
    if (failuresPerSource < 0) {
      throw new IllegalArgumentException("failuresPerSource must be >= 0");
    }
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive");
    }
  }

  public static AuthenticationLimits defaults() {
    return new AuthenticationLimits(DEFAULT_FAILURES_PER_SOURCE, DEFAULT_WINDOW);
  }
}
