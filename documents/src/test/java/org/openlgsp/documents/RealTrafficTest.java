package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.AgencyCode;

/**
 * What real packages from the national axis's SDK and agencies' systems carry, built from the
 * shared samples by targeted edits: tolerated with a typed warning, or refused with a message that
 * says why. Each test also checks what must still be refused.
 */
class RealTrafficTest {
  private static final String SAMPLE =
      new String(Samples.read("edoc_replacement.edxml"), StandardCharsets.UTF_8)
          .replace("\r\n", "\n"); // the sample has CRLF line ends

  private static String edit(String xml, String from, String to) {
    assertThat(xml).as("sample contains the text to edit").contains(from);
    return xml.replace(from, to);
  }

  private static Validation.Result check(String xml) {
    return Validation.check(EdxmlCodec.parse(xml.getBytes(StandardCharsets.UTF_8)).pkg());
  }

  private static List<ValidationWarning.Kind> kinds(Validation.Result r) {
    return r.warnings().stream().map(ValidationWarning::kind).toList();
  }

  /** The replacement sample turned into a revoke that names its document only in MessageHeader. */
  private static String revokeNamedInMessageHeaderOnly() {
    String xml = edit(SAMPLE, "<edXML:BussinessDocType>3<", "<edXML:BussinessDocType>1<");
    int from = xml.indexOf("<edXML:ReplacementInfoList>");
    int to = xml.indexOf("</edXML:ReplacementInfoList>") + "</edXML:ReplacementInfoList>".length();
    return xml.substring(0, from) + xml.substring(to);
  }

  @Test
  void theSampleIsCleanApartFromItsSignatureForm() {
    assertThat(check(SAMPLE).problems()).isEmpty();
    assertThat(check(SAMPLE).warnings()).isEmpty();
  }

