package org.openlgsp.edge;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
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
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO edge_audit (at, actor, action, target, outcome, detail, source)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            p.setLong(1, e.at().toEpochMilli());
            p.setString(2, e.actor());
            p.setString(3, e.action());
            p.setString(4, cut(e.target(), MAX_TARGET));
            p.setString(5, e.outcome());
            p.setString(6, cut(e.detail(), MAX_DETAIL));
            p.setString(7, e.source());
            return p.executeUpdate();
          }
        });
  }

  /** The latest {@code limit} rows, newest first. */
  public List<AuditEvent> recent(int limit) {
    return Sql.read(
        db,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT at, actor, action, target, outcome, detail, source FROM edge_audit"
                      + " ORDER BY id DESC LIMIT ?")) {
            p.setInt(1, limit);
            List<AuditEvent> result = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                result.add(
                    new AuditEvent(
                        r.getString(2),
                        r.getString(3),
                        r.getString(4),
                        r.getString(5),
                        r.getString(6),
                        r.getString(7),
                        Instant.ofEpochMilli(r.getLong(1))));
              }
            }
            return result;
          }
        });
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
