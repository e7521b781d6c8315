package org.openlgsp.documents;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.GroupCommit;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.StorageException;

/**
 * The axis tables: packages, deliveries, statuses, outbox, webhooks (SQLite or PostgreSQL). Every
 * write goes through one group-commit writer, so concurrent packages, acknowledgements and outbox
 * results share a transaction and its fsync instead of queueing for one each.
 */
final class DocumentStore implements AutoCloseable {
  private final Database db;
  private final GroupCommit<Sql.Work<?>, Object> writes;

  /**
   * @param beforeCommit runs on the writer before each transaction (the package folder's fsync);
   *     throwing fails the whole batch
   */
  DocumentStore(Database db, int writeBatch, Runnable beforeCommit) {
    this.db = db;
    db.migrate("documents");
    this.writes =
        new GroupCommit<Sql.Work<?>, Object>(
                db,
                "edoc-store",
                // No lingering: while one batch commits, the next one gathers by itself.
                new GroupCommit.Options(writeBatch, Duration.ZERO, 100_000),
                (c, works) -> {
                  beforeCommit.run();
                  return GroupCommit.isolated(c, works, (conn, w) -> w.run(conn));
                },
                StorageException::new)
            .start();
  }

  Database db() {
    return db;
  }

  /**
   * Runs {@code work} in the writer's next transaction and returns once that committed; what {@code
   * work} throws is thrown here, with nothing of it written.
   */
  @SuppressWarnings("unchecked")
  <T> T durably(Sql.Work<T> work) {
    try {
      return (T) writes.submit(work).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new StorageException("write failed", e.getCause());
    }
  }

  long commits() {
    return writes.commits();
  }

  /** Writes what is queued, then stops the writer. */
  @Override
  public void close() {
    writes.close();
  }

  record PackageRow(
      String id,
      String dedupeKey,
      String kind,
      String documentId,
      String businessType,
      String targetDocumentId,
      String sender,
      String subject,
      String statusCode,
      String sha256,
      long size,
      String path,
      long receivedAt) {}

  record DeliveryRow(String id, String recipient, String route, String state) {}

  /** An outbox entry; {@code orderKey} groups entries that must be delivered in order. */
  record OutboxRow(
      String id,
      String deliveryId,
      String kind,
      String target,
      int attempts,
      String path,
      long nextAttemptAt,
      String orderKey) {}

  Optional<PackageRow> packageByKey(Connection c, String key) throws SQLException {
    return onePackage(c, "dedupe_key = ?", key);
  }

  Optional<PackageRow> packageById(Connection c, String id) throws SQLException {
    return onePackage(c, "id = ?", id);
  }

