package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.gateway.MutableClock;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * The suppression window holds across a restart, on SQLite and PostgreSQL: a node restarted on the
 * same database within the window counts the same finding as another occurrence of the stored alert
 * and raises (and delivers) nothing new; past the window it raises a new alert.
 */
class SuppressionAcrossRestartTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock();

  Alerts start(Database db, SimpleMeterRegistry meters) {
    NodeSignals signals =
        NodeSignals.none()
            .withCertificates(
                () ->
                    List.of(
                        new NodeSignals.CertificateValidity(
                            "tls", clock.instant().plus(Duration.ofDays(2)))));
    Alerts a =
        Alerts.start(
            db,
            AlertsOptions.defaults(), // suppression PT15M, polled every minute
            AlertRules.defaults(),
            signals,
            "127.0.0.1",
            clock);
    a.registerMetrics(meters);
    return a;
  }

  static double raised(SimpleMeterRegistry meters) {
    return meters.get("lgsp.alerts.raised").functionCounter().count();
  }

  static int occurrences(Alerts a) {
    return AlertsProbe.alerts(a).getFirst().occurrences();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aRestartWithinTheSuppressionWindowRaisesNothingNewAndPastItRaisesAgain(String kind) {
    Supplier<Database> open = reopenable(kind);

    SimpleMeterRegistry first = new SimpleMeterRegistry();
    try (Database db = open.get();
        Alerts a = start(db, first)) {
      // the poll at start raises the certificate close to expiry
      await().atMost(Duration.ofSeconds(10)).until(() -> AlertsProbe.alerts(a).size() == 1);
      assertThat(raised(first)).isEqualTo(1);
    }

    clock.advance(Duration.ofMinutes(10)); // within the 15 minutes' window
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    try (Database db = open.get();
        Alerts a = start(db, second)) {
      a.poll();
      await().atMost(Duration.ofSeconds(10)).until(() -> occurrences(a) >= 2);
      assertThat(AlertsProbe.alerts(a)).hasSize(1);
      assertThat(raised(second)).isZero();
    }

    clock.advance(Duration.ofMinutes(6)); // 16 minutes after the first: past the window
    SimpleMeterRegistry third = new SimpleMeterRegistry();
    try (Database db = open.get();
        Alerts a = start(db, third)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> AlertsProbe.alerts(a).size() == 2);
      assertThat(raised(third)).isEqualTo(1);
      assertThat(AlertsProbe.alerts(a).getFirst().occurrences()).isEqualTo(1);
    }
  }

  /** Opens the same database again at each call, as a restarted node does. */
  Supplier<Database> reopenable(String kind) {
    if (kind.equals("sqlite")) {
      Path file = dir.resolve("alerts.db");
      return () -> Database.sqlite(file);
    }
    String base = TestDatabases.postgresUrl();
    String url =
        base + (base.contains("?") ? "&" : "?") + "currentSchema=" + TestDatabases.postgresSchema();
    return () -> Database.open(url);
  }
}
