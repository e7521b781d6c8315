package org.openlgsp.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a personal-data service's request names the data subject: up to four places, tried in
 * order, written {@code query:NAME}, {@code path:N} (the N-th path segment after the service) or
 * {@code json:/POINTER} (into a JSON body), comma-separated. {@link #NONE} for services that return
 * no personal data. The text form is what the registry stores and the signed directory carries.
 */
public record SubjectLocator(List<Place> places) {
  private static final int MAX_PLACES = 4;
  private static final Pattern QUERY_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern PATH_INDEX = Pattern.compile("[1-9][0-9]?");
  private static final Pattern POINTER = Pattern.compile("(/[^/,\\s]{1,64}){1,16}");

  /** A service whose requests name no data subject. */
  public static final SubjectLocator NONE = new SubjectLocator(List.of());

  public SubjectLocator {
    places = List.copyOf(places);
    if (places.size() > MAX_PLACES) {
      throw malformed();
    }
  }

  /** One place a subject's ID may sit in a request. */
  public sealed interface Place {}

  /** The value of query parameter {@code name}. */
  public record QueryParameter(String name) implements Place {
    public QueryParameter {
      require(QUERY_NAME, name);
    }

    @Override
    public String toString() {
      return "query:" + name;
    }
  }

  /** The {@code index}-th path segment after the service (1 is the first). */
  public record PathSegment(int index) implements Place {
    public PathSegment {
      require(PATH_INDEX, Integer.toString(index));
    }

    @Override
    public String toString() {
      return "path:" + index;
    }
  }

  /** The value an RFC 6901 pointer names in a JSON body. */
  public record JsonPointer(String pointer) implements Place {
    public JsonPointer {
      require(POINTER, pointer);
    }

    @Override
    public String toString() {
      return "json:" + pointer;
    }
  }

  /**
   * Reads the text form; the empty text is {@link #NONE}.
   *
   * @throws LgspException {@code request.malformed} when {@code text} is not a subject locator
   */
  @JsonCreator
  public static SubjectLocator parse(String text) {
    if (text.isEmpty()) {
      return NONE;
    }
    List<Place> places = new ArrayList<>();
    for (String one : text.split(",", -1)) {
      places.add(place(one));
    }
    return new SubjectLocator(places);
  }

  private static Place place(String text) {
    int colon = text.indexOf(':');
    String value = colon < 0 ? "" : text.substring(colon + 1);
    return switch (colon < 0 ? "" : text.substring(0, colon)) {
      case "query" -> new QueryParameter(value);
      case "path" -> new PathSegment(Integer.parseInt(require(PATH_INDEX, value)));
      case "json" -> new JsonPointer(value);
      default -> throw malformed();
    };
  }

  /** True for services that return no personal data. */
  public boolean isEmpty() {
    return places.isEmpty();
  }

  @JsonValue
  @Override
  public String toString() {
    return String.join(",", places.stream().map(Place::toString).toList());
  }

  private static String require(Pattern pattern, String value) {
    if (!pattern.matcher(Objects.requireNonNull(value, "value")).matches()) {
      throw malformed();
    }
    return value;
  }

  private static LgspException malformed() {
    return new LgspException(
        ErrorCode.REQUEST_MALFORMED,
        "subject locator must be empty or up to four of query:NAME, path:N, json:/POINTER,"
            + " comma-separated (tried in order)");
  }
}
