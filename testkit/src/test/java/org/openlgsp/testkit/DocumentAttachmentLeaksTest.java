package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.documents.Packages;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Pem;

/**
 * PDF and Office attachments on a document route are read for the leak detectors (PDFBox, POI)
 * through a started axis over HTTP: a classification mark in a Vietnamese sentence of a generated
 * PDF is blocked, an ID in a .docx and a phone number in an .xlsx are alerted, a clean PDF passes
 * without findings, and a malformed PDF is never taken as clean: refused where the route blocks,
 * passed with {@code unreadable:alert} where it only alerts, and counted.
 */
class DocumentAttachmentLeaksTest {
  static final String BLOCK_MARKS =
      "leaks: [{detector: classification, action: block}, {detector: cccd, action: alert},"
          + " {detector: phone, action: alert}]";
  static final String ALERT_ONLY =
      "leaks: [{detector: classification, action: alert}, {detector: cccd, action: alert}]";
  static final String PDF = "application/pdf";
  static final String DOCX =
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  @TempDir Path dir;
  int port;
  AxisClient province;

  @BeforeEach
  void setUp() throws IOException {
    port = AxisFiles.freePort();
    Files.writeString(
        dir.resolve("agency-ca.pem"),
        Pem.write(CertificateAuthority.createRoot("Agency CA", Duration.ofDays(1)).certificate()));
    province = new AxisClient("http://127.0.0.1:" + port, "province-token");
  }

