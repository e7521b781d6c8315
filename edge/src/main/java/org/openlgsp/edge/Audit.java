package org.openlgsp.edge;

import java.util.Objects;

/**
 * Whether the edge writes an audit row for a route. A state-changing route (POST, PUT, PATCH,
 * DELETE) is either audited here ({@link Action}) or names where it is recorded instead ({@link
 * RecordedElsewhere}); only reads may be {@link NotAudited}. See {@link Route}.
 */
public sealed interface Audit {
  /** Audited under this action name: actor, target, outcome, detail, source, time. */
  record Action(String name) implements Audit {
    public Action {
      requireText(name, "action name");
    }
  }

  /**
   * Not audited by the edge because the route's effect is recorded durably elsewhere, e.g. "the
   * exchange is recorded in the ledger".
   */
  record RecordedElsewhere(String where) implements Audit {
    public RecordedElsewhere {
      requireText(where, "where");
    }
  }

  /** A read not worth an audit row, for the stated reason. */
  record NotAudited(String reason) implements Audit {
    public NotAudited {
      requireText(reason, "reason");
    }
  }

  static Audit action(String name) {
    return new Action(name);
  }

  static Audit recordedElsewhere(String where) {
    return new RecordedElsewhere(where);
  }

  static Audit notAudited(String reason) {
    return new NotAudited(reason);
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
