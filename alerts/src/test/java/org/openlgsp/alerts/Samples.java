package org.openlgsp.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Alerts with awkward text, for delivery tests. */
final class Samples {
  static final Instant AT = Instant.parse("2026-12-06T01:30:00Z");

  private Samples() {}

  static Alert alert(long id) {
    return Alert.open(
        id,
        new Raised(
            "refusalBurst",
            Severity.HIGH,
            "VN/GOV/000.00.00.H53/DVC",
            "3 refusals | a=b \\ c\nfor Cổng dịch vụ công",
            new Evidence(
                AT.minusSeconds(30),
                AT,
                3,
                List.of(7L, 8L, 9L),
                Map.of("client", "VN/GOV/000.00.00.H53/DVC", "count.access.denied", "3"))),
        AT);
  }
}
