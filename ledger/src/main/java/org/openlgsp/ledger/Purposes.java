package org.openlgsp.ledger;

import java.util.regex.Pattern;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * The stated purpose of a look-up in a data subject's records: a procedure code with its case file
 * ({@code 1.001234:HS-2026-000124}), a named purpose ({@code yeu-cau-cua-cong-dan}); 1-200 letters,
 * digits or {@code . _ - / :}, as purposes travel in {@code X-Road-Issue}.
 */
final class Purposes {
  private static final Pattern PURPOSE = Pattern.compile("[\\p{L}\\p{N}._\\-/:]{1,200}");

  private Purposes() {}

  /** {@code purpose} when it is one, else {@code purpose.missing} or {@code request.malformed}. */
  static String require(String purpose) {
    if (purpose == null || purpose.isBlank()) {
      throw new LgspException(
          ErrorCode.PURPOSE_MISSING, "state the purpose of the look-up (\"purpose\")");
    }
    if (!PURPOSE.matcher(purpose).matches()) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED,
          "purpose: 1-200 letters, digits or . _ - / : (a procedure code, a case file)");
    }
    return purpose;
  }
}
