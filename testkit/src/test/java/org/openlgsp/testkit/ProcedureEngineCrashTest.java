package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testkit.AgencyBackends.Agency;

/**
 * kill -9 of the process running the engine ({@link ProcedureEngineMain}) with four cases held at
 * four points — one in the middle of a step (its call is at the provider), two exactly between
 * steps (the earlier step's exchange done and committed — the engine's database shows it ended and
 * the next step's job queued — and the next step's call held inside the engine's process before a
 * byte of it left: between birth and residence registration, and between residence registration and
 * the insurance card), one during compensation (the insurance refused for good, the undo of the
 * residence registration is at the provider) — then a new engine in another process on the same
 * database: every case resumes (a step's job is taken again once its lock expires, asked again with
 * the same idempotency key) and every agency acted exactly once per step, counted at the backends
 * by key.
 */
class ProcedureEngineCrashTest {
  @TempDir Path dir;
  private static final Duration HOLD = Duration.ofSeconds(20);

  private static Process engine(String database, Federation f, Path log, List<String> args)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                ProcedureEngineMain.class.getName(),
                database,
                f.consumerHttpUrl(),
                f.procedureEngineSecret()));
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private static List<String> lines(Path log, String prefix) throws IOException {
    return Files.exists(log)
        ? Files.readString(log).lines().filter(l -> l.startsWith(prefix)).toList()
        : List.of();
  }

  private static void codes(Path log, Map<String, String> code) throws IOException {
    for (String l : lines(log, "CASE ")) {
      String[] p = l.split(" ");
      code.put(p[1], p[2]);
    }
  }

  private static void phase(String what, long t0) {
    System.err.printf("[crash test] %s after %d ms%n", what, (System.nanoTime() - t0) / 1_000_000);
  }

  private static long seen(AgencyBackends a, Agency agency, String key) {
    return a.seen(agency).stream().filter(s -> s.idempotencyKey().equals(key)).count();
  }

  /**
   * Whether the engine's database shows case {@code code} exactly between {@code done} and {@code
   * next}: step {@code done} ended (committed) and the job of step {@code next} queued.
   */
  private static boolean betweenInDatabase(String database, String code, String done, String next)
      throws java.sql.SQLException {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(database)) {
      return count(
                  c,
                  "select count(*) from act_hi_actinst a join act_hi_procinst p on"
                      + " a.proc_inst_id_ = p.id_ where p.business_key_ = ? and a.act_id_ = ? and"
                      + " a.end_time_ is not null",
                  code,
                  done)
              == 1
          && count(
                  c,
                  "select count(*) from act_ru_job j join act_ru_execution e on"
                      + " j.process_instance_id_ = e.id_ where e.business_key_ = ? and"
                      + " j.element_id_ = ? and j.retries_ = "
                      + ProcedureEngineMain.TRIES, // its first try: none failed before the kill
                  code,
                  next)
              == 1;
    }
  }

  private static long count(java.sql.Connection c, String sql, String a, String b)
      throws java.sql.SQLException {
    try (java.sql.PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, a);
      s.setString(2, b);
      try (java.sql.ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  @Test
  @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void casesKilledMidStepExactlyBetweenStepsAndMidCompensationResumeAndEachAgencyActsOncePerStep()
      throws Exception {
    String schema = TestDatabases.postgresSchema();
    String url = TestDatabases.postgresUrl();
    String database = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    long t0 = System.nanoTime();
    // the engine's tables are created while the federation starts (the node's first start would
    // create them; the test does not wait for that twice)
    java.util.concurrent.CompletableFuture<Void> tables =
        java.util.concurrent.CompletableFuture.runAsync(
            () ->
                org.openlgsp.procedures.Procedures.start(
                        ProcedureEngineMain.options(database, "http://127.0.0.1:9", "unused"),
                        java.time.Clock.systemUTC())
                    .close());
    // no OCSP checks between the gateways: they are not what this test is about, and they cost
    // the time the class's bound needs
    try (Federation f =
        Federation.start(dir, Federation.Options.procedures(4).withRevocationChecking(false))) {
      tables.join();
      phase("federation started, engine tables created", t0);
      AgencyBackends a = f.agencies();
      String during = f.citizenIds().get(0);
      String between = f.citizenIds().get(1); // birth registered, residence not yet asked
      String beforeCard = f.citizenIds().get(2); // residence registered, card not yet asked
      String undoing = f.citizenIds().get(3);
      a.delayFor(Agency.RESIDENCE, "dangKyThuongTru", during, HOLD);
      a.refuseFor(Agency.SOCIAL_INSURANCE, undoing, true);
      a.delayFor(Agency.RESIDENCE, "xoaDangKyThuongTru", undoing, HOLD);

      Path firstLog = dir.resolve("engine-1.log");
      Process first = engine(database, f, firstLog, List.of("file", during, undoing));
      Map<String, String> code = new HashMap<>();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> lines(firstLog, "CASE ").size() == 2);
        codes(firstLog, code);
        // mid-step and mid-compensation: the calls are being held at the provider (for 20 s)
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () ->
                    a.held(Agency.RESIDENCE).contains(code.get(during) + "/dangKyThuongTru")
                        && a.held(Agency.RESIDENCE)
                            .contains(code.get(undoing) + "/xoaDangKyThuongTru"));
        phase("mid-step and mid-compensation cases held at the provider", t0);
        // then the two cases to hold between steps, so that their held calls are young (within the
        // engine's 4 s call timeout: the kill falls in their first try)
        try (var stdin = first.getOutputStream()) {
          stdin.write(
              (between + "@dangKyThuongTru\n" + beforeCard + "@capTheBhyt\n")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(firstLog, "CASE ").size() == 4);
        codes(firstLog, code);
        phase("four cases filed", t0);
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () ->
                    a.held(Agency.RESIDENCE).contains(code.get(during) + "/dangKyThuongTru")
                        && a.held(Agency.RESIDENCE)
                            .contains(code.get(undoing) + "/xoaDangKyThuongTru")
                        // between steps: the next step's call held in the engine's process, the
                        // earlier step committed and the next one's job in the database
                        && lines(firstLog, "HELD ")
                            .containsAll(
                                List.of(
                                    "HELD " + code.get(between) + "/dangKyThuongTru",
                                    "HELD " + code.get(beforeCard) + "/capTheBhyt"))
                        && betweenInDatabase(
                            database, code.get(between), "dangKyKhaiSinh", "dangKyThuongTru")
                        && betweenInDatabase(
                            database, code.get(beforeCard), "dangKyThuongTru", "capTheBhyt"));
      } finally {
        first.destroyForcibly(); // SIGKILL
      }
      first.waitFor();
      phase("engine killed", t0);
      assertThat(a.actedFor(Agency.RESIDENCE, code.get(during))).isEmpty();
      // killed exactly between steps: the earlier step done once, the next one never sent
      assertThat(a.actedFor(Agency.CIVIL_STATUS, code.get(between)))
          .containsExactly("dangKyKhaiSinh");
      assertThat(seen(a, Agency.RESIDENCE, code.get(between) + "/dangKyThuongTru")).isZero();
      assertThat(a.actedFor(Agency.RESIDENCE, code.get(beforeCard)))
          .containsExactly("dangKyThuongTru");
      assertThat(seen(a, Agency.SOCIAL_INSURANCE, code.get(beforeCard) + "/capTheBhyt")).isZero();
      assertThat(a.actedFor(Agency.RESIDENCE, code.get(undoing)))
          .containsExactly("dangKyThuongTru");

      // the agencies recover; the insurance's refusal of the third case stays (it is for good)
      a.delayFor(Agency.RESIDENCE, "dangKyThuongTru", during, Duration.ZERO);
      a.delayFor(Agency.RESIDENCE, "xoaDangKyThuongTru", undoing, Duration.ZERO);

      // the node restarts: a new engine process on the same database
      Path secondLog = dir.resolve("engine-2.log");
      Process second =
          engine(
              database,
              f,
              secondLog,
              List.of(
                  "resume",
                  code.get(during),
                  code.get(between),
                  code.get(beforeCard),
                  code.get(undoing)));
      try {
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    lines(secondLog, "STATUS ")
                        .containsAll(
                            List.of(
                                "STATUS " + code.get(during) + " COMPLETED",
                                "STATUS " + code.get(between) + " COMPLETED",
                                "STATUS " + code.get(beforeCard) + " COMPLETED",
                                "STATUS " + code.get(undoing) + " COMPENSATED")));
        phase("cases resumed and finished", t0);
      } finally {
        second.destroyForcibly();
        second.waitFor();
      }
      for (String mother : List.of(during, between, beforeCard)) {
        String c = code.get(mother);
        assertThat(a.actedFor(Agency.CIVIL_STATUS, c)).containsExactly("dangKyKhaiSinh");
        assertThat(a.actedFor(Agency.RESIDENCE, c)).containsExactly("dangKyThuongTru");
        assertThat(a.actedFor(Agency.SOCIAL_INSURANCE, c)).containsExactly("capTheBhytTreEm");
      }
      String c = code.get(undoing);
      assertThat(a.actedFor(Agency.CIVIL_STATUS, c)).containsExactly("dangKyKhaiSinh");
      assertThat(a.actedFor(Agency.RESIDENCE, c))
          .containsExactly("dangKyThuongTru", "xoaDangKyThuongTru");
      assertThat(a.actedFor(Agency.SOCIAL_INSURANCE, c)).isEmpty();
      // the held calls were asked again after the crash, with the same keys
      assertThat(
              a.seen(Agency.RESIDENCE).stream()
                  .filter(s -> s.idempotencyKey().equals(code.get(during) + "/dangKyThuongTru")))
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(
              a.seen(Agency.RESIDENCE).stream()
                  .filter(s -> s.idempotencyKey().equals(c + "/xoaDangKyThuongTru")))
          .hasSizeGreaterThanOrEqualTo(2);
    }
  }
}
