package org.openlgsp.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * @param instance the federation instance, e.g. {@code VN}
 * @param directoryValidity how long a published directory stays valid; gateways refetch well before
 * @param breaches the personal-data breach register's options
 */
public record RegistryOptions(String instance, Duration directoryValidity, BreachOptions breaches) {
  public RegistryOptions {
    Objects.requireNonNull(instance, "instance");
    if (!instance.matches("[A-Za-z0-9'()+,\\-.=?]{1,255}")) {
      throw new IllegalArgumentException("instance is not a valid identifier part");
    }
    Objects.requireNonNull(directoryValidity, "directoryValidity");
    if (directoryValidity.compareTo(Duration.ofMinutes(1)) < 0
        || directoryValidity.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("directoryValidity must be between 1 minute and 7 days");
    }
    Objects.requireNonNull(breaches, "breaches");
  }

  public static RegistryOptions defaults(String instance) {
    return new RegistryOptions(instance, Duration.ofHours(1), BreachOptions.defaults());
  }
}
