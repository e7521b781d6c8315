package org.openlgsp.documents;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openlgsp.core.AgencyCode;

/**
 * Checks a package against QCVN 102 rules and collects every problem, so a sender fixes them all at
 * once. Problems name the element and never echo long input.
 */
final class Validation {
  private static final int MAX_ID = 256;

  private Validation() {}

  /** What a package's check found: problems refuse it, warnings are tolerated deviations. */
  record Result(List<String> problems, List<ValidationWarning> warnings) {
    Result {
      problems = List.copyOf(problems);
      warnings = List.copyOf(warnings);
    }
  }

  /** Problems and warnings collected while checking one package. */
  private static final class Findings {
    final List<String> out = new ArrayList<>();
    final List<ValidationWarning> warnings = new ArrayList<>();

    void warn(ValidationWarning.Kind kind, String element, String detail) {
      warnings.add(new ValidationWarning(kind, element, detail));
    }
  }

  /**
   * Refuses the package with all its problems, signature ones included; otherwise returns the
   * deviations it tolerated (signature ones included).
   */
  public static List<ValidationWarning> require(
      EdxmlPackage pkg, SignatureCheck signature, boolean signatureRequired) {
    Result r = check(pkg);
    List<String> problems = new ArrayList<>(r.problems());
    List<ValidationWarning> warnings = new ArrayList<>(r.warnings());
    if (signature.present()) {
      problems.addAll(signature.problems());
      signature
          .warnings()
          .forEach(
              w ->
                  warnings.add(
                      new ValidationWarning(
                          ValidationWarning.Kind.SIGNATURE_FORM, "Signature", w)));
    } else if (signatureRequired) {
      problems.add("Signature: the package is not signed");
    }
    if (!problems.isEmpty()) {
      throw new InvalidPackageException(problems);
    }
    return List.copyOf(warnings);
  }

  public static List<String> problems(EdxmlPackage pkg) {
    return check(pkg).problems();
  }

  static Result check(EdxmlPackage pkg) {
    Findings f = new Findings();
    switch (pkg) {
      case DocumentPackage d -> document(d, f);
      case StatusPackage s -> status(s, f.out);
    }
    return new Result(f.out, f.warnings);
  }

  private static void document(DocumentPackage d, Findings f) {
    List<String> out = f.out;
    Edxml.DocumentHeader h = d.header();
    organ("From", h.from, out);
    if (h.to.isEmpty()) {
      out.add("To: missing recipient (at least one To is required)");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < h.to.size(); i++) {
      organ("To[" + (i + 1) + "]", h.to.get(i), out);
      if (h.to.get(i).organId != null && !seen.add(h.to.get(i).organId.trim())) {
        out.add("To[" + (i + 1) + "]: recipient listed twice");
      }
    }
    id("DocumentId", h.documentId, out);
    if (h.code == null || blank(h.code.codeNumber) || blank(h.code.codeNotation)) {
      out.add("Code: CodeNumber and CodeNotation are required");
    }
    LocalDate promulgated = null;
    if (h.promulgationInfo == null) {
      out.add("PromulgationInfo: missing");
    } else {
      promulgated =
          date("PromulgationInfo/PromulgationDate", h.promulgationInfo.promulgationDate, out);
    }
    if (blank(h.subject)) {
      out.add("Subject: missing");
    }
    if (h.documentType != null) {
      integer("DocumentType/Type", h.documentType.type, 0, 99, false, out);
    }
    if (h.dueDate != null && !h.dueDate.isBlank()) {
      LocalDate due = date("DueDate", h.dueDate, out);
      if (due != null && promulgated != null && due.isBefore(promulgated)) {
        // occurs in real traffic (the VXP SDK's own edoc_new sample): a deadline is advice to
        // the recipient's clerk, not something the axis acts on
        f.warn(
            ValidationWarning.Kind.DUE_DATE_BEFORE_PROMULGATION,
            "DueDate",
            "before the promulgation date");
      }
    }
    if (h.otherInfo != null) {
      integer("OtherInfo/Priority", h.otherInfo.priority, 0, 4, false, out);
    }
    integer("SteeringType", h.steeringType, 0, 2, false, out);
    for (int i = 0; i < h.responseFor.size(); i++) {
      Edxml.ResponseFor r = h.responseFor.get(i);
      if (isEmpty(r)) {
        continue; // an empty <ResponseFor/> occurs in real documents: it replies to nothing
      }
      agency("ResponseFor[" + (i + 1) + "]/OrganId", r.organId, out);
      if (!blank(r.promulgationDate)) {
        date("ResponseFor[" + (i + 1) + "]/PromulgationDate", r.promulgationDate, out);
      }
    }
    trace(d, f);
    attachments(d, f);
  }

