package org.openlgsp.documents;

import jakarta.xml.bind.annotation.XmlAnyElement;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlElementWrapper;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.XmlType;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/**
 * The Jakarta XML Binding of an edXML package (QCVN 102:2016/BTTTT). Element names follow the
 * standard, including its spellings ({@code Bussiness}, {@code TyperNotation}). Values stay strings
 * so that a package re-emits as received; {@link Validation} checks their form. Optional elements
 * are {@code null} when absent: these are binding types, read through {@link DocumentPackage} and
 * {@link StatusPackage} accessors by the rest of the code.
 */
public final class Edxml {
  public static final String NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

  private Edxml() {}

  /** A sending or receiving organisation (items 1.1, 1.2). */
  @XmlType(
      propOrder = {
        "organId",
        "organizationInCharge",
        "organName",
        "organAdd",
        "email",
        "telephone",
        "fax",
        "website"
      })
  public static final class Organization {
    @XmlElement(name = "OrganId")
    public String organId;

    @XmlElement(name = "OrganizationInCharge")
    public String organizationInCharge;

    @XmlElement(name = "OrganName")
    public String organName;

    @XmlElement(name = "OrganAdd")
    public String organAdd;

    @XmlElement(name = "Email")
    public String email;

    @XmlElement(name = "Telephone")
    public String telephone;

    @XmlElement(name = "Fax")
    public String fax;

    @XmlElement(name = "Website")
    public String website;

    public Organization() {}

    public Organization(String organId, String organName) {
      this.organId = organId;
      this.organName = organName;
      this.organizationInCharge = organName;
    }
  }

  /** Số and ký hiệu (item 1.3). */
  @XmlType(propOrder = {"codeNumber", "codeNotation"})
  public static final class Code {
    @XmlElement(name = "CodeNumber")
    public String codeNumber;

    @XmlElement(name = "CodeNotation")
    public String codeNotation;

    /** The full "số/ký hiệu" form, e.g. {@code 7816/VPCP-TTĐT}. */
    public String full() {
      return codeNumber + "/" + codeNotation;
    }
  }

  /** Place and date of promulgation (item 1.4). */
  @XmlType(propOrder = {"place", "promulgationDate"})
  public static final class PromulgationInfo {
    @XmlElement(name = "Place")
    public String place;

    @XmlElement(name = "PromulgationDate")
    public String promulgationDate;
  }

  /** Document type (item 1.5). */
  @XmlType(propOrder = {"type", "typeDetail", "typeName"})
  public static final class DocumentType {
    @XmlElement(name = "Type")
    public String type;

    @XmlElement(name = "TypeDetail")
    public String typeDetail;

    @XmlElement(name = "TypeName")
    public String typeName;
  }

  /** Signer (item 1.8). */
  @XmlType(propOrder = {"competence", "position", "fullName"})
  public static final class SignerInfo {
    @XmlElement(name = "Competence")
    public String competence;

    @XmlElement(name = "Position")
    public String position;

    @XmlElement(name = "FullName")
    public String fullName;
  }

  /** Other information (item 1.11): priority, circulation scope, amounts, appendixes. */
  @XmlType(
      propOrder = {
        "priority",
        "sphereOfPromulgation",
        "typerNotation",
        "promulgationAmount",
        "pageAmount",
        "direction",
        "appendixes"
      })
  public static final class OtherInfo {
    @XmlElement(name = "Priority")
    public String priority;

    @XmlElement(name = "SphereOfPromulgation")
    public String sphereOfPromulgation;

    @XmlElement(name = "TyperNotation")
    public String typerNotation;

    @XmlElement(name = "PromulgationAmount")
    public String promulgationAmount;

    @XmlElement(name = "PageAmount")
    public String pageAmount;

    @XmlElement(name = "Direction")
    public String direction;

    @XmlElementWrapper(name = "Appendixes")
    @XmlElement(name = "Appendix")
    public List<String> appendixes;
  }

  /**
   * The document replied to (item 1.12), or the document a status reports on. Written in the order
   * every real package has (OrganId, Code, DocumentId, PromulgationDate), which sequence-based
   * parsers of other systems expect; read in any order. An empty {@code <ResponseFor/>} counts as
   * none ({@link Validation#isEmpty}).
   */
  @XmlType(propOrder = {"organId", "code", "documentId", "promulgationDate"})
  public static final class ResponseFor {
    @XmlElement(name = "OrganId")
    public String organId;

    @XmlElement(name = "Code")
    public String code;

    @XmlElement(name = "PromulgationDate")
    public String promulgationDate;

    @XmlElement(name = "DocumentId")
    public String documentId;
  }

