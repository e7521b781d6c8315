package org.openlgsp.edge;

import java.util.Objects;
import java.util.Set;

/**
 * Who is calling: the name an audit row carries (a configured name such as a token's, never the
 * credential) and the roles it holds.
 */
public record Principal(String actor, Set<String> roles) {
  private static final Principal ANONYMOUS = new Principal("anonymous", Set.of());

  public Principal {
    Objects.requireNonNull(actor, "actor");
    if (actor.isBlank()) {
      throw new IllegalArgumentException("actor must not be blank");
    }
    roles = Set.copyOf(roles);
  }

  /** The caller of a public route: nobody in particular, no roles. */
  static Principal anonymous() {
    return ANONYMOUS;
  }

  /** True when the principal holds at least one of {@code required}. */
  boolean holdsAnyOf(Set<String> required) {
    return required.stream().anyMatch(roles::contains);
  }
}