  /**
   * Further public edXML material (issue 13): a public edXML builder written after the VXP .NET
   * SDK's sample {@code edoc_new.edxml} (seen in a public repository through code search; its
   * licence is not stated, so nothing of it is copied here) writes packages whose shape differs
   * from the shared samples in these ways, each rebuilt here by an edit: the root also declares
   * {@code xmlns:xsi} and {@code xmlns:xsd}; {@code TraceHeaderList} carries SOAP-style attributes
   * ({@code id}, {@code version}, {@code mustUnderstand="1"}, {@code actor}); an unsigned package
   * holds an empty {@code <edXML:DigitalSignature/>} where a signature would go; the manifest's
   * {@code Reference} carries xlink attributes; empty {@code Appendix}, {@code Mobile} and {@code
   * Email} elements. None of it is a problem or a deviation.
   */
  @Test
  void aPackageInTheShapeOfAPublicSdkBuilderIsClean() {
    String xml =
        edit(
            SAMPLE,
            "<edXML xmlns=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">",
            "<edXML xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
                + " xmlns=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">");
    xml =
        edit(
            xml,
            "<edXML:TraceHeaderList>",
            "<edXML:TraceHeaderList id=\"9f2c41d0\" version=\"1.0\" mustUnderstand=\"1\""
                + " actor=\"http://schemas.xmlsoap.org/soap/actor/next\">");
    int from = xml.indexOf("<Signature>");
    int to = xml.indexOf("</Signature>") + "</Signature>".length();
    xml = xml.substring(0, from) + "<edXML:DigitalSignature/>" + xml.substring(to);
    xml =
        edit(
            xml,
            "<edXML:Reference>",
            "<edXML:Reference xmlns:xlink=\"http://www.w3.org/1999/xlink\" xlink:href=\"cid:209\""
                + " xlink:role=\"XLinkRole\" xlink:type=\"simple\">");
    xml =
        edit(
            xml,
            "<edXML:Appendix>Công văn về việc kết nối, liên thông phần mềm quản lý văn bản</edXML:Appendix>",
            "<edXML:Appendix></edXML:Appendix>");
    xml = edit(xml, "<edXML:Mobile>84912000001</edXML:Mobile>", "<edXML:Mobile></edXML:Mobile>");
    xml = edit(xml, "<edXML:Email>vanthuvanphong@gov.vn</edXML:Email>", "<edXML:Email/>");
    // the attachment's ContentId without the "cid:" its manifest Reference carries
    xml = edit(xml, "      <ContentId>cid:209</ContentId>", "      <ContentId>209</ContentId>");

    Validation.Result r = check(xml);
    assertThat(r.problems()).isEmpty();
    assertThat(kinds(r)).containsExactly(ValidationWarning.Kind.CONTENT_ID_FORM);
    assertThat(r.warnings().getFirst().toString())
        .isEqualTo(
            "Attachment 209/ContentId: written without the cid: its manifest Reference cid:209"
                + " carries (matched as RFC 2392 resolves a cid: URL)");
    DocumentPackage d =
        (DocumentPackage) EdxmlCodec.parse(xml.getBytes(StandardCharsets.UTF_8)).pkg();
    assertThat(d.businessType()).isEqualTo(BusinessType.REPLACE);

    // what must still be refused beside it: a manifest naming another attachment
    Validation.Result other =
        check(
            edit(
                xml,
                "<edXML:ContentId>cid:209</edXML:ContentId>",
                "<edXML:ContentId>cid:210</edXML:ContentId>"));
    assertThat(other.problems())
        .containsExactlyInAnyOrder(
            "Manifest: Reference cid:210 has no attachment",
            "Attachment 209: not listed in the manifest");
    // and the same ids written alike (the shared samples' form) are no deviation at all
    Validation.Result alike =
        check(
            edit(xml, "      <ContentId>209</ContentId>", "      <ContentId>cid:209</ContentId>"));
    assertThat(alike.problems()).isEmpty();
    assertThat(alike.warnings()).isEmpty();
  }

  @Test
  void aRevokeNamingItsDocumentOnlyInMessageHeaderIsAcceptedWithAWarning() {
    String xml = revokeNamedInMessageHeaderOnly();
    assertThat(xml).doesNotContain("ReplacementInfo").doesNotContain("Bussiness>\n<edXML:Doc");
    DocumentPackage d =
        (DocumentPackage) EdxmlCodec.parse(xml.getBytes(StandardCharsets.UTF_8)).pkg();
    assertThat(d.businessType()).isEqualTo(BusinessType.REVOKE);
    assertThat(d.targetDocumentId()).isEqualTo("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT");
    Validation.Result r = check(xml);
    assertThat(r.problems()).isEmpty();
    assertThat(kinds(r)).containsExactly(ValidationWarning.Kind.REVOKE_TARGET_IN_MESSAGE_HEADER);

    // an update still has to say what it updates
    Validation.Result update = check(edit(xml, "DocType>1<", "DocType>2<"));
    assertThat(update.problems())
        .containsExactly("Bussiness/DocumentId: a update must name the document it acts on");
  }

  @Test
  void traceHeaderOrganIdsOutsideDecision20FormAreWarnedNotRefused() {
    String xml =
        edit(
            SAMPLE,
            "<edXML:TraceHeader>\n          <edXML:OrganId>000.00.00.G22<",
            "<edXML:TraceHeader>\n          <edXML:OrganId>01.02.G22<");
    xml =
        edit(
            xml,
            "</edXML:TraceHeader>",
            "</edXML:TraceHeader>\n        <edXML:TraceHeader>\n"
                + "          <edXML:OrganId>001.00.20.TT2</edXML:OrganId>\n"
                + "          <edXML:Timestamp>2018/09/28 00:00:05</edXML:Timestamp>\n"
                + "        </edXML:TraceHeader>");
    Validation.Result r = check(xml);
    assertThat(r.problems()).isEmpty();
    assertThat(r.warnings())
        .extracting(ValidationWarning::kind, ValidationWarning::element)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                ValidationWarning.Kind.TRACE_ORGAN_ID_FORM, "TraceHeader[1]/OrganId"),
            org.assertj.core.groups.Tuple.tuple(
                ValidationWarning.Kind.TRACE_ORGAN_ID_FORM, "TraceHeader[2]/OrganId"));
    assertThat(r.warnings().get(1).detail()).contains("'001.00.20.TT2'");