  /** A ResponseFor without any content: the same as none. */
  static boolean isEmpty(Edxml.ResponseFor r) {
    return r == null
        || (blank(r.organId) && blank(r.code) && blank(r.documentId) && blank(r.promulgationDate));
  }

  private static void trace(DocumentPackage d, Findings f) {
    List<String> out = f.out;
    Edxml.TraceHeaderList t = d.root().envelope.header.traceHeaderList;
    if (t == null) {
      // QCVN 102's text was not available to check whether it is mandatory; every real document
      // carries one, but nothing in this package is ambiguous without it: a new document.
      f.warn(
          ValidationWarning.Kind.TRACE_HEADER_LIST_MISSING,
          "TraceHeaderList",
          "missing; read as a new document (business type 0)");
      return;
    }
    for (int i = 0; i < t.traceHeaders.size(); i++) {
      Edxml.TraceHeader th = t.traceHeaders.get(i);
      String where = "TraceHeader[" + (i + 1) + "]/OrganId";
      if (blank(th.organId)) {
        out.add(where + ": missing");
      } else if (!AgencyCode.isValid(th.organId.trim())) {
        // written by the axes the package crossed, not by its sender, and never used to route
        f.warn(
            ValidationWarning.Kind.TRACE_ORGAN_ID_FORM,
            where,
            "'" + printable(th.organId) + "' is not a Decision 20/2020 code NNN.NN.NN.XNN");
      }
      timestamp("TraceHeader[" + (i + 1) + "]/Timestamp", th.timestamp, out);
    }
    if (t.business == null) {
      return;
    }
    String type = t.business.bussinessDocType == null ? "" : t.business.bussinessDocType;
    var bt = BusinessType.fromCode(type);
    if (bt.isEmpty()) {
      out.add("Bussiness/BussinessDocType: '" + printable(type) + "' is not 0, 1, 2 or 3");
    } else if (bt.get() == BusinessType.REVOKE
        && d.targetDocumentId().equals(d.documentId())
        && blank(t.business.documentId)) {
      // VXP SDK packages and agencies' systems name the revoked document in MessageHeader only
      f.warn(
          ValidationWarning.Kind.REVOKE_TARGET_IN_MESSAGE_HEADER,
          "Bussiness/DocumentId",
          "missing; the revoke acts on MessageHeader/DocumentId");
    } else if (bt.get() != BusinessType.NEW
        && d.targetDocumentId().equals(d.documentId())
        && blank(t.business.documentId)) {
      out.add(
          "Bussiness/DocumentId: a "
              + bt.get().name().toLowerCase(java.util.Locale.ROOT)
              + " must name the document it acts on");
    }
    integer("Bussiness/Paper", t.business.paper, 0, 1, false, out);
  }

  private static void attachments(DocumentPackage d, Findings f) {
    List<String> out = f.out;
    // content id without a leading "cid:" -> as written; a manifest Reference names its
    // attachment by a cid: URL, which RFC 2392 §2 resolves to the Content-ID without the scheme
    Map<String, String> manifest = new LinkedHashMap<>();
    Edxml.Body body = d.root().envelope.body;
    if (body != null && body.manifest != null) {
      for (Edxml.Reference r : body.manifest.references) {
        String cid = String.valueOf(r.contentId).trim();
        manifest.put(contentKey(cid), cid);
      }
    }
    Map<String, String> attached = new LinkedHashMap<>();
    for (Edxml.Attachment a : d.attachments()) {
      String cid = String.valueOf(a.contentId).trim();
      attached.put(contentKey(cid), cid);
      if (blank(a.attachmentName)) {
        out.add("Attachment " + printable(cid) + ": AttachmentName missing");
      }
      if (a.contentTransferEncoded == null || !isBase64(a.contentTransferEncoded)) {
        out.add("Attachment " + printable(cid) + ": ContentTransferEncoded is not base64");
      }
    }
    for (Map.Entry<String, String> m : manifest.entrySet()) {
      String written = attached.get(m.getKey());
      if (written == null) {
        out.add("Manifest: Reference " + printable(m.getValue()) + " has no attachment");
      } else if (!written.equals(m.getValue())) {
        f.warn(
            ValidationWarning.Kind.CONTENT_ID_FORM,
            "Attachment " + printable(written) + "/ContentId",
            "written without the cid: its manifest Reference "
                + printable(m.getValue())
                + " carries (matched as RFC 2392 resolves a cid: URL)");
      }
    }
    for (Map.Entry<String, String> a : attached.entrySet()) {
      if (!manifest.containsKey(a.getKey())) {
        out.add("Attachment " + printable(a.getValue()) + ": not listed in the manifest");
      }
    }
  }

