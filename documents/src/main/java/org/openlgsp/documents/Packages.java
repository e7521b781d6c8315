package org.openlgsp.documents;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openlgsp.core.AgencyCode;

/** Builds new packages with the forms QCVN 102 expects (dates, document id, business block). */
public final class Packages {
  static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu/MM/dd");
  static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu/MM/dd HH:mm:ss");
  static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");

  private Packages() {}

  /**
   * The essentials of a new official document. {@code names} gives the recipients' names, as the
   * sending agency knows them (the axis holds no names), for their OrganName; a recipient without
   * one is named by its code.
   */
  public record NewDocument(
      AgencyCode from,
      String fromName,
      List<AgencyCode> to,
      String codeNumber,
      String codeNotation,
      LocalDate promulgated,
      String subject,
      String content,
      String signer,
      Map<AgencyCode, String> names) {
    public NewDocument(
        AgencyCode from,
        String fromName,
        List<AgencyCode> to,
        String codeNumber,
        String codeNotation,
        LocalDate promulgated,
        String subject,
        String content,
        String signer) {
      this(
          from,
          fromName,
          to,
          codeNumber,
          codeNotation,
          promulgated,
          subject,
          content,
          signer,
          Map.of());
    }

    public NewDocument {
      names = Map.copyOf(names);
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(fromName, "fromName");
      to = List.copyOf(to);
      Objects.requireNonNull(codeNumber, "codeNumber");
      Objects.requireNonNull(codeNotation, "codeNotation");
      Objects.requireNonNull(promulgated, "promulgated");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(signer, "signer");
    }

    /** The document id in the observed form {@code issuer,yyyy/MM/dd,số/ký hiệu}. */
    public String documentId() {
      return from + "," + DATE.format(promulgated) + "," + codeNumber + "/" + codeNotation;
    }
  }

  public static DocumentPackage document(NewDocument d, Instant now) {
    Edxml.DocumentRoot root = new Edxml.DocumentRoot();
    Edxml.DocumentHeader h = root.envelope.header.messageHeader;
    h.from = new Edxml.Organization(d.from().value(), d.fromName());
    for (AgencyCode to : d.to()) {
      h.to.add(new Edxml.Organization(to.value(), d.names().getOrDefault(to, to.value())));
    }
    h.documentId = d.documentId();
    h.code = new Edxml.Code();
    h.code.codeNumber = d.codeNumber();
    h.code.codeNotation = d.codeNotation();
    h.promulgationInfo = new Edxml.PromulgationInfo();
    h.promulgationInfo.place = "";
    h.promulgationInfo.promulgationDate = DATE.format(d.promulgated());
    h.documentType = new Edxml.DocumentType();
    h.documentType.type = "2";
    h.documentType.typeName = "Công văn";
    h.subject = d.subject();
    h.content = d.content();
    h.signerInfo = new Edxml.SignerInfo();
    h.signerInfo.fullName = d.signer();
    h.otherInfo = new Edxml.OtherInfo();
    h.otherInfo.priority = "0";
    h.steeringType = "0";
    Edxml.TraceHeaderList trace = new Edxml.TraceHeaderList();
    Edxml.TraceHeader hop = new Edxml.TraceHeader();
    hop.organId = d.from().value();
    hop.timestamp = TIMESTAMP.format(now.atZone(VIETNAM));
    trace.traceHeaders.add(hop);
    trace.business = new Edxml.Business();
    trace.business.bussinessDocType = BusinessType.NEW.code();
    trace.business.paper = "0";
    root.envelope.header.traceHeaderList = trace;
    root.envelope.body = new Edxml.Body();
    return new DocumentPackage(root);
  }

  /** Adds an attachment (plain base64 of the file, with its real media type). */
  public static void attach(DocumentPackage doc, String name, String contentType, byte[] content) {
    Edxml.DocumentRoot root = doc.root();
    if (root.envelope.body == null) {
      root.envelope.body = new Edxml.Body();
    }
    if (root.attachmentEncoded == null) {
      root.attachmentEncoded = new Edxml.AttachmentEncoded();
    }
    String cid = "cid:" + (root.attachmentEncoded.attachments.size() + 1);
    Edxml.Reference ref = new Edxml.Reference();
    ref.contentId = cid;
    ref.contentType = contentType;
    ref.description = name;
    ref.attachmentName = name;
    root.envelope.body.manifest.references.add(ref);
    Edxml.Attachment a = new Edxml.Attachment();
    a.contentId = cid;
    a.attachmentName = name;
    a.contentType = contentType;
    a.contentTransferEncoded = Base64.getMimeEncoder().encodeToString(content);
    root.attachmentEncoded.attachments.add(a);
  }

