package org.openlgsp.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * The personal-data breach register (docs/privacy.md "Incidents"): records breaches with the
 * deadline for notifying the authority, moves them open → notified → closed and keeps each one's
 * timeline, to which entries are only ever added. Its tables are migrated with the registry's.
 */
public final class Breaches {
  static final int MAX_TEXT = 10_000;
  static final int MAX_SHORT = 255;
  static final int MAX_ITEMS = 100;

  /** How far ahead of this node's clock a reported time may be (clocks of people and machines). */
  static final Duration SKEW = Duration.ofMinutes(5);

  private final Database db;
  private final BreachOptions options;
  private final Supplier<Set<String>> directoryIds;
  private final Clock clock;

  /** What is known of a breach when it is recorded. */
  public record NewBreach(
      Instant detectedAt,
      String reportedBy,
      String description,
      List<String> categories,
      long subjectsApprox,
      List<String> systems,
      String consequences,
      String measures) {
    public NewBreach {
      if (detectedAt == null) {
        throw malformed("detectedAt is required");
      }
      reportedBy = text(reportedBy, "reportedBy", MAX_SHORT, true);
      description = text(description, "description", MAX_TEXT, true);
      categories = items(categories, "categories", true);
      if (subjectsApprox < 0) {
        throw malformed("subjectsApprox must be 0 or more");
      }
      systems = items(systems, "systems", false);
      consequences =
          text(consequences == null ? "" : consequences, "consequences", MAX_TEXT, false);
      measures = text(measures == null ? "" : measures, "measures", MAX_TEXT, false);
    }
  }

  /**
   * The notification of the authority.
   *
   * @param notifiedAt when it was sent
   * @param reference the authority's or the sender's reference for it (may be empty)
   * @param delayReason why it was sent after the deadline; required then (Decree 13/2023 Art. 23)
   */
  public record Notification(Instant notifiedAt, String reference, Optional<String> delayReason) {
    public Notification {
      if (notifiedAt == null) {
        throw malformed("notifiedAt is required");
      }
      reference = text(reference == null ? "" : reference, "reference", MAX_SHORT, false);
      delayReason =
          Objects.requireNonNull(delayReason, "delayReason")
              .map(r -> text(r, "delayReason", MAX_TEXT, true));
    }
  }

  /** A breach whose authority notification is still due, for the deadline alert. */
  public record Due(String id, Instant detectedAt, Instant deadline, long subjectsApprox) {
    public Due {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(detectedAt, "detectedAt");
      Objects.requireNonNull(deadline, "deadline");
    }
  }

  /**
   * @param directoryIds the encoded ids of the systems and services a breach may name
   */
  Breaches(Database db, BreachOptions options, Supplier<Set<String>> directoryIds, Clock clock) {
    this.db = db;
    this.options = options;
    this.directoryIds = directoryIds;
    this.clock = clock;
  }

  /** The options in force. */
  public BreachOptions options() {
    return options;
  }

  /** Records a breach; its deadline is {@code detectedAt} plus the notification period. */
  public Breach record(NewBreach b, String actor) {
    Instant now = clock.instant();
    if (b.detectedAt().isAfter(now.plus(SKEW))) {
      throw malformed("detectedAt is in the future");
    }
    Set<String> known = directoryIds.get();
    List<String> unknown = b.systems().stream().filter(s -> !known.contains(s)).toList();
    if (!unknown.isEmpty()) {
      throw malformed("systems names no registered system or service: " + unknown);
    }
    String id = UUID.randomUUID().toString();
    Instant deadline = b.detectedAt().plus(options.notificationPeriod());
    Sql.inTransaction(
        db,
        h -> {
          h.execute(
              "INSERT INTO registry_breach (id, detected_at, deadline, reported_by, description,"
                  + " categories, subjects_approx, systems, consequences, measures, status,"
                  + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              id,
              b.detectedAt().toEpochMilli(),
              deadline.toEpochMilli(),
              b.reportedBy(),
              b.description(),
              Json.writeString(b.categories()),
              b.subjectsApprox(),
              Json.writeString(b.systems()),
              b.consequences(),
              b.measures(),
              Breach.Status.OPEN.label(),
              now.toEpochMilli());
          append(
              h,
              id,
              now,
              actor,
              Breach.EntryKind.RECORDED,
              "detected " + b.detectedAt() + ", notification due " + deadline);
          return null;
        });
    return get(id);
  }

  /** The breaches, newest detection first, of {@code status} or all. */
  public List<Breach> list(Optional<Breach.Status> status) {
    return Sql.read(
        db,
        h -> {
          List<String> ids =
              status.isPresent()
                  ? h.createQuery(
                          "SELECT id FROM registry_breach WHERE status = ?"
                              + " ORDER BY detected_at DESC, id")
                      .bind(0, status.get().label())
                      .mapTo(String.class)
                      .list()
                  : h.createQuery("SELECT id FROM registry_breach ORDER BY detected_at DESC, id")
                      .mapTo(String.class)
                      .list();
          List<Breach> out = new ArrayList<>();
          for (String id : ids) {
            out.add(load(h, id).orElseThrow());
          }
          return out;
        });
  }

