package org.openlgsp.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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

  /**
   * Writes a response body as the last step of an answer. If the caller hangs up meanwhile, there
   * is nobody left to tell: the failure becomes {@link ResponseAbandoned}, which endpoints drop
   * quietly instead of trying to send a problem over a response that has already started.
   */
  static void writeBody(ServerResponse res, BodySpool body) {
    try (OutputStream os = res.outputStream()) {
      body.writeTo(os);
    } catch (IOException | UncheckedIOException | ServerConnectionException e) {
      throw new ResponseAbandoned(e);
    }
  }

  /** True when a failure needs no answer because the caller already went away. */
  static boolean abandoned(Throwable t) {
    if (t instanceof ResponseAbandoned) {
      LOG.log(Level.FINE, "caller closed the connection before the response was written", t);
      return true;
    }
    return false;
  }

  /** The caller closed its connection while the response was being written. */
  static final class ResponseAbandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ResponseAbandoned(Throwable cause) {
      super("response abandoned by the caller", cause);
    }
  }

  static void send(ServerResponse res, LgspException e) {
    Problem p = e.toProblem();
    res.status(Status.create(p.status()));
    res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
    res.header(Headers.XROAD_ERROR, e.code().xroadType());
    if (e.code() == ErrorCode.SERVER_OVERLOADED) {
      res.header(HeaderNames.RETRY_AFTER, "1");
    }
    res.send(p.toJsonBytes());
  }
}
