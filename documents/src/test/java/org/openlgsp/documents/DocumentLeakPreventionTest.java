package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.PrivacyPolicy.LeakAction;
import org.openlgsp.core.PrivacyPolicy.LeakRule;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

/**
 * Leak detectors on document routes, through a real axis (store, inbox): an alert passes the
 * package and records its finding, a block refuses it before anything is stored or routed, a
 * route's override wins over the axis default, and what is not text is not scanned.
 */
class DocumentLeakPreventionTest {
  static final String CCCD = "001204012345";

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

  static final DocumentLeaks RULES =
      new DocumentLeaks(
          List.of(
              new LeakRule("classification", LeakAction.BLOCK),
              new LeakRule("cccd", LeakAction.ALERT)),
          List.of());

  private DocumentAxis open(String kind, DocumentLeaks leaks, long streamingThreshold) {
    db = TestDatabases.open(kind, dir);
    AxisOptions o =
        AxisOptions.defaults(dir.resolve("axis"))
            .withStreamingThreshold(streamingThreshold)
            .withLeaks(leaks);
    return new DocumentAxis(
            db,
            o,
            TestKeys.trust(),
            Set.of(TestKeys.PROVINCE, TestKeys.DEPARTMENT),
            RemoteDelivery.NONE,
            Clock.systemUTC())
        .start();
  }

  private static byte[] signed(DocumentPackage doc) throws Exception {
    return DocumentAxisTest.signed(doc, TestKeys.rsa("UBND"));
  }

