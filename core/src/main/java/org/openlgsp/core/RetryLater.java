package org.openlgsp.core;

import java.time.Duration;
import java.util.Objects;

/**
 * A refusal the caller may try again after a known wait (a rate limit, a used-up quota): answered
 * with {@code Retry-After} in whole seconds, at least 1, rounded up so that a client that waits it
 * is admitted.
 */
public final class RetryLater extends LgspException {
  private static final long serialVersionUID = 1L;
  private final Duration retryAfter;

  public RetryLater(ErrorCode code, String detail, Duration retryAfter) {
    super(code, detail);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative");
    }
  }

  /** The wait until the call can succeed, as measured when it was refused. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** The value of the {@code Retry-After} header: whole seconds, rounded up, at least 1. */
  public long retryAfterSeconds() {
    long nanos = retryAfter.toNanos();
    return Math.max(1, nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1));
  }
}
