package org.openlgsp.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * @param instance the federation instance, e.g. {@code VN}
 * @param directoryValidity how long a published directory stays valid; gateways refetch well before
 */
public record RegistryOptions(String instance, Duration directoryValidity) {
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
  }

  public static RegistryOptions defaults(String instance) {
    return new RegistryOptions(instance, Duration.ofHours(1));
  }
}
