package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** The personal-data breach register: deadlines, transitions, the timeline, refusals. */
class BreachRegisterTest {
  // a little ahead, so the test certificates made at class loading are already valid then
  static final Instant NOW = Instant.now().plusSeconds(120).truncatedTo(ChronoUnit.MILLIS);
  @TempDir Path dir;

  static Registry registry(Database db, BreachOptions options) {
    return new Registry(
        db,
        new RegistryOptions("VN", Duration.ofHours(1), options),
        RegistryTest.SIGNER.signer(),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static Breaches.NewBreach leak(Instant detectedAt, List<String> systems) {
    return new Breaches.NewBreach(
        detectedAt,
        "Nguyễn Văn A, DPO, dpo@example.gov.vn",
        "Bản sao CSDL hộ tịch bị truy cập trái phép qua tài khoản dịch vụ bị lộ",
        List.of("họ tên", "ngày sinh", "số định danh cá nhân"),
        1200,
        systems,
        "Lộ thông tin định danh; nguy cơ giả mạo",
        "Thu hồi tài khoản, đổi khóa, rà soát nhật ký");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aBreachMovesOpenNotifiedClosedWithItsDeadlineAndAnAppendOnlyTimeline(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      Registry r = registry(db, BreachOptions.defaults());
      RegistryTest.populate(r);
      Breaches breaches = r.breaches();
      Instant detected = NOW.minus(Duration.ofHours(10));

      Breach b =
          breaches.record(
              leak(
                  detected,
                  List.of(RegistryTest.POPULATION.encoded(), RegistryTest.CITIZENS.encoded())),
              "dpo");
      assertThat(b.status()).isEqualTo(Breach.Status.OPEN);
      assertThat(b.deadline()).isEqualTo(detected.plus(Duration.ofHours(72)));
      assertThat(b.categories()).containsExactly("họ tên", "ngày sinh", "số định danh cá nhân");
      assertThat(breaches.due()).extracting(Breaches.Due::id).containsExactly(b.id());

      breaches.note(b.id(), "analyst", "Đã xác định nguồn rò rỉ");
      Breach notified =
          breaches.notifyAuthority(
              b.id(),
              "dpo",
              new Breaches.Notification(NOW.minusSeconds(60), "A05-2026-17", Optional.empty()));
      breaches.subjectsNotified(b.id(), "dpo", NOW);
      Breach closed = breaches.close(b.id(), "dpo", "Khắc phục xong, A05 xác nhận");

      assertThat(notified.status()).isEqualTo(Breach.Status.NOTIFIED);
      assertThat(notified.notified()).hasValue(NOW.minusSeconds(60));
      assertThat(notified.authorityRef()).hasValue("A05-2026-17");
      assertThat(closed.status()).isEqualTo(Breach.Status.CLOSED);
      assertThat(closed.subjectsNotified()).hasValue(NOW);
      assertThat(closed.closed()).hasValue(NOW);
      assertThat(closed.timeline())
          .extracting(Breach.TimelineEntry::seq, Breach.TimelineEntry::actor, e -> e.kind())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1, "dpo", Breach.EntryKind.RECORDED),
              org.assertj.core.groups.Tuple.tuple(2, "analyst", Breach.EntryKind.NOTE),
              org.assertj.core.groups.Tuple.tuple(3, "dpo", Breach.EntryKind.AUTHORITY_NOTIFIED),
              org.assertj.core.groups.Tuple.tuple(4, "dpo", Breach.EntryKind.SUBJECTS_NOTIFIED),
              org.assertj.core.groups.Tuple.tuple(5, "dpo", Breach.EntryKind.CLOSED));
      assertThat(breaches.due()).isEmpty();
      assertThat(breaches.list(Optional.of(Breach.Status.CLOSED)))
          .extracting(Breach::id)
          .containsExactly(b.id());
      assertThat(breaches.list(Optional.of(Breach.Status.OPEN))).isEmpty();
      assertThat(breaches.get(b.id())).isEqualTo(closed);
    }
  }

