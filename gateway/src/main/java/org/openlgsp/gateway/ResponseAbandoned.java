package org.openlgsp.gateway;

import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The caller closed its connection while the response body was being written. There is nobody left
 * to tell: endpoints drop this quietly instead of trying to answer a response that has already
 * started (or letting the edge log it as an incident).
 */
final class ResponseAbandoned extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(ResponseAbandoned.class.getName());

  private ResponseAbandoned(Throwable cause) {
    super("response abandoned by the caller", cause);
  }

  /** Writes a response body as the last step of an answer; a hang-up becomes this failure. */
  static void writeBody(ServerResponse res, BodySpool body) {
    if (body.inMemory()) {
      // in one piece: no output stream and its buffers per message (ExchangeBenchmark: about
      // 10 KB less allocated per exchange; the I/O system calls stayed the same)
      try {
        res.send(body.bytes());
        return;
      } catch (UncheckedIOException | ServerConnectionException e) {
        throw new ResponseAbandoned(e);
      }
    }
    try (OutputStream os = res.outputStream()) {
      body.writeTo(os);
    } catch (IOException | UncheckedIOException | ServerConnectionException e) {
      throw new ResponseAbandoned(e);
    }
  }

  /** True when a failure needs no answer because the caller already went away. */
  static boolean is(Throwable t) {
    if (t instanceof ResponseAbandoned) {
      LOG.log(Level.FINE, "caller closed the connection before the response was written", t);
      return true;
    }
    return false;
  }
}
