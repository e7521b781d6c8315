package org.openlgsp.procedures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkingCalendarTest {
  private static final WorkingCalendar PLAIN = WorkingCalendar.vietnam(Set.of());

  private static Instant vn(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(WorkingCalendar.VIETNAM).toInstant();
  }

  @Test
  void threeWorkingDaysFromAFridayMorningEndOnWednesdayAtOfficeClose() {
    // Friday 4 December 2026, 10:00 in Hà Nội (03:00 UTC)
    assertThat(PLAIN.due(vn("2026-12-04T10:00"), 3)).isEqualTo(vn("2026-12-09T17:00"));
    assertThat(PLAIN.due(vn("2026-12-04T10:00"), 3))
        .isEqualTo(Instant.parse("2026-12-09T10:00:00Z"));
  }

  @Test
  void aCaseReceivedAfterOfficeCloseOrOnAWeekendCountsFromTheNextWorkingDay() {
    assertThat(PLAIN.dayOfReceipt(vn("2026-12-04T17:30"))).isEqualTo(LocalDate.of(2026, 12, 7));
    assertThat(PLAIN.due(vn("2026-12-04T17:30"), 3)).isEqualTo(vn("2026-12-10T17:00"));
    assertThat(PLAIN.due(vn("2026-12-05T09:00"), 3)).isEqualTo(vn("2026-12-10T17:00"));
    assertThat(PLAIN.due(vn("2026-12-06T23:59"), 3)).isEqualTo(vn("2026-12-10T17:00"));
  }

  @Test
  void theUtcDayIsNotTheVietnameseDay() {
    // 2026-12-06T18:00Z is Monday 7 December 01:00 in Vietnam: a working day, before office close
    assertThat(PLAIN.dayOfReceipt(Instant.parse("2026-12-06T18:00:00Z")))
        .isEqualTo(LocalDate.of(2026, 12, 7));
  }

  @Test
  void aHolidayFromTheCalendarIsSkipped() {
    WorkingCalendar withHoliday = WorkingCalendar.vietnam(Set.of(LocalDate.of(2026, 12, 8)));
    assertThat(withHoliday.isWorkingDay(LocalDate.of(2026, 12, 8))).isFalse();
    assertThat(withHoliday.due(vn("2026-12-04T10:00"), 3)).isEqualTo(vn("2026-12-10T17:00"));
  }

  @Test
  void aWeekOfLunarNewYearHolidaysPushesTheLimitPastIt() {
    // a sample Tết: Monday 16 to Friday 20 February 2026 off
    Set<LocalDate> tet =
        Set.of(
            LocalDate.of(2026, 2, 16),
            LocalDate.of(2026, 2, 17),
            LocalDate.of(2026, 2, 18),
            LocalDate.of(2026, 2, 19),
            LocalDate.of(2026, 2, 20));
    WorkingCalendar c = WorkingCalendar.vietnam(tet);
    assertThat(c.due(vn("2026-02-13T10:00"), 3)).isEqualTo(vn("2026-02-25T17:00"));
    assertThat(c.due(vn("2026-02-18T10:00"), 0)).isEqualTo(vn("2026-02-23T17:00"));
  }

  @Test
  void zeroWorkingDaysMeansTheSameWorkingDay() {
    assertThat(PLAIN.due(vn("2026-12-07T09:00"), 0)).isEqualTo(vn("2026-12-07T17:00"));
  }

  @Test
  void workingDaysLeftCountsDownToZeroOnTheDueDayAndBelowAfter() {
    Instant due = vn("2026-12-09T17:00");
    assertThat(PLAIN.workingDaysLeft(vn("2026-12-07T09:00"), due)).isEqualTo(2);
    assertThat(PLAIN.workingDaysLeft(vn("2026-12-05T09:00"), due)).isEqualTo(2);
    assertThat(PLAIN.workingDaysLeft(vn("2026-12-09T16:59"), due)).isZero();
    assertThat(PLAIN.workingDaysLeft(vn("2026-12-09T17:01"), due)).isEqualTo(-1);
    assertThat(PLAIN.workingDaysLeft(vn("2026-12-11T09:00"), due)).isEqualTo(-2);
  }

  @Test
  void negativeWorkingDaysAreRefused() {
    assertThatThrownBy(() -> PLAIN.plusWorkingDays(LocalDate.of(2026, 12, 7), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
