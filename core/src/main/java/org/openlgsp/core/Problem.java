package org.openlgsp.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * RFC 9457 problem details. {@code code} is the stable {@link ErrorCode} value; {@code errors}
 * lists every individual problem when a request had several.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
    @JsonProperty("type") String type,
    @JsonProperty("title") String title,
    @JsonProperty("status") int status,
    @JsonProperty("detail") String detail,
    @JsonProperty("code") String code,
    @JsonProperty("errors") List<String> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public Problem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(code, "code");
    // absent when read back: toJsonBytes leaves an empty list out
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  public static Problem of(ErrorCode code, String detail) {
    return new Problem(
        code.typeUri(), code.title(), code.httpStatus(), detail, code.code(), List.of());
  }

  public static Problem of(ErrorCode code, String detail, List<String> errors) {
    return new Problem(
        code.typeUri(), code.title(), code.httpStatus(), detail, code.code(), errors);
  }

  public byte[] toJsonBytes() {
    return Json.write(this);
  }
}
