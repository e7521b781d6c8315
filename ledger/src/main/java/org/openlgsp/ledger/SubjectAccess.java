package org.openlgsp.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PersonalId;

/**
 * "Who accessed my data": every ledger record whose subject hash is the keyed hash of a personal
 * ID, each with its inclusion proof against the latest checkpoint, as JSON and as a page.
 */
public final class SubjectAccess {
  private final LedgerReader reader;
  private final SubjectHasher hasher;
  private final Function<ClientId, String> agencyNames;

  public SubjectAccess(
      LedgerReader reader, SubjectHasher hasher, Function<ClientId, String> agencyNames) {
    this.reader = reader;
    this.hasher = hasher;
    this.agencyNames = agencyNames;
  }

  /** One access with its proof (or why there is none yet). */
  record Access(LedgerEntry entry, String agency, Map<String, Object> proof) {}

  record Report(PersonalId subject, List<Access> accesses) {
    Map<String, Object> json() {
      List<Map<String, Object>> items = new ArrayList<>();
      for (Access a : accesses) {
        ExchangeRecord r = a.entry().record();
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("index", a.entry().index());
        item.put("time", r.requestTime().toString());
        item.put("agency", a.agency());
        item.put("agencyCode", r.client().memberId().toString());
        item.put("system", r.client().toString());
        item.put("service", r.service().toString());
        item.put("side", r.side().name());
        item.put("officer", r.userId());
        item.put("purpose", r.issue());
        item.put("status", r.status());
        item.put("leafHash", org.openlgsp.core.Digests.base64(a.entry().leafHash()));
        item.put("proof", a.proof());
        items.add(item);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("subject", subject.masked());
      out.put("accessCount", accesses.size());
      out.put("accesses", items);
      return out;
    }

    String html() {
      StringBuilder b = new StringBuilder();
      b.append("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">")
          .append("<title>Ai đã truy cập dữ liệu của tôi / Who accessed my data</title>")
          .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
          .append("td,th{border:1px solid #999;padding:.3em .6em;text-align:left}")
          .append("code{font-size:.8em;word-break:break-all}</style></head><body>")
          .append("<h1>Ai đã truy cập dữ liệu của tôi / Who accessed my data</h1>")
          .append("<p>Số định danh / Personal ID: ")
          .append(esc(subject.masked()))
          .append(" — ")
          .append(accesses.size())
          .append(" lượt truy cập / accesses</p>")
          .append("<table><tr><th>#</th><th>Thời gian / Time</th><th>Cơ quan / Agency</th>")
          .append("<th>Hệ thống / System</th><th>Cán bộ / Officer</th>")
          .append("<th>Mục đích / Purpose</th><th>Kết quả / Status</th><th>Bằng chứng / Proof</th>")
          .append("</tr>");
      for (Access a : accesses) {
        ExchangeRecord r = a.entry().record();
        b.append("<tr><td>")
            .append(a.entry().index())
            .append("</td><td>")
            .append(esc(r.requestTime().toString()))
            .append("</td><td>")
            .append(esc(a.agency()))
            .append("</td><td>")
            .append(esc(r.client().toString()))
            .append("</td><td>")
            .append(esc(r.userId()))
            .append("</td><td>")
            .append(esc(r.issue()))
            .append("</td><td>")
            .append(r.status())
            .append("</td><td>")
            .append(
                a.proof().containsKey("checkpoint")
                    ? "included in checkpoint of size " + a.proof().get("treeSize")
                    : esc(String.valueOf(a.proof().get("pending"))))
            .append("</td></tr>");
      }
      b.append("</table><p>Each access is a record in the gateway's verifiable ledger. The JSON")
          .append(" form of this report carries, for every access, its inclusion proof and the")
          .append(" signed checkpoint; verify them with <code>lgsp ledger verify</code>.</p>")
          .append("</body></html>");
      return b.toString();
    }
  }

  Report report(PersonalId subject) {
    List<Access> out = new ArrayList<>();
    for (LedgerEntry e : reader.bySubjectHash(hasher.hash(subject.value()))) {
      Map<String, Object> proof;
      try {
        proof = LedgerOps.inclusion(reader, e.index(), OptionalLong.empty());
      } catch (LgspException notYet) {
        if (notYet.code() != ErrorCode.RESOURCE_NOT_FOUND) {
          throw notYet;
        }
        proof = Map.of("pending", "recorded; not yet covered by a published checkpoint");
      }
      out.add(new Access(e, agencyNames.apply(e.record().client().memberId()), proof));
    }
    return new Report(subject, out);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