  @Test
  void theNotificationPeriodSetsTheDeadlineAndIsBounded() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = registry(db, new BreachOptions(Duration.ofHours(24)));
      Breach b = r.breaches().record(leak(NOW, List.of()), "dpo");
      assertThat(b.deadline()).isEqualTo(NOW.plus(Duration.ofHours(24)));
    }
    assertThat(BreachOptions.defaults().notificationPeriod()).isEqualTo(Duration.ofHours(72));
    assertThatThrownBy(() -> new BreachOptions(Duration.ofMinutes(59)))
        .hasMessageContaining("notificationPeriod");
    assertThatThrownBy(() -> new BreachOptions(Duration.ofDays(31)))
        .hasMessageContaining("notificationPeriod");
  }

  @Test
  void wrongTransitionsAreConflictsAndUnknownBreachesAreNotFound() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Breaches breaches = registry(db, BreachOptions.defaults()).breaches();
      Breach b = breaches.record(leak(NOW.minusSeconds(3600), List.of()), "dpo");

      assertThatThrownBy(() -> breaches.close(b.id(), "dpo", "xong"))
          .satisfies(e -> code(e, ErrorCode.BREACH_STATE_CONFLICT));
      breaches.notifyAuthority(b.id(), "dpo", new Breaches.Notification(NOW, "", Optional.empty()));
      assertThatThrownBy(
              () ->
                  breaches.notifyAuthority(
                      b.id(), "dpo", new Breaches.Notification(NOW, "", Optional.empty())))
          .satisfies(e -> code(e, ErrorCode.BREACH_STATE_CONFLICT));
      breaches.close(b.id(), "dpo", "xong");
      assertThatThrownBy(() -> breaches.note(b.id(), "dpo", "thêm"))
          .satisfies(e -> code(e, ErrorCode.BREACH_STATE_CONFLICT));
      assertThatThrownBy(() -> breaches.subjectsNotified(b.id(), "dpo", NOW))
          .satisfies(e -> code(e, ErrorCode.BREACH_STATE_CONFLICT));
      assertThatThrownBy(() -> breaches.get("00000000-0000-0000-0000-000000000000"))
          .satisfies(e -> code(e, ErrorCode.BREACH_UNKNOWN));
      assertThat(breaches.get(b.id()).timeline()).hasSize(3); // refusals wrote nothing
    }
  }

  @Test
  void aLateNotificationNeedsItsReasonAndBadInputIsRefused() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = registry(db, BreachOptions.defaults());
      RegistryTest.populate(r);
      Breaches breaches = r.breaches();
      Breach old = breaches.record(leak(NOW.minus(Duration.ofHours(80)), List.of()), "dpo");

      assertThatThrownBy(
              () ->
                  breaches.notifyAuthority(
                      old.id(), "dpo", new Breaches.Notification(NOW, "", Optional.empty())))
          .satisfies(e -> code(e, ErrorCode.REQUEST_MALFORMED))
          .hasMessageContaining("delayReason");
      Breach late =
          breaches.notifyAuthority(
              old.id(),
              "dpo",
              new Breaches.Notification(NOW, "", Optional.of("Chưa xác định được phạm vi")));
      assertThat(late.delay()).hasValue("Chưa xác định được phạm vi");
      assertThat(late.late(NOW)).isTrue();

      // systems must be in the directory; detection not in the future; required fields
      assertThatThrownBy(
              () -> breaches.record(leak(NOW, List.of("VN/GOV/000.00.00.G01/KHONGCO")), "dpo"))
          .satisfies(e -> code(e, ErrorCode.REQUEST_MALFORMED))
          .hasMessageContaining("KHONGCO");
      assertThatThrownBy(() -> breaches.record(leak(NOW.plus(Duration.ofHours(1)), List.of()), "x"))
          .satisfies(e -> code(e, ErrorCode.REQUEST_MALFORMED));
      assertThatThrownBy(
              () ->
                  new Breaches.NewBreach(NOW, "dpo", " ", List.of("họ tên"), 1, List.of(), "", ""))
          .satisfies(e -> code(e, ErrorCode.REQUEST_MALFORMED));
      assertThatThrownBy(
              () -> new Breaches.NewBreach(NOW, "dpo", "lộ", List.of(), 1, List.of(), "", ""))
          .satisfies(e -> code(e, ErrorCode.REQUEST_MALFORMED));
      assertThatThrownBy(
              () ->
                  new Breaches.NewBreach(
                      NOW, "dpo", "lộ", List.of("họ tên"), -1, List.of(), "", ""))
          .satisfies(e -> code(e, ErrorCode.REQUEST_MALFORMED));
      Breach fresh = breaches.record(leak(NOW, List.of()), "dpo");
      assertThatThrownBy(
              () ->
                  breaches.notifyAuthority(
                      fresh.id(),
                      "dpo",
                      new Breaches.Notification(NOW.minusSeconds(1), "", Optional.empty())))
          .satisfies(e -> code(e, ErrorCode.REQUEST_MALFORMED))
          .hasMessageContaining("before detectedAt");
    }
  }

  @Test
  void theReportHoldsWhatTheAuthorityNeedsInVietnameseAndEnglish() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Registry r = registry(db, BreachOptions.defaults());
      RegistryTest.populate(r);
      Breaches breaches = r.breaches();
      Breach b =
          breaches.record(
              leak(NOW.minus(Duration.ofHours(80)), List.of(RegistryTest.CITIZENS.encoded())),
              "dpo");
      breaches.note(b.id(), "analyst", "<script>alert(1)</script>");
      b = breaches.get(b.id());

      String vi = BreachReport.html(b, BreachReport.Language.VI, "VN", NOW);
      String en = BreachReport.html(b, BreachReport.Language.EN, "VN", NOW);

      assertThat(vi)
          .contains("Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05)")
          .contains("Nghị định 13/2023/NĐ-CP")
          .contains("số định danh cá nhân")
          .contains("1200")
          .contains(RegistryTest.CITIZENS.encoded())
          .contains("Thu hồi tài khoản")
          .contains("Lộ thông tin định danh")
          .contains("Nguyễn Văn A, DPO")
          .contains("quá hạn")
          .contains("ghi chú")
          .contains("&lt;script&gt;")
          .doesNotContain("<script>");
      assertThat(en)
          .contains("Ministry of Public Security")
          .contains("Approximate number of data subjects")
          .contains("Timeline")
          .contains("overdue")
          .contains(b.id());
      assertThatThrownBy(() -> BreachReport.Language.fromTag("fr"))
          .satisfies(e -> code(e, ErrorCode.REQUEST_MALFORMED));
    }
  }

  private static void code(Throwable e, ErrorCode code) {
    assertThat(e).isInstanceOf(LgspException.class);
    assertThat(((LgspException) e).code()).isEqualTo(code);
  }
}
