package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EdxmlCodecTest {

  @ParameterizedTest
  @ValueSource(strings = {"edoc_replacement.edxml", "status.edxml"})
  void sharedSamplesReEmitWithTheSameContent(String sample) {
    byte[] original = Samples.read(sample);
    EdxmlCodec.Parsed parsed = EdxmlCodec.parse(original);
    byte[] emitted = EdxmlCodec.write(parsed.pkg());
    EdxmlCodec.Parsed again = EdxmlCodec.parse(emitted);

    assertThat(Samples.leaves(again.dom().getDocumentElement()))
        .isNotEmpty()
        .containsExactlyElementsOf(Samples.leaves(parsed.dom().getDocumentElement()));
  }

  @Test
  void documentSampleBindsEveryHeaderPart() {
    DocumentPackage doc =
        (DocumentPackage) EdxmlCodec.parse(Samples.read("edoc_replacement.edxml")).pkg();
    Edxml.DocumentHeader h = doc.header();

    assertThat(doc.fromOrganId()).isEqualTo("000.00.00.G22");
    assertThat(doc.recipientIds())
        .containsExactly("000.00.00.H41", "000.00.00.H14", "000.00.00.G17");
    assertThat(doc.documentId()).isEqualTo("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT");
    assertThat(h.code.full()).isEqualTo("7816/VPCP-TTĐT");
    assertThat(h.promulgationInfo.promulgationDate).isEqualTo("2018/09/28");
    assertThat(h.documentType.typeName).isEqualTo("Công văn");
    assertThat(h.signerInfo.competence).isEqualTo("TL. BO TRUONG");
    assertThat(h.dueDate).isEqualTo("2018/09/28");
    assertThat(h.otherInfo.priority).isEqualTo("0");
    assertThat(h.otherInfo.appendixes).hasSize(1);
    assertThat(h.steeringType).isEqualTo("1");
    assertThat(h.toPlaces).hasSize(2);
    assertThat(doc.businessType()).isEqualTo(BusinessType.REPLACE);
    assertThat(doc.business().orElseThrow().replacementInfoList).hasSize(2);
    assertThat(doc.targetDocumentId()).isEqualTo("000.00.00.G22,2014/01/30,7806/VPCP-TTĐT");
    assertThat(doc.root().envelope.body.manifest.references).hasSize(1);
    assertThat(doc.attachments())
        .singleElement()
        .satisfies(a -> assertThat(a.contentType).isEqualTo("application/zip"));
    assertThat(doc.root().envelope.header.any)
        .singleElement()
        .satisfies(e -> assertThat(e.getLocalName()).isEqualTo("Signature"));
  }

  @Test
  void statusSampleBindsItsStatusHeader() {
    StatusPackage status = (StatusPackage) EdxmlCodec.parse(Samples.read("status.edxml")).pkg();

    assertThat(status.fromOrganId()).isEqualTo("000.00.00.H41");
    assertThat(status.statusCode()).isEqualTo("01");
    assertThat(StatusCode.fromCode(status.statusCode())).contains(StatusCode.ARRIVED);
    assertThat(status.documentId()).isEqualTo("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT");
    assertThat(status.originalSenderId()).isEqualTo("000.00.00.G22");
    assertThat(status.header().staffInfo.staff).isEqualTo("Nguyễn Thị Ngọc Trâm");
    assertThat(status.header().timestamp).isEqualTo("2018/09/28 17:25:11");
  }
}
