package org.openlgsp.documents;

import java.util.Optional;

/** Status codes of edXML status packages (QCVN 102 MessageStatus). */
public enum StatusCode {
  ARRIVED("01", "arrived: received by the recipient's software, not yet processed by the clerk"),
  REJECTED("02", "rejected: the clerk refuses the document (or refuses a recall)"),
  ACCEPTED("03", "accepted: entered in the incoming register"),
  ASSIGNED("04", "assigned: leadership assigned it for handling"),
  IN_PROGRESS("05", "in progress: being handled"),
  COMPLETED("06", "completed: handling finished"),
  RECALL_REQUESTED("13", "recall requested by the sender"),
  RECALL_AGREED("15", "recipient agrees to the recall or update request"),
  RECALL_REFUSED("16", "recipient refuses the recall or update request");

  private final String code;
  private final String meaning;

  StatusCode(String code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public String code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  public static Optional<StatusCode> fromCode(String code) {
    for (StatusCode s : values()) {
      if (s.code.equals(code)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
