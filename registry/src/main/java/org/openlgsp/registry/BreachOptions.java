package org.openlgsp.registry;

import java.time.Duration;
import java.util.List;

/**
 * The breach register's options ({@code registry.breaches} in node.yaml, docs/privacy.md
 * "Incidents"); a key left out takes the default shown.
 *
 * @param notificationPeriod how long after a breach is detected the authority must be notified
 *     (default PT72H, Decree 13/2023 Art. 23; from 1 hour to 30 days). A breach's deadline is fixed
 *     when it is recorded: changing this does not move the deadlines of breaches already recorded.
 * @param officers the callers who keep the breach register besides the admin token (the data
 *     protection officer): each one's bearer token holds the role {@link
 *     RegistryServer#BREACH_ROLE}, which opens the {@code /api/v1/breaches} routes (read and write)
 *     and nothing else (default: none, only the admin token)
 */
public record BreachOptions(Duration notificationPeriod, List<Officer> officers) {
  /** The default notification period: 72 hours. */
  public static final Duration DEFAULT_PERIOD = Duration.ofHours(72);

  /** A keeper of the breach register: its audit name and the SHA-256 (hex) of its token. */
  public record Officer(String name, String tokenSha256) {
    public Officer {
      if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
        throw new IllegalArgumentException(
            "breaches.officers: a name is 1-64 lower-case letters, digits, . _ -");
      }
      if (name.equals("admin")) {
        throw new IllegalArgumentException(
            "breaches.officers: the name admin is the admin token's");
      }
      if (tokenSha256 == null || !tokenSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("breaches.officers: tokenSha256 must be 64 hex digits");
      }
    }
  }

  public BreachOptions(Duration notificationPeriod) {
    this(notificationPeriod, List.of());
  }

  public BreachOptions {
    officers = officers == null ? List.of() : List.copyOf(officers);
    if (officers.stream().map(Officer::name).distinct().count() != officers.size()) {
      throw new IllegalArgumentException("breaches.officers: names must be unique");
    }
    notificationPeriod = notificationPeriod == null ? DEFAULT_PERIOD : notificationPeriod;
    if (notificationPeriod.compareTo(Duration.ofHours(1)) < 0
        || notificationPeriod.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException("notificationPeriod must be from PT1H to P30D");
    }
  }

  public static BreachOptions defaults() {
    return new BreachOptions(null, List.of());
  }
}
