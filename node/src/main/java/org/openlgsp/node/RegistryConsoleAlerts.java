package org.openlgsp.node;

import java.util.List;
import java.util.Optional;
import org.openlgsp.alerts.Alerts;
import org.openlgsp.console.Gateways;
import org.openlgsp.console.RegistryAlerts;

/**
 * The registry console's view of the registry node's own alerts (docs/console.md, "Alerts"): the
 * alerts module's in-process API, its entries given as the console's alert rows.
 */
record RegistryConsoleAlerts(Alerts alerts) implements RegistryAlerts {
  RegistryConsoleAlerts {
    java.util.Objects.requireNonNull(alerts, "alerts");
  }

  @Override
  public List<Gateways.Alert> inState(String state, int limit) {
    return alerts.list(Alerts.Filter.inState(state, limit)).alerts().stream()
        .map(RegistryConsoleAlerts::row)
        .toList();
  }

  @Override
  public Optional<Gateways.Alert> alert(long id) {
    return alerts.alert(id).map(RegistryConsoleAlerts::row);
  }

  @Override
  public Gateways.Alert acknowledge(long id, String actor, String source) {
    return row(alerts.acknowledge(id, actor, source));
  }

  @Override
  public Gateways.Alert resolve(long id, String actor, String source) {
    return row(alerts.resolve(id, actor, source));
  }

  private static Gateways.Alert row(Alerts.Entry e) {
    return new Gateways.Alert(
        e.id(),
        e.rule(),
        e.severity(),
        e.key(),
        e.summary(),
        e.raisedAt(),
        e.lastSeenAt(),
        e.occurrences(),
        e.state(),
        e.acknowledged().map(RegistryConsoleAlerts::action).orElse(null),
        e.resolved().map(RegistryConsoleAlerts::action).orElse(null));
  }

  private static Gateways.Action action(Alerts.Handling h) {
    return new Gateways.Action(h.by(), h.at());
  }
}
