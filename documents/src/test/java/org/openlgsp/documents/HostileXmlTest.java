package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * Hostile packages are refused fast, without reading files, expanding entities or exhausting
 * memory.
 */
class HostileXmlTest {

  private static LgspException refusal(String xml) {
    long start = System.nanoTime();
    try {
      EdxmlCodec.parse(xml.getBytes(StandardCharsets.UTF_8));
    } catch (LgspException e) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      return e;
    }
    throw new AssertionError("hostile package was accepted");
  }

  @Test
  @Timeout(10)
  void externalEntityIsRefusedAndTheFileIsNeverRead(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
    String xml =
        "<?xml version=\"1.0\"?><!DOCTYPE edXML [<!ENTITY x SYSTEM \""
            + secret.toUri()
            + "\">]><edXML xmlns=\""
            + Edxml.NS
            + "\"><edXMLEnvelope><edXMLHeader><MessageHeader>"
            + "<Subject>&x;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>";

    LgspException e = refusal(xml);

    assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_MALFORMED);
    assertThat(e.detail()).contains("DOCTYPE").doesNotContain("TOP-SECRET");
  }

  @Test
  @Timeout(10)
  void billionLaughsIsRefused() {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
    for (int i = 1; i < 10; i++) {
      dtd.append("<!ENTITY lol").append(i).append(" \"");
      for (int j = 0; j < 10; j++) {
        dtd.append("&lol").append(i - 1).append(';');
      }
      dtd.append("\">");
    }
    dtd.append("]>");
    LgspException e =
        refusal(
            "<?xml version=\"1.0\"?>" + dtd + "<edXML xmlns=\"" + Edxml.NS + "\">&lol9;</edXML>");

    assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_MALFORMED);
  }

  @Test
  @Timeout(10)
  void deeplyNestedElementsAreRefused() {
    int depth = 100_000;
    String xml =
        "<edXML xmlns=\""
            + Edxml.NS
            + "\">"
            + "<a>".repeat(depth)
            + "</a>".repeat(depth)
            + "</edXML>";

    LgspException e = refusal(xml);

    assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_MALFORMED);
    assertThat(e.detail()).contains("nested deeper");
  }

  @Test
  @Timeout(10)
  void hugeAttributeIsRefused() {
    String xml =
        "<edXML xmlns=\""
            + Edxml.NS
            + "\" junk=\""
            + "A".repeat(5_000_000)
            + "\"><edXMLEnvelope/></edXML>";

    LgspException e = refusal(xml);

    assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_MALFORMED);
    assertThat(e.detail()).contains("attribute");
  }

  @Test
  void manyAttributesAreRefused() {
    StringBuilder attrs = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      attrs.append(" a").append(i).append("=\"x\"");
    }
    LgspException e = refusal("<edXML xmlns=\"" + Edxml.NS + "\"" + attrs + "/>");

    assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_MALFORMED);
  }

  @Test
  void foreignRootIsUnsupported() {
    assertThatThrownBy(() -> EdxmlCodec.parse("<html/>".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_UNSUPPORTED));
  }

  @Test
  void notWellFormedIsMalformedWithoutEchoingInput() {
    LgspException e = refusal("<edXML xmlns=\"" + Edxml.NS + "\"><secret-value>");

    assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_MALFORMED);
    assertThat(e.detail()).doesNotContain("secret-value");
  }
}
