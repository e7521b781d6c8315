package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.poi.hslf.usermodel.HSLFSlideShow;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PrivacyPolicy.LeakAction;
import org.openlgsp.core.PrivacyPolicy.LeakRule;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * What the leak detectors of a document route reach beyond the document's header and text
 * attachments, through a real axis: legacy Word, Excel and PowerPoint files (POI HWPF, HSSF, HSLF),
 * status packages, attachments that cannot be scanned (images: the route's {@code unscannable}
 * policy, never silently clean), and the extraction bounds of {@link ExtractionLimits}, which are
 * the axis's own and leave POI's JVM-wide settings alone.
 */
class DocumentLeakScopeTest {
  static final String CCCD = "001204012345";
  static final List<LeakRule> MARKS_BLOCKED =
      List.of(
          new LeakRule("classification", LeakAction.BLOCK), new LeakRule("cccd", LeakAction.ALERT));

  @TempDir Path dir;
  Database db;
  DocumentAxis axis;

  @AfterEach
  void close() {
    if (axis != null) {
      axis.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private DocumentAxis open(DocumentLeaks leaks) {
    db = TestDatabases.open("sqlite", dir);
    return new DocumentAxis(
            db,
            AxisOptions.defaults(dir.resolve("axis")).withLeaks(leaks),
            TestKeys.trust(),
            Set.of(TestKeys.PROVINCE, TestKeys.DEPARTMENT),
            RemoteDelivery.NONE,
            Clock.systemUTC())
        .start();
  }

  private Receipt submit(DocumentPackage doc) throws Exception {
    return axis.submit(
        TestKeys.PROVINCE, DocumentAxisTest.in(DocumentAxisTest.signed(doc, TestKeys.rsa("UBND"))));
  }

  private static DocumentPackage with(String number, String name, String type, byte[] content) {
    DocumentPackage doc = TestKeys.document(number);
    Packages.attach(doc, name, type, content);
    return doc;
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = DocumentLeakScopeTest.class.getResourceAsStream("leaks/" + name)) {
      return in.readAllBytes();
    }
  }

  static byte[] xls(String cell) throws IOException {
    try (HSSFWorkbook book = new HSSFWorkbook()) {
      var row = book.createSheet("Danh sách").createRow(2);
      row.createCell(0).setCellValue("Nguyễn Văn A");
      row.createCell(1).setCellValue(cell);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      book.write(out);
      return out.toByteArray();
    }
  }

  static byte[] ppt(String text) throws IOException {
    try (HSLFSlideShow show = new HSLFSlideShow()) {
      var box = show.createSlide().createTextBox();
      box.setText(text);
      box.setAnchor(new java.awt.geom.Rectangle2D.Double(50, 50, 400, 100));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      show.write(out);
      return out.toByteArray();
    }
  }

  static byte[] docx(String paragraph) throws IOException {
    try (XWPFDocument doc = new XWPFDocument()) {
      doc.createParagraph().createRun().setText(paragraph);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.write(out);
      return out.toByteArray();
    }
  }

  @Test
  void aTuyetMatHiddenInALegacyWordFileIsBlockedAndTheCleanOnePasses() throws Exception {
    axis = open(new DocumentLeaks(MARKS_BLOCKED, List.of()));
    byte[] marked = resource("tuyet-mat-hidden.doc");
    byte[] clean = resource("clean.doc");
    assertThat(marked).startsWith(0xD0, 0xCF, 0x11, 0xE0); // an OLE2 file, not RTF or OOXML

    assertThatThrownBy(() -> submit(with("401", "to-trinh.doc", "application/msword", marked)))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_LEAK_BLOCKED);
              assertThat(e.getMessage()).contains("classification").doesNotContain("MẬT");
            });
    // a generic type: the name tells the format
    assertThatThrownBy(
            () -> submit(with("402", "to-trinh.DOC", "application/octet-stream", marked)))
        .isInstanceOf(LgspException.class);
    Receipt r = submit(with("403", "to-trinh.doc", "application/msword", clean));
    assertThat(r.leaks()).isEmpty();
    assertThat(axis.attachmentsNotScanned()).isZero();
    assertThat(axis.attachmentsUnreadable()).isZero();
  }

  @Test
  void idsAndMarksInLegacyExcelAndPowerPointFilesAreFound() throws Exception {
    axis = open(new DocumentLeaks(MARKS_BLOCKED, List.of()));

    assertThat(submit(with("404", "danh-sach.xls", "application/vnd.ms-excel", xls(CCCD))).leaks())
        .containsExactly("cccd:alert");
    assertThatThrownBy(
            () ->
                submit(
                    with(
                        "405",
                        "trinh-chieu.ppt",
                        "application/vnd.ms-powerpoint",
                        ppt("Kế hoạch — TỐI MẬT"))))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_LEAK_BLOCKED));
    // a .doc that is not one is never clean: unreadable, refused where the route blocks
    assertThatThrownBy(
            () ->
                submit(
                    with(
                        "406",
                        "hong.doc",
                        "application/msword",
                        "not an OLE2 file".getBytes(java.nio.charset.StandardCharsets.UTF_8))))
        .hasMessageContaining("attachment 1: MALFORMED");
  }

  @Test
  void aStatusPackageIsScannedOnItsRouteBackToTheOriginalSender() throws Exception {
    axis =
        open(
            new DocumentLeaks(
                List.of(new LeakRule("cccd", LeakAction.ALERT)),
                List.of(
                    new DocumentLeaks.Route(
                        Optional.of(TestKeys.DEPARTMENT.value()),
                        Optional.of(TestKeys.PROVINCE.value()),
                        List.of(new LeakRule("classification", LeakAction.BLOCK))))));
    DocumentPackage doc = TestKeys.document("407");
    submit(doc);

    StatusPackage marked =
        Packages.status(
            doc,
            TestKeys.DEPARTMENT,
            StatusCode.ACCEPTED,
            "Đã nhận văn bản TUYỆT MẬT",
            "Văn thư",
            Instant.now());
    assertThatThrownBy(
            () -> axis.submit(TestKeys.DEPARTMENT, DocumentAxisTest.in(EdxmlCodec.write(marked))))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_LEAK_BLOCKED);
              assertThat(e.getMessage()).contains("000.00.15.H41 -> 000.00.00.H41");
            });
    assertThat(axis.leakFindings()).containsEntry("classification:block", 1L);

    StatusPackage withId =
        Packages.status(
            doc,
            TestKeys.DEPARTMENT,
            StatusCode.ACCEPTED,
            "Đã nhận hồ sơ của công dân " + CCCD,
            "Văn thư",
            Instant.now());
    Receipt r = axis.submit(TestKeys.DEPARTMENT, DocumentAxisTest.in(EdxmlCodec.write(withId)));
    assertThat(r.kind()).isEqualTo("status");
    assertThat(r.leaks()).containsExactly("cccd:alert");
    assertThat(axis.leakFindings()).containsEntry("cccd:alert", 1L);
  }

  @Test
  void anImageGetsItsRoutesUnscannablePolicyAndIsNeverSilentlyClean() throws Exception {
    byte[] png = ("\u0089PNG " + CCCD).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    DocumentLeaks leaks =
        new DocumentLeaks(
            MARKS_BLOCKED,
            List.of(
                new DocumentLeaks.Route(
                    Optional.of(TestKeys.PROVINCE.value()),
                    Optional.of(TestKeys.DEPARTMENT.value()),
                    List.of(),
                    Optional.of(DocumentLeaks.Unscannable.REFUSE)),
                new DocumentLeaks.Route(
                    Optional.of("000.00.16.H41"),
                    Optional.empty(),
                    List.of(),
                    Optional.of(DocumentLeaks.Unscannable.PASS))));
    assertThat(new DocumentLeaks(MARKS_BLOCKED, List.of()).unscannable("a", "b"))
        .isEqualTo(DocumentLeaks.Unscannable.ALERT); // the default
    assertThat(leaks.unscannable("000.00.16.H41", TestKeys.DEPARTMENT.value()))
        .isEqualTo(DocumentLeaks.Unscannable.PASS);

    axis = open(leaks);
    assertThatThrownBy(() -> submit(with("408", "anh.png", "image/png", png)))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_LEAK_BLOCKED);
              assertThat(e.getMessage())
                  .contains("cannot read (images, archives)", "refuses what cannot be scanned");
            });
    assertThat(axis.leakFindings()).containsEntry("unscannable:block", 1L);
    assertThat(axis.inbox(TestKeys.DEPARTMENT, 10)).isEmpty();
    axis.close();
    db.close();

    // the axis default: passed, with the finding and its alert
    axis = open(new DocumentLeaks(MARKS_BLOCKED, List.of()));
    List<DocumentAxis.LeakEvent> events = new ArrayList<>();
    axis.onLeakFindings(events::add);
    Receipt r = submit(with("409", "anh.jpg", "application/octet-stream", png));
    assertThat(r.leaks()).containsExactly("unscannable:alert");
    assertThat(events)
        .singleElement()
        .satisfies(e -> assertThat(e.findings()).contains("unscannable:alert"));
    assertThat(axis.attachmentsNotScanned()).isEqualTo(1);
  }

  @Test
  void smallerExtractionLimitsRefuseWhatTheDefaultsRead() throws Exception {
    byte[] sheet = xls(CCCD);
    byte[] word = docx("Công dân " + CCCD);
    ExtractionLimits tiny = new ExtractionLimits(1024L, null, null, null, null, null, null);
    ExtractionLimits fewEntries = new ExtractionLimits(null, null, null, null, 3, null, null);
    assertThat(sheet.length).isGreaterThan(1024);

    axis = open(new DocumentLeaks(MARKS_BLOCKED, List.of()));
    assertThat(submit(with("410", "a.xls", "application/vnd.ms-excel", sheet)).leaks())
        .containsExactly("cccd:alert");
    assertThat(submit(with("411", "a.docx", "application/octet-stream", word)).leaks())
        .containsExactly("cccd:alert");
    axis.close();
    db.close();

    axis = open(new DocumentLeaks(MARKS_BLOCKED, List.of(), null, tiny));
    assertThatThrownBy(() -> submit(with("412", "a.xls", "application/vnd.ms-excel", sheet)))
        .hasMessageContaining("attachment 1: TOO_LARGE");
    axis.close();
    db.close();

    axis = open(new DocumentLeaks(MARKS_BLOCKED, List.of(), null, fewEntries));
    assertThatThrownBy(() -> submit(with("413", "a.docx", "application/octet-stream", word)))
        .hasMessageContaining("attachment 1: TOO_LARGE");
    // the bounds are the axis's own: POI's JVM-wide zip guards keep POI's defaults
    assertThat(ZipSecureFile.getMinInflateRatio()).isEqualTo(0.01);
    assertThat(ZipSecureFile.getMaxEntrySize()).isEqualTo(0xFFFFFFFFL);
  }

  @Test
  void aZipBombEntryIsRefusedByTheAxisOwnRatioBound() throws Exception {
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (var zip = new java.util.zip.ZipOutputStream(bomb)) {
      zip.putNextEntry(new java.util.zip.ZipEntry("word/document.xml"));
      zip.write(new byte[8 * 1024 * 1024]); // zeros: inflates about 1000 times
      zip.closeEntry();
    }
    assertThat(bomb.size()).isLessThan(64 * 1024);
    List<CharSequence> text = new ArrayList<>();
    assertThatThrownBy(
            () ->
                AttachmentText.extract(
                    AttachmentText.Format.DOCX,
                    bomb.toByteArray(),
                    ExtractionLimits.DEFAULTS,
                    text::add))
        .isInstanceOfSatisfying(
            AttachmentText.Unreadable.class,
            e -> assertThat(e.reason).isEqualTo(AttachmentText.Reason.TOO_LARGE));
    // with the axis's ratio off, POI's own JVM-wide guard, left at POI's default, still stops it
    ExtractionLimits loose = new ExtractionLimits(null, null, null, null, null, null, 0.0);
    assertThatThrownBy(
            () ->
                AttachmentText.extract(
                    AttachmentText.Format.DOCX, bomb.toByteArray(), loose, text::add))
        .isInstanceOfSatisfying(
            AttachmentText.Unreadable.class,
            e -> assertThat(e.reason).isEqualTo(AttachmentText.Reason.TOO_LARGE));
    assertThat(ZipSecureFile.getMinInflateRatio()).isEqualTo(0.01);
  }
}
