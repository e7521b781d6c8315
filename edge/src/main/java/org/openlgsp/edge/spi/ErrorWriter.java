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
}
