package org.openlgsp.edge;

import java.time.Instant;
import java.util.List;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.edge.spi.AuditLog;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * A durable audit log in table {@code edge_audit} of a module's database (SQLite or PostgreSQL,
 * migrated under its own Flyway history {@code lgsp_schema_edge}), for listeners that have no audit
 * table of their own. Each row is committed in its own transaction, so refusals are kept too.
 */
public final class DatabaseAuditLog implements AuditLog {
  private static final int MAX_TARGET = 1000;
  private static final int MAX_DETAIL = 2000;
  private final Database db;

  private DatabaseAuditLog(Database db) {
    this.db = db;
  }

  /** Opens the log in {@code db}, creating its table when missing. */
  public static DatabaseAuditLog open(Database db) {
    db.migrate("edge");
    return new DatabaseAuditLog(db);
  }

  @Override
  public void record(AuditEvent e) {
    Sql.inTransaction(
        db,
        h ->
            h.createUpdate(
                    "INSERT INTO edge_audit (at, actor, action, target, outcome, detail, source)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(0, e.at().toEpochMilli())
                .bind(1, e.actor())
                .bind(2, e.action())
                .bind(3, cut(e.target(), MAX_TARGET))
                .bind(4, e.outcome())
                .bind(5, cut(e.detail(), MAX_DETAIL))
                .bind(6, e.source())
                .execute());
  }

  /** The latest {@code limit} rows, newest first. */
  public List<AuditEvent> recent(int limit) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT at, actor, action, target, outcome, detail, source FROM edge_audit"
                        + " ORDER BY id DESC LIMIT ?")
                .bind(0, limit)
                .map(
                    (r, ctx) ->
                        new AuditEvent(
                            r.getString(2),
                            r.getString(3),
                            r.getString(4),
                            r.getString(5),
                            r.getString(6),
                            r.getString(7),
                            Instant.ofEpochMilli(r.getLong(1))))
                .list());
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
