package org.openlgsp.console;

import java.util.List;
import java.util.Optional;

/**
 * The registry node's own alerts (e.g. the breach register's {@code breachNotification} deadlines),
 * shown on the alerts page next to the gateways' and acknowledged or resolved in process
 * (docs/console.md, "Alerts"). Implemented by {@code node} over the alerts module's in-process API,
 * so the console does not depend on {@code alerts}; its refusals are the alerts API's ({@code
 * resource.not_found}, {@code resource.conflict}).
 */
public interface RegistryAlerts {
  /** The alerts in {@code state} ({@code open} or {@code acknowledged}), newest first. */
  List<Gateways.Alert> inState(String state, int limit);

  /** Alert {@code id}, when there is one. */
  Optional<Gateways.Alert> alert(long id);

  /** Acknowledges alert {@code id} as {@code actor} (the console account), from {@code source}. */
  Gateways.Alert acknowledge(long id, String actor, String source);

  /** Resolves alert {@code id} as {@code actor} (the console account), from {@code source}. */
  Gateways.Alert resolve(long id, String actor, String source);
}