  /**
   * The breach {@code id}.
   *
   * @throws LgspException {@code breach.unknown} when there is none
   */
  public Breach get(String id) {
    return Sql.read(db, h -> load(h, id)).orElseThrow(() -> unknown(id));
  }

  /** Adds a note to the timeline of a breach that is not closed. */
  public Breach note(String id, String actor, String text) {
    String t = text(text, "text", MAX_TEXT, true);
    Sql.inTransaction(
        db,
        h -> {
          Breach.Status s = status(h, id);
          if (s == Breach.Status.CLOSED) {
            throw conflict("breach " + id + " is closed; its timeline takes no more notes");
          }
          append(h, id, clock.instant(), actor, Breach.EntryKind.NOTE, t);
          return null;
        });
    return get(id);
  }

  /**
   * Records that the authority was notified: open → notified. A notification after the deadline
   * needs its delay reason.
   */
  public Breach notifyAuthority(String id, String actor, Notification n) {
    Instant now = clock.instant();
    if (n.notifiedAt().isAfter(now.plus(SKEW))) {
      throw malformed("notifiedAt is in the future");
    }
    Sql.inTransaction(
        db,
        h -> {
          Breach b = load(h, id).orElseThrow(() -> unknown(id));
          if (b.status() != Breach.Status.OPEN) {
            throw conflict("breach " + id + " is " + b.status().label() + ", not open");
          }
          if (n.notifiedAt().isBefore(b.detectedAt())) {
            throw malformed("notifiedAt is before detectedAt");
          }
          boolean late = n.notifiedAt().isAfter(b.deadline());
          if (late && n.delayReason().isEmpty()) {
            throw malformed(
                "the notification is after the deadline " + b.deadline() + ": give delayReason");
          }
          h.execute(
              "UPDATE registry_breach SET status = ?, notified_at = ?, authority_reference = ?"
                  + " WHERE id = ?",
              Breach.Status.NOTIFIED.label(),
              n.notifiedAt().toEpochMilli(),
              n.reference(),
              id);
          if (n.delayReason().isPresent()) {
            h.execute(
                "UPDATE registry_breach SET delay_reason = ? WHERE id = ?",
                n.delayReason().get(),
                id);
          }
          append(
              h,
              id,
              now,
              actor,
              Breach.EntryKind.AUTHORITY_NOTIFIED,
              "authority notified at "
                  + n.notifiedAt()
                  + (late ? " (after the deadline " + b.deadline() + ")" : "")
                  + (n.reference().isEmpty() ? "" : ", reference " + n.reference()));
          return null;
        });
    return get(id);
  }

  /** Records when the data subjects were told (once, before the breach is closed). */
  public Breach subjectsNotified(String id, String actor, Instant at) {
    Objects.requireNonNull(at, "at");
    if (at.isAfter(clock.instant().plus(SKEW))) {
      throw malformed("at is in the future");
    }
    Sql.inTransaction(
        db,
        h -> {
          Breach b = load(h, id).orElseThrow(() -> unknown(id));
          if (b.status() == Breach.Status.CLOSED || b.subjectsNotified().isPresent()) {
            throw conflict(
                "breach "
                    + id
                    + (b.status() == Breach.Status.CLOSED
                        ? " is closed"
                        : " already records its subjects notified"));
          }
          if (at.isBefore(b.detectedAt())) {
            throw malformed("at is before detectedAt");
          }
          h.execute(
              "UPDATE registry_breach SET subjects_notified_at = ? WHERE id = ?",
              at.toEpochMilli(),
              id);
          append(
              h,
              id,
              clock.instant(),
              actor,
              Breach.EntryKind.SUBJECTS_NOTIFIED,
              "data subjects notified at " + at);
          return null;
        });
    return get(id);
  }

  /** Closes a notified breach: notified → closed, with what closes it on the timeline. */
  public Breach close(String id, String actor, String text) {
    String t = text(text, "text", MAX_TEXT, true);
    Instant now = clock.instant();
    Sql.inTransaction(
        db,
        h -> {
          Breach.Status s = status(h, id);
          if (s != Breach.Status.NOTIFIED) {
            throw conflict(
                "breach "
                    + id
                    + " is "
                    + s.label()
                    + "; only a breach whose authority was notified can be closed");
          }
          h.execute(
              "UPDATE registry_breach SET status = ?, closed_at = ? WHERE id = ?",
              Breach.Status.CLOSED.label(),
              now.toEpochMilli(),
              id);
          append(h, id, now, actor, Breach.EntryKind.CLOSED, t);
          return null;
        });
    return get(id);
  }

