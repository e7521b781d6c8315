package org.openlgsp.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

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

  /**
   * The failure a problem document from an OpenLGSP server stands for, as its client raises it
   * again: the problem's code ({@code internal.error} when absent or unknown) and detail (the
   * code's title when absent). A body that is no problem document becomes {@code internal.error}
   * with {@code unreadable} as the detail, e.g. "registry answered 502".
   */
  public static LgspException fromProblem(byte[] body, String unreadable) {
    JsonNode problem;
    try {
      problem = Json.mapper().readTree(body);
    } catch (IOException e) {
      return new LgspException(ErrorCode.INTERNAL_ERROR, unreadable);
    }
    if (problem == null || !problem.isObject()) {
      return new LgspException(ErrorCode.INTERNAL_ERROR, unreadable);
    }
    ErrorCode code =
        ErrorCode.fromCode(problem.path("code").asText("")).orElse(ErrorCode.INTERNAL_ERROR);
    JsonNode detail = problem.path("detail");
    return new LgspException(code, detail.isTextual() ? detail.asText() : code.title());
  }
}
