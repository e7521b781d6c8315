package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.documents.Packages;
import org.openlgsp.node.ConfigCheck;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Pem;

/**
 * {@code documents.leaks} and {@code documents.leakRoutes} reach the running document axis: the
 * same package passes, passes with its finding in the receipt, or is refused with {@code
 * document.leak_blocked} over HTTP depending on them; {@code mask} is refused when the file is
 * read; {@code serve --check} shows them.
 */
class DocumentsLeakSettingsTest {
  static final String RULES =
      "leaks: [{detector: classification, action: block}, {detector: cccd, action: alert}]";

  @TempDir Path dir;

  final String token = "province-token";
  int port;
  AxisClient province;

  @BeforeEach
  void setUp() throws IOException {
    port = AxisFiles.freePort();
    Files.writeString(
        dir.resolve("agency-ca.pem"),
        Pem.write(CertificateAuthority.createRoot("Agency CA", Duration.ofDays(1)).certificate()));
    province = new AxisClient("http://127.0.0.1:" + port, token);
  }

  private static byte[] packageWith(String number, String content, String attachmentText) {
    DocumentPackage doc = Federation.sampleDocument(number, List.of(Federation.DEPARTMENT));
    doc.header().content = content;
    Packages.attach(
        doc, "ghi-chu.txt", "text/plain", attachmentText.getBytes(StandardCharsets.UTF_8));
    return EdxmlCodec.write(doc);
  }

  private static byte[] marked(String number) {
    return packageWith(number, "Văn bản TUYỆT MẬT", "không có gì");
  }

  private static byte[] withId(String number) {
    return packageWith(number, "Danh sách công dân", "Số định danh: 001204012345");
  }

  @Test
  void theSamePackagesPassAlertOrAreBlockedAsTheFileSays() throws Exception {
    try (DocumentsNode axis = start("")) { // no detectors: both pass, no findings
      assertThat(province.send(marked("1")).leaks()).isEmpty();
      assertThat(province.send(withId("2")).leaks()).isEmpty();
    }

    try (DocumentsNode axis = start(RULES)) {
      byte[] marked = marked("3");
      assertThatThrownBy(() -> province.send(marked))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_LEAK_BLOCKED);
                assertThat(new String(e.toProblem().toJsonBytes(), StandardCharsets.UTF_8))
                    .contains("\"code\":\"document.leak_blocked\"", "\"status\":422")
                    .doesNotContain("TUYỆT");
              });
      assertThat(province.send(withId("4")).leaks()).containsExactly("cccd:alert");
    }

    // the route province -> department lets marks through with an alert
    try (DocumentsNode axis =
        start(
            RULES
                + "\n  leakRoutes:\n    - {from: "
                + Federation.PROVINCE.value()
                + ", to: "
                + Federation.DEPARTMENT.value()
                + ", leaks: [{detector: classification, action: alert}]}")) {
      assertThat(province.send(marked("5")).leaks()).containsExactly("classification:alert");
    }
  }

  @Test
  void maskOnADocumentRouteIsRefusedWhenTheFileIsRead() {
    assertThatThrownBy(() -> start("leaks: [{detector: cccd, action: mask}]"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("documents")
        .hasMessageContaining("mask is not possible on a document route");
    assertThatThrownBy(
            () ->
                start(
                    "leakRoutes: [{from: 000.00.00.H41, leaks: [{detector: cccd, actoin: block}]}]"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("actoin");
  }

  @Test
  void serveCheckShowsTheRules() throws Exception {
    start(RULES).close();

    String effective = ConfigCheck.effectiveConfiguration(dir.resolve("axis.yaml"));

    assertThat(effective)
        .contains("leaks:")
        .contains("detector: \"classification\"")
        .contains("action: \"block\"")
        .contains("leakRoutes: []");
  }

  private DocumentsNode start(String settings) throws IOException {
    return AxisFiles.start(
        dir,
        port,
        token,
        "trustAnchors: [agency-ca.pem]\n  signatureRequired: false"
            + (settings.isEmpty() ? "" : "\n  " + settings),
        Clock.systemUTC());
  }
}
