package org.openlgsp.gateway;

import io.helidon.http.HeaderName;
import io.helidon.http.Headers;
import java.util.List;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/** Reads and bounds the single-valued headers of the protocols. */
final class HeaderValues {
  static final int MAX_LENGTH = 255;

  private HeaderValues() {}

  /** The last value (X-Road: a client should send one; if several arrive, take the last). */
  static String optional(Headers headers, HeaderName name) {
    if (!headers.contains(name)) {
      return "";
    }
    List<String> all = headers.get(name).allValues();
    String v = all.isEmpty() ? "" : all.getLast().trim();
    if (v.length() > MAX_LENGTH) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED,
          name.defaultCase() + " is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isISOControl(c) && c != '\t') {
        throw new LgspException(
            ErrorCode.REQUEST_MALFORMED, name.defaultCase() + " contains control characters");
      }
      // HTTP carries no charset for header values: a byte above 0x7e reaches the provider and the
      // backend as something else (or '?'), so it is refused rather than changed in transit.
      // X-Road percent-encodes UTF-8 in its identifier headers (PR-REST 4.3).
      if (c > 0x7e) {
        throw new LgspException(
            ErrorCode.REQUEST_MALFORMED,
            name.defaultCase() + " must be ASCII: percent-encode other characters as UTF-8");
      }
    }
    return v;
  }

  static String required(Headers headers, HeaderName name) {
    String v = optional(headers, name);
    if (v.isEmpty()) {
      throw new LgspException(ErrorCode.HEADER_MISSING, name.defaultCase() + " header is required");
    }
    return v;
  }

  static long requiredLong(Headers headers, HeaderName name) {
    String v = required(headers, name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, name.defaultCase() + " must be a decimal number");
    }
  }
}
