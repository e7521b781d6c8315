package org.openlgsp.core;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Shared rules for X-Road identifier parts (PR-REST §4.8) and their percent-encoding (§4.2). */
final class Identifiers {
  static final int MAX_PART_LENGTH = 255;
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9'()+,\\-.=?]+");

  private Identifiers() {}

  static String requirePart(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw invalid(what + " is empty");
    }
    if (value.length() > MAX_PART_LENGTH) {
      throw invalid(what + " is longer than " + MAX_PART_LENGTH + " characters");
    }
    if (!ALLOWED.matcher(value).matches()) {
      throw invalid(
          what
              + " '"
              + printable(value)
              + "' has characters outside A-Z a-z 0-9 ' ( ) + , - . = ?");
    }
    return value;
  }

  /** Splits on unencoded '/' and percent-decodes each part separately. */
  static List<String> split(String what, String encoded, int min, int max) {
    if (encoded == null || encoded.isBlank()) {
      throw invalid(what + " is empty");
    }
    String[] raw = encoded.split("/", -1);
    if (raw.length < min || raw.length > max) {
      String expected = min == max ? String.valueOf(min) : min + " or " + max;
      throw invalid(
          what
              + " '"
              + printable(encoded)
              + "' has "
              + raw.length
              + " parts, expected "
              + expected);
    }
    List<String> parts = new ArrayList<>(raw.length);
    for (String part : raw) {
      parts.add(decode(what, part));
    }
    return parts;
  }

  static String decode(String what, String part) {
    try {
      return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(what + " has a malformed percent-encoding");
    }
  }

  static String encode(String part) {
    // Identifiers are encoded for every observed exchange, and nearly all are plain: what
    // URLEncoder leaves unchanged is returned as it is, without its copies (BENCHMARKS.md).
    for (int i = 0; i < part.length(); i++) {
      if (!unchanged(part.charAt(i))) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
      }
    }
    return part;
  }

  /** The characters {@link URLEncoder} never changes. */
  private static boolean unchanged(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == '_'
        || c == '*';
  }

  static LgspException invalid(String detail) {
    return new LgspException(ErrorCode.IDENTIFIER_INVALID, detail);
  }

  /**
   * Echoes untrusted input into an error message without control characters or unbounded length.
   */
  static String printable(String value) {
    String cut = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    return cut.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
