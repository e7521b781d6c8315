package org.openlgsp.statistics;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * Which buckets to add up and how to group them: hours starting in {@code [from, to)} (whole
 * hours), grouped by any of agency, system, service and one period (hour, day or month).
 */
record StatsQuery(Instant from, Instant to, List<Grouping> groupBy) {

  /** What the rows of an answer are told apart by. */
  enum Grouping {
    AGENCY,
    SYSTEM,
    SERVICE,
    HOUR,
    DAY,
    MONTH;

    boolean isPeriod() {
      return this == HOUR || this == DAY || this == MONTH;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  StatsQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    groupBy = List.copyOf(groupBy);
    if (!from.isBefore(to)) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID, "from (" + from + ") must be before to (" + to + ")");
    }
    if (from.toEpochMilli() % BucketKey.HOUR_MS != 0
        || to.toEpochMilli() % BucketKey.HOUR_MS != 0) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID, "from and to must be whole hours (statistics are hourly)");
    }
    if (groupBy.stream().filter(Grouping::isPeriod).count() > 1) {
      throw new LgspException(
          ErrorCode.QUERY_FILTER_INVALID, "groupBy takes at most one of hour, day, month");
    }
    if (Set.copyOf(groupBy).size() != groupBy.size()) {
      throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "groupBy names a grouping twice");
    }
  }

  /** Refuses a range longer than {@code max}. */
  StatsQuery within(Duration max) {
    if (Duration.between(from, to).compareTo(max) > 0) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID,
          "the range is longer than the " + max.toDays() + " days one query may cover");
    }
    return this;
  }

  static Instant instant(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null) {
      throw new LgspException(ErrorCode.QUERY_RANGE_INVALID, "'" + name + "' is required");
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID, "'" + name + "' is not an ISO-8601 instant");
    }
  }

  static List<Grouping> groupings(String v) {
    List<Grouping> out = new ArrayList<>();
    if (v.isEmpty()) {
      return out;
    }
    EnumSet<Grouping> all = EnumSet.allOf(Grouping.class);
    for (String s : v.split(",", -1)) {
      Grouping g =
          all.stream()
              .filter(x -> x.label().equals(s))
              .findFirst()
              .orElseThrow(
                  () ->
                      new LgspException(
                          ErrorCode.QUERY_FILTER_INVALID,
                          "unknown grouping (agency, system, service, hour, day, month)"));
      out.add(g);
    }
    return out;
  }
}
