package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.Procedures;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testkit.AgencyBackends.Agency;

/**
 * kill -9 of the process running the engine ({@link ProcedureEngineMain}) while a step's call is at
 * the provider, then a new engine on the same database: the case resumes (the step's job is taken
 * again once its lock expires, with the same idempotency key) and every agency acted exactly once.
 */
class ProcedureEngineCrashTest {
  @TempDir Path dir;

  private static Process engine(String database, Federation f, String mode, Path log)
      throws IOException {
    return new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "-cp",
            System.getProperty("java.class.path"),
            ProcedureEngineMain.class.getName(),
            database,
            f.consumerHttpUrl(),
            f.procedureEngineSecret(),
            f.citizenIds().get(0),
            mode)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  @Test
  void aCaseResumesAfterTheEngineIsKilledMidStepAndEachAgencyActsOnce() throws Exception {
    String schema = TestDatabases.postgresSchema();
    String url = TestDatabases.postgresUrl();
    String database = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    try (Federation f = Federation.start(dir, Federation.Options.procedures(3))) {
      AgencyBackends a = f.agencies();
      a.delayActions(Agency.RESIDENCE, Duration.ofSeconds(2));
      Path log = dir.resolve("engine.log");
      Process first = engine(database, f, "file", log);
      String code;
      try {
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> Files.exists(log) && Files.readString(log).contains("CASE "));
        code =
            Files.readString(log)
                .lines()
                .filter(l -> l.startsWith("CASE "))
                .findFirst()
                .orElseThrow()
                .substring(5);
        // the residence registration is at the provider when the engine dies
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    a.seen(Agency.RESIDENCE).stream()
                        .anyMatch(s -> s.idempotencyKey().equals(code + "/dangKyThuongTru")));
      } finally {
        first.destroyForcibly(); // SIGKILL
      }
      first.waitFor();
      a.delayActions(Agency.RESIDENCE, Duration.ZERO);
      // the node restarts: a new engine on the same database (here, in the test's process)
      try (Procedures restarted =
          Procedures.start(
              ProcedureEngineMain.options(database, f.consumerHttpUrl(), f.procedureEngineSecret()),
              Clock.systemUTC())) {
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> restarted.find(code).orElseThrow().status() == CaseView.Status.COMPLETED);
      }
      assertThat(a.actedFor(Agency.CIVIL_STATUS, code)).containsExactly("dangKyKhaiSinh");
      assertThat(a.actedFor(Agency.RESIDENCE, code)).containsExactly("dangKyThuongTru");
      assertThat(a.actedFor(Agency.SOCIAL_INSURANCE, code)).containsExactly("capTheBhytTreEm");
      List<AgencyBackends.Seen> residence =
          a.seen(Agency.RESIDENCE).stream()
              .filter(s -> s.idempotencyKey().equals(code + "/dangKyThuongTru"))
              .toList();
      assertThat(residence).hasSizeGreaterThanOrEqualTo(2); // asked again after the crash
      assertThat(a.replays(Agency.RESIDENCE)).isPositive();
    }
  }
}
