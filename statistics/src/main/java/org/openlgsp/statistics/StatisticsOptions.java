package org.openlgsp.statistics;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.edge.AdminApi;

/**
 * How a gateway keeps its statistics (docs/statistics.md, "Configuration").
 *
 * @param enabled whether observations are aggregated at all
 * @param queueSize observations waiting for the aggregator; beyond it they are dropped and counted
 * @param batchSize most observations folded into one flush
 * @param flushInterval longest time an observation waits in memory before its bucket is written
 * @param zone where days and months begin (whole-hour offsets only, so hours add up to days)
 * @param maxRange longest range one query may cover
 * @param retention how long hour buckets are kept (by the start of their hour)
 * @param purgeInterval how often buckets older than the retention are deleted
 * @param apiPort the statistics API's port (0: any free one), none for no API
 * @param apiTokenSha256 SHA-256 (hex) of the bearer token of the API, required with a port
 */
public record StatisticsOptions(
    boolean enabled,
    int queueSize,
    int batchSize,
    Duration flushInterval,
    ZoneId zone,
    Duration maxRange,
    Duration retention,
    Duration purgeInterval,
    Optional<Integer> apiPort,
    Optional<String> apiTokenSha256) {
  public StatisticsOptions {
    Objects.requireNonNull(flushInterval, "flushInterval");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(maxRange, "maxRange");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(purgeInterval, "purgeInterval");
    Objects.requireNonNull(apiPort, "apiPort");
    Objects.requireNonNull(apiTokenSha256, "apiTokenSha256");
    if (queueSize < 1 || queueSize > 10_000_000) {
      throw new IllegalArgumentException("queueSize must be from 1 to 10000000");
    }
    if (batchSize < 1 || batchSize > 100_000) {
      throw new IllegalArgumentException("batchSize must be from 1 to 100000");
    }
    if (flushInterval.isNegative()
        || flushInterval.isZero()
        || flushInterval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("flushInterval must be from 1 ms to 1 hour");
    }
    if (zone.getRules().getTransitions().stream()
            .anyMatch(t -> t.getOffsetAfter().getTotalSeconds() % 3600 != 0)
        || zone.getRules().getStandardOffset(java.time.Instant.now()).getTotalSeconds() % 3600
            != 0) {
      throw new IllegalArgumentException(
          "zone must be a whole number of hours from UTC, so that hours add up to days");
    }
    if (maxRange.compareTo(Duration.ofHours(1)) < 0
        || maxRange.compareTo(Duration.ofDays(3660)) > 0) {
      throw new IllegalArgumentException("maxRange must be from 1 hour to 3660 days");
    }
    // Buckets are whole hours: a shorter retention would delete the hour being counted.
    if (retention.compareTo(Duration.ofHours(1)) < 0) {
      throw new IllegalArgumentException("retention must be at least 1 hour");
    }
    if (purgeInterval.isNegative() || purgeInterval.isZero()) {
      throw new IllegalArgumentException("purgeInterval must be positive");
    }
    AdminApi.checkOptions(enabled, apiPort, apiTokenSha256, "the statistics API");
  }

  /**
   * On, a queue of 100,000, folds of 10,000, written every 10 s, days in Asia/Ho_Chi_Minh, queries
   * up to 400 days, buckets kept 800 days (the whole of last year stays there for yearly reports
   * until this year ends, with two months to spare) and purged hourly, no API.
   */
  public static StatisticsOptions defaults() {
    return new StatisticsOptions(
        true,
        100_000,
        10_000,
        Duration.ofSeconds(10),
        ZoneId.of("Asia/Ho_Chi_Minh"),
        Duration.ofDays(400),
        Duration.ofDays(800),
        Duration.ofHours(1),
        Optional.empty(),
        Optional.empty());
  }
}
