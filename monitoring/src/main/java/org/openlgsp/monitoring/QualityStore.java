package org.openlgsp.monitoring;

import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObservation.DataQuality.Violation;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * The provider gateway's data-quality rows (table {@code quality_record}, docs/privacy.md "Data
 * quality"), one per exchange of a service whose schema check is on, and the report over them.
 */
final class QualityStore {
  private static final String INSERT =
      "INSERT INTO quality_record (ts, service_id, client_id, mode, status_code, error_code,"
          + " violations, unchecked, request_key, response_digest, data_age_ms, subject_hash)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final TypeReference<List<Violation>> VIOLATIONS = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  /** A report reads at most this many rows; beyond, it says it is truncated. */
  static final int MAX_ROWS = 500_000;

  private final Database db;

  /** On a database the monitoring migrations have run on. */
  QualityStore(Database db) {
    this.db = db;
  }

  /** Stores the rows of the observations whose service is checked, in one transaction. */
  void insert(List<ExchangeObservation> observations) {
    List<ExchangeObservation> checked =
        observations.stream()
            .filter(o -> o.quality().mode() != org.openlgsp.core.SchemaCheck.OFF)
            .toList();
    if (checked.isEmpty()) {
      return;
    }
    Sql.inTransaction(
        db,
        h -> {
          try (java.sql.PreparedStatement b = h.getConnection().prepareStatement(INSERT)) {
            for (ExchangeObservation o : checked) {
              ExchangeObservation.DataQuality q = o.quality();
              b.setLong(1, o.requestInTs().toEpochMilli());
              b.setString(2, o.service().encoded());
              b.setString(3, o.client().encoded());
              b.setString(4, q.mode().text());
              b.setInt(5, o.statusCode());
              b.setString(6, o.errorCode());
              b.setString(7, Json.writeString(q.violations()));
              b.setString(8, Json.writeString(q.unchecked()));
              b.setString(9, q.requestKey());
              b.setString(10, q.responseDigest());
              if (q.dataAge().isPresent()) {
                b.setLong(11, q.dataAge().get().toMillis());
              } else {
                b.setNull(11, java.sql.Types.BIGINT);
              }
              b.setString(12, o.subjectHash());
              b.addBatch();
            }
            return b.executeBatch();
          } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
          }
        });
  }

  /** Deletes the rows of exchanges before {@code cutoff}; returns how many. */
  int purge(Instant cutoff) {
    return Sql.inTransaction(
        db,
        h ->
            h.createUpdate("DELETE FROM quality_record WHERE ts < ?")
                .bind(0, cutoff.toEpochMilli())
                .execute());
  }

  /** The report on {@code service}'s exchanges in {@code [from, to)}. */
  QualityReport report(ServiceId service, Instant from, Instant to, Duration staleAfter) {
    if (!from.isBefore(to)) {
      throw new org.openlgsp.core.LgspException(
          ErrorCode.QUERY_RANGE_INVALID, "from (" + from + ") must be before to (" + to + ")");
    }
    Tally t = new Tally(staleAfter);
    Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT mode, status_code, error_code, violations, unchecked, request_key,"
                        + " response_digest, data_age_ms, client_id, subject_hash FROM quality_record"
                        + " WHERE service_id = ? AND ts >= ? AND ts < ? ORDER BY ts, id")
                .bind(0, service.encoded())
                .bind(1, from.toEpochMilli())
                .bind(2, to.toEpochMilli())
                .setMaxRows(MAX_ROWS + 1)
                .map(
                    (rs, ctx) -> {
                      if (t.exchanges >= MAX_ROWS) {
                        t.truncated = true;
                        return 0;
                      }
                      long read = rs.getLong(8);
                      long age = rs.wasNull() ? -1 : read; // before any other column is read
                      String subject = rs.getString(10);
                      if (!subject.isEmpty()) {
                        t.subjects.merge(rs.getString(9) + " " + subject, 1L, Long::sum);
                      }
                      t.add(
                          rs.getInt(2),
                          rs.getString(3),
                          read(rs.getString(4), VIOLATIONS),
                          read(rs.getString(5), STRINGS),
                          rs.getString(6),
                          rs.getString(7),
                          age);
                      return 0;
                    })
                .list()
                .size());
    return t.report(service, from, to);
  }

  private static <T> T read(String json, TypeReference<T> type) {
    try {
      return Json.mapper().readValue(json, type);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable quality row", e);
    }
  }

  /** The running counts of one report. */
  private static final class Tally {
    final Duration staleAfter;
    boolean truncated;
    long exchanges;
    long refusedRequests;
    long refusedResponses;
    final Map<Violation, Long> violations = new HashMap<>();
    final Map<String, Long> unchecked = new TreeMap<>();
    final Map<String, Set<String>> answers = new HashMap<>();
    final Map<String, Long> asked = new HashMap<>();
    final Map<String, Long> subjects = new HashMap<>();
    long withDataTime;
    long stale;
    long maxAgeMillis;

    Tally(Duration staleAfter) {
      this.staleAfter = staleAfter;
    }

    void add(
        int status,
        String errorCode,
        List<Violation> found,
        List<String> notChecked,
        String requestKey,
        String responseDigest,
        long ageMillis) {
      exchanges++;
      if (errorCode.equals(ErrorCode.QUALITY_REQUEST_INVALID.code())) {
        refusedRequests++;
      } else if (errorCode.equals(ErrorCode.QUALITY_RESPONSE_INVALID.code())) {
        refusedResponses++;
      }
      found.forEach(v -> violations.merge(v, 1L, Long::sum));
      notChecked.forEach(u -> unchecked.merge(u, 1L, Long::sum));
      if (!requestKey.isEmpty()) {
        asked.merge(requestKey, 1L, Long::sum);
        if (errorCode.isEmpty() && status >= 200 && status < 300 && !responseDigest.isEmpty()) {
          answers.computeIfAbsent(requestKey, k -> new HashSet<>()).add(responseDigest);
        }
      }
      if (ageMillis >= 0) {
        withDataTime++;
        maxAgeMillis = Math.max(maxAgeMillis, ageMillis);
        if (ageMillis > staleAfter.toMillis()) {
          stale++;
        }
      }
    }

    QualityReport report(ServiceId service, Instant from, Instant to) {
      List<QualityReport.Finding> byPlace =
          violations.entrySet().stream()
              .map(
                  e ->
                      new QualityReport.Finding(
                          e.getKey().side(),
                          e.getKey().pointer(),
                          e.getKey().keyword(),
                          e.getValue()))
              .sorted(QualityReport.Finding.ORDER)
              .toList();
      long repeated = asked.values().stream().mapToLong(n -> n - 1).sum();
      long inconsistent = answers.values().stream().filter(s -> s.size() > 1).count();
      long sameSubject = subjects.values().stream().mapToLong(n -> n - 1).sum();
      return new QualityReport(
          service.encoded(),
          from,
          to,
          truncated,
          exchanges,
          refusedRequests,
          refusedResponses,
          byPlace.stream().filter(f -> !f.keyword().equals("required")).toList(),
          byPlace.stream().filter(f -> f.keyword().equals("required")).toList(),
          unchecked,
          new QualityReport.Duplicates(repeated, inconsistent, sameSubject),
          new QualityReport.Staleness(
              staleAfter.toString(), withDataTime, stale, maxAgeMillis / 1000));
    }
  }
}
