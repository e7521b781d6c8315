package org.openlgsp.documents;

import java.util.Optional;

/**
 * Status codes of edXML status packages (QCVN 102 MessageStatus), with an English meaning for
 * operators and the Vietnamese description written into the packages OpenLGSP builds (real status
 * packages carry Vietnamese text; 01's is the VXP SDK sample's).
 */
public enum StatusCode {
  ARRIVED(
      "01",
      "arrived: received by the recipient's software, not yet processed by the clerk",
      "Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý"),
  REJECTED(
      "02",
      "rejected: the clerk refuses the document (or refuses a recall)",
      "Từ chối tiếp nhận - Văn thư từ chối nhận văn bản"),
  ACCEPTED(
      "03",
      "accepted: entered in the incoming register",
      "Đã tiếp nhận - Văn thư đã vào sổ văn bản đến"),
  ASSIGNED(
      "04",
      "assigned: leadership assigned it for handling",
      "Phân công - Lãnh đạo đã giao xử lý văn bản"),
  IN_PROGRESS("05", "in progress: being handled", "Đang xử lý"),
  COMPLETED("06", "completed: handling finished", "Hoàn thành - Đã xử lý xong văn bản"),
  RECALL_REQUESTED(
      "13", "recall requested by the sender", "Đề nghị lấy lại văn bản - Bên gửi yêu cầu lấy lại"),
  RECALL_AGREED(
      "15",
      "recipient agrees to the recall or update request",
      "Đồng ý yêu cầu lấy lại hoặc cập nhật văn bản"),
  RECALL_REFUSED(
      "16",
      "recipient refuses the recall or update request",
      "Từ chối yêu cầu lấy lại hoặc cập nhật văn bản");

  private final String code;
  private final String meaning;
  private final String description;

  StatusCode(String code, String meaning, String description) {
    this.code = code;
    this.meaning = meaning;
    this.description = description;
  }

  /** The Vietnamese text for a status package's Description. */
  public String description() {
    return description;
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
