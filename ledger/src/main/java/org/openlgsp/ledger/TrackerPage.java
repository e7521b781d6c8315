package org.openlgsp.ledger;

/** The citizen's page of a {@link TrackerReport}: Vietnamese, with English beside it. */
final class TrackerPage {
  private TrackerPage() {}

  private static String esc(String s) {
    return SubjectAccessReport.esc(s);
  }

  /** A consent, its withdrawal and what the consent log proves of it. */
  private static String consent(TrackerReport.Consent k) {
    StringBuilder b =
        new StringBuilder(esc(k.category() + " (" + k.id() + ")"))
            .append(" ")
            .append(esc(k.validFrom() + " – " + k.validTo()));
    if (k.withdrawnAt() != null) {
      b.append(" — rút lại / withdrawn ").append(esc(k.withdrawnAt().toString()));
    }
    for (ConsentLog.Change c : k.changes()) {
      b.append("<br/>sổ đồng ý / consent log #")
          .append(c.index())
          .append(" ")
          .append(esc(c.action()))
          .append(" ")
          .append(esc(c.at().toString()))
          .append(
              switch (c.proof()) {
                case InclusionProof p -> " (điểm kiểm tra / checkpoint " + p.treeSize() + ")";
                case SubjectAccessReport.Pending p -> " (chưa có / pending)";
              });
    }
    if (!k.changes().isEmpty() && !k.matches()) {
      b.append("<br/><span class=\"warn\">không khớp sổ đồng ý / does not match the consent log")
          .append("</span>");
    }
    return b.toString();
  }

  static String html(TrackerReport r) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"/>")
        .append("<title>Báo cáo truy cập dữ liệu cá nhân / Personal data access report</title>")
        .append("<style>body{font-family:'DejaVu Sans',sans-serif;margin:2em;font-size:11px}")
        .append("table{border-collapse:collapse;width:100%}")
        .append("td,th{border:1px solid #999;padding:.3em .5em;text-align:left}")
        .append(".warn{color:#a00;font-weight:bold}</style></head><body>")
        .append("<h1>Báo cáo truy cập dữ liệu cá nhân</h1>")
        .append("<p><i>Personal data access report</i></p>")
        .append("<p>Số định danh cá nhân / Personal ID: <b>")
        .append(esc(r.subject()))
        .append("</b><br/>Thời điểm lập / Generated: ")
        .append(esc(r.generatedAt().toString()))
        .append("<br/>Người tra cứu / Requested by: ")
        .append(esc(r.requester()))
        .append(" — mục đích / purpose: ")
        .append(esc(r.purpose()))
        .append("<br/>Số lượt truy cập / Accesses: ")
        .append(r.accessCount())
        .append("</p>");
    if (!r.complete()) {
      b.append("<p class=\"warn\">Báo cáo chưa đầy đủ: một số cổng kết nối không trả lời.")
          .append(" / Incomplete: some gateways did not answer.</p>");
    }
    b.append("<h2>Cổng kết nối / Gateways</h2><table><tr><th>Cổng / Gateway</th>")
        .append("<th>Trạng thái / Status</th><th>Lượt / Accesses</th><th>Lý do / Reason</th></tr>");
    for (TrackerReport.GatewayAnswer g : r.gateways()) {
      SubjectAccessReport.row(
          b,
          esc(g.node()),
          switch (g.status()) {
            case ANSWERED -> "đã trả lời / answered";
            case NOT_ANSWERED -> "<span class=\"warn\">không trả lời / did not answer</span>";
            case NOT_CONFIGURED ->
                "<span class=\"warn\">chưa kết nối / not connected to the tracker</span>";
          },
          Integer.toString(g.accesses()),
          esc(g.reason()));
    }
    b.append("</table><h2>Các lượt truy cập / Accesses</h2><table><tr>")
        .append("<th>Thời gian / Time</th><th>Cơ quan / Agency</th><th>Hệ thống / System</th>")
        .append("<th>Dịch vụ / Service</th><th>Cán bộ / Officer</th><th>Mục đích / Purpose</th>")
        .append("<th>Kết quả / Status</th><th>Đồng ý đã kiểm tra / Consent checked</th>")
        .append("<th>Đồng ý / Consents</th><th>Phát hiện rò rỉ / Leak findings</th>")
        .append("<th>Sổ cái / Ledger</th><th>Bằng chứng / Proof</th></tr>");
    for (TrackerReport.Entry e : r.accesses()) {
      SubjectAccessReport.Access a = e.access();
      SubjectAccessReport.row(
          b,
          esc(a.time().toString()),
          esc(a.agency()),
          esc(a.system()),
          esc(a.service()),
          esc(a.officer()),
          esc(a.purpose()),
          a.errorCode().isEmpty()
              ? Integer.toString(a.status())
              : a.status() + " — từ chối / refused: " + esc(a.errorCode()),
          a.consentId().isEmpty()
              ? "—"
              : esc(a.consentId()) + "<br/><code>" + esc(a.consentDigest()) + "</code>",
          e.consents().isEmpty()
              ? "—"
              : String.join("<br/>", e.consents().stream().map(TrackerPage::consent).toList()),
          a.findings().isEmpty() ? "—" : esc(a.findings()),
          esc(e.gateway()) + " #" + a.index(),
          switch (a.proof()) {
            case InclusionProof p ->
                "trong điểm kiểm tra cỡ / in checkpoint of size " + p.treeSize();
            case SubjectAccessReport.Pending p -> "chưa có / pending";
          });
    }
    b.append("</table><h2>Các lần tra cứu trước / Earlier look-ups of this report</h2><table>")
        .append("<tr><th>Thời gian / Time</th><th>Người tra cứu / By</th>")
        .append("<th>Mục đích / Purpose</th><th>Kết quả / Outcome</th></tr>");
    for (TrackerReport.Lookup l : r.lookups()) {
      SubjectAccessReport.row(
          b, esc(l.at().toString()), esc(l.requester()), esc(l.purpose()), esc(l.outcome()));
    }
    b.append("</table><p>Mỗi lượt truy cập là một bản ghi trong sổ cái có thể kiểm chứng của cổng")
        .append(" kết nối. Bản JSON của báo cáo này chứa bằng chứng và điểm kiểm tra đã ký;")
        .append(" kiểm tra bằng <code>lgsp ledger verify-report</code>.<br/>")
        .append("<i>Each access is a record in its gateway's verifiable ledger. The JSON form of")
        .append(" this report carries the inclusion proofs and signed checkpoints; check it with")
        .append(" <code>lgsp ledger verify-report</code>.</i></p></body></html>");
    return b.toString();
  }
}
