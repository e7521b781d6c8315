package org.openlgsp.procedures;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Vietnamese working days for the time limits of administrative procedures: Monday to Friday in
 * {@code Asia/Ho_Chi_Minh}, less the public holidays of a configurable calendar (Tết and the
 * lunar-calendar holidays move every year and compensatory days off are decided yearly, so the
 * calendar is data, not a rule).
 *
 * <p>A time limit of {@code n} working days for a case received at some instant ends at office
 * close ({@code closeOfBusiness}) of the {@code n}-th working day after the day of receipt; a case
 * received on a day off, or after office close, is taken as received on the next working day. A
 * limit of 0 working days ("registered the same working day") ends at office close of the working
 * day of receipt.
 *
 * @param holidays days off besides Saturdays and Sundays
 * @param zone where the days are counted
 * @param closeOfBusiness when a working day ends
 */
record WorkingCalendar(Set<LocalDate> holidays, ZoneId zone, LocalTime closeOfBusiness) {
  /** Vietnam's time zone (UTC+7, no daylight saving). */
  public static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");

  /** Office close in the Labour Code's usual day: 17:00. */
  public static final LocalTime CLOSE_OF_BUSINESS = LocalTime.of(17, 0);

  /** A calendar longer than this many years of days off is a mistake, not a calendar. */
  private static final int MAX_HOLIDAYS = 40 * 30;

  public WorkingCalendar {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(closeOfBusiness, "closeOfBusiness");
    holidays = Set.copyOf(new TreeSet<>(holidays));
    if (holidays.size() > MAX_HOLIDAYS) {
      throw new IllegalArgumentException("more than " + MAX_HOLIDAYS + " holidays");
    }
  }

  /** Monday to Friday less {@code holidays}, in Vietnam, closing at 17:00. */
  public static WorkingCalendar vietnam(Set<LocalDate> holidays) {
    return new WorkingCalendar(holidays, VIETNAM, CLOSE_OF_BUSINESS);
  }

  public boolean isWorkingDay(LocalDate day) {
    DayOfWeek d = day.getDayOfWeek();
    return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY && !holidays.contains(day);
  }

  /** The first working day on or after {@code day}. */
  public LocalDate workingDayOnOrAfter(LocalDate day) {
    LocalDate d = day;
    while (!isWorkingDay(d)) {
      d = d.plusDays(1);
    }
    return d;
  }

  /** The {@code n}-th working day after {@code day} ({@code day} itself not counted). */
  public LocalDate plusWorkingDays(LocalDate day, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("working days must not be negative: " + n);
    }
    LocalDate d = day;
    for (int left = n; left > 0; ) {
      d = d.plusDays(1);
      if (isWorkingDay(d)) {
        left--;
      }
    }
    return d;
  }

  /** The working day a case received at {@code at} counts as received on. */
  public LocalDate dayOfReceipt(Instant at) {
    ZonedDateTime local = at.atZone(zone);
    LocalDate day = local.toLocalDate();
    if (isWorkingDay(day) && local.toLocalTime().isBefore(closeOfBusiness)) {
      return day;
    }
    return workingDayOnOrAfter(day.plusDays(1));
  }

  /** When a time limit of {@code workingDays} for a case received at {@code receivedAt} ends. */
  public Instant due(Instant receivedAt, int workingDays) {
    LocalDate last = plusWorkingDays(dayOfReceipt(receivedAt), workingDays);
    return last.atTime(closeOfBusiness).atZone(zone).toInstant();
  }

  /**
   * Working days left before {@code due} as seen at {@code now}: 0 on the due day itself (before
   * office close), negative once {@code due} has passed (−1 the working day after, and so on).
   */
  public int workingDaysLeft(Instant now, Instant due) {
    LocalDate today = dayOfReceipt(now);
    LocalDate last = due.atZone(zone).toLocalDate();
    if (!now.isAfter(due)) {
      int n = 0;
      for (LocalDate d = today; d.isBefore(last); d = d.plusDays(1)) {
        if (isWorkingDay(d.plusDays(1))) {
          n++;
        }
      }
      return n;
    }
    int n = 0;
    for (LocalDate d = last; d.isBefore(today); d = d.plusDays(1)) {
      if (isWorkingDay(d.plusDays(1))) {
        n--;
      }
    }
    return Math.min(n, -1);
  }
}
