package org.openlgsp.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.statistics.StatsQuery.Grouping;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

class StatisticsStoreTest {
  @TempDir Path dir;
  static final Instant DAY = Instant.parse("2026-11-29T17:00:00Z"); // 00:00 on 30 Nov in Hanoi

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void bucketsWrittenInManyFlushesAddUpAndHoursMergeIntoTheDayExactly(String kind) {
    try (Database db = TestDatabases.open(kind, dir);
        Statistics s =
            Statistics.start(db, StatisticsOptions.defaults(), new SimpleMeterRegistry(), "gw")) {
      StatisticsStore store = new StatisticsStore(db);
      Histogram all = new Histogram(Bucket.HIGHEST_MS, Bucket.DIGITS);
      List<ExchangeObservation> observations = new ArrayList<>();
      for (int i = 0; i < 240; i++) {
        Instant at = DAY.plusSeconds(i * 360L); // every 6 minutes: 24 hours
        long ms = 3 + (i * 37L) % 900;
        all.recordValue(ms);
        observations.add(
            i % 10 == 0
                ? Observations.refusal(at, Observations.PORTAL, Observations.CITIZENS, ms)
                : Observations.success(
                    at,
                    i % 3 == 0 ? Observations.OTHER : Observations.PORTAL,
                    Observations.CITIZENS,
                    ms,
                    100,
                    2000));
      }
      // three flushes over the same hours: the upsert must add, not replace
      for (int part = 0; part < 3; part++) {
        Map<BucketKey, Bucket> buckets = new HashMap<>();
        for (int i = part; i < observations.size(); i += 3) {
          Aggregator.fold(buckets, observations.get(i));
        }
        store.add(buckets);
      }

      List<Figures> day = figures(s, Grouping.DAY);
      assertThat(day).hasSize(1);
      Figures f = day.getFirst();
      assertThat(f.period()).contains("2026-11-30");
      assertThat(f.calls()).isEqualTo(240);
      assertThat(f.refused()).isEqualTo(24);
      assertThat(f.successes()).isEqualTo(216);
      assertThat(f.errors()).containsExactly(Map.entry("access.denied", 24L));
      assertThat(f.bytesIn()).isEqualTo(216 * 100);
      assertThat(f.bytesOut()).isEqualTo(216 * 2000 + 24 * 120);
      // merged hour histograms answer exactly what one histogram of every value answers
      assertThat(f.latencyP50()).isEqualTo(all.getValueAtPercentile(50));
      assertThat(f.latencyP99()).isEqualTo(all.getValueAtPercentile(99));
      assertThat(f.latencyMax()).isEqualTo(all.getMaxValue());

      List<Figures> hours = figures(s, Grouping.HOUR);
      assertThat(hours).hasSize(24);
      assertThat(hours.stream().mapToLong(Figures::calls).sum()).isEqualTo(240);
      assertThat(hours.getFirst().period()).contains("2026-11-30T00");

      List<Figures> systems = figures(s, Grouping.SYSTEM);
      assertThat(systems)
          .extracting(x -> x.system().orElseThrow())
          .containsExactlyInAnyOrder(Observations.PORTAL.encoded(), Observations.OTHER.encoded());
      assertThat(systems.stream().mapToLong(Figures::calls).sum()).isEqualTo(240);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void twoWritersAddingToTheSameBucketsAtOnceLoseNothing(String kind) throws Exception {
    try (Database db = TestDatabases.open(kind, dir);
        Statistics s =
            Statistics.start(db, StatisticsOptions.defaults(), new SimpleMeterRegistry(), "gw")) {
      // as two gateway instances sharing one database: both upsert the same hours at once
      StatisticsStore first = new StatisticsStore(db);
      StatisticsStore second = new StatisticsStore(db);
      int flushes = 15;
      Runnable[] writers = new Runnable[2];
      for (int w = 0; w < 2; w++) {
        StatisticsStore store = w == 0 ? first : second;
        long ms = w == 0 ? 10 : 700;
        writers[w] =
            () -> {
              for (int f = 0; f < flushes; f++) {
                Map<BucketKey, Bucket> buckets = new HashMap<>();
                for (int h = 0; h < 3; h++) {
                  Aggregator.fold(
                      buckets,
                      Observations.success(
                          DAY.plusSeconds(3600L * h + 60),
                          Observations.PORTAL,
                          Observations.CITIZENS,
                          ms,
                          1,
                          1));
                  Aggregator.fold(
                      buckets,
                      Observations.refusal(
                          DAY.plusSeconds(3600L * h + 60),
                          Observations.PORTAL,
                          Observations.CITIZENS,
                          ms));
                }
                store.add(buckets);
              }
            };
      }
      Thread a = Thread.ofPlatform().start(writers[0]);
      Thread b = Thread.ofPlatform().start(writers[1]);
      a.join(30_000);
      b.join(30_000);

      Figures f = figures(s, Grouping.DAY).getFirst();
      assertThat(f.calls()).isEqualTo(2L * flushes * 3 * 2);
      assertThat(f.errors()).containsEntry("access.denied", 2L * flushes * 3);
      // both writers' latencies are in the merged histograms: half 10 ms, half 700 ms
      assertThat(f.latencyP50()).isEqualTo(10);
      assertThat(f.latencyMax()).isBetween(700L, 707L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void purgeDeletesTheHoursBeforeTheCutoffWithTheirErrorCountsAndKeepsTheRest(String kind) {
    try (Database db = TestDatabases.open(kind, dir);
        Statistics s =
            Statistics.start(db, StatisticsOptions.defaults(), new SimpleMeterRegistry(), "gw")) {
      StatisticsStore store = new StatisticsStore(db);
      Map<BucketKey, Bucket> buckets = new HashMap<>();
      for (int h = 0; h < 24; h++) { // one bucket an hour: a success and a refusal
        Instant at = DAY.plusSeconds(h * 3600L + 60);
        Aggregator.fold(
            buckets,
            Observations.success(at, Observations.PORTAL, Observations.CITIZENS, 5, 100, 200));
        Aggregator.fold(
            buckets, Observations.refusal(at, Observations.PORTAL, Observations.CITIZENS, 5));
      }
      store.add(buckets);

      // the cutoff inside hour 12: that hour began before it and goes whole
      assertThat(store.purge(DAY.plusSeconds(12 * 3600L + 1).toEpochMilli())).isEqualTo(13);

      List<Figures> hours = figures(s, Grouping.HOUR);
      assertThat(hours).hasSize(11);
      assertThat(hours.getFirst().period()).contains("2026-11-30T13");
      Figures day = figures(s, Grouping.DAY).getFirst();
      assertThat(day.calls()).isEqualTo(22);
      assertThat(day.errors()).containsExactly(Map.entry("access.denied", 11L));
      assertThat(store.purge(DAY.toEpochMilli())).isZero();
    }
  }

  private static List<Figures> figures(Statistics s, Grouping g) {
    return s.figures(new StatsQuery(DAY, DAY.plusSeconds(86_400), List.of(g)));
  }
}
