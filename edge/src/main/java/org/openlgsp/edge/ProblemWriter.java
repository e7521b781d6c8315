package org.openlgsp.edge;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.Problem;
import org.openlgsp.edge.spi.ErrorResponse;
import org.openlgsp.edge.spi.ErrorWriter;

/**
 * RFC 9457 {@code application/problem+json} from {@link Problem}, optionally with the {@code
 * X-Road-Error} header X-Road clients read the error type from.
 */
public final class ProblemWriter implements ErrorWriter {
  private static final ProblemWriter STANDARD = new ProblemWriter(false);
  private static final ProblemWriter WITH_XROAD_ERROR = new ProblemWriter(true);
  private final boolean xroadError;

  private ProblemWriter(boolean xroadError) {
    this.xroadError = xroadError;
  }

  /** Problem details only. */
  static ProblemWriter standard() {
    return STANDARD;
  }

  /** Problem details and the {@code X-Road-Error} header. */
  public static ProblemWriter withXRoadError() {
    return WITH_XROAD_ERROR;
  }

  @Override
  public ErrorResponse render(LgspException failure) {
    Problem p = failure.toProblem();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", Problem.MEDIA_TYPE);
    if (xroadError) {
      headers.put("X-Road-Error", failure.code().xroadType());
    }
    if (failure.code() == ErrorCode.SERVER_OVERLOADED) {
      headers.put("Retry-After", "1");
    }
    if (failure instanceof org.openlgsp.core.RetryLater later) {
      headers.put("Retry-After", Long.toString(later.retryAfterSeconds()));
    }
    return new ErrorResponse(p.status(), headers, p.toJsonBytes());
  }
}