  /** The handling clerk (item 2.2.5, and status packages), written in the real samples' order. */
  @XmlType(propOrder = {"department", "staff", "email", "mobile"})
  public static final class StaffInfo {
    @XmlElement(name = "Department")
    public String department;

    @XmlElement(name = "Staff")
    public String staff;

    @XmlElement(name = "Mobile")
    public String mobile;

    @XmlElement(name = "Email")
    public String email;
  }

  /** Header of a document package (items 1.1 to 1.14). */
  @XmlType(
      propOrder = {
        "from",
        "to",
        "documentId",
        "code",
        "promulgationInfo",
        "documentType",
        "subject",
        "content",
        "signerInfo",
        "dueDate",
        "otherInfo",
        "steeringType",
        "toPlaces",
        "responseFor"
      })
  public static final class DocumentHeader {
    @XmlElement(name = "From")
    public Organization from;

    @XmlElement(name = "To")
    public List<Organization> to = new ArrayList<>();

    @XmlElement(name = "DocumentId")
    public String documentId;

    @XmlElement(name = "Code")
    public Code code;

    @XmlElement(name = "PromulgationInfo")
    public PromulgationInfo promulgationInfo;

    @XmlElement(name = "DocumentType")
    public DocumentType documentType;

    @XmlElement(name = "Subject")
    public String subject;

    @XmlElement(name = "Content")
    public String content;

    @XmlElement(name = "SignerInfo")
    public SignerInfo signerInfo;

    @XmlElement(name = "DueDate")
    public String dueDate;

    @XmlElement(name = "OtherInfo")
    public OtherInfo otherInfo;

    @XmlElement(name = "SteeringType")
    public String steeringType;

    @XmlElementWrapper(name = "ToPlaces")
    @XmlElement(name = "Place")
    public List<String> toPlaces;

    @XmlElement(name = "ResponseFor")
    public List<ResponseFor> responseFor = new ArrayList<>();
  }

  /** A hop record (TraceHeader). */
  @XmlType(propOrder = {"organId", "timestamp"})
  public static final class TraceHeader {
    @XmlElement(name = "OrganId")
    public String organId;

    @XmlElement(name = "Timestamp")
    public String timestamp;
  }

  /** A receiver added or removed by an update (item 2.2.3). */
  @XmlType(propOrder = {"organId", "receiverType"})
  public static final class Receiver {
    @XmlElement(name = "OrganId")
    public String organId;

    @XmlElement(name = "ReceiverType")
    public String receiverType;
  }

  /** What an update changes (item 2.2.3). */
  @XmlType(propOrder = {"documentInfo", "documentReceiver", "receiverList"})
  public static final class BusinessDocumentInfo {
    @XmlElement(name = "DocumentInfo")
    public String documentInfo;

    @XmlElement(name = "DocumentReceiver")
    public String documentReceiver;

    @XmlElementWrapper(name = "ReceiverList")
    @XmlElement(name = "Receiver")
    public List<Receiver> receiverList;
  }

  /** A replaced document and who had received it (item 2.2.8). */
  @XmlType(propOrder = {"documentId", "organIdList"})
  public static final class ReplacementInfo {
    @XmlElement(name = "DocumentId")
    public String documentId;

    @XmlElementWrapper(name = "OrganIdList")
    @XmlElement(name = "OrganId")
    public List<String> organIdList;
  }

  /** The business action of the package (item 2.2): new, revoke, update or replace. */
  @XmlType(
      propOrder = {
        "bussinessDocType",
        "bussinessDocReason",
        "documentId",
        "paper",
        "bussinessDocumentInfo",
        "replacementInfoList",
        "staffInfo"
      })
  public static final class Business {
    @XmlElement(name = "BussinessDocType")
    public String bussinessDocType;

    @XmlElement(name = "BussinessDocReason")
    public String bussinessDocReason;

    @XmlElement(name = "DocumentId")
    public String documentId;

    @XmlElement(name = "Paper")
    public String paper;

    @XmlElement(name = "BussinessDocumentInfo")
    public BusinessDocumentInfo bussinessDocumentInfo;

    @XmlElementWrapper(name = "ReplacementInfoList")
    @XmlElement(name = "ReplacementInfo")
    public List<ReplacementInfo> replacementInfoList;

    @XmlElement(name = "StaffInfo")
    public StaffInfo staffInfo;
  }

  /** Trace headers and the business block (item 2). */
  @XmlType(propOrder = {"traceHeaders", "business"})
  public static final class TraceHeaderList {
    @XmlElement(name = "TraceHeader")
    public List<TraceHeader> traceHeaders = new ArrayList<>();

