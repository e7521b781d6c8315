package org.openlgsp.alerts;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An alert as stored and delivered.
 *
 * @param occurrences how often the rule found it, the first time included, within the suppression
 *     window
 * @param lastSeenAt when the rule last found it
 */
record Alert(
    long id,
    String rule,
    Severity severity,
    String key,
    String summary,
    Evidence evidence,
    Instant raisedAt,
    Instant lastSeenAt,
    int occurrences,
    State state,
    Optional<Action> acknowledged,
    Optional<Action> resolved) {

  /** Where an alert is in its handling. */
  enum State {
    OPEN,
    ACKNOWLEDGED,
    RESOLVED
  }

  /** Who acknowledged or resolved an alert, and when. */
  record Action(String by, Instant at) {
    Action {
      Objects.requireNonNull(by, "by");
      Objects.requireNonNull(at, "at");
    }
  }

  Alert {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(raisedAt, "raisedAt");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(acknowledged, "acknowledged");
    Objects.requireNonNull(resolved, "resolved");
    if (occurrences < 1) {
      throw new IllegalArgumentException("occurrences must be >= 1");
    }
  }

  static Alert open(long id, Raised r, Instant at) {
    return new Alert(
        id,
        r.rule(),
        r.severity(),
        r.key(),
        r.summary(),
        r.evidence(),
        at,
        at,
        1,
        State.OPEN,
        Optional.empty(),
        Optional.empty());
  }
}
