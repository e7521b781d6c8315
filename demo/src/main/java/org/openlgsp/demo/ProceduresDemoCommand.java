package org.openlgsp.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.Procedures;
import org.openlgsp.procedures.ProceduresOptions;
import org.openlgsp.testkit.AgencyBackends;
import org.openlgsp.testkit.AgencyBackends.Agency;
import org.openlgsp.testkit.Federation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lgsp demo procedures}: procedure group 1 of Decree 63/2024 through the demo federation — a
 * birth filed once, the three agencies acting, the child's card issued; then a case whose insurance
 * step fails twice and is retried with the same key, and one refused for good and compensated.
 */
@Command(
    name = "procedures",
    mixinStandardHelpOptions = true,
    description = {
      "Run procedure group 1 (birth registration → permanent residence → health-insurance card"
          + " for a child under 6) through a demo federation on 127.0.0.1, its engine on"
          + " PostgreSQL: a case completed, a case retried, a case compensated."
    })
final class ProceduresDemoCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "Work folder (default: a new temporary one).")
  Path dir;

  @Option(
      names = "--database",
      defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
      description =
          "PostgreSQL database of the procedure engine (default: ${DEFAULT-VALUE}); the demo"
              + " keeps its tables in a schema of its own, lgsp_demo_procedures")
  String database;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path work = dir != null ? dir : Files.createTempDirectory("lgsp-demo-procedures");
    String schema = "lgsp_demo_procedures";
    try (var c = java.sql.DriverManager.getConnection(database);
        var s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    }
    String url = database + (database.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    try (Federation f = Federation.start(work, Federation.Options.procedures(5).withOut(out));
        Procedures p =
            Procedures.start(
                ProceduresOptions.of(
                        url,
                        new ProceduresOptions.GatewayLink(
                            f.consumerHttpUrl(),
                            Federation.PROCEDURE_ENGINE,
                            "lienthong",
                            f.procedureEngineSecret()),
                        AgencyCode.parse("000.00.00.H53"),
                        Federation.PROCEDURE_SERVICES)
                    .withRetries(
                        new ProceduresOptions.Retries(
                            4, Duration.ofMillis(200), Duration.ofSeconds(2)))
                    .withJobPoll(Duration.ofMillis(200)),
                Clock.systemUTC())) {
      out.println(
          "[engine]    Flowable on PostgreSQL schema "
              + schema
              + "; procedure "
              + Procedures.BIRTH_GROUP
              + " deployed");
      AgencyBackends a = f.agencies();
      JsonNode hoSo = AgencyBackends.birthDossier(f.citizenIds().get(0), 3);

      out.println("\n== 1. A birth filed once; the three agencies act");
      CaseView c1 = file(p, hoSo, out);
      CaseView done = follow(p, c1.code(), s -> s != CaseView.Status.IN_PROGRESS, out);
      out.printf(
          "[agencies]  civil status %s, residence %s, social insurance %s (each once)%n",
          a.actedFor(Agency.CIVIL_STATUS, c1.code()),
          a.actedFor(Agency.RESIDENCE, c1.code()),
          a.actedFor(Agency.SOCIAL_INSURANCE, c1.code()));

      out.println("\n== 2. The insurance service fails twice; the step is retried with its key");
      a.failNext(Agency.SOCIAL_INSURANCE, 2);
      CaseView c2 = file(p, hoSo, out);
      follow(p, c2.code(), s -> s != CaseView.Status.IN_PROGRESS, out);
      long tries =
          a.seen(Agency.SOCIAL_INSURANCE).stream()
              .filter(s -> s.idempotencyKey().startsWith(c2.code()))
              .count();
      out.printf(
          "[agencies]  social insurance asked %d times with key %s/capTheBhyt, acted %d time(s)%n",
          tries, c2.code(), a.actedFor(Agency.SOCIAL_INSURANCE, c2.code()).size());

      out.println(
          "\n== 3. The insurance service refuses for good; the residence registration is undone");
      a.refuse(Agency.SOCIAL_INSURANCE, true);
      CaseView c3 = file(p, hoSo, out);
      follow(p, c3.code(), s -> s != CaseView.Status.IN_PROGRESS, out);
      a.refuse(Agency.SOCIAL_INSURANCE, false);
      out.printf("[agencies]  residence did %s%n", a.actedFor(Agency.RESIDENCE, c3.code()));
      return done.status() == CaseView.Status.COMPLETED ? 0 : 1;
    }
  }

  private static CaseView file(Procedures p, JsonNode hoSo, PrintStream out) {
    CaseView c =
        p.file(
            Procedures.BIRTH_GROUP,
            "Liên thông khai sinh - thường trú - BHYT trẻ em",
            "VN072090000001",
            hoSo);
    out.printf("[case]      filed, mã hồ sơ %s, due %s (3 working days)%n", c.code(), c.due());
    return c;
  }

  /** Prints the case's history as it grows until its status satisfies {@code end}. */
  private static CaseView follow(
      Procedures p, String code, Predicate<CaseView.Status> end, PrintStream out)
      throws InterruptedException {
    int printed = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      CaseView v = p.find(code).orElseThrow();
      for (CaseView.Event e : v.history().subList(printed, v.history().size())) {
        if (e.state().equals("completed")) {
          out.printf("[case]      %s  %s%n", e.at(), e.name());
        }
      }
      printed = v.history().size();
      if (end.test(v.status()) || System.nanoTime() > deadline) {
        out.printf("[case]      status %s, SLA %s%n", v.status(), v.sla());
        return v;
      }
      Thread.sleep(200); // a person watching the status page, not a synchronisation
    }
  }
}