    @XmlElement(name = "Bussiness")
    public Business business;
  }

  /** One manifest entry. */
  @XmlType(propOrder = {"contentId", "contentType", "description", "attachmentName"})
  public static final class Reference {
    @XmlAttribute(name = "href", namespace = "http://www.w3.org/1999/xlink")
    public String href;

    @XmlElement(name = "ContentId")
    public String contentId;

    @XmlElement(name = "ContentType")
    public String contentType;

    @XmlElement(name = "Description")
    public String description;

    @XmlElement(name = "AttachmentName")
    public String attachmentName;
  }

  /** The manifest listing the attachments. */
  public static final class Manifest {
    @XmlAttribute(name = "version")
    public String version = "1.0";

    @XmlElement(name = "Reference")
    public List<Reference> references = new ArrayList<>();
  }

  /** The body: the manifest. */
  public static final class Body {
    @XmlElement(name = "edXMLManifest")
    public Manifest manifest = new Manifest();
  }

  /** One attachment, base64 in {@code ContentTransferEncoded}. */
  @XmlType(
      propOrder = {
        "contentId",
        "attachmentName",
        "description",
        "contentType",
        "contentTransferEncoded"
      })
  public static final class Attachment {
    @XmlElement(name = "ContentId")
    public String contentId;

    @XmlElement(name = "AttachmentName")
    public String attachmentName;

    @XmlElement(name = "Description")
    public String description;

    @XmlElement(name = "ContentType")
    public String contentType;

    @XmlElement(name = "ContentTransferEncoded")
    public String contentTransferEncoded;
  }

  /** The attachments of a document package. */
  public static final class AttachmentEncoded {
    @XmlElement(name = "Attachment")
    public List<Attachment> attachments = new ArrayList<>();
  }

  /** Header of a document package; {@code any} keeps the Signature and unknown elements. */
  @XmlType(propOrder = {"messageHeader", "traceHeaderList", "any"})
  public static final class DocumentEdxmlHeader {
    @XmlElement(name = "MessageHeader")
    public DocumentHeader messageHeader = new DocumentHeader();

    @XmlElement(name = "TraceHeaderList")
    public TraceHeaderList traceHeaderList;

    @XmlAnyElement public List<Element> any = new ArrayList<>();
  }

  /** The envelope of a document package. */
  @XmlType(propOrder = {"header", "body"})
  public static final class DocumentEnvelope {
    @XmlElement(name = "edXMLHeader")
    public DocumentEdxmlHeader header = new DocumentEdxmlHeader();

    @XmlElement(name = "edXMLBody")
    public Body body;
  }

  /** Root of a document package. */
  @XmlRootElement(name = "edXML")
  @XmlType(
      name = "DocumentEdxml",
      propOrder = {"envelope", "attachmentEncoded"})
  public static final class DocumentRoot {
    @XmlElement(name = "edXMLEnvelope")
    public DocumentEnvelope envelope = new DocumentEnvelope();

    @XmlElement(name = "AttachmentEncoded")
    public AttachmentEncoded attachmentEncoded;
  }

  /** Header of a status package (MessageStatus). */
  @XmlType(
      propOrder = {"from", "responseFor", "staffInfo", "statusCode", "description", "timestamp"})
  public static final class StatusHeader {
    @XmlElement(name = "From")
    public Organization from;

    @XmlElement(name = "ResponseFor")
    public ResponseFor responseFor;

    @XmlElement(name = "StaffInfo")
    public StaffInfo staffInfo;

    @XmlElement(name = "StatusCode")
    public String statusCode;

    @XmlElement(name = "Description")
    public String description;

    @XmlElement(name = "Timestamp")
    public String timestamp;
  }

  /** Header of a status package; {@code any} keeps a Signature and unknown elements. */
  @XmlType(propOrder = {"messageHeader", "any"})
  public static final class StatusEdxmlHeader {
    @XmlElement(name = "MessageHeader")
    public StatusHeader messageHeader = new StatusHeader();

    @XmlAnyElement public List<Element> any = new ArrayList<>();
  }

  /** The envelope of a status package. */
  public static final class StatusEnvelope {
    @XmlElement(name = "edXMLHeader")
    public StatusEdxmlHeader header = new StatusEdxmlHeader();
  }

  /** Root of a status package. */
  @XmlRootElement(name = "edXML")
  @XmlType(name = "StatusEdxml")
  public static final class StatusRoot {
    @XmlElement(name = "edXMLEnvelope")
    public StatusEnvelope envelope = new StatusEnvelope();
  }
}
