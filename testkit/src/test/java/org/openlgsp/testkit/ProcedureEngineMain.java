package org.openlgsp.testkit;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.Procedures;
import org.openlgsp.procedures.ProceduresOptions;

/**
 * The procedure engine in a process of its own, for {@link ProcedureEngineCrashTest}: {@code
 * <database> <gateway url> <secret> file <mother's id>...} files one birth case per mother and
 * prints {@code CASE <mother's id> <code>} for each; {@code <database> <gateway url> <secret>
 * resume <code>...} only runs the engine (the cases resume from the database) and prints {@code
 * STATUS <code> <status>} whenever a case's status changes. Either runs until killed.
 */
public final class ProcedureEngineMain {
  private ProcedureEngineMain() {}

  /**
   * Calls of at most 2 s (a step's job is taken again 9 s after its engine died), many spaced tries
   * so that no case of the test reaches an operator while the test holds it.
   */
  static ProceduresOptions options(String database, String gatewayUrl, String secret) {
    return ProceduresOptions.of(
            database,
            new ProceduresOptions.GatewayLink(
                gatewayUrl, Federation.PROCEDURE_ENGINE, "lienthong", secret),
            AgencyCode.parse("000.00.00.H53"),
            Federation.PROCEDURE_SERVICES)
        .withRetries(
            new ProceduresOptions.Retries(30, Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .withJobPoll(Duration.ofMillis(200))
        .withStepTimeout(Duration.ofSeconds(2));
  }

  public static void main(String[] args) throws InterruptedException {
    Procedures p = Procedures.start(options(args[0], args[1], args[2]), Clock.systemUTC());
    System.out.println("STARTED");
    List<String> rest = List.of(args).subList(4, args.length);
    if (args[3].equals("file")) {
      for (String mother : rest) {
        CaseView c =
            p.file(
                Procedures.BIRTH_GROUP,
                "Liên thông khai sinh - thường trú - BHYT trẻ em",
                "VN072090000001",
                AgencyBackends.birthDossier(mother, 5));
        System.out.println("CASE " + mother + " " + c.code());
      }
      System.out.flush();
      Thread.currentThread().join(); // until killed
    }
    java.util.Map<String, String> last = new java.util.HashMap<>();
    while (true) {
      for (String code : rest) {
        Optional<CaseView> c = p.find(code);
        String status = c.map(v -> v.status().name()).orElse("UNKNOWN");
        if (!status.equals(last.put(code, status))) {
          System.out.println("STATUS " + code + " " + status);
          System.out.flush();
        }
      }
      Thread.sleep(200); // a poll of the engine's own tables, in the process under test
    }
  }
}
