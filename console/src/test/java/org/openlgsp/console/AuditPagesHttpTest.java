package org.openlgsp.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.LgspException;
import org.openlgsp.registry.Registry;
import org.openlgsp.storage.Sql;

/**
 * The ledger and subject-access pages over real HTTP against a registry with a real consent log, a
 * real witness that cosigned a real gateway ledger's checkpoint, and the citizen data tracker
 * asking that gateway's ledger API: what each role sees, what is checked and shown, and what is
 * refused.
 */
class AuditPagesHttpTest {
  @TempDir Path dir;
  AuditFixture f;

  @BeforeEach
  void start() {
    f = new AuditFixture(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void theLedgerPageShowsTheConsentLogsSignedCheckpointsAndTheGatewayCheckpointTheWitnessCosigned()
      throws Exception {
    ConsoleClient auditor = f.signedIn(ConsoleRole.AUDITOR);
    String page = auditor.get("/ledger").body();
    assertThat(page)
        .contains("VN/registry/consents")
        .contains("<tr data-size=\"2\">")
        .contains("<tr data-size=\"1\">")
        .contains("Hợp lệ")
        .doesNotContain("Không hợp lệ");
    // the gateway's checkpoint of 3 records, its log signature and the witness's cosignature
    assertThat(page)
        .contains("data-origin=\"" + AuditFixture.GATEWAY + "\"")
        .containsPattern(
            "data-origin=\""
                + AuditFixture.GATEWAY
                + "\"><td><code>[^<]+</code></td>\\s*<td>3</td>")
        .contains(f.witness.verifier().toString());
    // English
    auditor.get("/lang?to=en&back=/ledger");
    assertThat(auditor.get("/ledger").body()).contains("Gateway checkpoints witnessed");
  }

  @Test
  void aConsentRecordsInclusionProofIsCheckedAgainstItsSignedCheckpointAndAnEditedRecordFails()
      throws Exception {
    ConsoleClient officer = f.signedIn(ConsoleRole.SECURITY_OFFICER);
    HttpResponse<String> proof = officer.get("/ledger/proof?index=0");
    assertThat(proof.statusCode()).as(proof.body()).isEqualTo(200);
    assertThat(proof.body())
        .contains(f.consentId)
        .contains("id=\"leaf-check\" class=\"ok\"")
        .contains("id=\"path-check\" class=\"ok\"")
        .contains("id=\"signature-check\" class=\"ok\"")
        .contains("Đã kiểm tra");
    // against the later checkpoint of 2 records too: one hash on the path
    assertThat(officer.get("/ledger/proof?index=0&size=2").body())
        .containsPattern("<ol id=\"path\">\\s*<li><code>[A-Za-z0-9+/=]{44}</code></li>\\s*</ol>")
        .contains("id=\"path-check\" class=\"ok\"");
    assertThat(officer.get("/ledger/proof?index=7").statusCode()).isEqualTo(404);
    assertThat(officer.get("/ledger/proof?index=x").statusCode()).isEqualTo(400);
    assertThat(officer.get("/ledger/proof?index=1&size=1").statusCode()).isEqualTo(404);
    // the record's purpose edited in the database: its bytes no longer hash to the leaf
    Sql.inTransaction(
        f.db,
        h -> {
          byte[] record =
              h.createQuery("SELECT record FROM ledger_record WHERE idx = 0")
                  .mapTo(byte[].class)
                  .one();
          String text = new String(record, StandardCharsets.ISO_8859_1);
          byte[] edited =
              text.replace("1.001234", "1.001235").getBytes(StandardCharsets.ISO_8859_1);
          assertThat(edited).isNotEqualTo(record);
          return h.createUpdate("UPDATE ledger_record SET record = ? WHERE idx = 0")
              .bind(0, edited)
              .execute();
        });
    String failed = officer.get("/ledger/proof?index=0").body();
    assertThat(failed)
        .contains("id=\"leaf-check\" class=\"bad\"")
        .contains("THẤT BẠI")
        .contains("1.001235");
  }

  @Test
  void anUploadedExportIsVerifiedByTheLedgerVerifierAndATamperedOneIsNot() throws Exception {
    Path export = f.exportGatewayLedger(dir.resolve("export"));
    byte[] zip = AuditFixture.zip(export);
    ConsoleClient auditor = f.signedIn(ConsoleRole.AUDITOR);
    auditor.get("/ledger");
    Map<String, String> form =
        Map.of("csrf", auditor.csrf, "log", AuditFixture.GATEWAY, "witness", "on");

    HttpResponse<String> sound =
        AuditFixture.postMultipart(auditor, "/ledger/verify", form, "gw.zip", zip);
    assertThat(sound.statusCode()).as(sound.body()).isEqualTo(200);
    assertThat(sound.body())
        .contains("data-sound=\"true\"")
        .contains("<td id=\"records-count\">3</td>");

    // one byte of the second record changed
    Path records = export.resolve("records.bin");
    byte[] bytes = Files.readAllBytes(records);
    int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("m-1") + 2;
    bytes[at] = (byte) '9';
    Files.write(records, bytes);
    HttpResponse<String> unsound =
        AuditFixture.postMultipart(
            auditor, "/ledger/verify", form, "gw-edited.zip", AuditFixture.zip(export));
    assertThat(unsound.statusCode()).isEqualTo(200);
    assertThat(unsound.body())
        .contains("data-sound=\"false\"")
        .contains("<td id=\"first-bad\">1</td>")
        .contains("KHÔNG toàn vẹn");
    assertThat(f.registry.auditLog("console.ledger.verify", 0, 10))
        .extracting(Registry.AuditEntry::detail)
        .anySatisfy(d -> assertThat(d).contains("gw.zip").contains("SOUND, 3 records"))
        .anySatisfy(d -> assertThat(d).contains("gw-edited.zip").contains("UNSOUND"));

    // refused: no token, a forged one, not a ZIP, a file outside the export's layout, an
    // unknown log
    Map<String, String> noToken = Map.of("log", AuditFixture.GATEWAY);
    assertThat(
            AuditFixture.postMultipart(auditor, "/ledger/verify", noToken, "gw.zip", zip)
                .statusCode())
        .isEqualTo(403);
    assertThat(
            AuditFixture.postMultipart(
                    auditor, "/ledger/verify", Map.of("csrf", "forged", "log", ""), "gw.zip", zip)
                .statusCode())
        .isEqualTo(403);
    assertThat(
            AuditFixture.postMultipart(
                    auditor,
                    "/ledger/verify",
                    form,
                    "x.zip",
                    "not a zip".getBytes(StandardCharsets.UTF_8))
                .statusCode())
        .isEqualTo(400);
    assertThat(
            AuditFixture.postMultipart(
                    auditor, "/ledger/verify", form, "evil.zip", zipOf("../../etc/cron.d/x", 10))
                .statusCode())
        .isEqualTo(400);
    assertThat(
            AuditFixture.postMultipart(
                    auditor,
                    "/ledger/verify",
                    Map.of("csrf", auditor.csrf, "log", "VN/GOV/unknown/gw1"),
                    "gw.zip",
                    zip)
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void anExportLargerOnceUnzippedThanTheBoundIsRefusedWhileUnzipping() throws Exception {
    byte[] zip = zipOf("records.bin", 10_000);
    Path out = Files.createDirectories(dir.resolve("unzipped"));
    assertThatThrownBy(() -> AuditPages.unzip(new ByteArrayInputStream(zip), out, 4096))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("too large once unzipped");
    AuditPages.unzip(
        new ByteArrayInputStream(zip), Files.createDirectories(dir.resolve("ok")), 10_000);
    assertThat(dir.resolve("ok/records.bin")).hasSize(10_000);
  }

  private static byte[] zipOf(String name, int size) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry(name));
      z.write(new byte[size]);
      z.closeEntry();
    }
    return out.toByteArray();
  }

  @Test
  void aSecurityOfficerLooksUpACitizenWithAPurposeAndSeesEachAccessWithItsVerifiedProof()
      throws Exception {
    ConsoleClient officer = f.signedIn(ConsoleRole.SECURITY_OFFICER);
    assertThat(officer.get("/subjects").body()).contains("name=\"personalId\"");
    HttpResponse<String> found =
        officer.postWithToken(
            "/subjects",
            Map.of(
                "personalId", AuditFixture.CITIZEN, "purpose", "yeu-cau-cong-dan:DVC-2026-0042"));
    assertThat(found.statusCode()).isEqualTo(200);
    String page = found.body();
    assertThat(page)
        .contains("*********234")
        .doesNotContain(AuditFixture.CITIZEN)
        .contains("Mọi cổng kết nối đã trả lời: 1 lần truy cập.")
        .contains("UBND tỉnh Tây Ninh")
        .contains("VN/GOV/000.00.00.H53/DVC")
        .contains("VN079090001111")
        .contains("Hồ sơ HS-2026-000123")
        .contains("data-verified=\"true\"")
        .contains("Bằng chứng đã được kiểm tra")
        .contains(AuditFixture.GATEWAY);
    assertThat(page.split("class=\"access\"", -1)).hasSize(2);

    // audited by the tracker's keyed hash and the purpose, never the ID
    List<Registry.AuditEntry> lookups = f.registry.auditLog("tracker.lookup", 0, 10);
    assertThat(lookups).hasSize(1);
    assertThat(lookups.get(0).actor()).isEqualTo("officer");
    assertThat(lookups.get(0).outcome()).isEqualTo("ok");
    assertThat(lookups.get(0).target())
        .startsWith("subject ")
        .endsWith(" for purpose yeu-cau-cong-dan:DVC-2026-0042");
    assertThat(f.registry.auditLog(AuditFixture.CITIZEN, 0, 100)).isEmpty();

    // the next look-up of the same citizen lists the first one; another citizen's does not
    String again =
        officer
            .postWithToken(
                "/subjects", Map.of("personalId", AuditFixture.CITIZEN, "purpose", "1.001234:HS-1"))
            .body();
    assertThat(again).contains("id=\"lookups\"").contains("yeu-cau-cong-dan:DVC-2026-0042");
    String other =
        officer
            .postWithToken(
                "/subjects", Map.of("personalId", AuditFixture.OTHER, "purpose", "1.001234:HS-2"))
            .body();
    assertThat(other).doesNotContain("id=\"lookups\"").contains("*********678");
  }

  @Test
  void aLookUpWithoutPurposeOrWithAMalformedIdOrWithoutTheTokenIsRefusedAndAudited()
      throws Exception {
    ConsoleClient officer = f.signedIn(ConsoleRole.SECURITY_OFFICER);
    HttpResponse<String> noPurpose =
        officer.postWithToken("/subjects", Map.of("personalId", AuditFixture.CITIZEN));
    assertThat(noPurpose.statusCode()).isEqualTo(400);
    assertThat(noPurpose.body()).contains("purpose.missing");
    assertThat(
            officer
                .postWithToken("/subjects", Map.of("personalId", "12345", "purpose", "1.001234"))
                .statusCode())
        .isEqualTo(400);
    assertThat(
            officer
                .post(
                    "/subjects", Map.of("personalId", AuditFixture.CITIZEN, "purpose", "1.001234"))
                .statusCode())
        .isEqualTo(403);
    assertThat(f.registry.auditLog("tracker.lookup", 0, 10))
        .hasSize(3)
        .allSatisfy(e -> assertThat(e.outcome()).isNotEqualTo("ok"));
    assertThat(f.registry.auditLog(AuditFixture.CITIZEN, 0, 100)).isEmpty();
  }

  @Test
  void otherRolesAreRefusedTheLookUpAndAnAgencyAdministratorEveryAuditPageEvenByCraftedUrls()
      throws Exception {
    Map<String, String> lookup =
        Map.of("personalId", AuditFixture.CITIZEN, "purpose", "1.001234:HS-1");
    for (ConsoleRole role : List.of(ConsoleRole.PLATFORM_ADMIN, ConsoleRole.AUDITOR)) {
      ConsoleClient c = f.signedIn(role);
      assertThat(c.get("/subjects").statusCode()).as(role.id()).isEqualTo(403);
      assertThat(c.postWithToken("/subjects", lookup).statusCode()).as(role.id()).isEqualTo(403);
    }
    ConsoleClient tn = f.signedIn(ConsoleRole.AGENCY_ADMIN);
    assertThat(tn.get("/subjects").statusCode()).isEqualTo(403);
    assertThat(tn.postWithToken("/subjects", lookup).statusCode()).isEqualTo(403);
    assertThat(tn.get("/").body()).doesNotContain("href=\"/ledger\"").doesNotContain("/subjects");
    assertThat(tn.get("/ledger").statusCode()).isEqualTo(403);
    assertThat(tn.get("/ledger/proof?index=0").statusCode()).isEqualTo(403);
    assertThat(
            AuditFixture.postMultipart(
                    tn, "/ledger/verify", Map.of("csrf", tn.csrf), "x.zip", new byte[10])
                .statusCode())
        .isEqualTo(403);
    assertThat(f.registry.auditLog("tracker.lookup", 0, 10))
        .allSatisfy(e -> assertThat(e.outcome()).isNotEqualTo("ok"));
  }
}
