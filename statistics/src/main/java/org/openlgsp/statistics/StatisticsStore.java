package org.openlgsp.statistics;

import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * The hour buckets in the database (tables {@code stats_hour}, {@code stats_hour_error}, Flyway
 * history {@code statistics}). Writing adds to what a bucket holds (an upsert), so any number of
 * flushes, and of gateway instances sharing a PostgreSQL database, add up to the same bucket.
 */
final class StatisticsStore {
  private static final String KEY = "hour = ? AND side = ? AND client_id = ? AND service_id = ?";
  private final Database db;
  private final String lockSuffix;

  StatisticsStore(Database db) {
    this.db = db;
    this.lockSuffix = db.dialect() == Database.Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    db.migrate("statistics");
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
}
