package org.openlgsp.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/** The registry's audit log of admin actions: its table is migrated with the catalogue's. */
final class AuditTrail {
  private static final int MAX_TEXT = 1000;
  private final Database db;
  private final Clock clock;

  AuditTrail(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Appends an entry in its own transaction, so refusals are recorded too. */
  void record(String actor, String action, String target, String outcome, String detail) {
    Sql.inTransaction(
        db,
        h ->
            h.execute(
                "INSERT INTO registry_audit (at, actor, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
                clock.millis(),
                actor,
                action,
                cut(target),
                outcome,
                cut(detail)));
  }

  /** The latest {@code limit} entries, newest first. */
  List<Registry.AuditEntry> latest(int limit) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT id, at, actor, action, target, outcome, detail FROM registry_audit ORDER BY id DESC LIMIT ?")
                .bind(0, limit)
                .map(AuditTrail::entry)
                .list());
  }

  /**
   * The entries whose actor, action, target, outcome or detail contain {@code text} (any case;
   * {@code ""}: all), newest first, skipping {@code offset} and at most {@code limit}.
   */
  List<Registry.AuditEntry> search(String text, long offset, int limit) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT id, at, actor, action, target, outcome, detail FROM registry_audit"
                        + WHERE
                        + " ORDER BY id DESC LIMIT ? OFFSET ?")
                .bind(0, pattern(text))
                .bind(1, limit)
                .bind(2, offset)
                .map(AuditTrail::entry)
                .list());
  }

  /** How many entries {@link #search} finds for {@code text}. */
  long count(String text) {
    return Sql.read(
        db,
        h ->
            h.createQuery("SELECT COUNT(*) FROM registry_audit" + WHERE)
                .bind(0, pattern(text))
                .mapTo(Long.class)
                .one());
  }

  private static final String WHERE =
      " WHERE LOWER(actor || ' ' || action || ' ' || target || ' ' || outcome || ' ' || detail)"
          + " LIKE ? ESCAPE '!'";

  private static String pattern(String text) {
    String escaped =
        text.toLowerCase(java.util.Locale.ROOT)
            .replace("!", "!!")
            .replace("%", "!%")
            .replace("_", "!_");
    return "%" + escaped + "%";
  }

  private static Registry.AuditEntry entry(
      java.sql.ResultSet r, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new Registry.AuditEntry(
        r.getLong(1),
        Instant.ofEpochMilli(r.getLong(2)),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getString(7));
  }

  private static String cut(String s) {
    return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s;
  }
}
