package org.openlgsp.statistics;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of a figures or rankings answer ({@code /statistics/v1/figures}, {@code /rankings}; see
 * {@link FiguresAnswer}): what it is grouped by (absent when not grouped by it) and its figures.
 * Latencies are total times in ms, from the merged histogram (within 1 %). The wire form of the
 * statistics API, read by the registry's console as well.
 */
public record Figures(
    Optional<String> agency,
    Optional<String> system,
    Optional<String> service,
    Optional<String> period,
    long calls,
    long successes,
    long refused,
    long failed,
    Map<String, Long> errors,
    long bytesIn,
    long bytesOut,
    long latencyP50,
    long latencyP90,
    long latencyP95,
    long latencyP99,
    long latencyMax) {

  /**
   * The columns of the CSV form, in order ({@code errors} as {@code code=n} joined by {@code ;}).
   */
  public static final List<String> CSV_COLUMNS =
      List.of(
          "agency",
          "system",
          "service",
          "period",
          "calls",
          "successes",
          "refused",
          "failed",
          "errors",
          "bytesIn",
          "bytesOut",
          "latencyP50",
          "latencyP90",
          "latencyP95",
          "latencyP99",
          "latencyMax");

  /** A grouping left out of the JSON (not grouped by it) reads as absent. */
  public Figures {
    agency = Objects.requireNonNullElse(agency, Optional.empty());
    system = Objects.requireNonNullElse(system, Optional.empty());
    service = Objects.requireNonNullElse(service, Optional.empty());
    period = Objects.requireNonNullElse(period, Optional.empty());
    errors =
        errors == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(errors));
    if (calls < 0 || successes < 0 || refused < 0 || failed < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }

  static Figures of(
      Optional<String> agency,
      Optional<String> system,
      Optional<String> service,
      Optional<String> period,
      Bucket b) {
    return new Figures(
        agency,
        system,
        service,
        period,
        b.calls,
        b.successes,
        b.refused,
        b.failed,
        java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(b.errors)),
        b.bytesIn,
        b.bytesOut,
        b.percentile(50),
        b.percentile(90),
        b.percentile(95),
        b.percentile(99),
        b.calls == 0 ? 0 : b.latency.getMaxValue());
  }

  /** Calls that were refused or failed. */
  public long errorCalls() {
    return refused + failed;
  }
}
