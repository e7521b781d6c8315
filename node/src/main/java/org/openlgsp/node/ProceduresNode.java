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

  private ProceduresNode(Procedures procedures) {
    this.procedures = procedures;
  }

  /**
   * Starts the engine with the files the role names read (gateway secret, notices' password and
   * token, directory trust).
   */
  public static ProceduresNode start(ProceduresRole role, Path baseDir, Clock clock) {
    return new ProceduresNode(Procedures.start(role.options(baseDir), clock));
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
    procedures.close();
  }
}
