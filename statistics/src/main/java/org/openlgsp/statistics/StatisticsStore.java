package org.openlgsp.statistics;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
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
  private static final String KEY = "hour = ? AND side = ? AND client_id = ? AND service_id = ?";
  private static final String ROLLUP_KEY = "dim = ? AND hour = ? AND name = ?";

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
    Sql.inTransaction(
        db,
        h -> {
          for (Map.Entry<BucketKey, Bucket> e : buckets.entrySet()) {
            add(h, e.getKey(), e.getValue());
          }
          // in key order after every bucket: two writers lock the rollup rows in the same order
          for (Map.Entry<RollupKey, Bucket> e : rollUp(buckets).entrySet()) {
            add(h, e.getKey(), e.getValue());
          }
          return null;
        });
  }

  private void add(Handle h, BucketKey k, Bucket b) {
    // The empty row first, then the stored one locked (PostgreSQL) or behind the write lock this
    // insert took (SQLite): merging the histogram never races another writer's merge.
    h.createUpdate(
            "INSERT INTO stats_hour (hour, side, agency, client_id, service_id, calls, successes,"
                + " refused, failed, bytes_in, bytes_out, latency) VALUES (?, ?, ?, ?, ?, 0, 0, 0,"
                + " 0, 0, 0, NULL) ON CONFLICT (hour, side, client_id, service_id) DO NOTHING")
        .bind(0, k.hour())
        .bind(1, k.side())
        .bind(2, k.agency())
        .bind(3, k.system())
        .bind(4, k.service())
        .execute();
    Optional<byte[]> stored =
        key(h.createQuery("SELECT latency FROM stats_hour WHERE " + KEY + lockSuffix), 0, k)
            .map((rs, ctx) -> Optional.ofNullable(rs.getBytes(1)))
            .one();
    Bucket merged = new Bucket();
    stored.ifPresent(merged::addLatency);
    merged.latency.add(b.latency);
    key(
            h.createUpdate(
                "UPDATE stats_hour SET calls = calls + ?, successes = successes + ?, refused = refused"
                    + " + ?, failed = failed + ?, bytes_in = bytes_in + ?, bytes_out = bytes_out + ?,"
                    + " latency = ? WHERE "
                    + KEY),
            7,
            k)
        .bind(0, b.calls)
        .bind(1, b.successes)
        .bind(2, b.refused)
        .bind(3, b.failed)
        .bind(4, b.bytesIn)
        .bind(5, b.bytesOut)
        .bind(6, merged.latencyBytes())
        .execute();
    for (Map.Entry<String, Long> e : b.errors.entrySet()) {
      key(
              h.createUpdate(
                  "INSERT INTO stats_hour_error (hour, side, client_id, service_id, error_code, calls)"
                      + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hour, side, client_id, service_id,"
                      + " error_code) DO UPDATE SET calls = stats_hour_error.calls + excluded.calls"),
              0,
              k)
          .bind(4, e.getKey())
          .bind(5, e.getValue())
          .execute();
    }
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

  private void add(Handle h, RollupKey k, Bucket b) {
    // as a bucket: the empty row, then the stored one locked while its histogram is merged
    rollupKey(
            h.createUpdate(
                "INSERT INTO stats_rollup (dim, hour, name, calls, successes, refused, failed,"
                    + " bytes_in, bytes_out, latency) VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0, NULL) ON"
                    + " CONFLICT (dim, hour, name) DO NOTHING"),
            0,
            k)
        .execute();
    Optional<byte[]> stored =
        rollupKey(
                h.createQuery("SELECT latency FROM stats_rollup WHERE " + ROLLUP_KEY + lockSuffix),
                0,
                k)
            .map((rs, ctx) -> Optional.ofNullable(rs.getBytes(1)))
            .one();
    Bucket merged = new Bucket();
    stored.ifPresent(merged::addLatency);
    merged.latency.add(b.latency);
    rollupKey(
            h.createUpdate(
                "UPDATE stats_rollup SET calls = calls + ?, successes = successes + ?, refused ="
                    + " refused + ?, failed = failed + ?, bytes_in = bytes_in + ?, bytes_out ="
                    + " bytes_out + ?, latency = ? WHERE "
                    + ROLLUP_KEY),
            7,
            k)
        .bind(0, b.calls)
        .bind(1, b.successes)
        .bind(2, b.refused)
        .bind(3, b.failed)
        .bind(4, b.bytesIn)
        .bind(5, b.bytesOut)
        .bind(6, merged.latencyBytes())
        .execute();
    for (Map.Entry<String, Long> e : b.errors.entrySet()) {
      rollupKey(
              h.createUpdate(
                  "INSERT INTO stats_rollup_error (dim, hour, name, error_code, calls) VALUES (?, ?,"
                      + " ?, ?, ?) ON CONFLICT (dim, hour, name, error_code) DO UPDATE SET calls ="
                      + " stats_rollup_error.calls + excluded.calls"),
              0,
              k)
          .bind(3, e.getKey())
          .bind(4, e.getValue())
          .execute();
    }
  }

  private static <S extends SqlStatement<S>> S rollupKey(S statement, int first, RollupKey k) {
    return statement
        .bind(first, k.dimension().dim)
        .bind(first + 1, k.hour())
        .bind(first + 2, k.name());
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
            rollupKey(
                    h.createUpdate("UPDATE stats_rollup SET latency = ? WHERE " + ROLLUP_KEY), 1, k)
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

  /** Binds the key's hour, side, system and service from parameter {@code first} on. */
  private static <S extends SqlStatement<S>> S key(S statement, int first, BucketKey k) {
    return statement
        .bind(first, k.hour())
        .bind(first + 1, k.side())
        .bind(first + 2, k.system())
        .bind(first + 3, k.service());
  }

  /**
   * Hands each stored bucket whose hour starts in {@code [fromHour, toHour)} to {@code sink}, with
   * its error counts, in key order; returns how many.
   */
  long read(long fromHour, long toHour, BiConsumer<BucketKey, Bucket> sink) {
    return Sql.read(
        db,
        h -> {
          Map<BucketKey, Map<String, Long>> errors = new java.util.HashMap<>();
          h.createQuery(
                  "SELECT hour, side, client_id, service_id, error_code, calls FROM"
                      + " stats_hour_error WHERE hour >= ? AND hour < ?")
              .bind(0, fromHour)
              .bind(1, toHour)
              .map(
                  (rs, ctx) -> {
                    // agency is not in this table; the key's agency is filled from stats_hour
                    BucketKey k =
                        new BucketKey(
                            rs.getLong(1), rs.getString(2), "", rs.getString(3), rs.getString(4));
                    errors
                        .computeIfAbsent(k, x -> new java.util.TreeMap<>())
                        .put(rs.getString(5), rs.getLong(6));
                    return 0;
                  })
              .forEach(x -> {});
          long[] n = {0};
          h.createQuery(
                  "SELECT hour, side, agency, client_id, service_id, calls, successes, refused,"
                      + " failed, bytes_in, bytes_out, latency FROM stats_hour WHERE hour >= ? AND"
                      + " hour < ? ORDER BY hour, side, client_id, service_id")
              .bind(0, fromHour)
              .bind(1, toHour)
              .setFetchSize(1_000)
              .map(
                  (rs, ctx) -> {
                    BucketKey k =
                        new BucketKey(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5));
                    byte[] latency = rs.getBytes(12);
                    Bucket b = latency == null ? new Bucket() : new Bucket(Bucket.decode(latency));
                    b.calls = rs.getLong(6);
                    b.successes = rs.getLong(7);
                    b.refused = rs.getLong(8);
                    b.failed = rs.getLong(9);
                    b.bytesIn = rs.getLong(10);
                    b.bytesOut = rs.getLong(11);
                    Map<String, Long> e =
                        errors.get(new BucketKey(k.hour(), k.side(), "", k.system(), k.service()));
                    if (e != null) {
                      b.errors.putAll(e);
                    }
                    sink.accept(k, b);
                    n[0]++;
                    return 0;
                  })
              .forEach(x -> {});
          return n[0];
        });
  }

  /**
   * Hands each rolled-up row of {@code dimension} whose hour starts in {@code [fromHour, toHour)}
   * to {@code sink} (keyed by its hour and name only), with its error counts; returns how many.
   */
  long readRollup(
      Dimension dimension, long fromHour, long toHour, BiConsumer<BucketKey, Bucket> sink) {
    return Sql.read(
        db,
        h -> {
          Map<BucketKey, Map<String, Long>> errors = new java.util.HashMap<>();
          h.createQuery(
                  "SELECT hour, name, error_code, calls FROM stats_rollup_error WHERE dim = ? AND"
                      + " hour >= ? AND hour < ?")
              .bind(0, dimension.dim)
              .bind(1, fromHour)
              .bind(2, toHour)
              .map(
                  (rs, ctx) -> {
                    errors
                        .computeIfAbsent(
                            dimension.key(rs.getLong(1), rs.getString(2)), x -> new TreeMap<>())
                        .put(rs.getString(3), rs.getLong(4));
                    return 0;
                  })
              .forEach(x -> {});
          long[] n = {0};
          h.createQuery(
                  "SELECT hour, name, calls, successes, refused, failed, bytes_in, bytes_out,"
                      + " latency FROM stats_rollup WHERE dim = ? AND hour >= ? AND hour < ?"
                      + " ORDER BY hour, name")
              .bind(0, dimension.dim)
              .bind(1, fromHour)
              .bind(2, toHour)
              .setFetchSize(1_000)
              .map(
                  (rs, ctx) -> {
                    BucketKey k = dimension.key(rs.getLong(1), rs.getString(2));
                    byte[] latency = rs.getBytes(9);
                    Bucket b = latency == null ? new Bucket() : new Bucket(Bucket.decode(latency));
                    b.calls = rs.getLong(3);
                    b.successes = rs.getLong(4);
                    b.refused = rs.getLong(5);
                    b.failed = rs.getLong(6);
                    b.bytesIn = rs.getLong(7);
                    b.bytesOut = rs.getLong(8);
                    Map<String, Long> e = errors.get(k);
                    if (e != null) {
                      b.errors.putAll(e);
                    }
                    sink.accept(k, b);
                    n[0]++;
                    return 0;
                  })
              .forEach(x -> {});
          return n[0];
        });
  }
}
