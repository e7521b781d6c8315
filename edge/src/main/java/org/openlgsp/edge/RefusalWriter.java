package org.openlgsp.edge;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.spi.ErrorResponse;
import org.openlgsp.edge.spi.ErrorWriter;

/**
 * Helidon's refusals before (or outside) routing — a malformed request line or header, a body over
 * the payload limit, oversized headers — written by the listener's error writer instead of
 * Helidon's empty or HTML-escaped text answers. Helidon's message may quote the request, so it is
 * never passed on; the status it chose picks the code.
 */
final class RefusalWriter implements DirectHandler {
  private final ErrorWriter errorWriter;

  RefusalWriter(ErrorWriter errorWriter) {
    this.errorWriter = errorWriter;
  }

  @Override
  public TransportResponse handle(
      TransportRequest request,
      EventType eventType,
      Status defaultStatus,
      ServerResponseHeaders headers,
      Throwable thrown) {
    return answer(Failures.fromStatus(defaultStatus.code(), thrown), request, headers);
  }

  @Override
  public TransportResponse handle(
      TransportRequest request,
      EventType eventType,
      Status defaultStatus,
      ServerResponseHeaders headers,
      String message) {
    return answer(
        Failures.fromStatus(defaultStatus.code(), new IllegalStateException(eventType.name())),
        request,
        headers);
  }

  private TransportResponse answer(
      LgspException failure, TransportRequest request, ServerResponseHeaders headers) {
    String accept;
    String path;
    try {
      accept = Edge.accept(request.headers());
    } catch (RuntimeException unreadable) { // the refusal may be about the headers themselves
      accept = "";
    }
    try {
      path = java.util.Objects.requireNonNullElse(request.path(), "");
      int query = path.indexOf('?');
      path = query < 0 ? path : path.substring(0, query);
    } catch (RuntimeException unreadable) {
      path = "";
    }
    ErrorResponse r = errorWriter.render(failure, path, accept);
    TransportResponse.Builder b =
        TransportResponse.builder().status(Status.create(r.status())).headers(headers);
    r.headers().forEach((name, value) -> b.header(HeaderNames.create(name), value));
    return b.entity(r.body()).build();
  }
}
