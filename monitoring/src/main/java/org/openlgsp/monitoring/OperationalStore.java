package org.openlgsp.monitoring;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.jdbi.v3.core.statement.Query;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * The operational records in the database (table {@code opmon_record}, Flyway history {@code
 * monitoring}).
 *
 * <p>With an {@link AtRest} keyring the free-text columns a caller or a backend fills ({@link
 * #SEALED}: the REST path, represented party, user id, issue, fault string, purpose and officer —
 * where a personal ID or a name can stand) are stored sealed (AES-GCM, {@code enc1:...}), each
 * bound to its column and record (message id, side, observation time), and unsealed as they are
 * read. No query filters or groups on them (clients, services, outcome, side and times stay
 * plaintext), so no blind index is kept: a keyed index would be a stable pseudonym of a user id in
 * every row. An empty value stays empty (nothing to hide, nothing to pay). Rows written before
 * encryption was switched on are read as they are.
 */
final class OperationalStore {
  private static final String COLUMNS =
      "monitoring_data_ts, security_server_internal_ip, security_server_type, request_in_ts,"
          + " request_out_ts, response_in_ts, response_out_ts, client_id, client_xroad_instance,"
          + " client_member_class, client_member_code, client_subsystem_code, service_id,"
          + " service_xroad_instance, service_member_class, service_member_code,"
          + " service_subsystem_code, service_code, service_version, rest_method, rest_path,"
          + " represented_party, message_id, message_user_id, message_issue,"
          + " message_protocol_version, client_ss_address, service_ss_address, request_size,"
          + " response_size, succeeded, service_type, fault_code, fault_string, status_code,"
          + " xroad_version, outcome, error_code, purpose, officer, subject_hash, ledger_index,"
          + " total_ms, gateway_ms, peer_ms, backend_ms, leak_findings, gateway_instance";
  private static final int COUNT = COLUMNS.split(",").length;
  private static final String INSERT =
      "INSERT INTO opmon_record ("
          + COLUMNS
          + ") VALUES ("
          + String.join(", ", java.util.Collections.nCopies(COUNT, "?"))
          + ")";

  /** Each of {@link #COLUMNS} by name: its position (0-based). */
  private static final java.util.Map<String, Integer> POSITION = positions();

  /** The columns sealed with a keyring, by their position among {@link #COLUMNS} (0-based). */
  static final java.util.Map<Integer, String> SEALED = sealed();

  private final Database db;
  private final Optional<AtRest> atRest;

  OperationalStore(Database db) {
    this(db, Optional.empty());
  }

  OperationalStore(Database db, Optional<AtRest> atRest) {
    this.db = db;
    this.atRest = atRest;
    db.migrate("monitoring");
  }

  private static java.util.Map<String, Integer> positions() {
    List<String> names = java.util.Arrays.stream(COLUMNS.split(",")).map(String::strip).toList();
    java.util.Map<String, Integer> m = new java.util.HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), i);
    }
    return java.util.Map.copyOf(m);
  }

  private static java.util.Map<Integer, String> sealed() {
    java.util.Map<Integer, String> m = new java.util.LinkedHashMap<>();
    for (String c :
        List.of(
            "rest_path",
            "represented_party",
            "message_user_id",
            "message_issue",
            "fault_string",
            "purpose",
            "officer")) {
      m.put(POSITION.get(c), c);
    }
    return java.util.Map.copyOf(m);
  }

  /** What a sealed value of {@code column} is bound to: the column and its record. */
  private static String context(
      String column, String messageId, String side, long monitoringDataTs) {
    return "opmon_record." + column + "|" + side + "|" + monitoringDataTs + "|" + messageId;
  }

  /** Stores {@code records} in one transaction. */
  void insert(List<OperationalRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    // In Jdbi's transaction, but bound on its JDBC statement: Jdbi resolving an argument type for
    // each of the 46 values of every record was two thirds of the writer's CPU under load
    // (BENCHMARKS.md, "Observer overhead"); the values are plain Long, Integer and String.
    Sql.inTransaction(
        db,
        h -> {
          try (java.sql.PreparedStatement batch = h.getConnection().prepareStatement(INSERT)) {
            for (OperationalRecord r : records) {
              bind(batch, r);
              batch.addBatch();
            }
            return batch.executeBatch();
          } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
          }
        });
  }

  private void bind(java.sql.PreparedStatement b, OperationalRecord r) throws SQLException {
    Object[] v = {
      r.monitoringDataTs(),
      r.securityServerInternalIp(),
      r.securityServerType(),
      r.requestInTs(),
      boxed(r.requestOutTs()),
      boxed(r.responseInTs()),
      r.responseOutTs(),
      r.clientId(),
      r.clientXRoadInstance(),
      r.clientMemberClass(),
      r.clientMemberCode(),
      r.clientSubsystemCode(),
      r.serviceId(),
      r.serviceXRoadInstance(),
      r.serviceMemberClass(),
      r.serviceMemberCode(),
      r.serviceSubsystemCode(),
      r.serviceCode(),
      r.serviceVersion(),
      r.restMethod(),
      r.restPath(),
      r.representedParty(),
      r.messageId(),
      r.messageUserId(),
      r.messageIssue(),
      r.messageProtocolVersion(),
      r.clientSecurityServerAddress(),
      r.serviceSecurityServerAddress(),
      r.requestSize(),
      r.responseSize(),
      r.succeeded() ? 1 : 0,
      r.serviceType(),
      r.faultCode(),
      r.faultString(),
      r.statusCode(),
      r.xRoadVersion(),
      r.outcome(),
      r.errorCode(),
      r.purpose(),
      r.officer(),
      r.subjectHash(),
      r.ledgerIndex(),
      r.totalDuration(),
      r.gatewayDuration(),
      r.peerDuration(),
      r.backendDuration(),
      r.leakFindings(),
      r.gatewayInstance()
    };
    if (atRest.isPresent()) {
      AtRest keys = atRest.get();
      for (var e : SEALED.entrySet()) {
        if (v[e.getKey()] instanceof String plain && !plain.isEmpty()) {
          v[e.getKey()] =
              keys.sealText(
                  plain,
                  context(
                      e.getValue(), r.messageId(), r.securityServerType(), r.monitoringDataTs()));
        }
      }
    }
    for (int i = 0; i < v.length; i++) {
      switch (v[i]) {
        case null -> b.setNull(i + 1, java.sql.Types.BIGINT);
        case String t -> b.setString(i + 1, t);
        case Long n -> b.setLong(i + 1, n);
        case Integer n -> b.setInt(i + 1, n);
        default -> throw new IllegalStateException("no binding for " + v[i].getClass());
      }
    }
  }

  private static Long boxed(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  /**
   * Hands the records {@code q} selects to {@code sink} in id order as they are read (at most
   * {@code q.limit()} of them); returns how many.
   */
  int query(OperationalQuery q, Consumer<OperationalRecord> sink) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, "
                + COLUMNS
                + " FROM opmon_record WHERE monitoring_data_ts >= ? AND monitoring_data_ts < ?"
                + " AND id > ?");
    List<Object> args = new ArrayList<>(List.of(q.from().toEpochMilli(), q.to().toEpochMilli()));
    args.add(q.after());
    q.client().ifPresent(c -> and(sql, args, "client_id", c.encoded()));
    q.service().ifPresent(s -> and(sql, args, "service_id", s.encoded()));
    q.outcome().ifPresent(o -> and(sql, args, "outcome", o.label()));
    q.side().ifPresent(s -> and(sql, args, "security_server_type", s.xroadName()));
    sql.append(" ORDER BY id LIMIT ?");
    args.add(q.limit());
    return Sql.read(
        db,
        h -> {
          Query query = h.createQuery(sql.toString());
          for (int i = 0; i < args.size(); i++) {
            query.bind(i, args.get(i));
          }
          int[] n = {0};
          query
              .map((rs, ctx) -> row(rs))
              .forEach(
                  r -> {
                    n[0]++;
                    sink.accept(r);
                  });
          return n[0];
        });
  }

  private static void and(StringBuilder sql, List<Object> args, String column, Object value) {
    sql.append(" AND ").append(column).append(" = ?");
    args.add(value);
  }

  /** A row of {@code SELECT id, COLUMNS}, its sealed free text unsealed. */
  private OperationalRecord row(ResultSet rs) throws SQLException {
    int c = 1;
    return new OperationalRecord(
        rs.getLong(c++),
        rs.getLong(c++),
        text(rs, c++),
        text(rs, c++),
        rs.getLong(c++),
        optional(rs, c++),
        optional(rs, c++),
        rs.getLong(c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        rs.getLong(c++),
        rs.getLong(c++),
        rs.getInt(c++) == 1,
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        rs.getInt(c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        text(rs, c++),
        rs.getLong(c++),
        rs.getLong(c++),
        rs.getLong(c++),
        rs.getLong(c++),
        rs.getLong(c++),
        text(rs, c++),
        text(rs, c));
  }

  /**
   * Column {@code column} of a {@link #row}: a sealed value unsealed (bound to its column and
   * record), any other as it is.
   */
  private String text(ResultSet rs, int column) throws SQLException {
    String v = rs.getString(column);
    String name = SEALED.get(column - 2); // column 1 is the id
    if (name == null || !AtRest.isSealedText(v)) {
      return v;
    }
    long id = rs.getLong(1);
    AtRest keys =
        atRest.orElseThrow(
            () ->
                new IllegalStateException(
                    "operational record "
                        + id
                        + " is encrypted at rest and no keyring is configured"
                        + " (gateway.monitoring.encryption)"));
    return keys.unsealText(
        v,
        context(
            name,
            rs.getString(POSITION.get("message_id") + 2),
            rs.getString(POSITION.get("security_server_type") + 2),
            rs.getLong(POSITION.get("monitoring_data_ts") + 2)));
  }

  private static OptionalLong optional(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /**
   * Seals under the keyring's current data key every free-text value that is not (written before
   * encryption was switched on, or under a retired key), {@code batch} rows a transaction, beside
   * the running writer; returns how many rows it rewrote.
   */
  int reencrypt(int batch, Consumer<Long> progress) {
    AtRest keys =
        atRest.orElseThrow(() -> new IllegalStateException("no keyring: nothing to re-encrypt"));
    String columns = String.join(", ", SEALED.values());
    String select =
        "SELECT id, message_id, security_server_type, monitoring_data_ts, "
            + columns
            + " FROM opmon_record WHERE id > ? ORDER BY id LIMIT ?";
    String update =
        "UPDATE opmon_record SET "
            + String.join(", ", SEALED.values().stream().map(c -> c + " = ?").toList())
            + " WHERE id = ?";
    List<String> names = List.copyOf(SEALED.values());
    int rewritten = 0;
    long after = 0;
    while (true) {
      long from = after;
      List<Object[]> rows =
          Sql.read(
              db,
              h ->
                  h.createQuery(select)
                      .bind(0, from)
                      .bind(1, batch)
                      .map(
                          (rs, ctx) -> {
                            Object[] row = new Object[4 + names.size()];
                            row[0] = rs.getLong(1);
                            row[1] = rs.getString(2);
                            row[2] = rs.getString(3);
                            row[3] = rs.getLong(4);
                            for (int i = 0; i < names.size(); i++) {
                              row[4 + i] = rs.getString(5 + i);
                            }
                            return row;
                          })
                      .list());
      if (rows.isEmpty()) {
        if (rewritten > 0) {
          // the replaced (plaintext or older-key) row versions must not linger in the files
          db.purgeReplacedRows("opmon_record");
        }
        return rewritten;
      }
      after = (Long) rows.getLast()[0];
      List<Object[]> changed = new ArrayList<>();
      for (Object[] row : rows) {
        boolean stale = false;
        Object[] next = new Object[names.size() + 1];
        for (int i = 0; i < names.size(); i++) {
          String value = (String) row[4 + i];
          String ctx = context(names.get(i), (String) row[1], (String) row[2], (Long) row[3]);
          Optional<String> sealed =
              value.isEmpty() ? Optional.empty() : keys.reencryptText(value, ctx);
          stale |= sealed.isPresent();
          next[i] = sealed.orElse(value);
        }
        next[names.size()] = row[0];
        if (stale) {
          changed.add(next);
          progress.accept((Long) row[0]);
        }
      }
      if (!changed.isEmpty()) {
        Sql.inTransaction(
            db,
            h -> {
              var b = h.prepareBatch(update);
              for (Object[] values : changed) {
                for (int i = 0; i < values.length; i++) {
                  b.bind(i, values[i]);
                }
                b.add();
              }
              return b.execute();
            });
        rewritten += changed.size();
      }
    }
  }

  /** Deletes the records observed before {@code cutoff}; returns how many. */
  int purge(Instant cutoff) {
    return Sql.inTransaction(
        db,
        h ->
            h.createUpdate("DELETE FROM opmon_record WHERE monitoring_data_ts < ?")
                .bind(0, cutoff.toEpochMilli())
                .execute());
  }

  long count() {
    return Sql.read(
        db, h -> h.createQuery("SELECT COUNT(*) FROM opmon_record").mapTo(Long.class).one());
  }

  /**
   * Per service and side: the last success and failure among the records kept, and counts,
   * durations and sizes of the records observed since {@code periodStart}.
   */
  List<HealthData.ServiceHealth> health(Instant periodStart) {
    String inPeriod = "monitoring_data_ts >= " + periodStart.toEpochMilli();
    String ok = "succeeded = 1 AND " + inPeriod;
    String sql =
        "SELECT service_id, security_server_type,"
            + " MAX(CASE WHEN succeeded = 1 THEN monitoring_data_ts END),"
            + " MAX(CASE WHEN succeeded = 0 THEN monitoring_data_ts END),"
            + " SUM(CASE WHEN "
            + ok
            + " THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN succeeded = 0 AND "
            + inPeriod
            + " THEN 1 ELSE 0 END),"
            + stats("total_ms", ok)
            + ","
            + stats("request_size", ok)
            + ","
            + stats("response_size", ok)
            + " FROM opmon_record GROUP BY service_id, security_server_type"
            + " ORDER BY service_id, security_server_type";
    return Sql.read(
        db,
        h ->
            h.createQuery(sql)
                .map(
                    (rs, ctx) -> {
                      long successes = rs.getLong(5);
                      return new HealthData.ServiceHealth(
                          rs.getString(1),
                          rs.getString(2),
                          instant(rs, 3),
                          instant(rs, 4),
                          successes,
                          rs.getLong(6),
                          HealthData.Stats.of(successes, rs, 7),
                          HealthData.Stats.of(successes, rs, 11),
                          HealthData.Stats.of(successes, rs, 15));
                    })
                .list());
  }

  /** MIN, SUM, MAX and sum of squares of {@code column} over the rows {@code where} holds for. */
  private static String stats(String column, String where) {
    String v = "CASE WHEN " + where + " THEN " + column + " END";
    String d = "CASE WHEN " + where + " THEN CAST(" + column + " AS DOUBLE PRECISION) END";
    return " MIN(" + v + "), SUM(" + d + "), MAX(" + v + "), SUM(" + d + " * " + d + ")";
  }

  private static java.util.Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull()
        ? java.util.Optional.empty()
        : java.util.Optional.of(Instant.ofEpochMilli(v));
  }
}
