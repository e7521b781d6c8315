package org.openlgsp.alerts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/** Alerts in the database (table {@code alert}, Flyway history {@code alerts}). */
final class AlertStore {
  private static final String COLUMNS =
      "id, rule, severity, dedup_key, summary, evidence, raised_at, last_seen_at, occurrences,"
          + " state, ack_by, ack_at, resolved_by, resolved_at";
  private final Database db;

  /** An alert's id and raise time. */
  record Raising(long id, Instant at) {}

  AlertStore(Database db) {
    this.db = db;
    db.migrate("alerts");
  }

  /** Stores a new open alert and returns it with its id. */
  Alert insert(Raised r, Instant at) {
    long id =
        Sql.inTransaction(
            db,
            h ->
                h.createUpdate(
                        "INSERT INTO alert (rule, severity, dedup_key, summary, evidence,"
                            + " raised_at, last_seen_at, occurrences, state) VALUES"
                            + " (?, ?, ?, ?, ?, ?, ?, 1, 'OPEN')")
                    .bind(0, r.rule())
                    .bind(1, r.severity().name())
                    .bind(2, r.key())
                    .bind(3, r.summary())
                    .bind(4, Codec.text(r.evidence()))
                    .bind(5, at.toEpochMilli())
                    .bind(6, at.toEpochMilli())
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one());
    return Alert.open(id, r, at);
  }

  /** Counts one more occurrence of an alert raised within the suppression window. */
  void seenAgain(long id, Instant at) {
    // Once per repeat of a finding, which under load is many a second: in Jdbi's transaction but
    // on its JDBC statement, since Jdbi's statement and argument machinery was most of its cost
    // (BENCHMARKS.md, "Observer overhead").
    Sql.inTransaction(
        db,
        h -> {
          try (java.sql.PreparedStatement st =
              h.getConnection()
                  .prepareStatement(
                      "UPDATE alert SET occurrences = occurrences + 1, last_seen_at = ?"
                          + " WHERE id = ?")) {
            st.setLong(1, at.toEpochMilli());
            st.setLong(2, id);
            return st.executeUpdate();
          } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
          }
        });
  }

  /**
   * The latest alert of {@code rule} and {@code key} raised after {@code since}: its id and raise
   * time. What the suppression window rests on, so that it holds across restarts.
   */
  Optional<Raising> latestRaisedAfter(String rule, String key, Instant since) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT id, raised_at FROM alert WHERE rule = ? AND dedup_key = ?"
                        + " AND raised_at > ? ORDER BY raised_at DESC, id DESC LIMIT 1")
                .bind(0, rule)
                .bind(1, key)
                .bind(2, since.toEpochMilli())
                .map(
                    (rs, ctx) ->
                        new Raising(
                            rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("raised_at"))))
                .findOne());
  }

  /** Deletes the alerts resolved before {@code cutoff}; returns how many. */
  int purgeResolvedBefore(Instant cutoff) {
    return Sql.inTransaction(
        db,
        h ->
            h.createUpdate("DELETE FROM alert WHERE state = 'RESOLVED' AND resolved_at < ?")
                .bind(0, cutoff.toEpochMilli())
                .execute());
  }

  Optional<Alert> get(long id) {
    return Sql.read(
        db,
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM alert WHERE id = ?")
                .bind(0, id)
                .map((rs, ctx) -> row(rs))
                .findOne());
  }

  /**
   * Sets an alert's state if it is in one of {@code from}; returns how many rows changed (0 when it
   * is not in one of them, or does not exist).
   */
  int transition(long id, Alert.State to, Alert.Action by, List<Alert.State> from) {
    String who = to == Alert.State.RESOLVED ? "resolved" : "ack";
    StringBuilder in = new StringBuilder();
    for (Alert.State s : from) {
      in.append(in.isEmpty() ? "'" : ", '").append(s.name()).append("'");
    }
    return Sql.inTransaction(
        db,
        h ->
            h.createUpdate(
                    "UPDATE alert SET state = ?, "
                        + who
                        + "_by = ?, "
                        + who
                        + "_at = ? WHERE id = ? AND state IN ("
                        + in
                        + ")")
                .bind(0, to.name())
                .bind(1, by.by())
                .bind(2, by.at().toEpochMilli())
                .bind(3, id)
                .execute());
  }

  /**
   * Acknowledges (from open) or resolves (from open or acknowledged) alert {@code id}, recording
   * {@code by}: the HTTP API's and the in-process API's one rule. Refused with {@code
   * resource.not_found} or {@code resource.conflict} (naming its state).
   */
  Alert handle(long id, Alert.State to, Alert.Action by) {
    Alert a =
        get(id)
            .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no alert " + id));
    List<Alert.State> from =
        to == Alert.State.RESOLVED
            ? List.of(Alert.State.OPEN, Alert.State.ACKNOWLEDGED)
            : List.of(Alert.State.OPEN);
    if (transition(id, to, by, from) == 0) {
      throw new LgspException(
          ErrorCode.RESOURCE_CONFLICT,
          "alert " + id + " is " + a.state().name().toLowerCase(java.util.Locale.ROOT));
    }
    return get(id).orElseThrow();
  }

  /** The alerts {@code q} selects, newest first. */
  List<Alert> list(AlertQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM alert WHERE id < ?");
    List<Object> args = new ArrayList<>();
    args.add(q.before());
    q.from().ifPresent(f -> and(sql, args, "raised_at >= ?", f.toEpochMilli()));
    q.to().ifPresent(t -> and(sql, args, "raised_at < ?", t.toEpochMilli()));
    q.state().ifPresent(s -> and(sql, args, "state = ?", s.name()));
    q.severity().ifPresent(s -> and(sql, args, "severity = ?", s.name()));
    q.rule().ifPresent(r -> and(sql, args, "rule = ?", r));
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(q.limit());
    return Sql.read(
        db,
        h -> {
          Query query = h.createQuery(sql.toString());
          for (int i = 0; i < args.size(); i++) {
            query.bind(i, args.get(i));
          }
          return query.map((rs, ctx) -> row(rs)).list();
        });
  }

  private static void and(StringBuilder sql, List<Object> args, String clause, Object value) {
    sql.append(" AND ").append(clause);
    args.add(value);
  }

  private static Alert row(ResultSet rs) throws SQLException {
    return new Alert(
        rs.getLong("id"),
        rs.getString("rule"),
        Severity.valueOf(rs.getString("severity")),
        rs.getString("dedup_key"),
        rs.getString("summary"),
        Codec.read(rs.getString("evidence"), Evidence.class),
        Instant.ofEpochMilli(rs.getLong("raised_at")),
        Instant.ofEpochMilli(rs.getLong("last_seen_at")),
        rs.getInt("occurrences"),
        Alert.State.valueOf(rs.getString("state")),
        action(rs, "ack"),
        action(rs, "resolved"));
  }

  private static Optional<Alert.Action> action(ResultSet rs, String prefix) throws SQLException {
    String by = rs.getString(prefix + "_by");
    long at = rs.getLong(prefix + "_at");
    return by == null
        ? Optional.empty()
        : Optional.of(new Alert.Action(by, Instant.ofEpochMilli(at)));
  }
}
