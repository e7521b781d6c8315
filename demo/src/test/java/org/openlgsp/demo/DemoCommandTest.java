package org.openlgsp.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.cli.CommandRun;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.storage.TestDatabases;

/** {@code lgsp demo} and {@code lgsp demo edoc}, found by the command line through its SPI. */
class DemoCommandTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "demo --help",
        "demo edoc --help",
        "demo procedures --help",
        "demo federation --help"
      })
  void theDemoCommandsArePluggedIn(String args) {
    CommandRun r = CommandRun.run(args.split(" "));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: lgsp").contains("demo");
  }

  /**
   * What {@code --keep-running} adds: the console's address and two accounts whose one-time
   * passwords sign in (and a second run on the same folder does not print them again).
   */
  @Test
  void keepRunningPrintsTheConsoleAndPasswordsThatSignInOnce() throws Exception {
    try (org.openlgsp.testkit.Federation fed =
        org.openlgsp.testkit.Federation.start(
            dir, org.openlgsp.testkit.Federation.Options.exchange(1))) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      java.io.PrintStream out =
          new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
      DemoCommand.printConsole(fed, out);
      DemoCommand.printConsole(fed, out);
      String printed = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
      org.openlgsp.console.Console console = fed.registryNode().console().orElseThrow();
      assertThat(printed).contains("Web console: " + console.url());
      java.util.regex.Matcher admin =
          java.util.regex.Pattern.compile("admin \\(platform-admin\\): password (\\S+)")
              .matcher(printed);
      java.util.regex.Matcher agency =
          java.util.regex.Pattern.compile(
                  "tayninh-admin \\(agency-admin, VN/GOV/000.00.00.H53\\): password (\\S+)")
              .matcher(printed);
      assertThat(admin.find()).as(printed).isTrue();
      assertThat(agency.find()).as(printed).isTrue();
      assertThat(console.accounts().checkPassword("admin", admin.group(1))).isPresent();
      assertThat(console.accounts().checkPassword("tayninh-admin", agency.group(1)))
          .hasValueSatisfying(a -> assertThat(a.agency()).isPresent());
      assertThat(admin.find()).as("printed once").isFalse();
      assertThat(printed).contains("admin (platform-admin): exists");
    }
  }

  @Test
  void demoRunsAllowedDeniedTamperedAndReplayedExchanges() {
    CommandRun r = CommandRun.run("demo", "--dir", dir.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("1) ALLOWED")
        .containsPattern(
            "GET /r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/\\d{12}\\n   → 200")
        .contains("→ 500  X-Road-Error: Server.ServerProxy.AccessDenied")
        .contains("\"code\":\"signature.invalid\"")
        .contains("genuine delivery → 200")
        .contains("\"code\":\"message.replayed\"")
        .contains("Tây Ninh gateway ledger (consumer side): 2 records")
        .contains("Bộ Công an gateway ledger (provider side): 4 records")
        .contains("(RFC 3161 token verified)")
        .contains("cosigned by the registry's witness at");
    assertThat(dir.resolve("tay-ninh-gateway.yaml")).exists();
    assertThat(dir.resolve("pki/tn-tls.key")).exists();
    assertThat(r.out())
        .contains("built-in CA (root + issuing CA)")
        .contains("check peers' certificates by OCSP")
        .contains(
            "[enrolment] built-in CA chain imported as the directory's trust anchors; 4 keys");
    assertThat(
            NodeConfig.read(dir.resolve("tay-ninh-gateway.yaml"))
                .gateway()
                .orElseThrow()
                .revocation())
        .isPresent();
  }

  @Test
  void demoProceduresCompletesRetriesAndCompensatesTheBirthGroupThenTheDeathGroup() {
    String url = TestDatabases.postgresUrl();
    TestDatabases.postgresSchema(); // skips (one line) when PostgreSQL does not answer
    CommandRun r = CommandRun.run("demo", "procedures", "--dir", dir.toString(), "--database", url);

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("Đăng ký khai sinh (Bộ Tư pháp)")
        .contains("Cấp thẻ BHYT cho trẻ em dưới 6 tuổi (BHXH Việt Nam)")
        .contains("status COMPLETED, SLA MET")
        .contains(
            "[agencies]  civil status [dangKyKhaiSinh], residence [dangKyThuongTru],"
                + " social insurance [capTheBhytTreEm] (each once)")
        .containsPattern("social insurance asked 3 times with key \\S+/capTheBhyt, acted 1 time")
        .contains("Xoá đăng ký thường trú (hoàn tác)")
        .contains("status COMPENSATED")
        .contains("residence did [dangKyThuongTru, xoaDangKyThuongTru]")
        // group 2 after group 1
        .contains("Đăng ký khai tử (Bộ Tư pháp)")
        .contains(
            "[agencies]  civil status [dangKyKhaiTu], residence [xoaDangKyThuongTru],"
                + " social insurance [giaiQuyetTroCapMaiTang] (each once)")
        .contains("trợ cấp mai táng 23.400.000 đ (10 × lương cơ sở 2.340.000 đ)")
        .contains("refused: procedure.certificate_invalid death notice signature does not verify")
        .contains("Khôi phục đăng ký thường trú (hoàn tác)")
        .contains(
            "residence did [xoaDangKyThuongTru, khoiPhucDangKyThuongTru];"
                + " permanent residence deregistered now: false");
  }

  @Test
  void demoWalksADocumentThroughItsStatuses() {
    CommandRun r = CommandRun.run("demo", "edoc", "--dir", dir.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("1) SEND")
        .contains("duplicate=true")
        .contains("Sở Nội vụ inbox")
        .contains("Văn phòng Chính phủ inbox (other gateway")
        .contains("01 arrived")
        .contains("06 completed")
        .contains("to 000.00.00.G22: delivery forwarded, latest status 06")
        .contains("to 000.00.15.H41: delivery acknowledged, latest status 06");
  }

  @Test
  void
      demoFederationGoesThroughTheHubDirectlyAndFromATenantRefusesOutsideTheAgreementAndReportsUpward() {
    CommandRun r = CommandRun.run("demo", "federation", "--dir", dir.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("hub VN-NDXP/GOV/000.00.00.A01/hub at https://127.0.0.1:")
        .containsPattern("2\\) THROUGH THE HUB[^\\n]*\\n   GET /citizens/\\d{12} → 200")
        .containsPattern("3\\) DIRECT[^\\n]*\\n   GET /citizens/\\d{12} → 200")
        .contains("tenant byt of the LGSP as a Service installation VN-LAAS, registry http://")
        .containsPattern(
            "4\\) LGSP AS A SERVICE[^\\n]*tenant byt of VN-LAAS[^\\n]*\\n   GET /citizens/\\d{12} → 200")
        .containsPattern("/tenants/byt/federation/VN-NDXP/catalogue")
        .contains("→ 403")
        .contains("federation.not_agreed")
        .contains("summary of VN-TAYNINH")
        .contains("summary of VN-LAOCAI")
        .containsPattern("\\n2 +1 +1 +0 +VN-TAYNINH/GOV/000.00.00.H53\\n1 +1 +0 +0 +VN-LAOCAI");
  }
}
