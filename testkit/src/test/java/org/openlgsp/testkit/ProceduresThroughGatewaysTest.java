package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.helidon.webserver.WebServer;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.Signatures;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.pki.Credentials;
import org.openlgsp.procedures.BirthCertificate;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.Procedures;
import org.openlgsp.procedures.ProceduresOptions;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testkit.AgencyBackends.Agency;

/**
 * Procedure group 1 end to end: Tây Ninh's procedure engine (PostgreSQL) calls the three sample
 * agencies through the real consumer and provider gateways of the federation (signed, granted,
 * recorded), and each agency acts once per step whatever the retries.
 */
class ProceduresThroughGatewaysTest {
  @TempDir static Path dir;
  private static Federation federation;
  private static Procedures procedures;
  private static String database;
  private static GreenMail smtp;
  private static WebServer portal;
  private static final String HOOK_TOKEN = "portal-hook-token-0123456789";

  /** What the portal's webhook received: "<authorization> <body>". */
  private static final List<String> HOOKS = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    String schema = TestDatabases.postgresSchema(); // skips without PostgreSQL
    federation = Federation.start(dir, Federation.Options.procedures(3));
    String url = TestDatabases.postgresUrl();
    database = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    portal =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                r ->
                    r.post(
                        "/dvc/thongBaoTrangThai",
                        (req, res) -> {
                          HOOKS.add(
                              req.headers()
                                      .first(io.helidon.http.HeaderNames.AUTHORIZATION)
                                      .orElse("")
                                  + " "
                                  + req.content().as(String.class));
                          res.status(204).send();
                        }))
            .build()
            .start();
    procedures =
        Procedures.start(
            options(database)
                .withDirectory(
                    new ProceduresOptions.DirectorySource(
                        federation.registryUrl(), federation.registrySigners()))
                .withNotices(
                    new ProceduresOptions.Notify(
                        Optional.of(
                            org.openlgsp.mail.MailSender.Server.of(
                                "127.0.0.1", smtp.getSmtp().getPort(), "lienthong@tayninh.gov.vn")),
                        Optional.of(
                            new ProceduresOptions.Webhook(
                                "http://127.0.0.1:" + portal.port() + "/dvc/thongBaoTrangThai",
                                HOOK_TOKEN,
                                Duration.ofSeconds(5))))),
            Clock.systemUTC());
  }

  static ProceduresOptions options(String database) {
    return ProcedureCases.options(federation, database);
  }

  @AfterAll
  static void stop() {
    if (procedures != null) {
      procedures.close();
    }
    if (federation != null) {
      federation.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
    if (portal != null) {
      portal.stop();
    }
  }

  @AfterEach
  void healAgencies() {
    for (Agency a : Agency.values()) {
      federation.agencies().failNext(a, 0);
      federation.agencies().refuse(a, false);
      federation.agencies().answerGarbage(a, false);
    }
  }

  private static CaseView file() {
    return procedures.file(
        Procedures.BIRTH_GROUP,
        "Liên thông khai sinh - thường trú - BHYT trẻ em",
        "VN072090000001",
        AgencyBackends.birthDossier(federation.citizenIds().get(0), 10));
  }

  private static CaseView awaitStatus(String code, CaseView.Status status) {
    return ProcedureCases.awaitStatus(procedures, code, status);
  }

  @Test
  void theBirthGroupCompletesThroughTheGatewaysWithEachAgencyActingOnce() {
    CaseView filed = file();
    assertThat(filed.code()).matches("000\\.00\\.00\\.H53-[0-9]{6}-[0-9A-Z]{6}");
    assertThat(filed.status()).isEqualTo(CaseView.Status.IN_PROGRESS);
    CaseView done = awaitStatus(filed.code(), CaseView.Status.COMPLETED);

    AgencyBackends a = federation.agencies();
    assertThat(a.actedFor(Agency.CIVIL_STATUS, filed.code())).containsExactly("dangKyKhaiSinh");
    assertThat(a.actedFor(Agency.RESIDENCE, filed.code())).containsExactly("dangKyThuongTru");
    assertThat(a.actedFor(Agency.SOCIAL_INSURANCE, filed.code()))
        .containsExactly("capTheBhytTreEm");
    AgencyBackends.Seen seen =
        a.seen(Agency.CIVIL_STATUS).stream()
            .filter(s -> s.idempotencyKey().startsWith(filed.code()))
            .findFirst()
            .orElseThrow();
    // the provider sees the key, the engine as client, the purpose with the case and the officer
    assertThat(seen.idempotencyKey()).isEqualTo(filed.code() + "/dangKyKhaiSinh");
    assertThat(seen.client()).isEqualTo(Federation.PROCEDURE_ENGINE.toString());
    assertThat(seen.purpose()).contains("Liên thông khai sinh").contains(filed.code());
    assertThat(seen.officer()).isEqualTo("VN072090000001");
    assertThat(done.history())
        .filteredOn(e -> e.state().equals("completed"))
        .extracting(CaseView.Event::step)
        .containsSubsequence(
            "tiepNhan", "dangKyKhaiSinh", "dangKyThuongTru", "capTheBhyt", "traKetQua");
    assertThat(done.sla()).isEqualTo(CaseView.Sla.MET);
    assertThat(done.due()).isAfter(done.filedAt());
    // both gateways recorded the three exchanges in their ledgers
    assertThat(federation.ledgerSizes()[0]).isGreaterThanOrEqualTo(3);
  }

  @Test
  void eachAgencyOnItsOwnGatewayRecordsOnlyItsOwnStepInItsOwnLedger() {
    CaseView filed = file();
    awaitStatus(filed.code(), CaseView.Status.COMPLETED);
    String issue = filed.code() + " ";
    Map<GatewayNode, ServiceId> providers =
        Map.of(
            federation.agencyGateway(Federation.JUSTICE), Federation.CIVIL_STATUS,
            federation.providerNode(), Federation.RESIDENCE,
            federation.agencyGateway(Federation.SOCIAL_SECURITY), Federation.HEALTH_INSURANCE);
    for (Map.Entry<GatewayNode, ServiceId> p : providers.entrySet()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !caseRecords(p.getKey(), issue).isEmpty());
      // the provider's own ledger: this case's exchanges are only those with its own service,
      // recorded on the provider side by its own node
      assertThat(caseRecords(p.getKey(), issue))
          .allSatisfy(
              r -> {
                assertThat(r.service()).isEqualTo(p.getValue());
                assertThat(r.side()).isEqualTo(org.openlgsp.ledger.Side.PROVIDER);
                assertThat(r.node().owner()).isEqualTo(p.getValue().provider().memberId());
                assertThat(r.client()).isEqualTo(Federation.PROCEDURE_ENGINE);
              });
    }
    // three gateways of three members, three different signing keys
    assertThat(
            java.util.Set.of(
                federation
                    .agencyGateway(Federation.JUSTICE)
                    .directory()
                    .current()
                    .orElseThrow()
                    .member(Federation.JUSTICE)
                    .orElseThrow()
                    .signingCertificates(),
                federation
                    .agencyGateway(Federation.SOCIAL_SECURITY)
                    .directory()
                    .current()
                    .orElseThrow()
                    .member(Federation.SOCIAL_SECURITY)
                    .orElseThrow()
                    .signingCertificates(),
                federation
                    .providerNode()
                    .directory()
                    .current()
                    .orElseThrow()
                    .member(Federation.MPS)
                    .orElseThrow()
                    .signingCertificates()))
        .hasSize(3);
    // the consumer's ledger holds the case's three exchanges with the three services
    assertThat(caseRecords(federation.consumerNode(), issue))
        .extracting(ExchangeRecord::service)
        .contains(Federation.CIVIL_STATUS, Federation.RESIDENCE, Federation.HEALTH_INSURANCE);
  }

  private static List<ExchangeRecord> caseRecords(GatewayNode node, String issuePrefix) {
    return ProcedureCases.caseRecords(node, issuePrefix);
  }

  /** The hospital's birth certificate for the dossier of {@link #file()}. */
  private static BirthCertificate certificateFor(JsonNode dossier) {
    JsonNode child = dossier.path("treEm");
    return new BirthCertificate(
        "BVDKTN-2026-004512",
        Federation.HOSPITAL.toString(),
        child.path("hoTen").asText(),
        child.path("ngaySinh").asText(),
        child.path("gioiTinh").asText(),
        child.path("noiSinh").asText(),
        dossier.path("me").path("hoTen").asText(),
        dossier.path("me").path("soDinhDanh").asText(),
        child.path("ngaySinh").asText());
  }

  private static MessageSigner signer(Credentials c) {
    return Signatures.software(c.key(), c.certificate());
  }

  private static CaseView fileWith(JsonNode dossier, SignedDocument certificate) {
    ((ObjectNode) dossier).set("giayChungSinh", Json.mapper().valueToTree(certificate));
    return procedures.file(
        Procedures.BIRTH_GROUP,
        "Liên thông khai sinh - thường trú - BHYT trẻ em",
        "VN072090000001",
        dossier);
  }

  private static long casesInDatabase() throws SQLException {
    return ProcedureCases.casesInDatabase(database);
  }

  private static JsonNode dossier() {
    return AgencyBackends.birthDossier(federation.citizenIds().get(0), 10);
  }

  @Test
  void aBirthCertificateSignedByTheHospitalInTheDirectoryIsAcceptedAndTheCaseRuns() {
    JsonNode dossier = dossier();
    CaseView filed =
        fileWith(dossier, certificateFor(dossier).sign(signer(federation.hospitalSigning())));
    awaitStatus(filed.code(), CaseView.Status.COMPLETED);
    assertThat(federation.agencies().actedFor(Agency.CIVIL_STATUS, filed.code()))
        .containsExactly("dangKyKhaiSinh");
  }

  @Test
  void aTamperedBirthCertificateIsRefusedAndNoCaseIsCreated() throws SQLException {
    JsonNode dossier = dossier();
    SignedDocument signed = certificateFor(dossier).sign(signer(federation.hospitalSigning()));
    BirthCertificate original = certificateFor(dossier);
    BirthCertificate altered =
        new BirthCertificate(
            original.soGiayChungSinh(),
            original.coSoYTe(),
            "Nguyễn Minh Bình", // another child's name under the hospital's signature
            original.ngaySinh(),
            original.gioiTinh(),
            original.noiSinh(),
            original.hoTenMe(),
            original.soDinhDanhMe(),
            original.ngayCap());
    SignedDocument tampered =
        new SignedDocument(
            Digests.base64(Json.write(altered)),
            signed.signature(),
            signed.algorithm(),
            signed.signerCertificate());
    long before = casesInDatabase();
    int asked = federation.agencies().seen(Agency.CIVIL_STATUS).size();
    assertThatThrownBy(() -> fileWith(dossier, tampered))
        .isInstanceOf(LgspException.class)
        .satisfies(
            e ->
                assertThat(((LgspException) e).code())
                    .isEqualTo(ErrorCode.SIGNED_ATTACHMENT_INVALID))
        .hasMessageContaining("signature does not verify");
    assertThat(casesInDatabase()).isEqualTo(before);
    assertThat(federation.agencies().seen(Agency.CIVIL_STATUS)).hasSize(asked);
  }

  @Test
  void aBirthCertificateSignedByAnotherMembersKeyIsRefused() throws SQLException {
    JsonNode dossier = dossier();
    // Tây Ninh's member key is in the directory too, but it is not the hospital's
    SignedDocument wrong = certificateFor(dossier).sign(signer(federation.consumerSigning()));
    long before = casesInDatabase();
    assertThatThrownBy(() -> fileWith(dossier, wrong))
        .isInstanceOf(LgspException.class)
        .satisfies(
            e ->
                assertThat(((LgspException) e).code())
                    .isEqualTo(ErrorCode.SIGNED_ATTACHMENT_INVALID))
        .hasMessageContaining("untrusted certificate");
    assertThat(casesInDatabase()).isEqualTo(before);
  }

  @Test
  void aBirthCertificateOfAnotherChildOrANonMemberHospitalIsRefused() throws SQLException {
    JsonNode dossier = dossier();
    BirthCertificate c = certificateFor(dossier);
    BirthCertificate otherMother =
        new BirthCertificate(
            c.soGiayChungSinh(),
            c.coSoYTe(),
            c.hoTenTre(),
            c.ngaySinh(),
            c.gioiTinh(),
            c.noiSinh(),
            c.hoTenMe(),
            "072190000999",
            c.ngayCap());
    BirthCertificate unknownHospital =
        new BirthCertificate(
            c.soGiayChungSinh(),
            "VN/GOV/000.99.33.H53",
            c.hoTenTre(),
            c.ngaySinh(),
            c.gioiTinh(),
            c.noiSinh(),
            c.hoTenMe(),
            c.soDinhDanhMe(),
            c.ngayCap());
    long before = casesInDatabase();
    assertThatThrownBy(
            () -> fileWith(dossier, otherMother.sign(signer(federation.hospitalSigning()))))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("does not match the dossier");
    assertThatThrownBy(
            () -> fileWith(dossier, unknownHospital.sign(signer(federation.hospitalSigning()))))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("not a member in the directory");
    ((ObjectNode) dossier).put("giayChungSinh", "not a signed document");
    assertThatThrownBy(
            () ->
                procedures.file(
                    Procedures.BIRTH_GROUP, "Liên thông khai sinh", "VN072090000001", dossier))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("not a readable signed document");
    assertThat(casesInDatabase()).isEqualTo(before);
  }

  /** The statuses the portal's webhook was told for case {@code code}, in order. */
  private static List<String> told(String code) {
    return HOOKS.stream()
        .filter(h -> h.contains("\"maHoSo\":\"" + code + "\""))
        .map(
            h ->
                Json.read(
                        h.substring(h.indexOf(' ', 7) + 1)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        JsonNode.class)
                    .path("trangThai")
                    .asText())
        .toList();
  }

  @Test
  void theCitizenIsMailedAndThePortalToldOfEachStatusChange() throws Exception {
    JsonNode dossier = dossier();
    ((ObjectNode) dossier).putObject("lienHe").put("email", "tran.thi.lan@example.vn");
    CaseView filed =
        procedures.file(
            Procedures.BIRTH_GROUP,
            "Liên thông khai sinh - thường trú - BHYT trẻ em",
            "VN072090000001",
            dossier);
    awaitStatus(filed.code(), CaseView.Status.COMPLETED);
    await().atMost(Duration.ofSeconds(15)).until(() -> told(filed.code()).contains("COMPLETED"));
    assertThat(told(filed.code())).containsExactly("IN_PROGRESS", "COMPLETED");
    String hook = HOOKS.stream().filter(h -> h.contains(filed.code())).findFirst().orElseThrow();
    assertThat(hook).startsWith("Bearer " + HOOK_TOKEN + " ");
    // the portal is told the code and the status, never the dossier's personal data
    assertThat(hook).doesNotContain(federation.citizenIds().get(0)).doesNotContain("Trần");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                java.util.Arrays.stream(smtp.getReceivedMessages())
                        .filter(m -> header(m, "X-LGSP-Case").equals(filed.code()))
                        .count()
                    == 2);
    List<String> subjects =
        java.util.Arrays.stream(smtp.getReceivedMessages())
            .filter(m -> header(m, "X-LGSP-Case").equals(filed.code()))
            .map(ProceduresThroughGatewaysTest::subject)
            .toList();
    assertThat(subjects)
        .containsExactly(
            "Hồ sơ " + filed.code() + ": đang giải quyết",
            "Hồ sơ " + filed.code() + ": đã có kết quả");
    MimeMessage first =
        java.util.Arrays.stream(smtp.getReceivedMessages())
            .filter(m -> header(m, "X-LGSP-Case").equals(filed.code()))
            .findFirst()
            .orElseThrow();
    assertThat(first.getAllRecipients()[0].toString()).isEqualTo("tran.thi.lan@example.vn");
    assertThat(first.getFrom()[0].toString()).isEqualTo("lienthong@tayninh.gov.vn");
    // a case whose dossier gives no e-mail address: the portal is told, nobody is mailed
    CaseView silent = file();
    awaitStatus(silent.code(), CaseView.Status.COMPLETED);
    await().atMost(Duration.ofSeconds(15)).until(() -> told(silent.code()).contains("COMPLETED"));
    assertThat(java.util.Arrays.stream(smtp.getReceivedMessages()))
        .noneMatch(m -> header(m, "X-LGSP-Case").equals(silent.code()));
  }

  private static String header(MimeMessage m, String name) {
    try {
      String[] v = m.getHeader(name);
      return v == null ? "" : v[0];
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aStepThatFailsTwiceIsTriedAgainWithTheSameKeyAndTheAgencyActsOnce() {
    federation.agencies().failNext(Agency.SOCIAL_INSURANCE, 2);
    CaseView filed = file();
    awaitStatus(filed.code(), CaseView.Status.COMPLETED);
    List<AgencyBackends.Seen> tries =
        federation.agencies().seen(Agency.SOCIAL_INSURANCE).stream()
            .filter(s -> s.idempotencyKey().startsWith(filed.code()))
            .toList();
    assertThat(tries).hasSize(3);
    assertThat(tries)
        .extracting(AgencyBackends.Seen::idempotencyKey)
        .containsOnly(filed.code() + "/capTheBhyt");
    assertThat(federation.agencies().actedFor(Agency.SOCIAL_INSURANCE, filed.code()))
        .containsExactly("capTheBhytTreEm");
  }

  @Test
  void aRefusalForGoodUndoesTheResidenceRegistration() {
    federation.agencies().refuse(Agency.SOCIAL_INSURANCE, true);
    CaseView filed = file();
    CaseView undone = awaitStatus(filed.code(), CaseView.Status.COMPENSATED);
    assertThat(federation.agencies().actedFor(Agency.RESIDENCE, filed.code()))
        .containsExactly("dangKyThuongTru", "xoaDangKyThuongTru");
    assertThat(federation.agencies().actedFor(Agency.SOCIAL_INSURANCE, filed.code())).isEmpty();
    await().atMost(Duration.ofSeconds(15)).until(() -> told(filed.code()).contains("COMPENSATED"));
    assertThat(undone.history())
        .filteredOn(e -> e.state().equals("completed"))
        .extracting(CaseView.Event::step)
        .contains("xoaDangKyThuongTru", "daHoanTac")
        .doesNotContain("traKetQua");
  }

  @Test
  void aStepFailingEveryTryWaitsForAnOperatorWhoRetriesIt() {
    federation.agencies().failNext(Agency.RESIDENCE, 1000);
    CaseView filed = file();
    CaseView waiting = awaitStatus(filed.code(), CaseView.Status.WAITING_FOR_OPERATOR);
    assertThat(waiting.waiting().orElseThrow().step()).isEqualTo("dangKyThuongTru");
    assertThat(waiting.waiting().orElseThrow().reason()).contains("503");
    assertThat(procedures.waitingForOperator()).extracting(CaseView::code).contains(filed.code());
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> told(filed.code()).contains("WAITING_FOR_OPERATOR"));

    federation.agencies().failNext(Agency.RESIDENCE, 0);
    procedures.retry(filed.code());
    awaitStatus(filed.code(), CaseView.Status.COMPLETED);
    assertThat(federation.agencies().actedFor(Agency.RESIDENCE, filed.code()))
        .containsExactly("dangKyThuongTru");
  }

  @Test
  void anOperatorCancellingAWaitingStepCompensatesTheCase() {
    federation.agencies().failNext(Agency.SOCIAL_INSURANCE, 1000);
    CaseView filed = file();
    awaitStatus(filed.code(), CaseView.Status.WAITING_FOR_OPERATOR);
    procedures.cancel(filed.code());
    awaitStatus(filed.code(), CaseView.Status.COMPENSATED);
    assertThat(federation.agencies().actedFor(Agency.RESIDENCE, filed.code()))
        .containsExactly("dangKyThuongTru", "xoaDangKyThuongTru");
  }

  @Test
  void anAnswerThatIsNoJsonLeavesTheStepWaitingWithAClearReason() {
    federation.agencies().answerGarbage(Agency.CIVIL_STATUS, true);
    CaseView filed = file();
    CaseView waiting = awaitStatus(filed.code(), CaseView.Status.WAITING_FOR_OPERATOR);
    assertThat(waiting.waiting().orElseThrow().step()).isEqualTo("dangKyKhaiSinh");
    assertThat(waiting.waiting().orElseThrow().reason()).contains("no JSON object");
    assertThatThrownBy(() -> procedures.retry("000.00.00.H53-261207-XXXXXX"))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("no case");
  }
}
