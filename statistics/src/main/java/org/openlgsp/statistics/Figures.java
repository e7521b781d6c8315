package org.openlgsp.statistics;

import java.util.Map;
import java.util.Optional;

/**
 * One row of an answer: what it is grouped by (absent when not grouped by it) and its figures.
 * Latencies are total times in ms, from the merged histogram (within 1 %).
 */
record Figures(
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

  long errorCalls() {
    return refused + failed;
  }
}