  /** Turns a document into a business action on an earlier one (revoke, update or replace). */
  public static void actOn(DocumentPackage doc, BusinessType type, String targetId, String reason) {
    Edxml.Business b = doc.business().orElseThrow();
    b.bussinessDocType = type.code();
    b.bussinessDocReason = reason;
    b.documentId = targetId;
    if (type == BusinessType.REPLACE) {
      Edxml.ReplacementInfo info = new Edxml.ReplacementInfo();
      info.documentId = targetId;
      info.organIdList = doc.recipientIds();
      b.replacementInfoList = new java.util.ArrayList<>(List.of(info));
    }
  }

  /**
   * A status message from {@code reporter} about {@code original}, the reporter named as the
   * original's sender named it in its To list (an OrganName that is more than the code); otherwise
   * by its code — pass the name with {@link #status(DocumentPackage, AgencyCode, String,
   * StatusCode, String, String, Instant)} when the caller knows it.
   */
  public static StatusPackage status(
      DocumentPackage original,
      AgencyCode reporter,
      StatusCode code,
      String description,
      String staff,
      Instant now) {
    String name =
        original.header().to.stream()
            .filter(o -> reporter.value().equals(Objects.toString(o.organId, "").trim()))
            .map(o -> Objects.toString(o.organName, "").trim())
            .filter(n -> !n.isEmpty() && !n.equals(reporter.value()))
            .findFirst()
            .orElse(reporter.value());
    return status(original, reporter, name, code, description, staff, now);
  }

  /** A status message from {@code reporter} (named {@code reporterName}) about {@code original}. */
  public static StatusPackage status(
      DocumentPackage original,
      AgencyCode reporter,
      String reporterName,
      StatusCode code,
      String description,
      String staff,
      Instant now) {
    Edxml.StatusRoot root = new Edxml.StatusRoot();
    Edxml.StatusHeader h = root.envelope.header.messageHeader;
    h.from = new Edxml.Organization(reporter.value(), named(reporter, reporterName));
    h.responseFor = new Edxml.ResponseFor();
    h.responseFor.organId = original.fromOrganId();
    Edxml.DocumentHeader oh = original.header();
    h.responseFor.code = oh.code == null ? "" : oh.code.full();
    h.responseFor.promulgationDate =
        oh.promulgationInfo == null ? "" : oh.promulgationInfo.promulgationDate;
    h.responseFor.documentId = original.documentId();
    h.staffInfo = new Edxml.StaffInfo();
    h.staffInfo.staff = staff;
    h.statusCode = code.code();
    h.description = description == null || description.isBlank() ? code.description() : description;
    h.timestamp = TIMESTAMP.format(now.atZone(VIETNAM));
    return new StatusPackage(root);
  }

  /**
   * A status message about a document known only by its id and sender (the CLI's case); an empty
   * {@code reporterName} names the reporter by its code.
   */
  public static StatusPackage status(
      String documentId,
      AgencyCode originalSender,
      AgencyCode reporter,
      String reporterName,
      StatusCode code,
      String description,
      String staff,
      Instant now) {
    Edxml.StatusRoot root = new Edxml.StatusRoot();
    Edxml.StatusHeader h = root.envelope.header.messageHeader;
    h.from = new Edxml.Organization(reporter.value(), named(reporter, reporterName));
    h.responseFor = new Edxml.ResponseFor();
    h.responseFor.organId = originalSender.value();
    h.responseFor.documentId = documentId;
    h.staffInfo = new Edxml.StaffInfo();
    h.staffInfo.staff = staff;
    h.statusCode = code.code();
    h.description = description == null || description.isBlank() ? code.description() : description;
    h.timestamp = TIMESTAMP.format(now.atZone(VIETNAM));
    return new StatusPackage(root);
  }

  private static String named(AgencyCode agency, String name) {
    return name == null || name.isBlank() ? agency.value() : name.strip();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