  /** The open breaches whose authority notification is still due, soonest deadline first. */
  public List<Due> due() {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT id, detected_at, deadline, subjects_approx FROM registry_breach"
                        + " WHERE status = ? ORDER BY deadline, id")
                .bind(0, Breach.Status.OPEN.label())
                .map(
                    (rs, ctx) ->
                        new Due(
                            rs.getString("id"),
                            Instant.ofEpochMilli(rs.getLong("detected_at")),
                            Instant.ofEpochMilli(rs.getLong("deadline")),
                            rs.getLong("subjects_approx")))
                .list());
  }

  // ---- storage

  private Breach.Status status(Handle h, String id) {
    return h.createQuery("SELECT status FROM registry_breach WHERE id = ?")
        .bind(0, id)
        .mapTo(String.class)
        .findOne()
        .map(Breach.Status::fromLabel)
        .orElseThrow(() -> unknown(id));
  }

  private static void append(
      Handle h, String id, Instant at, String actor, Breach.EntryKind kind, String text) {
    int seq =
        h.createQuery("SELECT COALESCE(MAX(seq), 0) FROM registry_breach_event WHERE breach_id = ?")
                .bind(0, id)
                .mapTo(Integer.class)
                .one()
            + 1;
    h.execute(
        "INSERT INTO registry_breach_event (breach_id, seq, at, actor, kind, text)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        id,
        seq,
        at.toEpochMilli(),
        actor,
        kind.label(),
        text);
  }

  private static Optional<Breach> load(Handle h, String id) {
    List<Breach.TimelineEntry> timeline =
        h.createQuery(
                "SELECT seq, at, actor, kind, text FROM registry_breach_event"
                    + " WHERE breach_id = ? ORDER BY seq")
            .bind(0, id)
            .map(
                (rs, ctx) ->
                    new Breach.TimelineEntry(
                        rs.getInt("seq"),
                        Instant.ofEpochMilli(rs.getLong("at")),
                        rs.getString("actor"),
                        Breach.EntryKind.fromLabel(rs.getString("kind")),
                        rs.getString("text")))
            .list();
    return h.createQuery("SELECT * FROM registry_breach WHERE id = ?")
        .bind(0, id)
        .map((rs, ctx) -> breach(rs, timeline))
        .findOne();
  }

  private static Breach breach(ResultSet rs, List<Breach.TimelineEntry> timeline)
      throws SQLException {
    return new Breach(
        rs.getString("id"),
        Instant.ofEpochMilli(rs.getLong("detected_at")),
        Instant.ofEpochMilli(rs.getLong("deadline")),
        rs.getString("reported_by"),
        rs.getString("description"),
        list(rs.getString("categories")),
        rs.getLong("subjects_approx"),
        list(rs.getString("systems")),
        rs.getString("consequences"),
        rs.getString("measures"),
        Breach.Status.fromLabel(rs.getString("status")),
        instant(rs, "notified_at"),
        rs.getString("authority_reference"),
        rs.getString("delay_reason"),
        instant(rs, "subjects_notified_at"),
        instant(rs, "closed_at"),
        timeline);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static List<String> list(String json) {
    try {
      return Json.mapper().readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored breach list is not JSON", e);
    }
  }

  /** The encoded ids of the directory's systems and services. */
  static Set<String> ids(List<Directory.SystemEntry> systems, List<Directory.Service> services) {
    Set<String> ids = new HashSet<>();
    systems.forEach(s -> ids.add(s.id().encoded()));
    services.forEach(s -> ids.add(s.id().encoded()));
    return ids;
  }

  // ---- input checks

  private static String text(String value, String name, int max, boolean required) {
    if (value == null || (required && value.isBlank())) {
      throw malformed(name + " is required");
    }
    if (value.length() > max) {
      throw malformed(name + " must be at most " + max + " characters");
    }
    return value.strip();
  }

  private static List<String> items(List<String> values, String name, boolean required) {
    if (values == null || (required && values.isEmpty())) {
      throw malformed(name + " must list at least one item");
    }
    if (values.size() > MAX_ITEMS) {
      throw malformed(name + " must list at most " + MAX_ITEMS + " items");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String v : values) {
      seen.add(text(v, name + " item", MAX_SHORT, true));
    }
    return List.copyOf(seen);
  }

  private static LgspException malformed(String detail) {
    return new LgspException(ErrorCode.REQUEST_MALFORMED, detail);
  }

  private static LgspException conflict(String detail) {
    return new LgspException(ErrorCode.BREACH_STATE_CONFLICT, detail);
  }

  private static LgspException unknown(String id) {
    return new LgspException(ErrorCode.BREACH_UNKNOWN, "no breach record " + id);
  }
}
