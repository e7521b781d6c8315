package org.openlgsp.console;

import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ClientId;

/**
 * A console account as the pages see it: never its password hash or TOTP secret.
 *
 * @param agency the agency (a member id) an agency administrator administers; empty for the other
 *     roles
 * @param totpEnrolled whether the second factor is set up (the first sign-in sets it up)
 */
public record Account(
    String username, ConsoleRole role, Optional<ClientId> agency, boolean totpEnrolled) {
  public Account {
    Accounts.requireUsername(username);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(agency, "agency");
    if ((role == ConsoleRole.AGENCY_ADMIN) != agency.isPresent()) {
      throw new IllegalArgumentException("an agency administrator, and only one, names an agency");
    }
    agency.ifPresent(
        a -> {
          if (a.isSubsystem()) {
            throw new IllegalArgumentException("an agency is a member id, not a subsystem: " + a);
          }
        });
  }
}
