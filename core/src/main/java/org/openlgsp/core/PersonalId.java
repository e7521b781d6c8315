package org.openlgsp.core;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Vietnamese personal identification number (số định danh cá nhân): 12 digits, {@code PPP G YY
 * RRRRRR} — birth-registration province, century-and-sex digit, birth year, random digits. There is
 * no check digit. Only "12 digits" is enforced; the structure is read leniently.
 */
public record PersonalId(String value) {
  private static final Pattern DIGITS = Pattern.compile("\\d{12}");

  public PersonalId {
    if (value == null || !DIGITS.matcher(value).matches()) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "a personal identification number has exactly 12 digits");
    }
  }

  public static boolean isValid(String value) {
    return value != null && DIGITS.matcher(value).matches();
  }

  public String provinceCode() {
    return value.substring(0, 3);
  }

  /** Birth year from the century digit and YY, when the century digit is one of 0-9 as defined. */
  public int birthYear() {
    int centuryDigit = value.charAt(3) - '0';
    int century = 1900 + (centuryDigit / 2) * 100;
    return century + Integer.parseInt(value.substring(4, 6));
  }

  /** "male" for even century digits, "female" for odd ones (Decree 137/2015). */
  public Optional<String> sex() {
    return Optional.of((value.charAt(3) - '0') % 2 == 0 ? "male" : "female");
  }

  /** The number with all but the last three digits hidden, for display and logs. */
  public String masked() {
    return "*********" + value.substring(9);
  }

  @Override
  public String toString() {
    return masked();
  }
}
