package org.openlgsp.node;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Says what is wrong in a configuration file in the operator's terms: the path of the key ({@code
 * gateway.signing[0].member}) and what it should be, without Java type names or stack traces.
 */
final class ConfigErrors {
  /** Keys that are missing on purpose, and why. */
  private static final Map<String, String> REFUSED =
      Map.of(
          "pin",
          "the PIN itself never goes in the configuration, name an environment variable (pinEnv)"
              + " or a file (pinFile) holding it; ");

  private ConfigErrors() {}

  static String describe(JsonProcessingException e) {
    if (!(e instanceof JsonMappingException mapping)) {
      return "not valid YAML" + where(e.getLocation()) + ": " + firstLine(e.getOriginalMessage());
    }
    String path = path(mapping);
    String at = path.isEmpty() ? "" : path + ": ";
    if (e instanceof UnrecognizedPropertyException unknown) {
      return at + "unknown key; valid keys: " + validKeys(unknown);
    }
    if (e instanceof ValueInstantiationException && e.getCause() instanceof RuntimeException c) {
      // Our records' own validation: messages written for the operator.
      return at + firstLine(c.getMessage());
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return at + "expected " + expected(mismatch.getTargetType());
    }
    return at + "not a valid value" + where(e.getLocation());
  }

  /**
   * The first key in {@code node} that {@code type} (a record, or an Optional or List of one) does
   * not have. Checked before binding, because Jackson reports unknown keys only after a record was
   * made: a misspelled required key would otherwise be reported as missing.
   */
  static Optional<String> unknownKey(JsonNode node, Type type, String path) {
    Class<?> raw = raw(type);
    if ((raw == Optional.class || List.class.isAssignableFrom(raw))
        && type instanceof ParameterizedType p) {
      Type element = p.getActualTypeArguments()[0];
      if (raw == Optional.class) {
        return unknownKey(node, element, path);
      }
      for (int i = 0; node.isArray() && i < node.size(); i++) {
        Optional<String> found = unknownKey(node.get(i), element, path + "[" + i + "]");
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
    if (Map.class.isAssignableFrom(raw)
        && type instanceof ParameterizedType p
        && node.isObject()) { // keyed sections, e.g. rateLimits by tenant: walk each value
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        Optional<String> found = unknownKey(field.getValue(), p.getActualTypeArguments()[1], at);
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
    if (!raw.isRecord() || !node.isObject()) {
      return Optional.empty();
    }
    Map<String, RecordComponent> keys = new LinkedHashMap<>();
    for (RecordComponent c : raw.getRecordComponents()) {
      keys.put(c.getName(), c);
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      RecordComponent c = keys.get(field.getKey());
      if (c == null) {
        return Optional.of(
            at
                + ": unknown key; "
                + REFUSED.getOrDefault(field.getKey(), "")
                + "valid keys: "
                + String.join(", ", keys.keySet()));
      }
      Optional<String> found = unknownKey(field.getValue(), c.getGenericType(), at);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
  }

  /** The key's path: section names joined by dots, list positions in brackets. */
  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  /** In the order a record declares them, which is the order the documentation lists them. */
  private static String validKeys(UnrecognizedPropertyException e) {
    Class<?> section = e.getReferringClass();
    if (section != null && section.isRecord()) {
      return Arrays.stream(section.getRecordComponents())
          .map(RecordComponent::getName)
          .collect(Collectors.joining(", "));
    }
    Collection<Object> known = e.getKnownPropertyIds();
    return known == null
        ? "none"
        : known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  private static String expected(Class<?> type) {
    if (type == Integer.class
        || type == int.class
        || type == Long.class
        || type == long.class
        || type == Short.class
        || type == short.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Duration.class) {
      return "an ISO-8601 duration such as PT30S";
    }
    if (type == String.class) {
      return "a text value";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a section of key: value lines";
    }
    return "another kind of value";
  }

  /** Why a file named in the configuration could not be read, in a few words. */
  static String reason(java.io.IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
  }

  /**
   * What to do about a file named in the configuration that could not be read: {@link #reason}
   * followed by the remedy, for the one line an operator sees.
   */
  static String reasonAndRemedy(java.io.IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file; correct the path in the configuration (relative to its folder) or put"
          + " the file there";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied; let the user the node runs as read it";
    }
    return reason(e);
  }

  private static String where(JsonLocation location) {
    return location == null || location.getLineNr() < 1
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("").strip();
  }
}
