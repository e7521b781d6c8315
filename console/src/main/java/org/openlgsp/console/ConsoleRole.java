package org.openlgsp.console;

import java.util.Arrays;
import java.util.Optional;

/** The console's roles (docs/console.md): what each may see and change is declared per route. */
public enum ConsoleRole {
  /** Runs the platform: every agency, every change. */
  PLATFORM_ADMIN("platform-admin"),
  /** Administers one agency (its systems, services and grants) and nothing else. */
  AGENCY_ADMIN("agency-admin"),
  /** Alerts, ledger, subject-access lookups; reads the audit log. */
  SECURITY_OFFICER("security-officer"),
  /** Reads everything, changes nothing; exports the audit log. */
  AUDITOR("auditor");

  private final String id;

  ConsoleRole(String id) {
    this.id = id;
  }

  /** The role's name in routes, accounts and the command line, e.g. {@code agency-admin}. */
  public String id() {
    return id;
  }

  public static Optional<ConsoleRole> of(String id) {
    return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
  }
}
