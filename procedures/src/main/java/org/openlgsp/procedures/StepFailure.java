package org.openlgsp.procedures;

/**
 * A step that did not get its answer. {@code transientFailure}: worth another try (network,
 * timeout, 5xx, 429); otherwise the provider refused for good and the case is compensated. The
 * message names the service and status, never the case's personal data.
 */
final class StepFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean transientFailure;

  StepFailure(String message, boolean transientFailure) {
    super(message);
    this.transientFailure = transientFailure;
  }

  StepFailure(String message, Throwable cause) {
    super(message, cause);
    this.transientFailure = true;
  }

  boolean isTransient() {
    return transientFailure;
  }
}
