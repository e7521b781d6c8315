package org.openlgsp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObservation.Outcome;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** The store on SQLite and on PostgreSQL (skipped with one line when none answers). */
class OperationalStoreTest {
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  @TempDir Path dir;

  static List<OperationalRecord> rows(ExchangeObservation... o) {
    return java.util.Arrays.stream(o).map(OperationalRecord::of).toList();
  }

  static List<OperationalRecord> all(OperationalStore store, OperationalQuery q) {
    List<OperationalRecord> out = new ArrayList<>();
    store.query(q, out::add);
    return out;
  }

  /** All of the first minute with only the one filter given. */
  static OperationalQuery only(
      Optional<org.openlgsp.core.ClientId> client,
      Optional<org.openlgsp.core.ServiceId> service,
      Optional<Outcome> outcome) {
    return new OperationalQuery(
        T0, T0.plusSeconds(60), client, service, outcome, Optional.empty(), 100, 0);
  }

  static OperationalQuery range(Instant from, Instant to, int limit, long after) {
    return new OperationalQuery(
        from,
        to,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        limit,
        after);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aStoredRecordReadsBackFieldForField(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      OperationalStore store = new OperationalStore(db);
      ExchangeObservation ok =
          Observations.success(T0, Observations.PORTAL, Observations.CITIZENS, 40, 10, 300);
      ExchangeObservation refused =
          Observations.refusal(
              T0.plusSeconds(1), Observations.PORTAL, Observations.CITIZENS, "access.denied", 403);

      store.insert(rows(ok, refused));

      List<OperationalRecord> back = all(store, range(T0, T0.plusSeconds(60), 10, 0));
      assertThat(back).hasSize(2);
      // the id is the store's; everything else is what went in
      assertThat(back.get(0))
          .usingRecursiveComparison()
          .ignoringFields("id")
          .isEqualTo(OperationalRecord.of(ok));
      assertThat(back.get(1))
          .usingRecursiveComparison()
          .ignoringFields("id")
          .isEqualTo(OperationalRecord.of(refused));
      assertThat(back.get(0).id()).isPositive().isLessThan(back.get(1).id());
      assertThat(back.get(1).requestOutTs()).isEmpty();
      assertThat(back.get(1).faultCode()).isEqualTo("Server.ServerProxy.AccessDenied");
      assertThat(back.get(1).outcome()).isEqualTo("refused");
      assertThat(back.get(0).clientSubsystemCode()).isEqualTo("DVC");
      assertThat(back.get(0).serviceCode()).isEqualTo("citizens");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void filtersSelectByTimeClientServiceOutcomeAndPagesFollowTheCursor(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      OperationalStore store = new OperationalStore(db);
      List<ExchangeObservation> in = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        in.add(
            Observations.success(
                T0.plusSeconds(i), Observations.PORTAL, Observations.CITIZENS, 10 + i, 1, 2));
      }
      in.add(
          Observations.success(T0.plusSeconds(8), Observations.OTHER, Observations.LAND, 5, 1, 2));
      in.add(
          Observations.refusal(
              T0.plusSeconds(9), Observations.OTHER, Observations.CITIZENS, "access.denied", 403));
      store.insert(in.stream().map(OperationalRecord::of).toList());

      // time range: [from, to)
      assertThat(all(store, range(T0.plusSeconds(2), T0.plusSeconds(5), 100, 0)))
          .extracting(OperationalRecord::monitoringDataTs)
          .containsExactly(
              T0.plusSeconds(2).toEpochMilli(),
              T0.plusSeconds(3).toEpochMilli(),
              T0.plusSeconds(4).toEpochMilli());
      OperationalQuery everything = range(T0, T0.plusSeconds(60), 100, 0);
      assertThat(
              all(store, only(Optional.of(Observations.OTHER), Optional.empty(), Optional.empty())))
          .hasSize(2);
      assertThat(
              all(store, only(Optional.empty(), Optional.of(Observations.LAND), Optional.empty())))
          .singleElement()
          .extracting(OperationalRecord::clientId)
          .isEqualTo(Observations.OTHER.encoded());
      assertThat(all(store, only(Optional.empty(), Optional.empty(), Optional.of(Outcome.REFUSED))))
          .singleElement()
          .extracting(OperationalRecord::errorCode)
          .isEqualTo("access.denied");

      // pages of 4 by cursor: 4 + 4 + 1, no record twice, none left out
      List<OperationalRecord> seen = new ArrayList<>();
      long after = 0;
      List<Integer> sizes = new ArrayList<>();
      while (true) {
        List<OperationalRecord> page = all(store, range(T0, T0.plusSeconds(60), 4, after));
        sizes.add(page.size());
        seen.addAll(page);
        if (page.size() < 4) {
          break;
        }
        after = page.getLast().id();
      }
      assertThat(sizes).containsExactly(4, 4, 1);
      assertThat(seen).containsExactlyElementsOf(all(store, everything));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void purgeDeletesOnlyRecordsOlderThanTheCutoff(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      OperationalStore store = new OperationalStore(db);
      store.insert(
          rows(
              Observations.success(T0, Observations.PORTAL, Observations.CITIZENS, 1, 1, 1),
              Observations.success(
                  T0.plusSeconds(10), Observations.PORTAL, Observations.CITIZENS, 1, 1, 1),
              Observations.success(
                  T0.plusSeconds(20), Observations.PORTAL, Observations.CITIZENS, 1, 1, 1)));

      assertThat(store.purge(T0.plusSeconds(10))).isEqualTo(1);
      assertThat(store.count()).isEqualTo(2);
      assertThat(all(store, range(T0, T0.plusSeconds(60), 10, 0)))
          .extracting(OperationalRecord::monitoringDataTs)
          .containsExactly(T0.plusSeconds(10).toEpochMilli(), T0.plusSeconds(20).toEpochMilli());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void healthDataFiguresAreThoseOfTheRecordsInThePeriod(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      OperationalStore store = new OperationalStore(db);
      store.insert(
          rows(
              // before the period: counts only towards "last success"
              Observations.success(
                  T0.minusSeconds(3600), Observations.PORTAL, Observations.CITIZENS, 999, 9, 9),
              // in the period: durations 10, 20, 60 ms; request sizes 100, 200, 300; responses 1,
              // 1, 4
              Observations.success(
                  T0.plusSeconds(1), Observations.PORTAL, Observations.CITIZENS, 10, 100, 1),
              Observations.success(
                  T0.plusSeconds(2), Observations.PORTAL, Observations.CITIZENS, 20, 200, 1),
              Observations.success(
                  T0.plusSeconds(3), Observations.OTHER, Observations.CITIZENS, 60, 300, 4),
              Observations.refusal(
                  T0.plusSeconds(4),
                  Observations.OTHER,
                  Observations.CITIZENS,
                  "access.denied",
                  403),
              Observations.refusal(
                  T0.plusSeconds(5),
                  Observations.OTHER,
                  Observations.LAND,
                  "service.unknown",
                  404)));

      List<HealthData.ServiceHealth> health = store.health(T0);

      assertThat(health).hasSize(2);
      HealthData.ServiceHealth citizens =
          health.stream()
              .filter(h -> h.service().equals(Observations.CITIZENS.encoded()))
              .findFirst()
              .orElseThrow();
      assertThat(citizens.securityServerType()).isEqualTo("Client");
      assertThat(citizens.successfulRequestCount()).isEqualTo(3);
      assertThat(citizens.unsuccessfulRequestCount()).isEqualTo(1);
      assertThat(citizens.lastSuccessfulRequestTimestamp()).contains(T0.plusSeconds(3));
      assertThat(citizens.lastUnsuccessfulRequestTimestamp()).contains(T0.plusSeconds(4));
      HealthData.Stats d = citizens.requestDuration().orElseThrow();
      assertThat(d.min()).isEqualTo(10);
      assertThat(d.max()).isEqualTo(60);
      assertThat(d.average()).isCloseTo(30.0, within(1e-9));
      // population standard deviation of 10, 20, 60: sqrt(((-20)^2 + (-10)^2 + 30^2) / 3)
      assertThat(d.stdDev()).isCloseTo(Math.sqrt(1400.0 / 3), within(1e-9));
      HealthData.Stats req = citizens.requestSize().orElseThrow();
      assertThat(req.min()).isEqualTo(100);
      assertThat(req.average()).isCloseTo(200.0, within(1e-9));
      assertThat(req.max()).isEqualTo(300);
      assertThat(req.stdDev()).isCloseTo(Math.sqrt(20000.0 / 3), within(1e-9));
      HealthData.Stats res = citizens.responseSize().orElseThrow();
      assertThat(res.average()).isCloseTo(2.0, within(1e-9));
      assertThat(res.stdDev()).isCloseTo(Math.sqrt(2.0), within(1e-9));

      HealthData.ServiceHealth land =
          health.stream()
              .filter(h -> h.service().equals(Observations.LAND.encoded()))
              .findFirst()
              .orElseThrow();
      assertThat(land.successfulRequestCount()).isZero();
      assertThat(land.unsuccessfulRequestCount()).isEqualTo(1);
      assertThat(land.lastSuccessfulRequestTimestamp()).isEmpty();
      assertThat(land.requestDuration()).isEmpty();
    }
  }
}
