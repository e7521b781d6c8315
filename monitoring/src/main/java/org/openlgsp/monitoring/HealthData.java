package org.openlgsp.monitoring;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-service health like X-Road's {@code getSecurityServerHealthData}, computed from the stored
 * operational records: the last successful and unsuccessful request among the records kept, and
 * over the last {@code statisticsPeriodSeconds} the counts, and minimum, average, maximum and
 * (population) standard deviation of duration (ms) and request and response sizes (bytes) of the
 * successful requests (a refusal ends early and would make the service look faster than it is).
 */
record HealthData(
    Instant monitoringStartupTimestamp,
    long statisticsPeriodSeconds,
    Instant periodStart,
    List<ServiceHealth> services) {
  HealthData {
    Objects.requireNonNull(monitoringStartupTimestamp, "monitoringStartupTimestamp");
    Objects.requireNonNull(periodStart, "periodStart");
    services = List.copyOf(services);
  }

  /** One service as one side (X-Road's {@code securityServerType}) saw it. */
  record ServiceHealth(
      String service,
      String securityServerType,
      Optional<Instant> lastSuccessfulRequestTimestamp,
      Optional<Instant> lastUnsuccessfulRequestTimestamp,
      long successfulRequestCount,
      long unsuccessfulRequestCount,
      Optional<Stats> requestDuration,
      Optional<Stats> requestSize,
      Optional<Stats> responseSize) {}

  /** Minimum, average, maximum and population standard deviation. */
  record Stats(long min, double average, long max, double stdDev) {
    /**
     * From the MIN, SUM, MAX and sum of squares at {@code first}.. of {@code rs}, over {@code n}
     * values; empty when there were none.
     */
    static Optional<Stats> of(long n, ResultSet rs, int first) throws SQLException {
      if (n == 0) {
        return Optional.empty();
      }
      double sum = rs.getDouble(first + 1);
      double squares = rs.getDouble(first + 3);
      double mean = sum / n;
      double variance = Math.max(0, squares / n - mean * mean);
      return Optional.of(
          new Stats(rs.getLong(first), mean, rs.getLong(first + 2), Math.sqrt(variance)));
    }
  }
}
