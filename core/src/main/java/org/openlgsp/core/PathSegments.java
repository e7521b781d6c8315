package org.openlgsp.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A service path as grants see it: its segments, each percent-decoded once. A path whose decoded
 * segments could mean another path to the backend is refused ({@code request.path_unsafe}): an
 * encoded {@code /} or {@code \}, a dot-segment (also spelt {@code %2e} or followed by {@code ;}
 * parameters, which some servers strip), a control character such as NUL, or a segment that still
 * holds a percent-encoding after decoding (a backend decoding twice would see something else). What
 * is matched is then exactly what any backend decoding the forwarded path once or twice sees.
 */
public final class PathSegments {
  private static final Pattern STILL_ENCODED = Pattern.compile("%[0-9A-Fa-f]{2}");

  private PathSegments() {}

  /**
   * The decoded segments of {@code rawPath} (below the service, e.g. {@code /citizens/1}); none for
   * {@code ""} or {@code /}.
   *
   * @throws LgspException {@code request.path_unsafe} as above; {@code request.malformed} for a
   *     percent-encoding that is not one or bytes that are not UTF-8
   */
  public static List<String> decode(String rawPath) {
    String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (trimmed.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String raw : trimmed.split("/", -1)) {
      String s = percentDecode(raw);
      requireSafe(s);
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** Whether {@code rawPath} is safe in the sense above; a malformed one is not. */
  public static boolean isSafe(String rawPath) {
    try {
      decode(rawPath);
      return true;
    } catch (LgspException e) {
      return false;
    }
  }

  /**
   * Refuses only what is malformed (a percent-encoding that is not one, bytes that are not UTF-8),
   * for a path that may still be unsafe: what a service taking raw paths gets.
   *
   * @throws LgspException {@code request.malformed}
   */
  public static void requireWellFormed(String rawPath) {
    String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    for (String raw : trimmed.split("/", -1)) {
      percentDecode(raw);
    }
  }

  private static void requireSafe(String s) {
    String beforeParameters = s.indexOf(';') >= 0 ? s.substring(0, s.indexOf(';')) : s;
    if (beforeParameters.equals(".") || beforeParameters.equals("..")) {
      throw unsafe("dot-segments are not allowed in the service path");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c == '\\') {
        throw unsafe("an encoded / or \\ is not allowed in the service path");
      }
      if (c < 0x20 || c == 0x7f) {
        throw unsafe("control characters (e.g. NUL) are not allowed in the service path");
      }
    }
    if (STILL_ENCODED.matcher(s).find()) {
      throw unsafe("double percent-encoding (e.g. %252e) is not allowed in the service path");
    }
  }

  private static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        byte[] plain = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(plain, 0, plain.length);
        continue;
      }
      int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
      if (lo < 0) {
        throw new LgspException(
            ErrorCode.REQUEST_MALFORMED, "the service path holds a malformed percent-encoding");
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "the service path is not percent-encoded UTF-8");
    }
  }

  private static LgspException unsafe(String detail) {
    return new LgspException(ErrorCode.PATH_UNSAFE, detail);
  }
}
