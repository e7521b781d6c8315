package org.openlgsp.edge.spi;

import java.util.Map;
import java.util.Objects;

/**
 * An error answer as an {@link ErrorWriter} renders it: status, headers (with the content type),
 * body.
 */
public record ErrorResponse(int status, Map<String, String> headers, byte[] body) {
  public ErrorResponse {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error response has a 4xx or 5xx status");
    }
    headers = Map.copyOf(headers);
    body = Objects.requireNonNull(body, "body").clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }
}
