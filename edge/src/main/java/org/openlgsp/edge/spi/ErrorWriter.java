package org.openlgsp.edge.spi;

import org.openlgsp.core.LgspException;

/**
 * Renders a failure in a listener's error format. One writer serves both the routed requests and
 * Helidon's own refusals before routing (malformed request line, oversized headers...), so a
 * listener answers every failure the same way.
 */
@FunctionalInterface
public interface ErrorWriter {
  /** The answer for {@code failure}, whose detail is already safe to show the caller. */
  ErrorResponse render(LgspException failure);

  /**
   * The answer for {@code failure} to a request for {@code path} (raw, without the query; {@code
   * ""} when the request line could not be read) whose {@code Accept} header values, joined by
   * commas, are {@code accept} ({@code ""} when it sent none). A listener whose clients choose
   * their error format (the gateway's X-Road r1 API) overrides this; by default the format does not
   * depend on the request.
   */
  default ErrorResponse render(LgspException failure, String path, String accept) {
    return render(failure);
  }
}
