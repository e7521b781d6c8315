package org.openlgsp.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.Problem;

/** Turns failures into RFC 9457 problem responses with the {@code X-Road-Error} header. */
final class Problems {
  private static final Logger LOG = Logger.getLogger(Problems.class.getName());

  private Problems() {}

  /**
   * Any throwable becomes a problem; unexpected ones are logged with an id the client also sees.
   */
  static LgspException classify(Throwable t) {
    if (t instanceof LgspException e) {
      return e;
    }
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "internal error, incident " + incident, t);
    return new LgspException(ErrorCode.INTERNAL_ERROR, "internal error, incident " + incident, t);
  }

  static void send(ServerResponse res, LgspException e) {
    Problem p = e.toProblem();
    res.status(Status.create(p.status()));
    res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
    res.header(Headers.XROAD_ERROR, e.code().xroadType());
    res.send(p.toJsonBytes());
  }
}
