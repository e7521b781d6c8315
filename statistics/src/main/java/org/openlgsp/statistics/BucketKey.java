package org.openlgsp.statistics;

import java.util.Objects;

/**
 * One hour bucket's identity: the UTC hour (epoch ms of its start), the observing side ({@code
 * client} or {@code producer}), the client's agency (member) and system (encoded client identifier)
 * and the service (encoded).
 */
record BucketKey(long hour, String side, String agency, String system, String service) {
  static final long HOUR_MS = 3_600_000L;

  BucketKey {
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(agency, "agency");
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(service, "service");
    if (hour % HOUR_MS != 0) {
      throw new IllegalArgumentException("hour must be the start of an hour");
    }
  }

  static long hourOf(long epochMillis) {
    return Math.floorDiv(epochMillis, HOUR_MS) * HOUR_MS;
  }
}