  /** The original (new) document package with this id from this sender. */
  Optional<PackageRow> documentPackage(Connection c, String documentId, String sender)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT * FROM edoc_package WHERE kind = 'document' AND document_id = ? AND sender = ?"
                + " AND business_type = 'NEW'")) {
      ps.setString(1, documentId);
      ps.setString(2, sender);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(pkg(rs)) : Optional.empty();
      }
    }
  }

  private Optional<PackageRow> onePackage(Connection c, String where, String value)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM edoc_package WHERE " + where)) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(pkg(rs)) : Optional.empty();
      }
    }
  }

  private static PackageRow pkg(ResultSet rs) throws SQLException {
    return new PackageRow(
        rs.getString("id"),
        rs.getString("dedupe_key"),
        rs.getString("kind"),
        rs.getString("document_id"),
        rs.getString("business_type"),
        rs.getString("target_document_id"),
        rs.getString("sender"),
        rs.getString("subject"),
        rs.getString("status_code"),
        rs.getString("sha256"),
        rs.getLong("size"),
        rs.getString("path"),
        rs.getLong("received_at"));
  }

  void insertPackage(Connection c, PackageRow p) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO edoc_package (id, dedupe_key, kind, document_id, business_type,"
                + " target_document_id, sender, subject, status_code, sha256, size, path,"
                + " received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      ps.setString(1, p.id());
      ps.setString(2, p.dedupeKey());
      ps.setString(3, p.kind());
      ps.setString(4, p.documentId());
      ps.setString(5, p.businessType());
      ps.setString(6, p.targetDocumentId());
      ps.setString(7, p.sender());
      ps.setString(8, p.subject());
      ps.setString(9, p.statusCode());
      ps.setString(10, p.sha256());
      ps.setLong(11, p.size());
      ps.setString(12, p.path());
      ps.setLong(13, p.receivedAt());
      ps.executeUpdate();
    }
  }

  void insertDelivery(
      Connection c,
      String id,
      String packageId,
      String recipient,
      String route,
      String state,
      long now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO edoc_delivery (id, package_id, recipient, route, state, created_at)"
                + " VALUES (?,?,?,?,?,?)")) {
      ps.setString(1, id);
      ps.setString(2, packageId);
      ps.setString(3, recipient);
      ps.setString(4, route);
      ps.setString(5, state);
      ps.setLong(6, now);
      ps.executeUpdate();
    }
  }

  List<DeliveryRow> deliveries(Connection c, String packageId) throws SQLException {
    List<DeliveryRow> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, recipient, route, state FROM edoc_delivery WHERE package_id = ?"
                + " ORDER BY recipient")) {
      ps.setString(1, packageId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new DeliveryRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        }
      }
    }
    return out;
  }

  void insertOutbox(
      Connection c, String id, String deliveryId, String kind, String target, long due)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO edoc_outbox (id, delivery_id, kind, target, state, attempts,"
                + " next_attempt_at) VALUES (?,?,?,?,'pending',0,?)")) {
      ps.setString(1, id);
      ps.setString(2, deliveryId);
      ps.setString(3, kind);
      ps.setString(4, target);
      ps.setLong(5, due);
      ps.executeUpdate();
    }
  }

  void insertStatus(
      Connection c,
      String packageId,
      String documentId,
      String originalSender,
      String reporter,
      String code,
      String description,
      String reportedAt,
      long now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO edoc_status (package_id, document_id, original_sender, reporter,"
                + " status_code, description, reported_at, received_at) VALUES"
                + " (?,?,?,?,?,?,?,?)")) {
      ps.setString(1, packageId);
      ps.setString(2, documentId);
      ps.setString(3, originalSender);
      ps.setString(4, reporter);
      ps.setString(5, code);
      ps.setString(6, description);
      ps.setString(7, reportedAt);
      ps.setLong(8, now);
      ps.executeUpdate();
    }
  }

  List<InboxItem> inbox(String agency, int limit) {
    return Sql.read(
        db,
        c -> {
          List<InboxItem> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT d.id, p.id, p.kind, p.document_id, p.business_type, p.sender,"
                      + " p.subject, p.status_code, p.size, p.received_at, d.state FROM"
                      + " edoc_delivery d JOIN edoc_package p ON p.id = d.package_id WHERE"
                      + " d.recipient = ? AND d.route = 'local' AND d.state = 'inbox' ORDER BY"
                      + " d.created_at, d.id")) {
            ps.setString(1, agency);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new InboxItem(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8) == null ? "" : rs.getString(8),
                        rs.getLong(9),
                        rs.getLong(10),
                        rs.getString(11)));
              }
            }
          }
          return out;
        });
  }

  /** The package file of a delivery addressed to {@code agency}. */
  Optional<String> deliveredPath(String agency, String deliveryId) {
    return Sql.read(
        db,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT p.path FROM edoc_delivery d JOIN edoc_package p ON p.id = d.package_id"
                      + " WHERE d.id = ? AND d.recipient = ? AND d.route = 'local'")) {
            ps.setString(1, deliveryId);
            ps.setString(2, agency);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }

  /** Marks a local delivery acknowledged; false if there is no such delivery for the agency. */
  boolean acknowledge(String agency, String deliveryId, long now) {
    return durably(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE edoc_delivery SET state = 'acknowledged', acknowledged_at = ? WHERE id"
                      + " = ? AND recipient = ? AND route = 'local' AND state IN ('inbox',"
                      + " 'acknowledged')")) {
            ps.setLong(1, now);
            ps.setString(2, deliveryId);
            ps.setString(3, agency);
            return ps.executeUpdate() == 1;
          }
        });
  }

  void setWebhook(String agency, Optional<String> url) {
    durably(
        c -> {
          try (PreparedStatement del =
              c.prepareStatement("DELETE FROM edoc_webhook WHERE agency = ?")) {
            del.setString(1, agency);
            del.executeUpdate();
          }
          if (url.isPresent()) {
            try (PreparedStatement ins =
                c.prepareStatement("INSERT INTO edoc_webhook (agency, url) VALUES (?, ?)")) {
              ins.setString(1, agency);
              ins.setString(2, url.get());
              ins.executeUpdate();
            }
          }
          return null;
        });
  }

  Optional<String> webhook(Connection c, String agency) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT url FROM edoc_webhook WHERE agency = ?")) {
      ps.setString(1, agency);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Pending entries oldest first (ids are time-ordered), due or not. */
  List<OutboxRow> pending(int limit) {
    return Sql.read(
        db,
        c -> {
          List<OutboxRow> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT o.id, o.delivery_id, o.kind, o.target, o.attempts, p.path,"
                      + " o.next_attempt_at, p.target_document_id FROM edoc_outbox o JOIN"
                      + " edoc_delivery d ON d.id = o.delivery_id JOIN edoc_package p ON p.id ="
                      + " d.package_id WHERE o.state = 'pending' ORDER BY o.id")) {
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new OutboxRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getInt(5),
                        rs.getString(6),
                        rs.getLong(7),
                        rs.getString(4) + "|" + rs.getString(8)));
              }
            }
          }
          return out;
        });
  }

  /** Records an outbox success and the delivery state it leads to. */
  void outboxDone(OutboxRow row, String deliveryState, long now) {
    durably(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE edoc_outbox SET state = 'done', attempts = attempts + 1, last_error ="
                      + " NULL WHERE id = ?")) {
            ps.setString(1, row.id());
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE edoc_delivery SET state = ?, acknowledged_at = ? WHERE id = ?")) {
            ps.setString(1, deliveryState);
            ps.setLong(2, now);
            ps.setString(3, row.deliveryId());
            ps.executeUpdate();
          }
          return null;
        });
  }

  void outboxFailed(OutboxRow row, String error, long nextAttempt, boolean giveUp) {
    durably(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE edoc_outbox SET state = ?, attempts = attempts + 1, last_error = ?,"
                      + " next_attempt_at = ? WHERE id = ?")) {
            ps.setString(1, giveUp ? "dead" : "pending");
            ps.setString(2, error.length() > 500 ? error.substring(0, 500) : error);
            ps.setLong(3, nextAttempt);
            ps.setString(4, row.id());
            ps.executeUpdate();
          }
          if (giveUp && row.kind().equals("forward")) {
            try (PreparedStatement ps =
                c.prepareStatement("UPDATE edoc_delivery SET state = 'failed' WHERE id = ?")) {
              ps.setString(1, row.deliveryId());
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  /** Outbox rows by state, for operators and tests. */
  Map<String, Integer> outboxCounts() {
    return Sql.read(
        db,
        c -> {
          Map<String, Integer> out = new LinkedHashMap<>();
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT state, COUNT(*) FROM edoc_outbox GROUP BY state");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getInt(2));
            }
          }
          return out;
        });
  }

  List<StatusEntry> statuses(Connection c, String documentId, String sender) throws SQLException {
    List<StatusEntry> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT reporter, status_code, description, reported_at, received_at FROM edoc_status"
                + " WHERE document_id = ? AND original_sender = ? ORDER BY seq")) {
      ps.setString(1, documentId);
      ps.setString(2, sender);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String code = rs.getString(2);
          out.add(
              new StatusEntry(
                  rs.getString(1),
                  code,
                  StatusCode.fromCode(code).map(StatusCode::meaning).orElse("unknown"),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getLong(5)));
        }
      }
    }
    return out;
  }

  List<DocumentHistory.BusinessAction> actions(Connection c, String documentId, String sender)
      throws SQLException {
    List<DocumentHistory.BusinessAction> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT business_type, document_id, received_at FROM edoc_package WHERE kind ="
                + " 'document' AND target_document_id = ? AND sender = ? AND business_type <>"
                + " 'NEW' ORDER BY received_at, id")) {
      ps.setString(1, documentId);
      ps.setString(2, sender);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new DocumentHistory.BusinessAction(rs.getString(1), rs.getString(2), rs.getLong(3)));
        }
      }
    }
    return out;
  }
}
