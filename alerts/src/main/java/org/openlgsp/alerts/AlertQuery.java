package org.openlgsp.alerts;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * A list query of the alert API (docs/alerts.md "API"): optional raise-time range, state, severity,
 * rule; newest first, {@code limit} per page, {@code before} the cursor of the next page.
 */
record AlertQuery(
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<Alert.State> state,
    Optional<Severity> severity,
    Optional<String> rule,
    long before,
    int limit) {
  static final int DEFAULT_LIMIT = 100;

  private static final Set<String> KNOWN =
      Set.of("from", "to", "state", "severity", "rule", "before", "limit");

  AlertQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(rule, "rule");
  }

  static AlertQuery parse(Map<String, String> p, int maxLimit) {
    for (String k : p.keySet()) {
      if (!KNOWN.contains(k)) {
        throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "unknown filter '" + k + "'");
      }
    }
    Optional<Instant> from = Optional.ofNullable(p.get("from")).map(v -> instant("from", v));
    Optional<Instant> to = Optional.ofNullable(p.get("to")).map(v -> instant("to", v));
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw new LgspException(ErrorCode.QUERY_RANGE_INVALID, "'from' must be before 'to'");
    }
    Optional<Alert.State> state =
        Optional.ofNullable(p.get("state")).map(v -> named(Alert.State.class, "state", v));
    Optional<Severity> severity =
        Optional.ofNullable(p.get("severity")).map(v -> named(Severity.class, "severity", v));
    Optional<String> rule = Optional.ofNullable(p.get("rule"));
    if (rule.isPresent() && !AlertRules.names().contains(rule.get())) {
      throw new LgspException(
          ErrorCode.QUERY_FILTER_INVALID, "'rule' must be one of " + AlertRules.names());
    }
    long before =
        number("before", p.getOrDefault("before", "" + Long.MAX_VALUE), 1, Long.MAX_VALUE);
    long limit =
        number(
            "limit", p.getOrDefault("limit", "" + Math.min(DEFAULT_LIMIT, maxLimit)), 1, maxLimit);
    return new AlertQuery(from, to, state, severity, rule, before, (int) limit);
  }

  private static Instant instant(String name, String v) {
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID, "'" + name + "' must be an ISO-8601 instant");
    }
  }

  private static <E extends Enum<E>> E named(Class<E> type, String name, String v) {
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new LgspException(
          ErrorCode.QUERY_FILTER_INVALID,
          "'" + name + "' must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }

  private static long number(String name, String v, long min, long max) {
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new LgspException(
        ErrorCode.QUERY_PAGE_INVALID, "'" + name + "' must be a number from " + min + " to " + max);
  }
}
