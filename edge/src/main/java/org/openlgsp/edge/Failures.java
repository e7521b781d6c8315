package org.openlgsp.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import java.io.IOException;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * The one mapping from what a request can throw to what the caller sees. Only an {@link
 * LgspException}'s detail reaches the caller; every other message stays in the server's log, and
 * nothing unexpected is told apart from another beyond an incident id.
 *
 * <p>Public for handlers that must know the code of a failure before the edge writes it, e.g. to
 * record a refusal durably or to sign it.
 */
public final class Failures {
  private static final Logger LOG = Logger.getLogger(Failures.class.getName());
  private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_.$-]{1,64}");

  private Failures() {}

  /**
   * The failure as the caller will see it: an {@link LgspException} as it is, anything unexpected
   * {@code internal.error} with an incident id (logged here, once).
   */
  public static LgspException map(Throwable t) {
    if (t instanceof LgspException e) {
      return e;
    }
    if (t instanceof RequestException e) {
      return fromStatus(e.status().code(), e);
    }
    if (t instanceof HttpException e) {
      return fromStatus(e.status().code(), e);
    }
    if (t instanceof JsonProcessingException e) {
      return fromJson(e);
    }
    return incident(t);
  }

  /** Helidon's refusals, by the status it chose; its message is never passed on. */
  static LgspException fromStatus(int status, Throwable cause) {
    return switch (status) {
      case 404 -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such endpoint");
      case 405 ->
          new LgspException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this path");
      case 413 -> new LgspException(ErrorCode.REQUEST_TOO_LARGE, "request body too large");
      case 431 ->
          new LgspException(ErrorCode.REQUEST_TOO_LARGE, "request header section too large");
      case 505 -> new LgspException(ErrorCode.REQUEST_MALFORMED, "HTTP version not supported");
      // Helidon's 501 is for a Transfer-Encoding it does not implement (e.g. "gzip, chunked"):
      // what the client sent, so a 400 like any other framing it got wrong
      case 501 -> new LgspException(ErrorCode.REQUEST_MALFORMED, "transfer encoding not supported");
      default ->
          status < 500
              ? new LgspException(ErrorCode.REQUEST_MALFORMED, "request could not be parsed")
              : incident(cause);
    };
  }

  /**
   * A JSON body that did not parse or bind: {@code request.malformed} naming the field when Jackson
   * knows it, or the validation failure a value's own constructor raised.
   */
  static LgspException fromJson(IOException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof LgspException validation) {
        return validation;
      }
    }
    if (e instanceof UnrecognizedPropertyException u) {
      return malformed("unknown field '" + field(u.getPropertyName()) + "'");
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return malformed("field '" + path(m) + "' is missing or has the wrong type or value");
    }
    if (e instanceof JsonMappingException) {
      return malformed("request body does not have the expected shape");
    }
    if (e instanceof JsonProcessingException) {
      return malformed("request body is not valid JSON");
    }
    return malformed("request body could not be read");
  }

  private static String path(JsonMappingException m) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        b.append(b.isEmpty() ? "" : ".").append(field(r.getFieldName()));
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  /** A field name as the caller sent it, when it is plainly a name; never arbitrary input. */
  private static String field(String name) {
    return name != null && FIELD.matcher(name).matches() ? name : "?";
  }

  private static LgspException malformed(String detail) {
    return new LgspException(ErrorCode.REQUEST_MALFORMED, detail);
  }

  /** An unexpected failure: logged in full under an id, the caller learns only the id. */
  static LgspException incident(Throwable t) {
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "internal error, incident " + incident, t);
    return new LgspException(ErrorCode.INTERNAL_ERROR, "internal error, incident " + incident);
  }
}
