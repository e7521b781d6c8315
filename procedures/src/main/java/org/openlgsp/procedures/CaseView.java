package org.openlgsp.procedures;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a citizen (through the portal) and an operator see of a case: no personal data, only its
 * progress.
 *
 * @param code the case code (mã hồ sơ)
 * @param procedure the procedure's key
 * @param status where the case is
 * @param filedAt when it was filed
 * @param due when its time limit in working days ends
 * @param sla whether it will make it
 * @param history what happened, oldest first
 * @param waiting the step waiting for an operator, and why ({@link Status#WAITING_FOR_OPERATOR})
 */
public record CaseView(
    String code,
    String procedure,
    Status status,
    Instant filedAt,
    Instant due,
    Sla sla,
    List<Event> history,
    Optional<Waiting> waiting) {
  public CaseView {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(procedure, "procedure");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(filedAt, "filedAt");
    Objects.requireNonNull(due, "due");
    Objects.requireNonNull(sla, "sla");
    history = List.copyOf(history);
    Objects.requireNonNull(waiting, "waiting");
  }

  public enum Status {
    /** Steps are running or waiting for their next try. */
    IN_PROGRESS,
    /** A step failed every try; an operator retries or cancels it. */
    WAITING_FOR_OPERATOR,
    /** Every step done. */
    COMPLETED,
    /** A step was refused for good (or cancelled) and what had been done was undone. */
    COMPENSATED,
    /** Stopped by an operator while undoing. */
    CANCELLED
  }

  public enum Sla {
    ON_TIME,
    AT_RISK,
    OVERDUE,
    MET,
    MISSED
  }

  /**
   * One step of the history.
   *
   * @param at when it happened
   * @param step the BPMN element's id
   * @param name its name as the procedure gives it (Vietnamese)
   * @param state {@code started}, {@code completed}
   */
  public record Event(Instant at, String step, String name, String state) {
    public Event {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
    }
  }

  /** The step waiting for an operator, its tries, and the last failure (service and status). */
  public record Waiting(String step, String reason) {
    public Waiting {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
