package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryOptions;
import org.openlgsp.registry.RegistryServer;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** {@code lgsp registry breach ...} against a running registry's admin API. */
class BreachCommandsTest {
  static final String TOKEN = "breach-cli-admin-token-0123456789";
  @TempDir Path dir;

  @Test
  void aBreachIsRecordedNotedNotifiedClosedAndReportedFromTheCommandLine() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Test CA", Duration.ofDays(30));
    try (Database db = TestDatabases.sqlite(dir);
        RegistryServer server =
            RegistryServer.start(
                new Registry(
                    db,
                    RegistryOptions.defaults("VN"),
                    ca.issueCredentials(
                            CertificateProfile.DIRECTORY_SIGNING,
                            "registry",
                            "test",
                            List.of(),
                            Duration.ofDays(30))
                        .signer(),
                    Clock.systemUTC()),
                RegistryServer.hashToken(TOKEN),
                "127.0.0.1",
                0)) {
      Path token = dir.resolve("admin.token");
      Files.writeString(token, TOKEN);
      String[] conn = {
        "--url", "http://127.0.0.1:" + server.port(), "--token-file", token.toString()
      };
      Instant detected =
          Instant.now()
              .minus(Duration.ofHours(80))
              .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

      Map<?, ?> added =
          json(
              ok(
                  conn,
                  "registry",
                  "breach",
                  "add",
                  "--detected-at",
                  detected.toString(),
                  "--reported-by",
                  "Lê Văn C, DPO, 0900000000",
                  "--description",
                  "Máy chủ sao lưu công khai trên Internet",
                  "--category",
                  "họ tên",
                  "--category",
                  "địa chỉ",
                  "--subjects",
                  "5000",
                  "--measures",
                  "Đóng truy cập"));
      String id = (String) added.get("id");
      assertThat(added.get("deadline")).isEqualTo(detected.plus(Duration.ofHours(72)).toString());
      assertThat(added.get("status")).isEqualTo("open");

      ok(conn, "registry", "breach", "note", id, "Đã khoanh vùng");
      // after the deadline the notification needs its reason: refused without it
      CommandRun refused = run(conn, "registry", "breach", "notify", id);
      assertThat(refused.exit()).isNotZero();
      assertThat(refused.err()).contains("delayReason");
      ok(
          conn,
          "registry",
          "breach",
          "notify",
          id,
          "--reference",
          "CV-01",
          "--delay-reason",
          "Phát hiện muộn phạm vi");
      ok(conn, "registry", "breach", "notify", id, "--subjects");
      CommandRun early =
          run(conn, "registry", "breach", "close", "00000000-0000-0000-0000-0000000000ff", "x");
      assertThat(early.exit()).isNotZero();
      assertThat(early.err()).contains("breach.unknown");
      Map<?, ?> closed = json(ok(conn, "registry", "breach", "close", id, "Đã khắc phục"));
      assertThat(closed.get("status")).isEqualTo("closed");
      assertThat((List<?>) closed.get("timeline")).hasSize(5);
      CommandRun again = run(conn, "registry", "breach", "close", id, "lần nữa");
      assertThat(again.err()).contains("breach.state");

      assertThat(ok(conn, "registry", "breach", "list", "--status", "closed").out()).contains(id);
      assertThat(ok(conn, "registry", "breach", "show", id).out()).contains("Đã khoanh vùng");
      Path report = dir.resolve("report.html");
      ok(conn, "registry", "breach", "report", id, "--out", report.toString());
      assertThat(Files.readString(report))
          .contains("Cục An ninh mạng")
          .contains("Phát hiện muộn phạm vi")
          .contains("5000");
      assertThat(ok(conn, "registry", "breach", "report", id, "--lang", "en").out())
          .contains("Reason for the delay");
      Path pdf = dir.resolve("report.pdf");
      ok(conn, "registry", "breach", "report", id, "--pdf", "--out", pdf.toString());
      try (org.apache.pdfbox.pdmodel.PDDocument doc =
          org.apache.pdfbox.Loader.loadPDF(pdf.toFile())) {
        assertThat(new org.apache.pdfbox.text.PDFTextStripper().getText(doc))
            .contains("Cục An ninh mạng")
            .contains("Phát hiện muộn phạm vi");
      }
      assertThat(run(conn, "registry", "breach", "report", id, "--pdf").exit()).isNotZero();
    }
  }

  @Test
  void everyBreachSubcommandHasHelp() {
    CommandRun help = CommandRun.run("registry", "breach", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("add", "list", "show", "note", "notify", "close", "report");
    for (String sub : List.of("add", "list", "show", "note", "notify", "close", "report")) {
      CommandRun r = CommandRun.run("registry", "breach", sub, "--help");
      assertThat(r.exit()).as(sub).isZero();
      assertThat(r.out()).as(sub).contains("Usage:");
    }
  }

  private static CommandRun run(String[] conn, String... args) {
    String[] all = new String[args.length + conn.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(conn, 0, all, args.length, conn.length);
    return CommandRun.run(all);
  }

  private static CommandRun ok(String[] conn, String... args) {
    CommandRun r = run(conn, args);
    assertThat(r.exit()).as(r.err()).isZero();
    return r;
  }

  private static Map<?, ?> json(CommandRun r) throws Exception {
    return Json.mapper().readValue(r.out(), Map.class);
  }
}
