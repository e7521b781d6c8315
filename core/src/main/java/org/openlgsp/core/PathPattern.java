package org.openlgsp.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A path a grant admits, below the service: literal segments, {@code *} for any one segment and a
 * final {@code **} for any rest. Paths are compared segment by segment after decoding each once
 * ({@link PathSegments}), so {@code %63itizens} is {@code citizens}; a path {@link PathSegments}
 * refuses (encoded slash, dot-segment, double encoding...) matches no pattern, and {@code *} never
 * matches an empty segment. {@code /} alone (no segments) admits only the service's root.
 */
public record PathPattern(List<String> segments) {
  private static final int MAX_LENGTH = 512;
  private static final Pattern SEGMENT = Pattern.compile("\\*\\*?|[A-Za-z0-9._~!$&'()+,;=:@%-]+");

  public PathPattern {
    segments = List.copyOf(segments);
    String text = text(segments);
    if (text.length() > MAX_LENGTH) {
      throw notAPattern(text);
    }
    for (int i = 0; i < segments.size(); i++) {
      String s = segments.get(i);
      if (!SEGMENT.matcher(s).matches() || (s.equals("**") && i != segments.size() - 1)) {
        throw new LgspException(
            ErrorCode.REQUEST_MALFORMED,
            "path pattern '"
                + text
                + "': segment '"
                + s
                + "' is not allowed (use literal segments, * or a final **)");
      }
    }
  }

  /**
   * Reads the text form, e.g. {@code /citizens/*}.
   *
   * @throws LgspException {@code request.malformed} when {@code text} is not a path pattern
   */
  @JsonCreator
  public static PathPattern parse(String text) {
    if (!text.startsWith("/") || text.length() > MAX_LENGTH) {
      throw notAPattern(text);
    }
    return new PathPattern(
        text.equals("/") ? List.of() : List.of(text.substring(1).split("/", -1)));
  }

  /** Whether {@code rawPath} (below the service, still percent-encoded) is admitted. */
  public boolean matches(String rawPath) {
    List<String> path;
    List<String> literal;
    try {
      path = PathSegments.decode(rawPath);
      literal = segments.stream().map(PathPattern::decodedLiteral).toList();
    } catch (LgspException unsafeOrMalformed) {
      return false;
    }
    for (int i = 0; i < literal.size(); i++) {
      String p = literal.get(i);
      if (p.equals("**") && i == literal.size() - 1) {
        return true;
      }
      if (i >= path.size()) {
        return false;
      }
      boolean admitted = p.equals("*") ? !path.get(i).isEmpty() : p.equals(path.get(i));
      if (!admitted) {
        return false;
      }
    }
    return literal.size() == path.size();
  }

  /** A pattern segment as a path segment is compared: wildcards as they are, literals decoded. */
  private static String decodedLiteral(String segment) {
    return segment.equals("*") || segment.equals("**")
        ? segment
        : PathSegments.decode("/" + segment).getFirst();
  }

  @JsonValue
  @Override
  public String toString() {
    return text(segments);
  }

  private static String text(List<String> segments) {
    return "/" + String.join("/", segments);
  }

  private static LgspException notAPattern(String text) {
    return new LgspException(
        ErrorCode.REQUEST_MALFORMED,
        "path pattern '" + text + "' must start with / (at most 512 characters)");
  }
}
