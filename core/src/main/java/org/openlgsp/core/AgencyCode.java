package org.openlgsp.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * An agency's electronic identifier under Decision 20/2020/QĐ-TTg, {@code NNN.NN.NN.XNN} (levels 4
 * to 1, right to left), e.g. {@code 000.00.00.G22}. The letter of level 1 is the agency group, A to
 * K.
 */
public record AgencyCode(String value) {
  private static final Pattern SHAPE = Pattern.compile("\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-K]\\d{2}");

  public AgencyCode {
    if (value == null || !SHAPE.matcher(value).matches()) {
      throw Identifiers.invalid(
          "agency code '"
              + Identifiers.printable(String.valueOf(value))
              + "' is not of the Decision 20/2020 form NNN.NN.NN.XNN (e.g. 000.00.00.G22, group"
              + " letter A-K)");
    }
  }

  @JsonCreator
  public static AgencyCode parse(String value) {
    return new AgencyCode(value);
  }

  public static boolean isValid(String value) {
    return value != null && SHAPE.matcher(value).matches();
  }

  /** The agency group letter: G for ministries, H for provincial People's Committees, and so on. */
  public char group() {
    return value.charAt(10);
  }

  /** True when this is a level-1 body itself ({@code 000.00.00.XNN}). */
  public boolean isTopLevel() {
    return value.startsWith("000.00.00.");
  }

  @JsonValue
  @Override
  public String toString() {
    return value;
  }
}