  /** A content id as RFC 2392 compares it: without a leading {@code cid:} (any case). */
  private static String contentKey(String cid) {
    return cid.regionMatches(true, 0, "cid:", 0, 4) ? cid.substring(4) : cid;
  }

  private static void status(StatusPackage s, List<String> out) {
    Edxml.StatusHeader h = s.header();
    organ("From", h.from, out);
    if (isEmpty(h.responseFor)) {
      out.add("ResponseFor: missing (which document does this status report on?)");
    } else {
      agency("ResponseFor/OrganId", h.responseFor.organId, out);
      id("ResponseFor/DocumentId", h.responseFor.documentId, out);
      if (!blank(h.responseFor.promulgationDate)) {
        date("ResponseFor/PromulgationDate", h.responseFor.promulgationDate, out);
      }
    }
    String code = h.statusCode == null ? "" : h.statusCode.trim();
    if (StatusCode.fromCode(code).isEmpty()) {
      out.add("StatusCode: unknown status code '" + printable(code) + "'");
    }
    timestamp("Timestamp", h.timestamp, out);
  }

  private static void organ(String where, Edxml.Organization o, List<String> out) {
    if (o == null) {
      out.add(where + ": missing");
      return;
    }
    agency(where + "/OrganId", o.organId, out);
  }

  private static void agency(String where, String value, List<String> out) {
    if (blank(value)) {
      out.add(where + ": missing");
    } else if (!AgencyCode.isValid(value.trim())) {
      out.add(where + ": '" + printable(value) + "' is not a Decision 20/2020 code NNN.NN.NN.XNN");
    }
  }

  private static void id(String where, String value, List<String> out) {
    if (blank(value)) {
      out.add(where + ": missing");
    } else if (value.length() > MAX_ID) {
      out.add(where + ": longer than " + MAX_ID + " characters");
    }
  }

  private static LocalDate date(String where, String value, List<String> out) {
    try {
      return LocalDate.parse(value == null ? "" : value.trim(), Packages.DATE);
    } catch (DateTimeParseException e) {
      out.add(where + ": '" + printable(value) + "' is not a date yyyy/MM/dd");
      return null;
    }
  }

  private static void timestamp(String where, String value, List<String> out) {
    try {
      LocalDateTime.parse(value == null ? "" : value.trim(), Packages.TIMESTAMP);
    } catch (DateTimeParseException e) {
      out.add(where + ": '" + printable(value) + "' is not a timestamp yyyy/MM/dd HH:mm:ss");
    }
  }

  private static void integer(
      String where, String value, int min, int max, boolean required, List<String> out) {
    if (blank(value)) {
      if (required) {
        out.add(where + ": missing");
      }
      return;
    }
    try {
      int v = Integer.parseInt(value.trim());
      if (v < min || v > max) {
        out.add(where + ": " + v + " is outside " + min + ".." + max);
      }
    } catch (NumberFormatException e) {
      out.add(where + ": '" + printable(value) + "' is not a number");
    }
  }

  /** Base64 alphabet, padding and whitespace only (a loop: a regex here cost 10% of CPU). */
  static boolean isBase64(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      if (!isBase64(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The characters of base64 content (with MIME line breaks). A table rather than a chain of range
   * tests: attachment content is random, so each test's branch was mispredicted; JFR had this check
   * at a tenth of the axis's CPU, 5 ns per character (now under 1).
   */
  private static final boolean[] BASE64 = new boolean[128];

  static {
    for (char c = 'A'; c <= 'Z'; c++) {
      BASE64[c] = true;
      BASE64[Character.toLowerCase(c)] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      BASE64[c] = true;
    }
    for (char c : "+/= \n\r\t".toCharArray()) {
      BASE64[c] = true;
    }
  }

  static boolean isBase64(char c) {
    return c < BASE64.length && BASE64[c];
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  static String printable(String s) {
    String v = String.valueOf(s);
    v = v.length() > 40 ? v.substring(0, 40) + "…" : v;
    return v.replaceAll("\\p{Cntrl}", "?");
  }
}
