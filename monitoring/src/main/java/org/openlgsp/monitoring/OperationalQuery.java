package org.openlgsp.monitoring;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;

/**
 * Which operational records to answer: those observed in {@code [from, to)}, optionally only for
 * one client, one service, one outcome or one side, at most {@code limit} of them after the record
 * {@code after} (the cursor the previous page ended with, 0 for the first page).
 */
record OperationalQuery(
    Instant from,
    Instant to,
    Optional<ClientId> client,
    Optional<ServiceId> service,
    Optional<ExchangeObservation.Outcome> outcome,
    Optional<ExchangeObservation.SecurityServerType> side,
    int limit,
    long after) {

  static final int DEFAULT_LIMIT = 1_000;
  static final Set<String> PARAMETERS =
      Set.of("from", "to", "client", "service", "outcome", "side", "limit", "after", "format");

  OperationalQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(side, "side");
    if (!from.isBefore(to)) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID, "from (" + from + ") must be before to (" + to + ")");
    }
    if (limit < 1) {
      throw new LgspException(ErrorCode.QUERY_PAGE_INVALID, "limit must be at least 1");
    }
    if (after < 0) {
      throw new LgspException(ErrorCode.QUERY_PAGE_INVALID, "after must be a cursor >= 0");
    }
  }

  /**
   * The query the parameters of a request state: {@code from} and {@code to} (ISO-8601 instants,
   * required), {@code client}, {@code service} (encoded identifiers), {@code outcome} ({@code
   * success|refused|failed}), {@code side} ({@code client|producer}), {@code limit} (1 to {@code
   * maxLimit}, default 1,000 or {@code maxLimit} if lower), {@code after}. Anything else is
   * refused.
   */
  static OperationalQuery parse(Map<String, String> p, int maxLimit) {
    for (String name : p.keySet()) {
      if (!PARAMETERS.contains(name)) {
        throw new LgspException(
            ErrorCode.QUERY_FILTER_INVALID,
            "unknown parameter '" + name + "'; known: " + new java.util.TreeSet<>(PARAMETERS));
      }
    }
    Instant from = instant(p, "from");
    Instant to = instant(p, "to");
    String defaultLimit = Integer.toString(Math.min(DEFAULT_LIMIT, maxLimit));
    int limit = (int) number(p.getOrDefault("limit", defaultLimit), "limit", maxLimit);
    long after = number(p.getOrDefault("after", "0"), "after", Long.MAX_VALUE);
    return new OperationalQuery(
        from,
        to,
        filter(
            p, "client", ClientId::parse, "an encoded client ID such as VN/GOV/000.00.00.H53/DVC"),
        filter(
            p,
            "service",
            ServiceId::parse,
            "an encoded service ID such as VN/GOV/000.00.00.G01/CSDLQGDC/citizens"),
        filter(
            p,
            "outcome",
            v -> ExchangeObservation.Outcome.valueOf(upper(v)),
            "success, refused or failed"),
        filter(
            p,
            "side",
            v -> ExchangeObservation.SecurityServerType.valueOf(upper(v)),
            "client or producer"),
        limit,
        after);
  }

  private static String upper(String v) {
    return v.toUpperCase(java.util.Locale.ROOT);
  }

  private static Instant instant(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null || v.isBlank()) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID,
          "'" + name + "' is required: an ISO-8601 instant such as 2026-12-01T00:00:00Z");
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID,
          "'" + name + "' must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
    }
  }

  private static long number(String v, String name, long max) {
    try {
      long n = Long.parseLong(v);
      if (n >= (name.equals("limit") ? 1 : 0) && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new LgspException(
        ErrorCode.QUERY_PAGE_INVALID,
        name.equals("limit")
            ? "limit must be a whole number from 1 to " + max
            : name + " must be a whole number >= 0");
  }

  private static <T> Optional<T> filter(
      Map<String, String> p,
      String name,
      java.util.function.Function<String, T> parse,
      String expected) {
    String v = p.get(name);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(v));
    } catch (RuntimeException e) {
      throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "'" + name + "' must be " + expected);
    }
  }
}
