package org.openlgsp.registry;

import java.time.Duration;

/**
 * The breach register's options ({@code registry.breaches} in node.yaml, docs/privacy.md
 * "Incidents"); a key left out takes the default shown.
 *
 * @param notificationPeriod how long after a breach is detected the authority must be notified
 *     (default PT72H, Decree 13/2023 Art. 23; from 1 hour to 30 days). A breach's deadline is fixed
 *     when it is recorded: changing this does not move the deadlines of breaches already recorded.
 */
public record BreachOptions(Duration notificationPeriod) {
  /** The default notification period: 72 hours. */
  public static final Duration DEFAULT_PERIOD = Duration.ofHours(72);

  public BreachOptions {
    notificationPeriod = notificationPeriod == null ? DEFAULT_PERIOD : notificationPeriod;
    if (notificationPeriod.compareTo(Duration.ofHours(1)) < 0
        || notificationPeriod.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException("notificationPeriod must be from PT1H to P30D");
    }
  }

  public static BreachOptions defaults() {
    return new BreachOptions(null);
  }
}
