package org.openlgsp.core;

/**
 * The one unchecked exception that carries a client-visible failure. Its message is the problem's
 * {@code detail}: it must be safe to show to the caller (no secrets, no personal data).
 */
public class LgspException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public LgspException(ErrorCode code, String detail) {
    super(detail);
    this.code = code;
  }

  public LgspException(ErrorCode code, String detail, Throwable cause) {
    super(detail, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }

  public Problem toProblem() {
    return Problem.of(code, detail());
  }
}
