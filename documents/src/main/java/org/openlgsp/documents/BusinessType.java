package org.openlgsp.documents;

import java.util.Optional;

/** BussinessDocType of the trace header (item 2.2.1). */
public enum BusinessType {
  NEW("0"),
  REVOKE("1"),
  UPDATE("2"),
  REPLACE("3");

  private final String code;

  BusinessType(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<BusinessType> fromCode(String code) {
    for (BusinessType t : values()) {
      if (t.code.equals(code.trim())) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
