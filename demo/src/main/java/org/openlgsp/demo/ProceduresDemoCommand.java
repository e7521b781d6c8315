package org.openlgsp.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.Signatures;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.DeathNotice;
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
 * step fails twice and is retried with the same key, and one refused for good and compensated. Then
 * group 2: a death declared once with the hospital's signed death notice, the three agencies acting
 * and the funeral allowance granted; a tampered notice refused; a refused allowance and the
 * permanent residence reinstated.
 */
@Command(
    name = "procedures",
    mixinStandardHelpOptions = true,
    description = {
      "Run procedure groups 1 (birth registration → permanent residence → health-insurance card"
          + " for a child under 6) and 2 (death registration → deregistration of permanent"
          + " residence → funeral allowance) through a demo federation on 127.0.0.1, its engine on"
          + " PostgreSQL: cases completed, retried, refused and compensated."
    })
final class ProceduresDemoCommand implements Callable<Integer> {
  private static final DateTimeFormatter YMD = DateTimeFormatter.BASIC_ISO_DATE;

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
                    .withJobPoll(Duration.ofMillis(200))
                    .withDirectory(
                        new ProceduresOptions.DirectorySource(
                            f.registryUrl(), f.registrySigners())),
                Clock.systemUTC())) {
      out.println(
          "[engine]    Flowable on PostgreSQL schema "
              + schema
              + "; procedures "
              + Procedures.BIRTH_GROUP
              + " and "
              + Procedures.DEATH_GROUP
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

      boolean deathDone = deathGroup(f, p, out);
      return done.status() == CaseView.Status.COMPLETED && deathDone ? 0 : 1;
    }
  }

  /** Group 2: completed with a signed death notice, a tampered notice refused, compensated. */
  private static boolean deathGroup(Federation f, Procedures p, PrintStream out)
      throws InterruptedException {
    AgencyBackends a = f.agencies();
    MessageSigner hospital =
        Signatures.software(f.hospitalSigning().key(), f.hospitalSigning().certificate());
    String declarant = f.citizenIds().get(1);

    out.println(
        "\n== 4. A death declared once by a relative with the hospital's signed death notice;"
            + " the three agencies act");
    String deceased = AgencyBackends.personalId("072", LocalDate.of(1948, 3, 15), "1");
    a.insure(deceased, 240);
    JsonNode hoSo = AgencyBackends.deathDossier(deceased, declarant, 1);
    DeathNotice notice = noticeFor(hoSo);
    ((ObjectNode) hoSo).set("giayBaoTu", Json.mapper().valueToTree(notice.sign(hospital)));
    out.printf(
        "[notice]    giấy báo tử %s signed by %s (its key in the signed directory)%n",
        notice.soGiayBaoTu(), notice.coSoYTe());
    CaseView c4 = fileDeath(p, hoSo, out);
    CaseView done = follow(p, c4.code(), s -> s != CaseView.Status.IN_PROGRESS, out);
    out.printf(
        "[agencies]  civil status %s, residence %s, social insurance %s (each once)%n",
        a.actedFor(Agency.CIVIL_STATUS, c4.code()),
        a.actedFor(Agency.RESIDENCE, c4.code()),
        a.actedFor(Agency.SOCIAL_INSURANCE, c4.code()));
    a.answered(Agency.CIVIL_STATUS, c4.code() + "/dangKyKhaiTu")
        .ifPresent(
            r ->
                out.printf(
                    "[hộ tịch]   trích lục khai tử số %s%n", r.path("soTrichLucKhaiTu").asText()));
    a.answered(Agency.SOCIAL_INSURANCE, c4.code() + "/troCapMaiTang")
        .ifPresent(
            r ->
                out.printf(
                    java.util.Locale.forLanguageTag("vi-VN"),
                    "[bhxh]      trợ cấp mai táng %,d đ (10 × lương cơ sở %,d đ), quyết định %s%n",
                    r.path("mucTroCapMaiTang").asLong(),
                    r.path("mucLuongCoSo").asLong(),
                    r.path("soQuyetDinh").asText()));

    out.println("\n== 5. The same notice with the date of death changed: refused, no case");
    String other = AgencyBackends.personalId("072", LocalDate.of(1950, 6, 1), "1");
    JsonNode forged = AgencyBackends.deathDossier(other, declarant, 1);
    DeathNotice genuine = noticeFor(forged);
    SignedDocument signed = genuine.sign(hospital);
    DeathNotice altered =
        new DeathNotice(
            genuine.soGiayBaoTu(),
            genuine.coSoYTe(),
            genuine.hoTen(),
            genuine.soDinhDanh(),
            genuine.gioiTinh(),
            LocalDate.parse(genuine.ngayChet(), YMD).minusDays(30).format(YMD),
            genuine.noiChet(),
            genuine.nguyenNhanChet(),
            genuine.ngayCap());
    ((ObjectNode) forged.path("nguoiChet")).put("ngayChet", altered.ngayChet());
    ((ObjectNode) forged)
        .set(
            "giayBaoTu",
            Json.mapper()
                .valueToTree(
                    new SignedDocument(
                        Digests.base64(Json.write(altered)),
                        signed.signature(),
                        signed.algorithm(),
                        signed.signerCertificate())));
    try {
      fileDeath(p, forged, out);
      out.println("[case]      the tampered notice was accepted (wrong)");
      return false;
    } catch (LgspException e) {
      out.printf("[case]      refused: %s %s%n", e.code().code(), e.detail());
    }

    out.println(
        "\n== 6. Social insurance refuses the allowance (8 months of contributions, 12 needed);"
            + " the permanent residence is reinstated");
    String young = AgencyBackends.personalId("072", LocalDate.of(1990, 2, 2), "1");
    a.insure(young, 8);
    CaseView c6 = fileDeath(p, AgencyBackends.deathDossier(young, declarant, 1), out);
    follow(p, c6.code(), s -> s != CaseView.Status.IN_PROGRESS, out);
    out.printf(
        "[agencies]  residence did %s; permanent residence deregistered now: %s%n",
        a.actedFor(Agency.RESIDENCE, c6.code()), a.deregistered(young));
    return done.status() == CaseView.Status.COMPLETED;
  }

  private static DeathNotice noticeFor(JsonNode hoSo) {
    JsonNode d = hoSo.path("nguoiChet");
    return new DeathNotice(
        "BVDKTN-BT-2026-000318",
        Federation.HOSPITAL.toString(),
        d.path("hoTen").asText(),
        d.path("soDinhDanh").asText(),
        d.path("gioiTinh").asText(),
        d.path("ngayChet").asText(),
        d.path("noiChet").asText(),
        d.path("nguyenNhanChet").asText(),
        d.path("ngayChet").asText());
  }

  private static CaseView fileDeath(Procedures p, JsonNode hoSo, PrintStream out) {
    return file(
        p,
        Procedures.DEATH_GROUP,
        "Liên thông khai tử - xoá thường trú - trợ cấp mai táng",
        5,
        hoSo,
        out);
  }

  private static CaseView file(Procedures p, JsonNode hoSo, PrintStream out) {
    return file(
        p, Procedures.BIRTH_GROUP, "Liên thông khai sinh - thường trú - BHYT trẻ em", 3, hoSo, out);
  }

  private static CaseView file(
      Procedures p, String procedure, String purpose, int days, JsonNode hoSo, PrintStream out) {
    CaseView c = p.file(procedure, purpose, "VN072090000001", hoSo);
    out.printf(
        "[case]      filed, mã hồ sơ %s, due %s (%d working days)%n", c.code(), c.due(), days);
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
        // unnamed elements (the error boundary events, which end with their step) are left out
        if (e.state().equals("completed") && !e.name().equals(e.step())) {
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
