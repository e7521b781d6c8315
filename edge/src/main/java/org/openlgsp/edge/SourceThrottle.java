package org.openlgsp.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Failed authentications per source address in fixed windows ({@link AuthenticationLimits}). A
 * source's window opens with its first failure; once it holds the limit, the source waits until the
 * window ends. Entries expire with their window, so guessing from many addresses costs memory only
 * for as long as the window (bounded besides by a maximum number of sources).
 */
final class SourceThrottle {
  private static final long MAX_SOURCES = 100_000;
  private final AuthenticationLimits limits;
  private final Clock clock;
  private final Cache<String, Window> windows;

  private static final class Window {
    final Instant start;
    int failures;

    Window(Instant start) {
      this.start = start;
    }
  }

  SourceThrottle(AuthenticationLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
    this.windows =
        Caffeine.newBuilder()
            .maximumSize(MAX_SOURCES)
            .expireAfterWrite(limits.window())
            .ticker(() -> clock.millis() * 1_000_000L)
            .build();
  }

  /** How long {@code source} must still wait, when it has used up its failures. */
  Optional<Duration> waitFor(String source) {
    if (limits.failuresPerSource() == 0) {
      return Optional.empty();
    }
    Window w = windows.getIfPresent(source);
    if (w == null) {
      return Optional.empty();
    }
    synchronized (w) {
      Duration left = Duration.between(clock.instant(), w.start.plus(limits.window()));
      if (w.failures < limits.failuresPerSource() || left.isNegative() || left.isZero()) {
        return Optional.empty();
      }
      return Optional.of(left);
    }
  }

  void failed(String source) {
    if (limits.failuresPerSource() == 0) {
      return;
    }
    Instant now = clock.instant();
    Window w =
        windows
            .asMap()
            .compute(
                source,
                (k, old) ->
                    old == null || !now.isBefore(old.start.plus(limits.window()))
                        ? new Window(now)
                        : old);
    synchronized (w) {
      w.failures++;
    }
  }
}
