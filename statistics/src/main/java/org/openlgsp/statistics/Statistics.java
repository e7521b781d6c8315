package org.openlgsp.statistics;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.statistics.StatsQuery.Grouping;
import org.openlgsp.storage.Database;

/**
 * A gateway's statistics (docs/statistics.md): hour buckets per agency, system and service folded
 * from the exchange observations, the figures and rankings over any range of whole hours, the
 * monthly report, and the API when it has a port. Give {@link #observers()} to the gateway.
 */
public final class Statistics implements AutoCloseable {
  private final StatisticsOptions options;
  private final String gateway;
  private final Optional<StatisticsStore> store;
  private final Optional<Aggregator> aggregator;
  private final Optional<ScheduledExecutorService> purger;
  private final Clock clock;
  private Optional<StatisticsHttp> api = Optional.empty();

  private Statistics(
      Database db, StatisticsOptions options, MeterRegistry registry, String gateway, Clock clock) {
    this.options = options;
    this.gateway = gateway;
    this.clock = clock;
    if (!options.enabled()) {
      store = Optional.empty();
      aggregator = Optional.empty();
      purger = Optional.empty();
      return;
    }
    StatisticsStore s = new StatisticsStore(db);
    Aggregator a =
        new Aggregator(s::add, options.queueSize(), options.batchSize(), options.flushInterval());
    store = Optional.of(s);
    aggregator = Optional.of(a);
    a.registerMeters(
        registry,
        "Observations not counted in statistics because the queue was full",
        "Observations whose statistics the database did not take",
        "Observations waiting to be counted in statistics");
    ScheduledExecutorService p =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("stats-purge").unstarted(r));
    p.scheduleWithFixedDelay(
        this::purgeQuietly, 0, options.purgeInterval().toMillis(), TimeUnit.MILLISECONDS);
    purger = Optional.of(p);
  }

  /**
   * Starts statistics on {@code db} (its own tables, Flyway history {@code statistics}); the API,
   * when configured, listens on {@code host}, and reports name the gateway by its host.
   */
  public static Statistics start(
      Database db, StatisticsOptions options, MeterRegistry registry, String host) {
    return start(db, options, registry, host, host);
  }

  /**
   * As {@link #start(Database, StatisticsOptions, MeterRegistry, String)}; reports name {@code
   * gateway}.
   */
  public static Statistics start(
      Database db, StatisticsOptions options, MeterRegistry registry, String host, String gateway) {
    return start(db, options, registry, host, gateway, Clock.systemUTC());
  }

  /**
   * As {@link #start(Database, StatisticsOptions, MeterRegistry, String, String)}; the retention
   * counts back from {@code clock}'s now.
   */
  public static Statistics start(
      Database db,
      StatisticsOptions options,
      MeterRegistry registry,
      String host,
      String gateway,
      Clock clock) {
    return start(db, options, registry, host, gateway, clock, db);
  }

  /**
   * As {@link #start(Database, StatisticsOptions, MeterRegistry, String, String, Clock)}, the API's
   * audit rows written to {@code auditDb}'s {@code edge_audit} (a gateway's own database, when the
   * statistics are kept in another).
   */
  public static Statistics start(
      Database db,
      StatisticsOptions options,
      MeterRegistry registry,
      String host,
      String gateway,
      Clock clock,
      Database auditDb) {
    Statistics s = new Statistics(db, options, registry, gateway, clock);
    try {
      if (options.apiPort().isPresent()) {
        s.api =
            Optional.of(
                new StatisticsHttp(
                    s,
                    host,
                    options.apiPort().get(),
                    options.apiTokenSha256().orElseThrow(),
                    DatabaseAuditLog.open(auditDb)));
      }
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** The observer to give the gateway; none when disabled. */
  public List<ExchangeObserver> observers() {
    return aggregator.<List<ExchangeObserver>>map(List::of).orElse(List.of());
  }

  /** The API's port, when it runs. */
  public Optional<Integer> apiPort() {
    return api.map(StatisticsHttp::port);
  }

  /** Observations not counted because the queue was full. */
  public long dropped() {
    return aggregator.map(Aggregator::dropped).orElse(0L);
  }

  /**
   * Deletes the hour buckets that began before now minus the retention, each with its error counts;
   * returns how many.
   */
  int purge() {
    long cutoff = clock.instant().minus(options.retention()).toEpochMilli();
    return store.map(s -> s.purge(cutoff)).orElse(0);
  }

  private void purgeQuietly() {
    try {
      purge();
    } catch (RuntimeException e) {
      Logger.getLogger(Statistics.class.getName())
          .log(Level.WARNING, "statistics buckets not purged: " + e.getMessage());
    }
  }

  /** The gateway named on reports. */
  String gateway() {
    return gateway;
  }

  StatisticsOptions options() {
    return options;
  }

  Status status() {
    Aggregator a = aggregator.orElseThrow();
    return new Status(a.queued(), a.counted(), a.dropped(), a.lost(), options.zone().getId());
  }

  /** What {@code /statistics/v1/status} answers. */
  record Status(long queued, long counted, long dropped, long lost, String zone) {}

  private StatisticsStore store() {
    return store.orElseThrow(() -> new IllegalStateException("statistics are not enabled"));
  }

  /**
   * The figures of {@code [from, to)} (whole hours) grouped by {@code groupBy} (as the API's
   * parameter, e.g. {@code hour}), one row per group: read in process by the gateway node's own
   * console. Empty when statistics are not enabled.
   */
  public Optional<List<Figures>> figures(Instant from, Instant to, String groupBy) {
    if (store.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(figures(new StatsQuery(from, to, StatsQuery.groupings(groupBy))));
  }

  /** The figures of the query's range, one row per group, in group order. */
  List<Figures> figures(StatsQuery q) {
    return figures(q.within(options.maxRange()), List.of(q.groupBy())).getFirst();
  }

  /**
   * The figures of the query's range for each of {@code groupings}, in one read of the buckets or
   * of a rollup (the monthly report needs three).
   */
  List<List<Figures>> figures(StatsQuery q, List<List<Grouping>> groupings) {
    // Each bucket read is added once, to its group by every dimension any grouping asks for; the
    // groupings are then added up from those few groups (merging is exact, so the order is free).
    List<Grouping> finest = groupings.stream().flatMap(List::stream).distinct().sorted().toList();
    Map<List<String>, Bucket> fine = new HashMap<>();
    ZoneId zone = options.zone();
    Map<Long, Map<Grouping, String>> periods = new HashMap<>();
    read(
        q,
        finest,
        (k, b) -> {
          List<String> key = new ArrayList<>(finest.size());
          for (Grouping g : finest) {
            key.add(
                switch (g) {
                  case AGENCY -> k.agency();
                  case SYSTEM -> k.system();
                  case SERVICE -> k.service();
                  case HOUR, DAY, MONTH ->
                      periods
                          .computeIfAbsent(k.hour(), h -> new EnumMap<>(Grouping.class))
                          .computeIfAbsent(g, x -> period(k.hour(), x, zone));
                });
          }
          Bucket sum = fine.get(key);
          if (sum == null) {
            fine.put(key, b); // read fresh for this call: it can be the sum
          } else {
            sum.add(b);
          }
        });
    List<List<Figures>> out = new ArrayList<>();
    for (List<Grouping> by : groupings) {
      int[] at = by.stream().mapToInt(finest::indexOf).toArray();
      Map<List<String>, Bucket> groups = new HashMap<>();
      fine.forEach(
          (key, b) -> {
            List<String> k = new ArrayList<>(at.length);
            for (int i : at) {
              k.add(key.get(i));
            }
            groups.computeIfAbsent(k, x -> new Bucket()).add(b);
          });
      List<Figures> rows = new ArrayList<>(groups.size());
      groups.forEach((key, b) -> rows.add(row(by, key, b)));
      rows.sort(Comparator.comparing(Statistics::sortKey));
      out.add(rows);
    }
    return out;
  }

  /**
   * Reads the rows the groupings need: a rollup when they ask for agencies or services alone (or
   * only periods: every bucket has one agency, so the agencies' rollups add up to every bucket),
   * each bucket otherwise. Rolled-up rows are sums of buckets, and sums merge exactly, so either
   * read gives the same figures (StatisticsRollupTest).
   */
  private void read(StatsQuery q, List<Grouping> finest, BiConsumer<BucketKey, Bucket> sink) {
    long from = q.from().toEpochMilli();
    long to = q.to().toEpochMilli();
    List<Grouping> dims = finest.stream().filter(g -> !g.isPeriod()).toList();
    if (dims.isEmpty() || dims.equals(List.of(Grouping.AGENCY))) {
      store().readRollup(StatisticsStore.Dimension.AGENCY, from, to, sink);
    } else if (dims.equals(List.of(Grouping.SERVICE))) {
      store().readRollup(StatisticsStore.Dimension.SERVICE, from, to, sink);
    } else {
      store().read(from, to, sink);
    }
  }

  private static String sortKey(Figures f) {
    return f.period().orElse("")
        + "\u0000"
        + f.agency().orElse("")
        + "\u0000"
        + f.system().orElse("")
        + "\u0000"
        + f.service().orElse("");
  }

  private static Figures row(List<Grouping> by, List<String> key, Bucket b) {
    Map<Grouping, String> v = new LinkedHashMap<>();
    for (int i = 0; i < by.size(); i++) {
      v.put(by.get(i), key.get(i));
    }
    Optional<String> period =
        v.entrySet().stream()
            .filter(e -> e.getKey().isPeriod())
            .map(Map.Entry::getValue)
            .findFirst();
    return Figures.of(
        Optional.ofNullable(v.get(Grouping.AGENCY)),
        Optional.ofNullable(v.get(Grouping.SYSTEM)),
        Optional.ofNullable(v.get(Grouping.SERVICE)),
        period,
        b);
  }

  /**
   * The hour's period in the zone: {@code 2026-11-30T14}, {@code 2026-11-30} or {@code 2026-11}.
   */
  static String period(long hour, Grouping g, ZoneId zone) {
    LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(hour), zone);
    return switch (g) {
      case HOUR -> t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH"));
      case DAY -> t.toLocalDate().toString();
      case MONTH -> YearMonth.from(t).toString();
      default -> throw new IllegalArgumentException(g + " is no period");
    };
  }

  /** What a ranking orders by. */
  enum Order {
    VOLUME,
    ERRORS
  }

  /**
   * The first {@code limit} agencies or services ({@code by}) of the range, by calls or by refused
   * and failed calls, the larger first (ties by name).
   */
  List<Figures> ranking(Instant from, Instant to, Grouping by, Order order, int limit) {
    if (by != Grouping.AGENCY && by != Grouping.SERVICE && by != Grouping.SYSTEM) {
      throw new IllegalArgumentException("rankings are of agencies, systems or services");
    }
    return rank(figures(new StatsQuery(from, to, List.of(by))), order, limit);
  }

  static List<Figures> rank(List<Figures> rows, Order order, int limit) {
    Comparator<Figures> c =
        order == Order.VOLUME
            ? Comparator.comparingLong(Figures::calls).reversed()
            : Comparator.comparingLong(Figures::errorCalls).reversed();
    return rows.stream()
        .filter(f -> order == Order.VOLUME || f.errorCalls() > 0)
        .sorted(c.thenComparing(Statistics::sortKey))
        .limit(limit)
        .toList();
  }

  /**
   * The month's report (its range is the month in the configured zone; a month is asked whatever
   * {@code maxRange} says, so a short one does not forbid reports).
   */
  MonthlyReport.Data report(YearMonth month) {
    ZoneId zone = options.zone();
    Instant from = month.atDay(1).atStartOfDay(zone).toInstant();
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    // two rollup reads (agencies with the total, services) rather than one of every bucket
    StatsQuery q = new StatsQuery(from, to, List.of());
    List<List<Figures>> all = figures(q, List.of(List.of(), List.of(Grouping.AGENCY)));
    List<Figures> total = all.get(0);
    List<Figures> byAgency = all.get(1);
    List<Figures> byService = figures(q, List.of(List.of(Grouping.SERVICE))).getFirst();
    return new MonthlyReport.Data(
        month,
        zone,
        total.isEmpty() ? Optional.empty() : Optional.of(total.getFirst()),
        byAgency,
        rank(byAgency, Order.VOLUME, 10),
        rank(byService, Order.VOLUME, 10),
        rank(byAgency, Order.ERRORS, 10),
        rank(byService, Order.ERRORS, 10),
        byService);
  }

  /** Stops the API and the purge, then counts and writes what is queued. */
  @Override
  public void close() {
    api.ifPresent(StatisticsHttp::close);
    purger.ifPresent(ScheduledExecutorService::shutdownNow);
    aggregator.ifPresent(Aggregator::close);
  }
}
