package org.openlgsp.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The project's JSON codec. Output is deterministic (sorted properties and map keys) so that signed
 * documents can be re-encoded byte for byte; input is strict (unknown properties are errors).
 */
public final class Json {
  private static final ObjectMapper MAPPER = build();

  private Json() {}

  private static ObjectMapper build() {
    JsonMapper mapper =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            // Optional fields of wire records (e.g. the statistics' Figures in a daily summary)
            .addModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(16_000_000)
                .build());
    return mapper;
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  public static String writeString(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** Reads untrusted input: any parse or binding failure becomes {@code request.malformed}. */
  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, describe(type, e));
    }
  }

  private static String describe(Class<?> type, Exception e) {
    String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
    if (e.getCause() instanceof IllegalArgumentException iae && iae.getMessage() != null) {
      message = iae.getMessage();
    } else if (e.getCause() instanceof LgspException le) {
      message = le.detail();
    }
    return "invalid " + type.getSimpleName() + " JSON: " + message;
  }
}
