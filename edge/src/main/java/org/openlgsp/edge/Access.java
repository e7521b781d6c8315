package org.openlgsp.edge;

import java.util.Objects;
import java.util.Set;

/**
 * Who may call a route. There is no route without one: a route is either public, for a stated
 * reason, or open to authenticated callers holding one of its roles.
 */
public sealed interface Access {
  /** Served without authentication; {@code reason} says why that is safe. */
  record Public(String reason) implements Access {
    public Public {
      requireText(reason, "reason");
    }
  }

  /** Served to an authenticated caller holding at least one of {@code names}. */
  record Roles(Set<String> names) implements Access {
    public Roles {
      names = Set.copyOf(names);
      if (names.isEmpty()) {
        throw new IllegalArgumentException("a route open to roles names at least one");
      }
      names.forEach(n -> requireText(n, "role"));
    }
  }

  static Access publicAccess(String reason) {
    return new Public(reason);
  }

  static Access roles(String... names) {
    return new Roles(Set.of(names));
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
