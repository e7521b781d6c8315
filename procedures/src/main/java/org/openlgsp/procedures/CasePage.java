package org.openlgsp.procedures;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * The citizen's case page (tra cứu hồ sơ), in Vietnamese or English: the form, and the case's
 * progress once its code and the last four digits of the filer's personal ID matched. The model of
 * {@code src/main/jte/case.jte}.
 *
 * @param lang {@code vi} (default) or {@code en}
 * @param code the code asked for, echoed into the form (escaped by the template)
 * @param asked whether a lookup was made (a code and digits were given)
 * @param view the case, when they matched
 */
public record CasePage(String lang, String code, boolean asked, Optional<CaseView> view) {
  private static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");

  private static final Map<String, Map<String, String>> TEXT =
      Map.of(
          "vi",
          Map.ofEntries(
              Map.entry("title", "Tra cứu hồ sơ liên thông"),
              Map.entry("code", "Mã hồ sơ"),
              Map.entry("digits", "4 số cuối số định danh cá nhân của người nộp hồ sơ"),
              Map.entry("look", "Tra cứu"),
              Map.entry(
                  "notFound",
                  "Không tìm thấy hồ sơ với mã và 4 số cuối này. Vui lòng kiểm tra lại."),
              Map.entry("procedure", "Thủ tục"),
              Map.entry("status", "Trạng thái"),
              Map.entry("filed", "Ngày tiếp nhận"),
              Map.entry("due", "Hạn xử lý"),
              Map.entry("sla", "Tiến độ"),
              Map.entry("history", "Quá trình xử lý"),
              Map.entry("at", "Thời điểm"),
              Map.entry("step", "Bước"),
              Map.entry("state", "Tình trạng"),
              Map.entry("IN_PROGRESS", "Đang xử lý"),
              Map.entry("WAITING_FOR_OPERATOR", "Đang chờ cán bộ xử lý"),
              Map.entry("COMPLETED", "Đã hoàn thành"),
              Map.entry("COMPENSATED", "Không thực hiện được, đã hoàn tác các bước đã làm"),
              Map.entry("CANCELLED", "Đã hủy"),
              Map.entry("ON_TIME", "Đúng hạn"),
              Map.entry("AT_RISK", "Sắp đến hạn"),
              Map.entry("OVERDUE", "Quá hạn"),
              Map.entry("MET", "Hoàn thành đúng hạn"),
              Map.entry("MISSED", "Hoàn thành quá hạn"),
              Map.entry("started", "bắt đầu"),
              Map.entry("completed", "hoàn thành"),
              Map.entry("lienThongKhaiSinh", "Liên thông khai sinh, thường trú, cấp thẻ BHYT"),
              Map.entry("lienThongKhaiTu", "Liên thông khai tử, xóa thường trú, trợ cấp mai táng"),
              Map.entry("other", "English")),
          "en",
          Map.ofEntries(
              Map.entry("title", "Look up an inter-agency case"),
              Map.entry("code", "Case code"),
              Map.entry("digits", "Last 4 digits of the filer's personal ID"),
              Map.entry("look", "Look up"),
              Map.entry("notFound", "No case with this code and these 4 digits. Please check."),
              Map.entry("procedure", "Procedure"),
              Map.entry("status", "Status"),
              Map.entry("filed", "Filed"),
              Map.entry("due", "Due"),
              Map.entry("sla", "Time limit"),
              Map.entry("history", "History"),
              Map.entry("at", "When"),
              Map.entry("step", "Step"),
              Map.entry("state", "State"),
              Map.entry("IN_PROGRESS", "In progress"),
              Map.entry("WAITING_FOR_OPERATOR", "Waiting for an officer"),
              Map.entry("COMPLETED", "Completed"),
              Map.entry("COMPENSATED", "Could not be completed; the steps done were undone"),
              Map.entry("CANCELLED", "Cancelled"),
              Map.entry("ON_TIME", "On time"),
              Map.entry("AT_RISK", "Due soon"),
              Map.entry("OVERDUE", "Overdue"),
              Map.entry("MET", "Done on time"),
              Map.entry("MISSED", "Done late"),
              Map.entry("started", "started"),
              Map.entry("completed", "completed"),
              Map.entry(
                  "lienThongKhaiSinh",
                  "Birth registration, permanent residence, health-insurance card"),
              Map.entry(
                  "lienThongKhaiTu",
                  "Death registration, residence deregistration, funeral allowance"),
              Map.entry("other", "Tiếng Việt")));

  public CasePage {
    if (!TEXT.containsKey(lang)) {
      throw new IllegalArgumentException("lang is vi or en");
    }
  }

  /** The page's text for {@code key} in its language; the key itself when it has none. */
  public String t(String key) {
    return TEXT.get(lang).getOrDefault(key, key);
  }

  /** The other language's code, for the switch link. */
  public String otherLang() {
    return lang.equals("vi") ? "en" : "vi";
  }

  public boolean notFound() {
    return asked && view.isEmpty();
  }

  /** A time as Vietnam's clock shows it. */
  public static String when(Instant at) {
    return WHEN.format(at.atZone(VIETNAM));
  }
}
