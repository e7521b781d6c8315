package org.openlgsp.node;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.openlgsp.alerts.NodeSignals;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.Procedures;

/** A running procedure engine role: the Flowable engine, its job executor and case API. */
final class ProceduresNode implements AutoCloseable {
  private final Procedures procedures;
  private final Optional<org.openlgsp.alerts.Alerts> alerts;
  private final Optional<org.openlgsp.storage.Database> alertsDb;

  private ProceduresNode(
      Procedures procedures,
      Optional<org.openlgsp.alerts.Alerts> alerts,
      Optional<org.openlgsp.storage.Database> alertsDb) {
    this.procedures = procedures;
    this.alerts = alerts;
    this.alertsDb = alertsDb;
  }

  /**
   * Starts the engine with the files the role names read (gateway secret, notices' password and
   * token, directory trust).
   */
  public static ProceduresNode start(ProceduresRole role, Path baseDir, Clock clock) {
    Procedures procedures = Procedures.start(role.options(baseDir), clock);
    if (role.alerts().isEmpty()) {
      return new ProceduresNode(procedures, Optional.empty(), Optional.empty());
    }
    // the engine's own alerts, in its database (table alert, next to the engine's)
    org.openlgsp.storage.Database db = null;
    try {
      db = org.openlgsp.storage.Database.open(role.database());
      org.openlgsp.alerts.Alerts alerts =
          org.openlgsp.alerts.Alerts.start(
              db,
              role.alerts().get(),
              baseDir,
              NodeSignals.none().withProcedureDeadlines(() -> deadlines(procedures)),
              role.api().map(ProceduresRole.Api::host).orElse("127.0.0.1"),
              clock);
      return new ProceduresNode(procedures, Optional.of(alerts), Optional.of(db));
    } catch (RuntimeException e) {
      if (db != null) {
        db.close();
      }
      procedures.close();
      throw e;
    }
  }

  /** Whether the engine raises its alerts itself ({@code procedures.alerts}). */
  boolean hasOwnAlerts() {
    return alerts.isPresent();
  }

  /** The engine's own alerts, when {@code procedures.alerts} is configured. */
  Optional<org.openlgsp.alerts.Alerts> alerts() {
    return alerts;
  }

  /** The engine's readiness check: its database. */
  List<HealthCheck> healthChecks() {
    return List.of(new HealthCheck("procedures.database", procedures::checkDatabase));
  }

  /**
   * The cases near or past their limit in working days (the engine's calendar and {@code
   * slaWarningWorkingDays}), for the gateway's alert rules in the same node.
   */
  List<NodeSignals.ProcedureDeadline> deadlines() {
    return deadlines(procedures);
  }

  private static List<NodeSignals.ProcedureDeadline> deadlines(Procedures procedures) {
    return procedures.atRisk().stream()
        .map(
            c ->
                new NodeSignals.ProcedureDeadline(
                    c.code(), c.procedure(), c.due(), c.sla() == CaseView.Sla.OVERDUE))
        .toList();
  }

  public Procedures procedures() {
    return procedures;
  }

  /** The case API's port, when configured. */
  public Optional<Integer> apiPort() {
    return procedures.apiPort();
  }

  @Override
  public void close() {
    try {
      alerts.ifPresent(org.openlgsp.alerts.Alerts::close);
      alertsDb.ifPresent(org.openlgsp.storage.Database::close);
    } finally {
      procedures.close();
    }
  }
}
