package org.openlgsp.testkit;

import java.time.Clock;
import java.time.Duration;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.Procedures;
import org.openlgsp.procedures.ProceduresOptions;

/**
 * The procedure engine in a process of its own, for {@link ProcedureEngineCrashTest}: {@code
 * <database> <gateway url> <secret> <mother's id> file|resume}. With {@code file} it files one
 * birth case and prints {@code CASE <code>}; then it runs until killed.
 */
public final class ProcedureEngineMain {
  private ProcedureEngineMain() {}

  static ProceduresOptions options(String database, String gatewayUrl, String secret) {
    return ProceduresOptions.of(
            database,
            new ProceduresOptions.GatewayLink(
                gatewayUrl, Federation.PROCEDURE_ENGINE, "lienthong", secret),
            AgencyCode.parse("000.00.00.H53"),
            Federation.PROCEDURE_SERVICES)
        .withRetries(
            new ProceduresOptions.Retries(5, Duration.ofMillis(100), Duration.ofSeconds(1)))
        .withJobPoll(Duration.ofMillis(200))
        .withStepTimeout(Duration.ofSeconds(3));
  }

  public static void main(String[] args) throws InterruptedException {
    Procedures p = Procedures.start(options(args[0], args[1], args[2]), Clock.systemUTC());
    System.out.println("STARTED");
    if (args[4].equals("file")) {
      CaseView c =
          p.file(
              Procedures.BIRTH_GROUP,
              "Liên thông khai sinh - thường trú - BHYT trẻ em",
              "VN072090000001",
              AgencyBackends.birthDossier(args[3], 5));
      System.out.println("CASE " + c.code());
    }
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