    // routing codes stay strict: the same value as sender or recipient is refused
    String from =
        edit(
            SAMPLE,
            "<edXML:From>\n          <edXML:OrganId>000.00.00.G22<",
            "<edXML:From>\n          <edXML:OrganId>01.02.G22<");
    assertThat(check(from).problems())
        .containsExactly("From/OrganId: '01.02.G22' is not a Decision 20/2020 code NNN.NN.NN.XNN");
    // and a trace header without any OrganId is still a problem
    String blank =
        edit(
            SAMPLE,
            "<edXML:TraceHeader>\n          <edXML:OrganId>000.00.00.G22</edXML:OrganId>",
            "<edXML:TraceHeader>\n          <edXML:OrganId> </edXML:OrganId>");
    assertThat(check(blank).problems()).containsExactly("TraceHeader[1]/OrganId: missing");
  }

  @Test
  void anEmptyResponseForIsTreatedAsAbsent() {
    String xml =
        edit(SAMPLE, "</edXML:ToPlaces>\n", "</edXML:ToPlaces>\n        <edXML:ResponseFor/>\n");
    DocumentPackage d =
        (DocumentPackage) EdxmlCodec.parse(xml.getBytes(StandardCharsets.UTF_8)).pkg();
    assertThat(d.header().responseFor).hasSize(1);
    assertThat(check(xml).problems()).isEmpty();
    // a ResponseFor with content is still checked
    String partial =
        edit(
            SAMPLE,
            "</edXML:ToPlaces>\n",
            "</edXML:ToPlaces>\n        <edXML:ResponseFor><edXML:Code>1/X</edXML:Code>"
                + "</edXML:ResponseFor>\n");
    assertThat(check(partial).problems()).containsExactly("ResponseFor[1]/OrganId: missing");
    // a status must report on something: an empty ResponseFor is a missing one
    String status =
        new String(Samples.read("status.edxml"), StandardCharsets.UTF_8).replace("\r\n", "\n");
    int from = status.indexOf("<edXML:ResponseFor>");
    int to = status.indexOf("</edXML:ResponseFor>") + "</edXML:ResponseFor>".length();
    String empty = status.substring(0, from) + "<edXML:ResponseFor/>" + status.substring(to);
    assertThat(check(empty).problems())
        .containsExactly("ResponseFor: missing (which document does this status report on?)");
  }

  @Test
  void aDueDateBeforeThePromulgationDateIsAWarning() {
    String xml = edit(SAMPLE, "<edXML:DueDate>2018/09/28<", "<edXML:DueDate>2018/09/20<");
    Validation.Result r = check(xml);
    assertThat(r.problems()).isEmpty();
    assertThat(kinds(r)).containsExactly(ValidationWarning.Kind.DUE_DATE_BEFORE_PROMULGATION);
    // a DueDate that is not a date is still refused
    assertThat(check(edit(SAMPLE, "<edXML:DueDate>2018/09/28<", "<edXML:DueDate>soon<")).problems())
        .containsExactly("DueDate: 'soon' is not a date yyyy/MM/dd");
  }

  @Test
  void aDocumentWithoutTraceHeaderListIsANewDocumentWithAWarning() {
    int from = SAMPLE.indexOf("<edXML:TraceHeaderList>");
    int to = SAMPLE.indexOf("</edXML:TraceHeaderList>") + "</edXML:TraceHeaderList>".length();
    String xml = SAMPLE.substring(0, from) + SAMPLE.substring(to);
    DocumentPackage d =
        (DocumentPackage) EdxmlCodec.parse(xml.getBytes(StandardCharsets.UTF_8)).pkg();
    assertThat(d.businessType()).isEqualTo(BusinessType.NEW);
    Validation.Result r = check(xml);
    assertThat(r.problems()).isEmpty();
    assertThat(kinds(r)).containsExactly(ValidationWarning.Kind.TRACE_HEADER_LIST_MISSING);
  }

  @Test
  void aSignatureWhoseCertificateCannotBeDecodedSaysSo() {
    // the SDK sample itself carries a truncated certificate placeholder
    EdxmlCodec.Parsed sample = EdxmlCodec.parse(Samples.read("edoc_replacement.edxml"));
    assertThat(XmlSignatures.verify(sample.dom()).problems())
        .containsExactly(
            "Signature KeyInfo/X509Data/X509Certificate[1]: the signer's certificate cannot be"
                + " decoded as an X.509 certificate (8 bytes)");
    EdxmlCodec.Parsed notBase64 =
        EdxmlCodec.parse(
            edit(SAMPLE, ">MIIFqTCCBJG<", ">MIIF*TCCBJG<").getBytes(StandardCharsets.UTF_8));
    assertThat(XmlSignatures.verify(notBase64.dom()).problems())
        .containsExactly(
            "Signature KeyInfo/X509Data/X509Certificate[1]: the signer's certificate is not"
                + " base64");
    // a Signature broken elsewhere keeps the general message
    EdxmlCodec.Parsed broken =
        EdxmlCodec.parse(
            edit(SAMPLE, "<SignatureValue>", "<SignatureValue><Oops/>")
                .replace("<X509Certificate>MIIFqTCCBJG<", "<X509Certificate>" + validCert() + "<")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(XmlSignatures.verify(broken.dom()).problems())
        .containsExactly("Signature element is malformed");
  }

  private static String validCert() {
    try {
      return java.util.Base64.getEncoder()
          .encodeToString(TestKeys.rsa("cert").certificate().getEncoded());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void statusPackagesOpenLgspWritesFollowTheRealSamplesOrderLanguageAndNames() {
    DocumentPackage doc =
        Packages.document(
            new Packages.NewDocument(
                TestKeys.PROVINCE,
                "UBND tỉnh Nghệ An",
                List.of(TestKeys.DEPARTMENT),
                "11",
                "UBND-VX",
                java.time.LocalDate.of(2026, 11, 23),
                "V/v thử",
                "Nội dung",
                "Nguyễn Văn A",
                java.util.Map.of(TestKeys.DEPARTMENT, "Sở Nội vụ tỉnh Nghệ An")),
            Instant.parse("2026-11-23T03:00:00Z"));
    String to = new String(EdxmlCodec.write(doc), StandardCharsets.UTF_8);
    assertThat(to).contains("<edXML:OrganName>Sở Nội vụ tỉnh Nghệ An</edXML:OrganName>");

    StatusPackage s =
        Packages.status(
            doc, TestKeys.DEPARTMENT, StatusCode.ACCEPTED, "", "Văn thư", Instant.now());
    s.header().staffInfo.department = "Văn thư văn phòng";
    s.header().staffInfo.email = "vanthu@example.gov.vn";
    s.header().staffInfo.mobile = "84912000001";
    String xml = new String(EdxmlCodec.write(s), StandardCharsets.UTF_8);
    assertThat(order(xml, "ResponseFor", "OrganId", "Code", "DocumentId", "PromulgationDate"))
        .isTrue();
    assertThat(order(xml, "StaffInfo", "Department", "Staff", "Email", "Mobile")).isTrue();
    assertThat(xml)
        .contains(
            "<edXML:Description>Đã tiếp nhận - Văn thư đã vào sổ văn bản đến</edXML:Description>")
        .contains("<edXML:OrganName>Sở Nội vụ tỉnh Nghệ An</edXML:OrganName>")
        .contains(
            "<edXML:OrganizationInCharge>Sở Nội vụ tỉnh Nghệ An</edXML:OrganizationInCharge>");
    assertThat(Validation.problems(s)).isEmpty();

    // the CLI's case: named as given, by its code when no name is known
    StatusPackage named =
        Packages.status(
            doc.documentId(),
            TestKeys.PROVINCE,
            AgencyCode.parse("000.00.00.G22"),
            "Văn phòng Chính phủ",
            StatusCode.ARRIVED,
            "",
            "Văn thư",
            Instant.now());
    assertThat(named.header().from.organName).isEqualTo("Văn phòng Chính phủ");
    assertThat(named.header().description)
        .isEqualTo("Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý");
    StatusPackage unnamed =
        Packages.status(
            doc.documentId(),
            TestKeys.PROVINCE,
            AgencyCode.parse("000.00.00.G22"),
            "",
            StatusCode.ARRIVED,
            "Đã nhận",
            "Văn thư",
            Instant.now());
    assertThat(unnamed.header().from.organName).isEqualTo("000.00.00.G22");
    assertThat(unnamed.header().description).isEqualTo("Đã nhận");
    // and the real status sample, read and written again, keeps its order
    String again =
        new String(
            EdxmlCodec.write(EdxmlCodec.parse(Samples.read("status.edxml")).pkg()),
            StandardCharsets.UTF_8);
    assertThat(order(again, "ResponseFor", "OrganId", "Code", "DocumentId", "PromulgationDate"))
        .isTrue();
  }

  /** True when the children of the first {@code parent} element appear in exactly this order. */
  private static boolean order(String xml, String parent, String... children) {
    int start = xml.indexOf("<edXML:" + parent + ">");
    int end = xml.indexOf("</edXML:" + parent + ">", start);
    String inner = xml.substring(start, end);
    var m = java.util.regex.Pattern.compile("<edXML:(\\w+)>").matcher(inner);
    List<String> seen = new java.util.ArrayList<>();
    while (m.find()) {
      if (!m.group(1).equals(parent)) {
        seen.add(m.group(1));
      }
    }
    return seen.equals(List.of(children));
  }
}
