package org.openlgsp.edge;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.UUID;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;

/** One request to a declared route: the authenticated caller, the request and its answer. */
public final class Call {
  private final ServerRequest request;
  private final ServerResponse response;
  private final Principal caller;
  private final SlowClients slowClients;
  private InputStream body;

  Call(ServerRequest request, ServerResponse response, Principal caller, SlowClients slowClients) {
    this.slowClients = slowClients;
    this.request = request;
    this.response = response;
    this.caller = caller;
  }

  public ServerRequest request() {
    return request;
  }

  public ServerResponse response() {
    return response;
  }

  /** Who is calling; {@link Principal#anonymous()} on a public route. */
  public Principal caller() {
    return caller;
  }

  /**
   * The request body, opened once (Helidon allows one reading); the edge reads what is left of it
   * when the route fails and the listener drains refused bodies.
   */
  public InputStream body() {
    if (body == null) {
      body = slowClients.watch(request.content().inputStream());
    }
    return body;
  }

  Optional<InputStream> openedBody() {
    return Optional.ofNullable(body);
  }

  /**
   * The body as JSON of {@code type}. A body that is not JSON or does not fit the type is {@code
   * request.malformed} with a message naming the field, never a Java type; a body over {@code
   * maxBytes} is {@code request.too_large}.
   */
  public <T> T json(Class<T> type, int maxBytes) {
    byte[] raw;
    try {
      raw = body().readNBytes(maxBytes + 1);
    } catch (IOException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "request body could not be read");
    }
    if (raw.length > maxBytes) {
      throw new LgspException(
          ErrorCode.REQUEST_TOO_LARGE, "request body exceeds " + maxBytes + " bytes");
    }
    T value;
    try {
      value = Json.mapper().readValue(raw, type);
    } catch (IOException e) {
      throw Failures.fromJson(e);
    }
    if (value == null) { // the body `null`, or an empty one: no object to validate
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "request body must be a JSON object");
    }
    return value;
  }

  /** A query parameter the route requires: {@code request.malformed} when it is absent. */
  public String requiredQuery(String name) {
    if (!request.query().contains(name)) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "query parameter '" + name + "' is required");
    }
    return request.query().get(name);
  }

  /** A path parameter that must be a UUID: {@code request.malformed} otherwise. */
  public String uuidParameter(String name, String what) {
    String value = request.path().pathParameters().get(name);
    try {
      UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, what + " must be a UUID");
    }
    return value;
  }

  /** Answers {@code value} as JSON with {@code status}. */
  public void sendJson(int status, Object value) {
    response.status(Status.create(status));
    response.header(HeaderNames.CONTENT_TYPE, "application/json");
    response.send(Json.write(value));
  }

  /** Answers 204 No Content. */
  public void noContent() {
    response.status(Status.NO_CONTENT_204).send();
  }
}