  static byte[] pdf(String... lines) throws IOException {
    try (PDDocument doc = new PDDocument();
        InputStream font =
            DocumentAttachmentLeaksTest.class.getResourceAsStream(
                "/org/openlgsp/statistics/DejaVuSans.ttf")) {
      PDType0Font vietnamese = PDType0Font.load(doc, font);
      for (String line : lines) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
          s.beginText();
          s.setFont(vietnamese, 12);
          s.newLineAtOffset(50, 700);
          s.showText(line);
          s.endText();
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }

  static byte[] docx(String paragraph) throws IOException {
    try (XWPFDocument doc = new XWPFDocument()) {
      doc.createParagraph().createRun().setText("Tờ trình về việc cấp giấy phép");
      doc.createParagraph().createRun().setText(paragraph);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.write(out);
      return out.toByteArray();
    }
  }

  static byte[] xlsx(String cell) throws IOException {
    try (XSSFWorkbook book = new XSSFWorkbook()) {
      var row = book.createSheet("Danh sách").createRow(3);
      row.createCell(0).setCellValue("Nguyễn Văn A");
      row.createCell(1).setCellValue(cell);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      book.write(out);
      return out.toByteArray();
    }
  }

  private static byte[] packageWith(String number, String name, String type, byte[] content) {
    DocumentPackage doc = Federation.sampleDocument(number, List.of(Federation.DEPARTMENT));
    doc.header().content = "Gửi kèm văn bản";
    Packages.attach(doc, name, type, content);
    return EdxmlCodec.write(doc);
  }

  @Test
  void aMarkInAPdfSentenceIsBlockedAndIdsInOfficeFilesAreAlerted() throws Exception {
    byte[] marked =
        pdf(
            "Kính gửi Sở Nội vụ: đề nghị quý Sở xem xét.",
            "Tài liệu này thuộc độ TUYỆT MẬT, không được sao chụp.");
    try (DocumentsNode axis = start(BLOCK_MARKS)) {
      assertThatThrownBy(() -> province.send(packageWith("1", "to-trinh.pdf", PDF, marked)))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_LEAK_BLOCKED);
                assertThat(e.getMessage()).contains("classification").doesNotContain("TUYỆT");
              });
      // the same sentence without the mark passes, with nothing found
      byte[] clean = pdf("Kính gửi Sở Nội vụ: đề nghị quý Sở xem xét.", "Tài liệu thường.");
      assertThat(province.send(packageWith("2", "to-trinh.pdf", PDF, clean)).leaks()).isEmpty();
      assertThat(
              province
                  .send(
                      packageWith(
                          "3",
                          "to-trinh.docx",
                          DOCX,
                          docx("Công dân có số định danh 001204012345.")))
                  .leaks())
          .containsExactly("cccd:alert");
      // a generic content type: the name tells the format
      assertThat(
              province
                  .send(
                      packageWith(
                          "4", "danh-sach.xlsx", "application/octet-stream", xlsx("0912345678")))
                  .leaks())
          .containsExactly("phone:alert");
      assertThat(unreadable(axis)).isZero();
    }
  }

  @Test
  void aMalformedPdfIsRefusedWhereTheRouteBlocksAndAlertedWhereItAlerts() throws Exception {
    byte[] broken =
        "%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage".getBytes(StandardCharsets.UTF_8);
    byte[] truncated = java.util.Arrays.copyOf(pdf("Tài liệu TỐI MẬT"), 200);
    try (DocumentsNode axis = start(BLOCK_MARKS)) {
      assertThatThrownBy(() -> province.send(packageWith("5", "hong.pdf", PDF, broken)))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_LEAK_BLOCKED);
                assertThat(e.getMessage())
                    .contains("attachment 1: MALFORMED")
                    .contains("could not be read safely");
              });
      assertThatThrownBy(() -> province.send(packageWith("6", "cut.pdf", PDF, truncated)))
          .isInstanceOf(LgspException.class);
      assertThat(unreadable(axis)).isEqualTo(2);
      assertThat(counter(axis, "lgsp.documents.leaks", "unreadable", "block")).isEqualTo(2);
    }
    try (DocumentsNode axis = start(ALERT_ONLY)) {
      assertThat(province.send(packageWith("7", "hong.pdf", PDF, broken)).leaks())
          .containsExactly("unreadable:alert");
      assertThat(counter(axis, "lgsp.documents.leaks", "unreadable", "alert")).isEqualTo(1);
    }
    try (DocumentsNode axis = start("")) { // no detectors: nothing is read
      assertThat(province.send(packageWith("8", "hong.pdf", PDF, broken)).leaks()).isEmpty();
    }
  }

  /**
   * {@code documents.attachmentText} and {@code documents.unscannable} (and a route's {@code
   * unscannable}) in the node's file change what the started axis does with the same packages.
   */
  @Test
  void extractionLimitsAndTheUnscannablePolicyAreReadFromTheNodeFile() throws Exception {
    byte[] twoPages = pdf("Kính gửi Sở Nội vụ.", "Trang hai của tờ trình.");
    byte[] png = "\u0089PNG 001204012345".getBytes(StandardCharsets.ISO_8859_1);
    try (DocumentsNode axis = start(BLOCK_MARKS)) { // the defaults
      assertThat(province.send(packageWith("20", "to-trinh.pdf", PDF, twoPages)).leaks()).isEmpty();
      assertThat(province.send(packageWith("21", "anh.png", "image/png", png)).leaks())
          .containsExactly("unscannable:alert");
    }
    try (DocumentsNode axis =
        start(
            BLOCK_MARKS
                + "\n  attachmentText: {maxPages: 1, timeLimit: PT5S}\n  unscannable: refuse")) {
      assertThatThrownBy(() -> province.send(packageWith("22", "to-trinh.pdf", PDF, twoPages)))
          .hasMessageContaining("attachment 1: TOO_MANY_PAGES");
      assertThatThrownBy(() -> province.send(packageWith("23", "anh.png", "image/png", png)))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_LEAK_BLOCKED);
                assertThat(e.getMessage()).contains("refuses what cannot be scanned");
              });
      assertThat(counter(axis, "lgsp.documents.leaks", "unscannable", "block")).isEqualTo(1);
    }
    try (DocumentsNode axis =
        start(
            BLOCK_MARKS
                + "\n  unscannable: refuse\n  leakRoutes: [{to: "
                + Federation.DEPARTMENT
                + ", unscannable: pass}]")) {
      assertThat(province.send(packageWith("24", "anh.png", "image/png", png)).leaks()).isEmpty();
    }
  }

  private static long unreadable(DocumentsNode axis) {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    axis.bindMetrics(r);
    return (long) r.get("lgsp.documents.leak.attachments.unreadable").functionCounter().count();
  }

  private static long counter(DocumentsNode axis, String name, String detector, String action) {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    axis.bindMetrics(r);
    return (long)
        r.get(name).tag("detector", detector).tag("action", action).functionCounter().count();
  }

  private DocumentsNode start(String settings) throws IOException {
    return AxisFiles.start(
        dir,
        port,
        "province-token",
        "trustAnchors: [agency-ca.pem]\n  signatureRequired: false"
            + (settings.isEmpty() ? "" : "\n  " + settings),
        Clock.systemUTC());
  }
}
