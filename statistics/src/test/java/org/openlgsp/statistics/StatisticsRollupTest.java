package org.openlgsp.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.Observed;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

/**
 * The figures answered from the rollups per agency and per service are those a Java-side sum of
 * every generated observation gives, for every grouping (those read from the rollups and those read
 * from each bucket), before and after the rollups are rebuilt from the buckets alone.
 */
class StatisticsRollupTest {
  @TempDir Path dir;
  static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  static final Instant FROM = Instant.parse("2026-11-29T12:00:00Z"); // 19:00 on 29 Nov in Hanoi
  static final Instant TO = FROM.plusSeconds(36 * 3600L); // over three local days
  static final List<String> GROUPINGS =
      List.of(
          "",
          "agency",
          "service",
          "hour",
          "day",
          "month",
          "agency,day",
          "day,service",
          "hour,agency",
          "system",
          "agency,service");

  private record Call(
      ExchangeObservation observation, String agency, String system, String service) {}

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void rolledUpFiguresEqualAJavaSumOfEveryObservationForEveryGrouping(String kind) {
    List<Call> calls = generate(new Random(15));
    try (Database db = TestDatabases.open(kind, dir);
        Statistics s =
            Statistics.start(db, StatisticsOptions.defaults(), new SimpleMeterRegistry(), "gw")) {
      StatisticsStore store = new StatisticsStore(db);
      for (int part = 0; part < 4; part++) { // several flushes add to the same rows
        Map<BucketKey, Bucket> buckets = new HashMap<>();
        for (int i = part; i < calls.size(); i += 4) {
          Aggregator.fold(buckets, calls.get(i).observation());
        }
        store.add(buckets);
      }
      assertAnswersEqualJavaSums(s, calls);

      // a day's dashboard reads (hours x agencies) rows, not every bucket
      long rolledUp = store.readRollup(StatisticsStore.Dimension.AGENCY, ms(FROM), ms(TO), noop());
      long buckets = store.read(ms(FROM), ms(TO), noop());
      assertThat(rolledUp).isLessThan(buckets / 4);

      // as a database written before the rollups existed: they are rebuilt from the buckets
      Sql.inTransaction(
          db,
          h -> {
            h.execute("DELETE FROM stats_rollup_error");
            h.execute("DELETE FROM stats_rollup");
            return h.execute("INSERT INTO stats_rollup_pending (what) VALUES ('rebuild')");
          });
      assertThat(s.figures(FROM, TO, "agency").orElseThrow()).isEmpty();
      new StatisticsStore(db);
      assertAnswersEqualJavaSums(s, calls);
      assertThat(store.readRollup(StatisticsStore.Dimension.SERVICE, ms(FROM), ms(TO), noop()))
          .isPositive();
    }
  }

  private static void assertAnswersEqualJavaSums(Statistics s, List<Call> calls) {
    for (String groupBy : GROUPINGS) {
      assertThat(s.figures(FROM, TO, groupBy).orElseThrow())
          .as("groupBy=%s", groupBy)
          .containsExactlyElementsOf(javaSums(calls, groupBy));
    }
  }

  /** Every observation added up in Java by the grouping's values, rows in the API's order. */
  private static List<Figures> javaSums(List<Call> calls, String groupBy) {
    List<String> by = groupBy.isEmpty() ? List.of() : List.of(groupBy.split(","));
    Map<List<Optional<String>>, Bucket> groups = new HashMap<>();
    for (Call c : calls) {
      ExchangeObservation o = c.observation();
      ZonedDateTime local = o.monitoringDataTs().atZone(ZONE);
      Optional<String> period =
          by.contains("hour")
              ? Optional.of(local.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH")))
              : by.contains("day")
                  ? Optional.of(local.toLocalDate().toString())
                  : by.contains("month")
                      ? Optional.of(YearMonth.from(local).toString())
                      : Optional.empty();
      List<Optional<String>> key =
          List.of(
              when(by, "agency", c.agency()),
              when(by, "system", c.system()),
              when(by, "service", c.service()),
              period);
      Bucket b = groups.computeIfAbsent(key, k -> new Bucket());
      b.calls++;
      switch (o.outcome()) {
        case SUCCESS -> b.successes++;
        case REFUSED -> b.refused++;
        case FAILED -> b.failed++;
      }
      if (!o.succeeded()) {
        b.errors.merge(o.errorCode(), 1L, Long::sum);
      }
      b.bytesIn += o.requestSize();
      b.bytesOut += o.responseSize();
      b.recordLatency(o.totalTime().toMillis());
    }
    List<Figures> rows = new ArrayList<>();
    groups.forEach((k, b) -> rows.add(Figures.of(k.get(0), k.get(1), k.get(2), k.get(3), b)));
    rows.sort(
        Comparator.comparing(
            f ->
                String.join(
                    "\u0000",
                    f.period().orElse(""),
                    f.agency().orElse(""),
                    f.system().orElse(""),
                    f.service().orElse(""))));
    return rows;
  }

  private static Optional<String> when(List<String> by, String grouping, String value) {
    return by.contains(grouping) ? Optional.of(value) : Optional.empty();
  }

  /**
   * 3 agencies of 2 systems each, 4 services, both sides, successes, refusals and failures with two
   * error codes, latencies up to beyond an hour, at random instants of the range.
   */
  private static List<Call> generate(Random r) {
    List<Call> out = new ArrayList<>();
    String[] agencies = {"000.00.00.H53", "000.00.00.H29", "000.00.00.G09"};
    List<ServiceId> services =
        List.of(
            Observed.CITIZENS,
            Observed.PARCELS,
            new ServiceId(
                ClientId.subsystem("VN", "GOV", "000.00.00.G01", "CSDLQGDC"), "households"),
            new ServiceId(ClientId.subsystem("VN", "GOV", "000.00.00.G03", "BHXH"), "insured"));
    long span = TO.getEpochSecond() - FROM.getEpochSecond();
    for (int i = 0; i < 1_500; i++) {
      String agency = agencies[r.nextInt(agencies.length)];
      ClientId client = ClientId.subsystem("VN", "GOV", agency, r.nextBoolean() ? "DVC" : "HTTT");
      ServiceId service = services.get(r.nextInt(services.size()));
      Instant at = FROM.plusSeconds(Math.floorMod(r.nextLong(), span));
      long ms = r.nextInt(50) == 0 ? 4_000_000 : 1 + r.nextInt(r.nextBoolean() ? 300 : 20_000);
      int outcome = r.nextInt(10);
      ExchangeObservation o =
          outcome == 0
              ? Observations.refusal(at, client, service, ms)
              : outcome == 1
                  ? Observations.of(
                      at, client, service, ms, r.nextInt(500), 80, "service.unavailable", 503)
                  : Observations.success(
                      at, client, service, ms, r.nextInt(2_000), r.nextInt(50_000));
      if (r.nextInt(3) == 0) {
        o =
            Observed.from(o)
                .securityServerType(ExchangeObservation.SecurityServerType.PRODUCER)
                .build();
      }
      out.add(
          new Call(
              o,
              ClientId.member("VN", "GOV", agency).encoded(),
              client.encoded(),
              service.encoded()));
    }
    return out;
  }

  private static long ms(Instant i) {
    return i.toEpochMilli();
  }

  private static java.util.function.BiConsumer<BucketKey, Bucket> noop() {
    return (k, b) -> {};
  }
}
