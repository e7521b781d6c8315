package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.Problem;
import org.w3c.dom.Document;

class ValidationTest {

  @Test
  void wellFormedNewDocumentHasNoProblems() {
    assertThat(Validation.problems(TestKeys.document("1"))).isEmpty();
  }

  @Test
  void sharedSamplesValidateExceptTheirKnownBadOrganCode() {
    assertThat(Validation.problems(EdxmlCodec.parse(Samples.read("status.edxml")).pkg())).isEmpty();
    // The replacement sample's third recipient "000.00.00.G17" is well formed; it validates.
    assertThat(Validation.problems(EdxmlCodec.parse(Samples.read("edoc_replacement.edxml")).pkg()))
        .isEmpty();
  }

  @Test
  void everyProblemOfADocumentIsListed() {
    DocumentPackage d = TestKeys.document("2");
    d.header().to.clear();
    d.header().from.organId = "01.02.G22";
    d.header().promulgationInfo.promulgationDate = "2026-13-40";
    d.header().dueDate = "yesterday";
    d.header().otherInfo.priority = "9";
    d.root().envelope.header.traceHeaderList.business.bussinessDocType = "7";

    assertThat(Validation.problems(d))
        .containsExactlyInAnyOrder(
            "To: missing recipient (at least one To is required)",
            "From/OrganId: '01.02.G22' is not a Decision 20/2020 code NNN.NN.NN.XNN",
            "PromulgationInfo/PromulgationDate: '2026-13-40' is not a date yyyy/MM/dd",
            "DueDate: 'yesterday' is not a date yyyy/MM/dd",
            "OtherInfo/Priority: 9 is outside 0..4",
            "Bussiness/BussinessDocType: '7' is not 0, 1, 2 or 3");
  }

  @Test
  void unknownStatusCodeAndBadTimestampAreListed() {
    StatusPackage s =
        Packages.status(
            TestKeys.document("3"),
            TestKeys.DEPARTMENT,
            StatusCode.ACCEPTED,
            "ok",
            "Văn thư",
            java.time.Instant.now());
    s.header().statusCode = "99";
    s.header().timestamp = "2026/11/23";

    assertThat(Validation.problems(s))
        .containsExactlyInAnyOrder(
            "StatusCode: unknown status code '99'",
            "Timestamp: '2026/11/23' is not a timestamp yyyy/MM/dd HH:mm:ss");
  }

  @Test
  void updateWithoutTargetAndAttachmentMismatchAreListed() {
    DocumentPackage d = TestKeys.document("4");
    Packages.attach(d, "a.pdf", "application/pdf", new byte[] {1, 2, 3});
    d.root().envelope.body.manifest.references.get(0).contentId = "cid:other";
    d.root().envelope.header.traceHeaderList.business.bussinessDocType = "2";

    assertThat(Validation.problems(d))
        .containsExactlyInAnyOrder(
            "Bussiness/DocumentId: a update must name the document it acts on",
            "Manifest: Reference cid:other has no attachment",
            "Attachment cid:1: not listed in the manifest");
  }

  @Test
  void signatureMismatchIsRefusedAsProblemJsonWithEveryProblem() throws Exception {
    DocumentPackage d = TestKeys.document("5");
    Document dom = EdxmlCodec.toDom(d);
    XmlSignatures.sign(dom, TestKeys.rsa("x"));
    String tampered =
        new String(SecureXml.serialize(dom), StandardCharsets.UTF_8)
            .replace(
                "<edXML:OrganId>000.00.15.H41</edXML:OrganId>",
                "<edXML:OrganId>15.H41</edXML:OrganId>");
    EdxmlCodec.Parsed parsed = EdxmlCodec.parse(tampered.getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(
            () -> Validation.require(parsed.pkg(), XmlSignatures.verify(parsed.dom()), true))
        .isInstanceOfSatisfying(
            InvalidPackageException.class,
            e -> {
              Problem p = e.toProblem();
              assertThat(p.status()).isEqualTo(422);
              assertThat(p.code()).isEqualTo(ErrorCode.DOCUMENT_INVALID.code());
              assertThat(p.errors())
                  .containsExactly(
                      "To[1]/OrganId: '15.H41' is not a Decision 20/2020 code NNN.NN.NN.XNN",
                      "signature mismatch: the package content was changed after signing");
              assertThat(new String(Json.write(p), StandardCharsets.UTF_8))
                  .contains("\"errors\":[");
            });
  }

  @Test
  void unsignedPackageIsRefusedWhenSignaturesAreRequired() {
    DocumentPackage d = TestKeys.document("6");
    assertThatThrownBy(() -> Validation.require(d, XmlSignatures.verify(EdxmlCodec.toDom(d)), true))
        .isInstanceOfSatisfying(
            InvalidPackageException.class,
            e -> assertThat(e.problems()).containsExactly("Signature: the package is not signed"));
  }

  @Test
  void base64CharactersAreExactlyTheAlphabetPaddingAndLineBreaks() {
    String allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \n\r\t";
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      assertThat(Validation.isBase64((char) c)).as("U+%04X", c).isEqualTo(allowed.indexOf(c) >= 0);
    }
    assertThat(Validation.isBase64("QUJD\r\nREVG==")).isTrue();
    assertThat(Validation.isBase64("QUJD-REVG")).isFalse();
    assertThat(Validation.isBase64("QUJDĀ")).isFalse();
  }
}
