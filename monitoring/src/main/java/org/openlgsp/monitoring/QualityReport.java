package org.openlgsp.monitoring;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The data-quality report on one service over a time range (docs/privacy.md, "Data quality"): the
 * "đúng – đủ – sạch – sống" criteria made measurable from the provider gateway's schema checks.
 *
 * @param service the encoded service ID
 * @param truncated more rows than a report reads were in the range; the counts cover the first
 * @param exchanges exchanges of the service checked (schema check warn or block) in the range
 * @param refusedRequests requests refused with {@code quality.request_invalid}
 * @param refusedResponses responses refused with {@code quality.response_invalid}
 * @param violations schema violations other than missing fields, by place and keyword ("đúng")
 * @param missingMandatory required fields missing, by place ("đủ")
 * @param unchecked bodies not checked, by reason ({@code request:too_large}...)
 * @param duplicates repeated requests and differing answers to one request ("sạch")
 * @param staleness age of the answers' data-time fields ("sống")
 */
record QualityReport(
    String service,
    Instant from,
    Instant to,
    boolean truncated,
    long exchanges,
    long refusedRequests,
    long refusedResponses,
    List<Finding> violations,
    List<Finding> missingMandatory,
    Map<String, Long> unchecked,
    Duplicates duplicates,
    Staleness staleness) {

  QualityReport {
    Objects.requireNonNull(service, "service");
    violations = List.copyOf(violations);
    missingMandatory = List.copyOf(missingMandatory);
    unchecked = Map.copyOf(unchecked);
  }

  /** How many exchanges had a body fail at {@code pointer} on {@code keyword}. */
  record Finding(String side, String pointer, String keyword, long count) {
    static final Comparator<Finding> ORDER =
        Comparator.comparingLong(Finding::count)
            .reversed()
            .thenComparing(Finding::side)
            .thenComparing(Finding::pointer)
            .thenComparing(Finding::keyword);
  }

  /**
   * Duplicates: {@code repeatedRequests}, exchanges whose request (method, path with query, body)
   * had been made before in the range; {@code inconsistentAnswers}, requests answered successfully
   * with more than one distinct body; {@code repeatedSubjects}, exchanges about a data subject the
   * same client had already asked about in the range (by the ledger's keyed subject hash).
   */
  record Duplicates(long repeatedRequests, long inconsistentAnswers, long repeatedSubjects) {}

  /**
   * Staleness: of the answers carrying a data-time field ({@code ThoiDiemDuLieu}), how many were
   * older than {@code staleAfter} (ISO-8601) at the exchange, and the oldest, in seconds.
   */
  record Staleness(String staleAfter, long withDataTime, long stale, long maxAgeSeconds) {}

  /** The report as CSV rows {@code metric,side,pointer,keyword,value}. */
  String toCsv() {
    StringBuilder b = new StringBuilder("metric,side,pointer,keyword,value\n");
    row(b, "exchanges", "", "", "", exchanges);
    row(b, "refused", "request", "", "", refusedRequests);
    row(b, "refused", "response", "", "", refusedResponses);
    violations.forEach(f -> row(b, "violation", f.side(), f.pointer(), f.keyword(), f.count()));
    missingMandatory.forEach(
        f -> row(b, "missing_mandatory", f.side(), f.pointer(), f.keyword(), f.count()));
    new java.util.TreeMap<>(unchecked).forEach((k, v) -> row(b, "unchecked", "", "", k, v));
    row(b, "repeated_requests", "", "", "", duplicates.repeatedRequests());
    row(b, "inconsistent_answers", "", "", "", duplicates.inconsistentAnswers());
    row(b, "repeated_subjects", "", "", "", duplicates.repeatedSubjects());
    row(b, "with_data_time", "", "", "", staleness.withDataTime());
    row(b, "stale", "", "", staleness.staleAfter(), staleness.stale());
    row(b, "max_data_age_seconds", "", "", "", staleness.maxAgeSeconds());
    return b.toString();
  }

  private static void row(
      StringBuilder b, String metric, String side, String pointer, String keyword, long value) {
    b.append(metric)
        .append(',')
        .append(side)
        .append(',')
        .append(cell(pointer))
        .append(',')
        .append(cell(keyword))
        .append(',')
        .append(value)
        .append('\n');
  }

  /** RFC 4180 quoting; a cell starting like a formula gets an apostrophe (CSV injection). */
  private static String cell(String v) {
    String safe = !v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
    if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
      return "\"" + safe.replace("\"", "\"\"") + "\"";
    }
    return safe;
  }
}
