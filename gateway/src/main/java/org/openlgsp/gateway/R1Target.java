package org.openlgsp.gateway;

import java.util.regex.Pattern;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.ServiceId;

/**
 * The target of an r1 request: {@code /r1/{5-part service id}[/path][?query]}, with the path and
 * query kept raw (percent-encoded) exactly as they will be forwarded and signed.
 */
record R1Target(ServiceId service, String serviceEncoded, String path, String query) {
  static final int MAX_URI_LENGTH = 4096;
  private static final Pattern OTHER_VERSION = Pattern.compile("r\\d+");

  static R1Target parse(String rawPath, String rawQuery) {
    if (rawPath.length() + rawQuery.length() > MAX_URI_LENGTH) {
      throw malformed("request URI longer than " + MAX_URI_LENGTH + " characters");
    }
    if (!rawPath.startsWith("/")) {
      throw malformed("request path must start with /");
    }
    String[] parts = rawPath.substring(1).split("/", 7);
    if (parts.length == 0 || !parts[0].equals("r1")) {
      if (parts.length > 0 && OTHER_VERSION.matcher(parts[0]).matches()) {
        throw new LgspException(
            ErrorCode.PROTOCOL_UNSUPPORTED,
            "protocol version '" + parts[0] + "' is not supported; use r1");
      }
      throw malformed("request path must start with /r1/");
    }
    if (parts.length < 6) {
      throw new LgspException(
          ErrorCode.IDENTIFIER_INVALID,
          "service identifier must have 5 parts: /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE");
    }
    String encoded = String.join("/", parts[1], parts[2], parts[3], parts[4], parts[5]);
    ServiceId service = ServiceId.parse(encoded);
    String path = parts.length == 7 ? "/" + parts[6] : "";
    checkPath(path);
    checkQuery(rawQuery);
    return new R1Target(service, encoded, path, rawQuery);
  }

  /** Path plus query, as forwarded and recorded. */
  String pathAndQuery() {
    return query.isEmpty() ? path : path + "?" + query;
  }

  /**
   * Raw characters (a client must percent-encode) and well-formed percent-encoding; what the
   * decoded segments could mean to a backend is the grant matcher's question ({@link
   * GrantMatcher}), as a service may take such paths.
   */
  private static void checkPath(String path) {
    requireVisibleAscii("service path", path);
    org.openlgsp.core.PathSegments.requireWellFormed(path);
  }

  private static void checkQuery(String query) {
    requireVisibleAscii("query", query);
  }

  private static void requireVisibleAscii(String what, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw malformed(what + " must be percent-encoded (found a raw character " + (int) c + ")");
      }
    }
  }

  private static LgspException malformed(String detail) {
    return new LgspException(ErrorCode.REQUEST_MALFORMED, detail);
  }
}
