package org.openlgsp.monitoring;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.edge.AdminApi;

/**
 * How a gateway keeps its operational records (docs/monitoring.md, "Configuration").
 *
 * @param enabled whether records are written at all (metrics are counted either way)
 * @param queueSize observations waiting to be written; beyond it they are dropped and counted
 * @param batchSize most records written in one transaction
 * @param retention how long records are kept
 * @param purgeInterval how often records older than the retention are deleted
 * @param healthPeriod the period health data's counts and statistics cover
 * @param maxPageSize most records one query page may ask for
 * @param apiPort the query API's port (0: any free one), none for no API
 * @param apiTokenSha256 SHA-256 (hex) of the bearer token of the query API, required with a port
 */
public record MonitoringOptions(
    boolean enabled,
    int queueSize,
    int batchSize,
    Duration retention,
    Duration purgeInterval,
    Duration healthPeriod,
    int maxPageSize,
    Optional<Integer> apiPort,
    Optional<String> apiTokenSha256) {
  public MonitoringOptions {
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(purgeInterval, "purgeInterval");
    Objects.requireNonNull(healthPeriod, "healthPeriod");
    Objects.requireNonNull(apiPort, "apiPort");
    Objects.requireNonNull(apiTokenSha256, "apiTokenSha256");
    if (queueSize < 1 || queueSize > 10_000_000) {
      throw new IllegalArgumentException("queueSize must be from 1 to 10000000");
    }
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException("batchSize must be from 1 to 10000");
    }
    positive(retention, "retention");
    positive(purgeInterval, "purgeInterval");
    positive(healthPeriod, "healthPeriod");
    if (maxPageSize < 1 || maxPageSize > 100_000) {
      throw new IllegalArgumentException("maxPageSize must be from 1 to 100000");
    }
    AdminApi.checkOptions(enabled, apiPort, apiTokenSha256, "the query API");
  }

  /** Records on, a queue of 10,000, batches of 500, kept 30 days, purged hourly, no API. */
  public static MonitoringOptions defaults() {
    return new MonitoringOptions(
        true,
        10_000,
        500,
        Duration.ofDays(30),
        Duration.ofHours(1),
        Duration.ofMinutes(10),
        10_000,
        Optional.empty(),
        Optional.empty());
  }

  /**
   * These options with the query API on {@code port} for the token hashing to {@code tokenSha256}.
   */
  public MonitoringOptions withApi(int port, String tokenSha256) {
    return new MonitoringOptions(
        enabled,
        queueSize,
        batchSize,
        retention,
        purgeInterval,
        healthPeriod,
        maxPageSize,
        Optional.of(port),
        Optional.of(tokenSha256));
  }

  private static void positive(Duration d, String name) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
