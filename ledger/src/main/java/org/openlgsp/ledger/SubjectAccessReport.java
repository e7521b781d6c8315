package org.openlgsp.ledger;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * "Who accessed my data": every recorded access to a data subject's records, each with its
 * inclusion proof (or why there is none yet). The subject appears only masked; the report is the
 * JSON of {@code GET /ledger/v1/subjects/{id}/accesses} and renders as the page a citizen reads.
 */
public record SubjectAccessReport(String subject, int accessCount, List<Access> accesses) {
  public SubjectAccessReport {
    Objects.requireNonNull(subject, "subject");
    accesses = List.copyOf(accesses);
    if (accessCount != accesses.size()) {
      throw new IllegalArgumentException("accessCount must be the number of accesses");
    }
  }

  SubjectAccessReport(String subject, List<Access> accesses) {
    this(subject, accesses.size(), accesses);
  }

  /**
   * One access: who (agency, system, officer), why (purpose), when, its outcome and its proof.
   * {@code record} is the ledger record's canonical bytes (base64), whose leaf hash the proof
   * includes, so a reader offline can check that the fields shown are the ones recorded. {@code
   * errorCode} is why the gateway refused the access (empty when it was served); {@code consentId}
   * and {@code consentDigest} name the consent the provider gateway checked (empty when the grant
   * requires none); {@code findings} is the recorded leak-detector summary. All four are empty in
   * an answer from a gateway that predates them.
   */
  public record Access(
      long index,
      Instant time,
      String agency,
      String agencyCode,
      String system,
      String service,
      Side side,
      String officer,
      String purpose,
      int status,
      String leafHash,
      String record,
      Proof proof,
      // left out when empty: the JSON of an access without them is what it always was
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
          String errorCode,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
          String consentId,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
          String consentDigest,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
          String findings) {
    public Access {
      errorCode = errorCode == null ? "" : errorCode;
      consentId = consentId == null ? "" : consentId;
      consentDigest = consentDigest == null ? "" : consentDigest;
      findings = findings == null ? "" : findings;
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(agency, "agency");
      Objects.requireNonNull(agencyCode, "agencyCode");
      Objects.requireNonNull(system, "system");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(side, "side");
      Objects.requireNonNull(officer, "officer");
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(leafHash, "leafHash");
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(proof, "proof");
    }
  }

  /** An access's proof: its inclusion in a published checkpoint, or not yet. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
  @JsonSubTypes({@JsonSubTypes.Type(InclusionProof.class), @JsonSubTypes.Type(Pending.class)})
  public sealed interface Proof permits InclusionProof, Pending {}

  /** Recorded, not yet covered by a published checkpoint. */
  public record Pending(String pending) implements Proof {
    static final Pending NOT_YET =
        new Pending("recorded; not yet covered by a published checkpoint");

    public Pending {
      Objects.requireNonNull(pending, "pending");
    }
  }

  /** The report as a page (Vietnamese and English). */
  public String html() {
    StringBuilder b = new StringBuilder();
    b.append("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">")
        .append("<title>Ai đã truy cập dữ liệu của tôi / Who accessed my data</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #999;padding:.3em .6em;text-align:left}")
        .append("code{font-size:.8em;word-break:break-all}</style></head><body>")
        .append("<h1>Ai đã truy cập dữ liệu của tôi / Who accessed my data</h1>")
        .append("<p>Số định danh / Personal ID: ")
        .append(esc(subject))
        .append(" — ")
        .append(accesses.size())
        .append(" lượt truy cập / accesses</p>")
        .append("<table><tr><th>#</th><th>Thời gian / Time</th><th>Cơ quan / Agency</th>")
        .append("<th>Hệ thống / System</th><th>Cán bộ / Officer</th>")
        .append("<th>Mục đích / Purpose</th><th>Kết quả / Status</th>")
        .append("<th>Đồng ý / Consent</th><th>Phát hiện rò rỉ / Leak findings</th>")
        .append("<th>Bằng chứng / Proof</th></tr>");
    for (Access a : accesses) {
      row(
          b,
          Long.toString(a.index()),
          esc(a.time().toString()),
          esc(a.agency()),
          esc(a.system()),
          esc(a.officer()),
          esc(a.purpose()),
          a.errorCode().isEmpty()
              ? Integer.toString(a.status())
              : a.status() + " — từ chối / refused: " + esc(a.errorCode()),
          a.consentId().isEmpty() ? "—" : esc(a.consentId()),
          a.findings().isEmpty() ? "—" : esc(a.findings()),
          switch (a.proof()) {
            case InclusionProof p -> "included in checkpoint of size " + p.treeSize();
            case Pending p -> esc(p.pending());
          });
    }
    b.append("</table><p>Each access is a record in the gateway's verifiable ledger. The JSON")
        .append(" form of this report carries, for every access, its inclusion proof and the")
        .append(" signed checkpoint; verify them with <code>lgsp ledger verify</code>.</p>")
        .append("</body></html>");
    return b.toString();
  }

  /** A table row of cells already escaped (or markup). */
  static void row(StringBuilder b, String... cells) {
    b.append("<tr>");
    for (String c : cells) {
      b.append("<td>").append(c).append("</td>");
    }
    b.append("</tr>");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
