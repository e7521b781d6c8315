package org.openlgsp.documents;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.openlgsp.storage.AtRest;
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
  // Seals the free-text subject (TrichYeu) when encryption at rest is on.
  private final Optional<AtRest> atRest;

  /**
   * @param beforeCommit runs on the writer before each transaction (the package folder's fsync);
   *     throwing fails the whole batch
   */
  DocumentStore(Database db, int writeBatch, Runnable beforeCommit, Optional<AtRest> atRest) {
    this.atRest = atRest;
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
                  return GroupCommit.isolated(c, works, (h, w) -> w.run(h));
                },
                StorageException::new)
            .start();
  }

  private static String subjectContext(String packageId) {
    return "edoc_package.subject#" + packageId;
  }

  private String openSubject(String packageId, String stored) {
    return stored == null || atRest.isEmpty()
        ? stored
        : atRest.get().unsealText(stored, subjectContext(packageId));
  }

  /**
   * Seals under the current data key every subject that is not (stored in plaintext or under an
   * older key); returns how many it rewrote.
   */
  int reencryptSubjects() {
    AtRest r = atRest.orElseThrow(() -> new IllegalStateException("encryption at rest is off"));
    List<Map.Entry<String, String>> rows =
        Sql.read(
            db,
            h ->
                h.createQuery("SELECT id, subject FROM edoc_package WHERE subject IS NOT NULL")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .list());
    int n = 0;
    for (Map.Entry<String, String> row : rows) {
      Optional<String> next = r.reencryptText(row.getValue(), subjectContext(row.getKey()));
      if (next.isPresent()) {
        durably(
            h ->
                h.createUpdate("UPDATE edoc_package SET subject = ? WHERE id = ? AND subject = ?")
                    .bind(0, next.get())
                    .bind(1, row.getKey())
                    .bind(2, row.getValue())
                    .execute());
        n++;
      }
    }
    if (n > 0) {
      // the replaced (plaintext or older-key) row versions must not linger in the files
      db.purgeReplacedRows("edoc_package");
    }
    return n;
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

  private final RowMapper<PackageRow> packageRow =
      (rs, ctx) ->
          new PackageRow(
              rs.getString("id"),
              rs.getString("dedupe_key"),
              rs.getString("kind"),
              rs.getString("document_id"),
              rs.getString("business_type"),
              rs.getString("target_document_id"),
              rs.getString("sender"),
              openSubject(rs.getString("id"), rs.getString("subject")),
              rs.getString("status_code"),
              rs.getString("sha256"),
              rs.getLong("size"),
              rs.getString("path"),
              rs.getLong("received_at"));

  Optional<PackageRow> packageByKey(Handle h, String key) {
    return onePackage(h, "dedupe_key = ?", key);
  }

  Optional<PackageRow> packageById(Handle h, String id) {
    return onePackage(h, "id = ?", id);
  }

  /** The original (new) document package with this id from this sender. */
  Optional<PackageRow> documentPackage(Handle h, String documentId, String sender) {
    return h.createQuery(
            "SELECT * FROM edoc_package WHERE kind = 'document' AND document_id = ? AND sender = ?"
                + " AND business_type = 'NEW'")
        .bind(0, documentId)
        .bind(1, sender)
        .map(packageRow)
        .findOne();
  }

  private Optional<PackageRow> onePackage(Handle h, String where, String value) {
    return h.createQuery("SELECT * FROM edoc_package WHERE " + where)
        .bind(0, value)
        .map(packageRow)
        .findOne();
  }

  void insertPackage(Handle h, PackageRow p) {
    h.createUpdate(
            "INSERT INTO edoc_package (id, dedupe_key, kind, document_id, business_type,"
                + " target_document_id, sender, subject, status_code, sha256, size, path,"
                + " received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
        .bind(0, p.id())
        .bind(1, p.dedupeKey())
        .bind(2, p.kind())
        .bind(3, p.documentId())
        .bind(4, p.businessType())
        .bind(5, p.targetDocumentId())
        .bind(6, p.sender())
        .bind(
            7, atRest.map(a -> a.sealText(p.subject(), subjectContext(p.id()))).orElse(p.subject()))
        .bind(8, p.statusCode())
        .bind(9, p.sha256())
        .bind(10, p.size())
        .bind(11, p.path())
        .bind(12, p.receivedAt())
        .execute();
  }

  /** Records a package's leak findings and its attachments not scanned (V2__leak_findings). */
  void recordLeaks(Handle h, String packageId, List<String> findings, int notScanned) {
    h.createUpdate(
            "UPDATE edoc_package SET leak_findings = ?, attachments_not_scanned = ? WHERE id = ?")
        .bind(0, String.join(",", findings))
        .bind(1, notScanned)
        .bind(2, packageId)
        .execute();
  }

  /** The leak findings recorded with a package ({@code detector:alert}), empty when none. */
  List<String> leakFindings(Handle h, String packageId) {
    String s =
        h.createQuery("SELECT leak_findings FROM edoc_package WHERE id = ?")
            .bind(0, packageId)
            .mapTo(String.class)
            .findOne()
            .orElse("");
    return s.isEmpty() ? List.of() : List.of(s.split(","));
  }

  void insertDelivery(
      Handle h,
      String id,
      String packageId,
      String recipient,
      String route,
      String state,
      long now) {
    h.createUpdate(
            "INSERT INTO edoc_delivery (id, package_id, recipient, route, state, created_at)"
                + " VALUES (?,?,?,?,?,?)")
        .bind(0, id)
        .bind(1, packageId)
        .bind(2, recipient)
        .bind(3, route)
        .bind(4, state)
        .bind(5, now)
        .execute();
  }

  List<DeliveryRow> deliveries(Handle h, String packageId) {
    return h.createQuery(
            "SELECT id, recipient, route, state FROM edoc_delivery WHERE package_id = ?"
                + " ORDER BY recipient")
        .bind(0, packageId)
        .map(
            (rs, ctx) ->
                new DeliveryRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
        .list();
  }

  void insertOutbox(Handle h, String id, String deliveryId, String kind, String target, long due) {
    h.createUpdate(
            "INSERT INTO edoc_outbox (id, delivery_id, kind, target, state, attempts,"
                + " next_attempt_at) VALUES (?,?,?,?,'pending',0,?)")
        .bind(0, id)
        .bind(1, deliveryId)
        .bind(2, kind)
        .bind(3, target)
        .bind(4, due)
        .execute();
  }

  void insertStatus(
      Handle h,
      String packageId,
      String documentId,
      String originalSender,
      String reporter,
      String code,
      String description,
      String reportedAt,
      long now) {
    h.createUpdate(
            "INSERT INTO edoc_status (package_id, document_id, original_sender, reporter,"
                + " status_code, description, reported_at, received_at) VALUES"
                + " (?,?,?,?,?,?,?,?)")
        .bind(0, packageId)
        .bind(1, documentId)
        .bind(2, originalSender)
        .bind(3, reporter)
        .bind(4, code)
        .bind(5, description)
        .bind(6, reportedAt)
        .bind(7, now)
        .execute();
  }

  List<InboxItem> inbox(String agency, int limit) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT d.id, p.id, p.kind, p.document_id, p.business_type, p.sender,"
                        + " p.subject, p.status_code, p.size, p.received_at, d.state FROM"
                        + " edoc_delivery d JOIN edoc_package p ON p.id = d.package_id WHERE"
                        + " d.recipient = ? AND d.route = 'local' AND d.state = 'inbox' ORDER BY"
                        + " d.created_at, d.id")
                .bind(0, agency)
                .setMaxRows(limit)
                .map(
                    (rs, ctx) ->
                        new InboxItem(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            openSubject(rs.getString(2), rs.getString(7)),
                            rs.getString(8) == null ? "" : rs.getString(8),
                            rs.getLong(9),
                            rs.getLong(10),
                            rs.getString(11)))
                .list());
  }

  /** The packages {@code sender} sent, newest first, with their recipients' delivery states. */
  List<SentItem> sent(String sender, int limit) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT id, kind, document_id, business_type, subject, status_code, size,"
                        + " received_at FROM edoc_package WHERE sender = ? ORDER BY received_at"
                        + " DESC, id")
                .bind(0, sender)
                .setMaxRows(limit)
                .map(
                    (rs, ctx) ->
                        new SentItem(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            openSubject(rs.getString(1), rs.getString(5)),
                            Objects.toString(rs.getString(6), ""),
                            rs.getLong(7),
                            rs.getLong(8),
                            // the package's deliveries: at most a few recipients each
                            deliveries(h, rs.getString(1)).stream()
                                .map(d -> new SentItem.Recipient(d.recipient(), d.state()))
                                .toList()))
                .list());
  }

  /** The package file of a delivery addressed to {@code agency}. */
  Optional<String> deliveredPath(String agency, String deliveryId) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT p.path FROM edoc_delivery d JOIN edoc_package p ON p.id = d.package_id"
                        + " WHERE d.id = ? AND d.recipient = ? AND d.route = 'local'")
                .bind(0, deliveryId)
                .bind(1, agency)
                .map((rs, ctx) -> rs.getString(1))
                .findOne());
  }

  /** Marks a local delivery acknowledged; false if there is no such delivery for the agency. */
  boolean acknowledge(String agency, String deliveryId, long now) {
    return durably(
        h ->
            h.createUpdate(
                        "UPDATE edoc_delivery SET state = 'acknowledged', acknowledged_at = ? WHERE"
                            + " id = ? AND recipient = ? AND route = 'local' AND state IN"
                            + " ('inbox', 'acknowledged')")
                    .bind(0, now)
                    .bind(1, deliveryId)
                    .bind(2, agency)
                    .execute()
                == 1);
  }

  void setWebhook(String agency, Optional<String> url) {
    durably(
        h -> {
          h.createUpdate("DELETE FROM edoc_webhook WHERE agency = ?").bind(0, agency).execute();
          if (url.isPresent()) {
            h.createUpdate("INSERT INTO edoc_webhook (agency, url) VALUES (?, ?)")
                .bind(0, agency)
                .bind(1, url.get())
                .execute();
          }
          return null;
        });
  }

  Optional<String> webhook(Handle h, String agency) {
    return h.createQuery("SELECT url FROM edoc_webhook WHERE agency = ?")
        .bind(0, agency)
        .map((rs, ctx) -> rs.getString(1))
        .findOne();
  }

  /** Pending entries oldest first (ids are time-ordered), due or not. */
  List<OutboxRow> pending(int limit) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT o.id, o.delivery_id, o.kind, o.target, o.attempts, p.path,"
                        + " o.next_attempt_at, p.target_document_id FROM edoc_outbox o JOIN"
                        + " edoc_delivery d ON d.id = o.delivery_id JOIN edoc_package p ON p.id ="
                        + " d.package_id WHERE o.state = 'pending' ORDER BY o.id")
                .setMaxRows(limit)
                .map(
                    (rs, ctx) ->
                        new OutboxRow(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getInt(5),
                            rs.getString(6),
                            rs.getLong(7),
                            rs.getString(4) + "|" + rs.getString(8)))
                .list());
  }

  /** Records an outbox success and the delivery state it leads to. */
  void outboxDone(OutboxRow row, String deliveryState, long now) {
    durably(
        h -> {
          h.createUpdate(
                  "UPDATE edoc_outbox SET state = 'done', attempts = attempts + 1, last_error ="
                      + " NULL WHERE id = ?")
              .bind(0, row.id())
              .execute();
          h.createUpdate("UPDATE edoc_delivery SET state = ?, acknowledged_at = ? WHERE id = ?")
              .bind(0, deliveryState)
              .bind(1, now)
              .bind(2, row.deliveryId())
              .execute();
          return null;
        });
  }

  void outboxFailed(OutboxRow row, String error, long nextAttempt, boolean giveUp) {
    durably(
        h -> {
          h.createUpdate(
                  "UPDATE edoc_outbox SET state = ?, attempts = attempts + 1, last_error = ?,"
                      + " next_attempt_at = ? WHERE id = ?")
              .bind(0, giveUp ? "dead" : "pending")
              .bind(1, error.length() > 500 ? error.substring(0, 500) : error)
              .bind(2, nextAttempt)
              .bind(3, row.id())
              .execute();
          if (giveUp && row.kind().equals("forward")) {
            h.createUpdate("UPDATE edoc_delivery SET state = 'failed' WHERE id = ?")
                .bind(0, row.deliveryId())
                .execute();
          }
          return null;
        });
  }

  /** Outbox rows by state, for operators and tests. */
  Map<String, Integer> outboxCounts() {
    return Sql.read(
        db,
        h ->
            h.createQuery("SELECT state, COUNT(*) FROM edoc_outbox GROUP BY state")
                .reduceResultSet(
                    new LinkedHashMap<String, Integer>(),
                    (out, rs, ctx) -> {
                      out.put(rs.getString(1), rs.getInt(2));
                      return out;
                    }));
  }

  List<StatusEntry> statuses(Handle h, String documentId, String sender) {
    return h.createQuery(
            "SELECT reporter, status_code, description, reported_at, received_at FROM edoc_status"
                + " WHERE document_id = ? AND original_sender = ? ORDER BY seq")
        .bind(0, documentId)
        .bind(1, sender)
        .map(
            (rs, ctx) -> {
              String code = rs.getString(2);
              return new StatusEntry(
                  rs.getString(1),
                  code,
                  StatusCode.fromCode(code).map(StatusCode::meaning).orElse("unknown"),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getLong(5));
            })
        .list();
  }

  List<DocumentHistory.BusinessAction> actions(Handle h, String documentId, String sender) {
    return h.createQuery(
            "SELECT business_type, document_id, received_at FROM edoc_package WHERE kind ="
                + " 'document' AND target_document_id = ? AND sender = ? AND business_type <>"
                + " 'NEW' ORDER BY received_at, id")
        .bind(0, documentId)
        .bind(1, sender)
        .map(
            (rs, ctx) ->
                new DocumentHistory.BusinessAction(rs.getString(1), rs.getString(2), rs.getLong(3)))
        .list();
  }
}