  private Receipt submit(DocumentPackage doc) throws Exception {
    return axis.submit(TestKeys.PROVINCE, DocumentAxisTest.in(signed(doc)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aCccdInATextAttachmentPassesWithItsAlertRecorded(String kind) throws Exception {
    axis = open(kind, RULES, AxisOptions.DEFAULT_STREAMING_THRESHOLD);
    DocumentPackage doc = TestKeys.document("301");
    Packages.attach(
        doc,
        "danh-sach.csv",
        "text/csv; charset=utf-8",
        ("STT,Họ tên,Số định danh\n1,Nguyễn Văn A," + CCCD + "\n")
            .getBytes(StandardCharsets.UTF_8));

    byte[] bytes = signed(doc);
    Receipt r = axis.submit(TestKeys.PROVINCE, DocumentAxisTest.in(bytes));

    assertThat(r.leaks()).containsExactly("cccd:alert");
    assertThat(axis.inbox(TestKeys.DEPARTMENT, 10)).hasSize(1);
    assertThat(axis.leakFindings()).containsEntry("cccd:alert", 1L);
    String stored =
        Sql.read(
            db,
            h ->
                h.createQuery("SELECT leak_findings FROM edoc_package WHERE id = ?")
                    .bind(0, r.packageId())
                    .mapTo(String.class)
                    .one());
    assertThat(stored).isEqualTo("cccd:alert").doesNotContain(CCCD);
    // the same package again: the original receipt, findings included, counted once
    Receipt again = axis.submit(TestKeys.PROVINCE, DocumentAxisTest.in(bytes));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.leaks()).containsExactly("cccd:alert");
    assertThat(axis.leakFindings()).containsEntry("cccd:alert", 1L);
  }

  @Test
  void aDecomposedTuyetMatInTheSubjectIsBlockedBeforeAnythingIsStored() throws Exception {
    axis = open("sqlite", RULES, AxisOptions.DEFAULT_STREAMING_THRESHOLD);
    DocumentPackage doc = TestKeys.document("302");
    doc.header().subject = Normalizer.normalize("TUYỆT MẬT: kế hoạch", Normalizer.Form.NFD);
    assertThat(doc.header().subject).doesNotContain("MẬT"); // really decomposed

    assertThatThrownBy(() -> submit(doc))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_LEAK_BLOCKED);
              assertThat(e.code().code()).isEqualTo("document.leak_blocked");
              assertThat(e.getMessage())
                  .contains("classification", "000.00.00.H41 -> 000.00.15.H41")
                  .doesNotContain("MẬT");
            });
    assertThat(axis.inbox(TestKeys.DEPARTMENT, 10)).isEmpty();
    assertThat(axis.leakFindings()).containsEntry("classification:block", 1L);
    long packages =
        Sql.read(
            db, h -> h.createQuery("SELECT COUNT(*) FROM edoc_package").mapTo(Long.class).one());
    assertThat(packages).isZero();
  }

  @Test
  void aMarkInALargeStreamedXmlAttachmentIsBlockedEvenAcrossScanWindows() throws Exception {
    axis = open("sqlite", RULES, 0); // every package read by streaming
    DocumentPackage doc = TestKeys.document("303");
    StringBuilder xml = new StringBuilder("<bao-cao>");
    while (xml.length() < 3 * LeakScan.WINDOW_CHARS) {
      xml.append("<dong>Nội dung bình thường của báo cáo số 12345678901234</dong>\n");
    }
    xml.append("<do-mat>TỐI MẬT</do-mat></bao-cao>");
    Packages.attach(
        doc, "bao-cao.xml", "application/xml", xml.toString().getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> submit(doc))
        .isInstanceOfSatisfying(
            LgspException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.DOCUMENT_LEAK_BLOCKED));
    assertThat(axis.inbox(TestKeys.DEPARTMENT, 10)).isEmpty();
  }

  @Test
  void aCleanPackagePassesAndLongerNumbersAndImageContentAreNotFindings() throws Exception {
    // unscannable: pass (the default alerts on an image: DocumentLeakScopeTest)
    DocumentLeaks passImages =
        new DocumentLeaks(RULES.defaults(), List.of(), DocumentLeaks.Unscannable.PASS, null);
    axis = open("sqlite", passImages, AxisOptions.DEFAULT_STREAMING_THRESHOLD);
    DocumentPackage doc = TestKeys.document("304");
    StringBuilder text = new StringBuilder();
    while (text.length() < 2 * LeakScan.WINDOW_CHARS) {
      // 14 digits: not a CCCD, even where a scan window is cut; "MẬTKHẨU" is not a mark
      text.append("Mã hồ sơ 12345678901234 MẬTKHẨU ");
    }
    Packages.attach(
        doc, "ghi-chu.txt", "text/plain", text.toString().getBytes(StandardCharsets.UTF_8));
    // an image is not scanned: the identifier in its bytes is not found (counted as unscanned,
    // and passed as the route's unscannable policy says)
    Packages.attach(
        doc, "anh.png", "image/png", ("\u0089PNG " + CCCD).getBytes(StandardCharsets.UTF_8));

    Receipt r = submit(doc);

    assertThat(r.leaks()).isEmpty();
    assertThat(axis.inbox(TestKeys.DEPARTMENT, 10)).hasSize(1);
    assertThat(axis.leakFindings()).isEmpty();
    assertThat(axis.attachmentsNotScanned()).isEqualTo(1);
  }

  @Test
  void aRouteOverrideWinsOverTheAxisDefault() throws Exception {
    DocumentLeaks leaks =
        new DocumentLeaks(
            List.of(new LeakRule("cccd", LeakAction.BLOCK)),
            List.of(
                new DocumentLeaks.Route(
                    Optional.of(TestKeys.PROVINCE.value()),
                    Optional.of(TestKeys.DEPARTMENT.value()),
                    List.of(new LeakRule("cccd", LeakAction.ALERT)))));
    axis = open("sqlite", leaks, AxisOptions.DEFAULT_STREAMING_THRESHOLD);
    DocumentPackage doc = TestKeys.document("305");
    doc.header().content = "Công dân có số định danh " + CCCD;

    assertThat(submit(doc).leaks()).containsExactly("cccd:alert");
    // another sender's route keeps the default
    assertThat(leaks.actions("000.00.16.H41", TestKeys.DEPARTMENT.value()))
        .containsEntry(org.openlgsp.core.LeakDetectors.Kind.CCCD, LeakAction.BLOCK);
  }

  @Test
  void maskAndOtherBadRulesAreRefusedWithAClearMessage() {
    assertThatThrownBy(
            () -> new DocumentLeaks(List.of(new LeakRule("cccd", LeakAction.MASK)), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mask is not possible on a document route");
    assertThatThrownBy(
            () ->
                new DocumentLeaks(
                    List.of(
                        new LeakRule("cccd", LeakAction.ALERT),
                        new LeakRule("cccd", LeakAction.BLOCK)),
                    List.of()))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(
            () ->
                new DocumentLeaks.Route(
                    Optional.empty(),
                    Optional.empty(),
                    List.of(new LeakRule("cccd", LeakAction.ALERT))))
        .hasMessageContaining("names its sender");
    assertThatThrownBy(
            () ->
                new DocumentLeaks.Route(
                    Optional.of("01.02.G22"),
                    Optional.empty(),
                    List.of(new LeakRule("cccd", LeakAction.ALERT))))
        .isInstanceOf(RuntimeException.class);
  }
}
