package org.openlgsp.registry;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * A personal-data breach as the register keeps it (docs/privacy.md "Incidents"): what happened,
 * whom and what it touches, the notification deadline fixed when it was recorded, where it stands
 * and its append-only timeline. Optional times are null in JSON until they happen (see the {@code
 * Optional} accessors).
 *
 * @param deadline when the notification to the authority is due: {@code detectedAt} plus the
 *     configured notification period (72 hours under Decree 13/2023 Art. 23)
 * @param systems systems and services of the directory involved, by their encoded ids
 * @param subjectsApprox the approximate number of data subjects concerned
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Breach(
    String id,
    Instant detectedAt,
    Instant deadline,
    String reportedBy,
    String description,
    List<String> categories,
    long subjectsApprox,
    List<String> systems,
    String consequences,
    String measures,
    Status status,
    Instant notifiedAt,
    String authorityReference,
    String delayReason,
    Instant subjectsNotifiedAt,
    Instant closedAt,
    List<TimelineEntry> timeline) {
  public Breach {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(detectedAt, "detectedAt");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(reportedBy, "reportedBy");
    Objects.requireNonNull(description, "description");
    categories = List.copyOf(categories);
    systems = List.copyOf(systems);
    Objects.requireNonNull(consequences, "consequences");
    Objects.requireNonNull(measures, "measures");
    Objects.requireNonNull(status, "status");
    timeline = List.copyOf(timeline);
    if (subjectsApprox < 0) {
      throw new IllegalArgumentException("subjectsApprox must be >= 0");
    }
  }

  /** Where a breach stands: open until the authority is notified, then closed when handled. */
  public enum Status {
    OPEN,
    NOTIFIED,
    CLOSED;

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public static Status fromLabel(String label) {
      for (Status s : values()) {
        if (s.label().equals(label)) {
          return s;
        }
      }
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "status must be one of open, notified, closed");
    }
  }

  /** The kinds of timeline entry; the register writes all but {@code note} itself. */
  public enum EntryKind {
    RECORDED,
    NOTE,
    AUTHORITY_NOTIFIED,
    SUBJECTS_NOTIFIED,
    CLOSED;

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static EntryKind fromLabel(String label) {
      for (EntryKind k : values()) {
        if (k.label().equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown timeline entry kind " + label);
    }
  }

  /** One line of a breach's timeline: who wrote what, when. */
  public record TimelineEntry(int seq, Instant at, String actor, EntryKind kind, String text) {
    public TimelineEntry {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(text, "text");
    }
  }

  @JsonIgnore
  public Optional<Instant> notified() {
    return Optional.ofNullable(notifiedAt);
  }

  @JsonIgnore
  public Optional<Instant> subjectsNotified() {
    return Optional.ofNullable(subjectsNotifiedAt);
  }

  @JsonIgnore
  public Optional<Instant> closed() {
    return Optional.ofNullable(closedAt);
  }

  @JsonIgnore
  public Optional<String> authorityRef() {
    return Optional.ofNullable(authorityReference);
  }

  @JsonIgnore
  public Optional<String> delay() {
    return Optional.ofNullable(delayReason);
  }

  /** Whether the authority was notified after the deadline (or still is not, past it). */
  public boolean late(Instant now) {
    return notified().map(n -> n.isAfter(deadline)).orElse(now.isAfter(deadline));
  }
}
