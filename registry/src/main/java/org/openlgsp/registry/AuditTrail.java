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
                .map(
                    (r, ctx) ->
                        new Registry.AuditEntry(
                            r.getLong(1),
                            Instant.ofEpochMilli(r.getLong(2)),
                            r.getString(3),
                            r.getString(4),
                            r.getString(5),
                            r.getString(6),
                            r.getString(7)))
                .list());
  }

  private static String cut(String s) {
    return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s;
  }
}
