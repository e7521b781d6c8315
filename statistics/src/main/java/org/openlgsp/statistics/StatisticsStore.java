package org.openlgsp.statistics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * The hour buckets in the database (tables {@code stats_hour}, {@code stats_hour_error}, Flyway
 * history {@code statistics}) and their rollups per agency and per service ({@code stats_rollup},
 * {@code stats_rollup_error}). Writing adds to what a bucket holds (an upsert), so any number of
 * flushes, and of gateway instances sharing a PostgreSQL database, add up to the same bucket; the
 * rollups are added to in the same transaction, so they always hold the sum of their buckets.
 */
final class StatisticsStore {
  private static final String COUNTS = "calls, successes, refused, failed, bytes_in, bytes_out";

  /**
   * A table of added-up buckets: its key columns, the columns it also holds ({@code extra}), and
   * its error counts in {@code <name>_error} under the same key.
   */
  private record Table(String name, List<String> key, List<String> extra) {
    String errors() {
      return name + "_error";
    }

    String where() {
      return String.join(" AND ", key.stream().map(c -> c + " = ?").toList());
    }

    /** The first {@code n} columns of a row selecting the key columns, then the extra ones. */
    List<Object> values(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
      List<Object> out = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        String column = i <= key.size() ? key.get(i - 1) : extra.get(i - 1 - key.size());
        out.add(column.equals("hour") ? (Object) rs.getLong(i) : rs.getString(i));
      }
      return out;
    }
  }

  private static final Table BUCKETS =
      new Table(
          "stats_hour", List.of("hour", "side", "client_id", "service_id"), List.of("agency"));
  private static final Table ROLLUPS =
      new Table("stats_rollup", List.of("dim", "hour", "name"), List.of());

  /** A rollup's dimension: its {@code dim} value and the bucket column it adds up by. */
  enum Dimension {
    AGENCY("agency", "agency"),
    SERVICE("service", "service_id");

    final String dim;
    final String column;

    Dimension(String dim, String column) {
      this.dim = dim;
      this.column = column;
    }

    String of(BucketKey k) {
      return this == AGENCY ? k.agency() : k.service();
    }

    /** The key a rolled-up row is handed on with: its hour and name, the rest empty. */
    BucketKey key(long hour, String name) {
      return this == AGENCY
          ? new BucketKey(hour, "", name, "", "")
          : new BucketKey(hour, "", "", "", name);
    }
  }

  private record RollupKey(Dimension dimension, long hour, String name)
      implements Comparable<RollupKey> {
    private static final Comparator<RollupKey> ORDER =
        Comparator.comparing(RollupKey::dimension)
            .thenComparingLong(RollupKey::hour)
            .thenComparing(RollupKey::name);

    @Override
    public int compareTo(RollupKey o) {
      return ORDER.compare(this, o);
    }
  }

  private final Database db;
  private final String lockSuffix;

  StatisticsStore(Database db) {
    this.db = db;
    this.lockSuffix = db.dialect() == Database.Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    db.migrate("statistics");
    rollUpIfPending();
  }

  /** Adds each bucket to the stored one of its key, all in one transaction. */
  void add(Map<BucketKey, Bucket> buckets) {
    if (buckets.isEmpty()) {
      return;
    }
    // added up before the transaction, so the write lock is not held for it
    Map<RollupKey, Bucket> rollups = rollUp(buckets);
    Sql.inTransaction(
        db,
        h -> {
          for (Map.Entry<BucketKey, Bucket> e : buckets.entrySet()) {
            add(h, e.getKey(), e.getValue());
          }
          // in key order after every bucket: two writers lock the rollup rows in the same order
          for (Map.Entry<RollupKey, Bucket> e : rollups.entrySet()) {
            add(h, e.getKey(), e.getValue());
          }
          return null;
        });
  }

  private void add(Handle h, BucketKey k, Bucket b) {
    add(h, BUCKETS, List.of(k.hour(), k.side(), k.system(), k.service()), List.of(k.agency()), b);
  }

  private void add(Handle h, RollupKey k, Bucket b) {
    add(h, ROLLUPS, List.of(k.dimension().dim, k.hour(), k.name()), List.of(), b);
  }

  /**
   * Adds {@code b} to the row of {@code t} with {@code key} (inserted empty, with {@code extra}, if
   * missing): its histogram merged, its counts and error counts incremented.
   */
  private void add(Handle h, Table t, List<Object> key, List<Object> extra, Bucket b) {
    // The empty row first, then the stored one locked (PostgreSQL) or behind the write lock this
    // insert took (SQLite): merging the histogram never races another writer's merge.
    List<String> columns = new ArrayList<>(t.key());
    columns.addAll(t.extra());
    List<Object> values = new ArrayList<>(key);
    values.addAll(extra);
    bind(
            h.createUpdate(
                "INSERT INTO "
                    + t.name()
                    + " ("
                    + String.join(", ", columns)
                    + ", "
                    + COUNTS
                    + ", latency) VALUES ("
                    + "?, ".repeat(columns.size())
                    + "0, 0, 0, 0, 0, 0, NULL) ON CONFLICT ("
                    + String.join(", ", t.key())
                    + ") DO NOTHING"),
            0,
            values)
        .execute();
    Optional<byte[]> stored =
        bind(
                h.createQuery(
                    "SELECT latency FROM " + t.name() + " WHERE " + t.where() + lockSuffix),
                0,
                key)
            .map((rs, ctx) -> Optional.ofNullable(rs.getBytes(1)))
            .one();
    Bucket merged = new Bucket();
    stored.ifPresent(merged::addLatency);
    merged.latency.add(b.latency);
    bind(
            h.createUpdate(
                "UPDATE "
                    + t.name()
                    + " SET calls = calls + ?, successes = successes + ?, refused = refused + ?,"
                    + " failed = failed + ?, bytes_in = bytes_in + ?, bytes_out = bytes_out + ?,"
                    + " latency = ? WHERE "
                    + t.where()),
            7,
            key)
        .bind(0, b.calls)
        .bind(1, b.successes)
        .bind(2, b.refused)
        .bind(3, b.failed)
        .bind(4, b.bytesIn)
        .bind(5, b.bytesOut)
        .bind(6, merged.latencyBytes())
        .execute();
    String keyColumns = String.join(", ", t.key());
    for (Map.Entry<String, Long> e : b.errors.entrySet()) {
      bind(
              h.createUpdate(
                  "INSERT INTO "
                      + t.errors()
                      + " ("
                      + keyColumns
                      + ", error_code, calls) VALUES ("
                      + "?, ".repeat(key.size())
                      + "?, ?) ON CONFLICT ("
                      + keyColumns
                      + ", error_code) DO UPDATE SET calls = "
                      + t.errors()
                      + ".calls + excluded.calls"),
              0,
              key)
          .bind(key.size(), e.getKey())
          .bind(key.size() + 1, e.getValue())
          .execute();
    }
  }

  /** Binds {@code values} from parameter {@code first} on. */
  private static <S extends SqlStatement<S>> S bind(S statement, int first, List<Object> values) {
    for (int i = 0; i < values.size(); i++) {
      statement.bind(first + i, values.get(i));
    }
    return statement;
  }

  private static Map<RollupKey, Bucket> rollUp(Map<BucketKey, Bucket> buckets) {
    Map<RollupKey, Bucket> out = new TreeMap<>();
    buckets.forEach(
        (k, b) -> {
          for (Dimension d : Dimension.values()) {
            out.computeIfAbsent(new RollupKey(d, k.hour(), d.of(k)), x -> new Bucket()).add(b);
          }
        });
    return out;
  }

  /**
   * Rolls up the buckets stored before the rollups existed, once (migration V2 leaves a row in
   * {@code stats_rollup_pending}): the counts and error counts added up by SQL, the histograms
   * merged an hour at a time. Other writers wait meanwhile (PostgreSQL: the bucket table locked
   * against writes; SQLite: the write lock), so no flush is counted twice or missed.
   */
  private void rollUpIfPending() {
    if (Sql.read(
            db,
            h -> h.createQuery("SELECT COUNT(*) FROM stats_rollup_pending").mapTo(Long.class).one())
        == 0) {
      return; // the usual start: no lock taken
    }
    Sql.inTransaction(
        db,
        h -> {
          if (db.dialect() == Database.Dialect.POSTGRESQL) {
            h.execute("LOCK TABLE stats_hour IN EXCLUSIVE MODE");
          }
          if (h.createUpdate("DELETE FROM stats_rollup_pending WHERE what = 'rebuild'").execute()
              == 0) {
            return null;
          }
          h.execute("DELETE FROM stats_rollup_error");
          h.execute("DELETE FROM stats_rollup");
          for (Dimension d : Dimension.values()) {
            h.createUpdate(
                    "INSERT INTO stats_rollup (dim, hour, name, calls, successes, refused, failed,"
                        + " bytes_in, bytes_out, latency) SELECT ?, hour, "
                        + d.column
                        + ", SUM(calls), SUM(successes), SUM(refused), SUM(failed), SUM(bytes_in),"
                        + " SUM(bytes_out), NULL FROM stats_hour GROUP BY hour, "
                        + d.column)
                .bind(0, d.dim)
                .execute();
            h.createUpdate(
                    "INSERT INTO stats_rollup_error (dim, hour, name, error_code, calls) SELECT ?,"
                        + " e.hour, b."
                        + d.column
                        + ", e.error_code, SUM(e.calls) FROM stats_hour_error e JOIN stats_hour b"
                        + " ON b.hour = e.hour AND b.side = e.side AND b.client_id = e.client_id"
                        + " AND b.service_id = e.service_id GROUP BY e.hour, b."
                        + d.column
                        + ", e.error_code")
                .bind(0, d.dim)
                .execute();
          }
          List<Long> hours =
              h.createQuery("SELECT DISTINCT hour FROM stats_hour ORDER BY hour")
                  .mapTo(Long.class)
                  .list();
          for (long hour : hours) {
            rollUpLatencies(h, hour);
          }
          return null;
        });
  }

  private static void rollUpLatencies(Handle h, long hour) {
    Map<RollupKey, Bucket> merged = new TreeMap<>();
    h.createQuery("SELECT agency, service_id, latency FROM stats_hour WHERE hour = ?")
        .bind(0, hour)
        .map(
            (rs, ctx) -> {
              byte[] latency = rs.getBytes(3);
              if (latency != null) {
                BucketKey k = new BucketKey(hour, "", rs.getString(1), "", rs.getString(2));
                for (Dimension d : Dimension.values()) {
                  merged
                      .computeIfAbsent(new RollupKey(d, hour, d.of(k)), x -> new Bucket())
                      .addLatency(latency);
                }
              }
              return 0;
            })
        .forEach(x -> {});
    merged.forEach(
        (k, b) ->
            bind(
                    h.createUpdate("UPDATE stats_rollup SET latency = ? WHERE " + ROLLUPS.where()),
                    1,
                    List.of(k.dimension().dim, k.hour(), k.name()))
                .bind(0, b.latencyBytes())
                .execute());
  }

  /**
   * Deletes the buckets (and their error counts) whose hour starts before {@code cutoffHour} (epoch
   * milliseconds); returns how many buckets.
   */
  int purge(long cutoffHour) {
    return Sql.inTransaction(
        db,
        h -> {
          h.createUpdate("DELETE FROM stats_hour_error WHERE hour < ?")
              .bind(0, cutoffHour)
              .execute();
          h.createUpdate("DELETE FROM stats_rollup_error WHERE hour < ?")
              .bind(0, cutoffHour)
              .execute();
          h.createUpdate("DELETE FROM stats_rollup WHERE hour < ?").bind(0, cutoffHour).execute();
          return h.createUpdate("DELETE FROM stats_hour WHERE hour < ?")
              .bind(0, cutoffHour)
              .execute();
        });
  }

  /**
   * Hands each stored bucket whose hour starts in {@code [fromHour, toHour)} to {@code sink}, with
   * its error counts, in key order; returns how many.
   */
  long read(long fromHour, long toHour, BiConsumer<BucketKey, Bucket> sink) {
    return read(
        BUCKETS,
        "hour >= ? AND hour < ?",
        List.of(fromHour, toHour),
        // the key columns, then agency
        v ->
            new BucketKey(
                (Long) v.get(0),
                (String) v.get(1),
                (String) v.get(4),
                (String) v.get(2),
                (String) v.get(3)),
        sink);
  }

  /**
   * Hands each rolled-up row of {@code dimension} whose hour starts in {@code [fromHour, toHour)}
   * to {@code sink} (keyed by its hour and name only), with its error counts; returns how many.
   */
  long readRollup(
      Dimension dimension, long fromHour, long toHour, BiConsumer<BucketKey, Bucket> sink) {
    return read(
        ROLLUPS,
        "dim = ? AND hour >= ? AND hour < ?",
        List.of(dimension.dim, fromHour, toHour),
        v -> dimension.key((Long) v.get(1), (String) v.get(2)),
        sink);
  }

  /**
   * Hands the rows of {@code t} that {@code where} selects to {@code sink} in key order, each with
   * its error counts, keyed by {@code keyOf} of its key then extra columns' values; returns how
   * many.
   */
  private long read(
      Table t,
      String where,
      List<Object> args,
      Function<List<Object>, BucketKey> keyOf,
      BiConsumer<BucketKey, Bucket> sink) {
    int k = t.key().size();
    String keyColumns = String.join(", ", t.key());
    return Sql.read(
        db,
        h -> {
          Map<List<Object>, Map<String, Long>> errors = new HashMap<>();
          bind(
                  h.createQuery(
                      "SELECT "
                          + keyColumns
                          + ", error_code, calls FROM "
                          + t.errors()
                          + " WHERE "
                          + where),
                  0,
                  args)
              .map(
                  (rs, ctx) -> {
                    errors
                        .computeIfAbsent(t.values(rs, k), x -> new TreeMap<>())
                        .put(rs.getString(k + 1), rs.getLong(k + 2));
                    return 0;
                  })
              .forEach(x -> {});
          List<String> columns = new ArrayList<>(t.key());
          columns.addAll(t.extra());
          int n = columns.size();
          long[] count = {0};
          bind(
                  h.createQuery(
                      "SELECT "
                          + String.join(", ", columns)
                          + ", "
                          + COUNTS
                          + ", latency FROM "
                          + t.name()
                          + " WHERE "
                          + where
                          + " ORDER BY "
                          + keyColumns),
                  0,
                  args)
              .setFetchSize(1_000)
              .map(
                  (rs, ctx) -> {
                    List<Object> values = t.values(rs, n);
                    byte[] latency = rs.getBytes(n + 7);
                    Bucket b = latency == null ? new Bucket() : new Bucket(Bucket.decode(latency));
                    b.calls = rs.getLong(n + 1);
                    b.successes = rs.getLong(n + 2);
                    b.refused = rs.getLong(n + 3);
                    b.failed = rs.getLong(n + 4);
                    b.bytesIn = rs.getLong(n + 5);
                    b.bytesOut = rs.getLong(n + 6);
                    Map<String, Long> e = errors.get(values.subList(0, k));
                    if (e != null) {
                      b.errors.putAll(e);
                    }
                    sink.accept(keyOf.apply(values), b);
                    count[0]++;
                    return 0;
                  })
              .forEach(x -> {});
          return count[0];
        });
  }
}
