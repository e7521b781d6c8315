package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.Signatures;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.DeathNotice;
import org.openlgsp.procedures.Procedures;
import org.openlgsp.procedures.ProceduresOptions;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testkit.AgencyBackends.Agency;

/**
 * Procedure group 2 end to end (death registration → deregistration of permanent residence →
 * funeral allowance): Tây Ninh's procedure engine (PostgreSQL) calls the sample agencies of the
 * Ministry of Justice, the Ministry of Public Security and Vietnam Social Security through their
 * own gateways, with the hospital's signed death notice checked before the case exists.
 */
class DeathGroupThroughGatewaysTest {
  @TempDir static Path dir;
  private static Federation federation;
  private static Procedures procedures;
  private static String database;
  private static final String READER = "portal-reader-token-0123456789";
  private static final String OFFICER = "VN072090000007";
  private static final String PURPOSE = "Liên thông khai tử - xoá thường trú - trợ cấp mai táng";

  @BeforeAll
  static void start() {
    String schema = TestDatabases.postgresSchema(); // skips without PostgreSQL
    federation = Federation.start(dir, Federation.Options.procedures(3));
    String url = TestDatabases.postgresUrl();
    database = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    procedures =
        Procedures.start(
            ProcedureCases.options(federation, database)
                .withDirectory(
                    new ProceduresOptions.DirectorySource(
                        federation.registryUrl(), federation.registrySigners()))
                .withApi(
                    new ProceduresOptions.Api(
                        "127.0.0.1",
                        0,
                        BearerTokens.hash(READER),
                        BearerTokens.hash("operator-token-0123456789"))),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (procedures != null) {
      procedures.close();
    }
    if (federation != null) {
      federation.close();
    }
  }

  @AfterEach
  void healAgencies() {
    for (Agency a : Agency.values()) {
      federation.agencies().failNext(a, 0);
      federation.agencies().refuse(a, false);
    }
  }

  /** A deceased of 78 whom no register has seen die, insured for {@code months} months. */
  private static String deceased(int months) {
    String id = AgencyBackends.personalId("072", LocalDate.of(1948, 3, 15), "1");
    if (months > 0) {
      federation.agencies().insure(id, months);
    }
    return id;
  }

  private static JsonNode dossier(String deceasedId) {
    return AgencyBackends.deathDossier(deceasedId, federation.citizenIds().get(1), 2);
  }

  /** The hospital's death notice for {@code dossier}'s deceased. */
  private static DeathNotice noticeFor(JsonNode dossier) {
    JsonNode d = dossier.path("nguoiChet");
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

  /** {@code n} with another person or date of death. */
  private static DeathNotice about(DeathNotice n, String soDinhDanh, String ngayChet) {
    return new DeathNotice(
        n.soGiayBaoTu(),
        n.coSoYTe(),
        n.hoTen(),
        soDinhDanh,
        n.gioiTinh(),
        ngayChet,
        n.noiChet(),
        n.nguyenNhanChet(),
        n.ngayCap());
  }

  private static SignedDocument signedByTheHospital(DeathNotice notice) {
    return notice.sign(
        Signatures.software(
            federation.hospitalSigning().key(), federation.hospitalSigning().certificate()));
  }

  private static CaseView file(JsonNode dossier, SignedDocument notice) {
    ((ObjectNode) dossier).set("giayBaoTu", Json.mapper().valueToTree(notice));
    return procedures.file(Procedures.DEATH_GROUP, PURPOSE, OFFICER, dossier);
  }

  private static CaseView awaitStatus(String code, CaseView.Status status) {
    return ProcedureCases.awaitStatus(procedures, code, status);
  }

  private static long casesInDatabase() throws SQLException {
    return ProcedureCases.casesInDatabase(database);
  }

  private static List<ExchangeRecord> caseRecords(GatewayNode node, String code) {
    return ProcedureCases.caseRecords(node, code + " ");
  }

  /** The case as the citizen's portal reads it: {@code GET /procedures/v1/cases/{code}}. */
  private static JsonNode throughTheCaseApi(String code) {
    WebClient http =
        WebClient.builder()
            .baseUri("http://127.0.0.1:" + procedures.apiPort().orElseThrow())
            .build();
    try (HttpClientResponse r =
        http.get("/procedures/v1/cases/" + code)
            .header(HeaderNames.AUTHORIZATION, "Bearer " + READER)
            .request()) {
      assertThat(r.status().code()).isEqualTo(200);
      return Json.read(r.as(byte[].class), JsonNode.class);
    }
  }

  @Test
  void theDeathGroupCompletesThroughTheGatewaysWithEachAgencyActingOnce() {
    String id = deceased(240);
    JsonNode dossier = dossier(id);
    CaseView filed = file(dossier, signedByTheHospital(noticeFor(dossier)));
    assertThat(filed.procedure()).isEqualTo(Procedures.DEATH_GROUP);
    assertThat(filed.status()).isEqualTo(CaseView.Status.IN_PROGRESS);
    CaseView done = awaitStatus(filed.code(), CaseView.Status.COMPLETED);

    AgencyBackends a = federation.agencies();
    assertThat(a.actedFor(Agency.CIVIL_STATUS, filed.code())).containsExactly("dangKyKhaiTu");
    assertThat(a.actedFor(Agency.RESIDENCE, filed.code())).containsExactly("xoaDangKyThuongTru");
    assertThat(a.actedFor(Agency.SOCIAL_INSURANCE, filed.code()))
        .containsExactly("giaiQuyetTroCapMaiTang");
    // the registers: the death registered, the residence deregistered
    assertThat(a.deathRegistered(id)).isTrue();
    assertThat(a.deregistered(id)).isTrue();
    // every step with its own key, the engine as client, the purpose with the case, the officer
    for (Map.Entry<Agency, String> step :
        Map.of(
                Agency.CIVIL_STATUS, "dangKyKhaiTu",
                Agency.RESIDENCE, "xoaDangKyThuongTru",
                Agency.SOCIAL_INSURANCE, "troCapMaiTang")
            .entrySet()) {
      AgencyBackends.Seen seen =
          a.seen(step.getKey()).stream()
              .filter(s -> s.idempotencyKey().startsWith(filed.code()))
              .findFirst()
              .orElseThrow();
      assertThat(seen.idempotencyKey()).isEqualTo(filed.code() + "/" + step.getValue());
      assertThat(seen.client()).isEqualTo(Federation.PROCEDURE_ENGINE.toString());
      assertThat(seen.purpose()).isEqualTo(filed.code() + " " + PURPOSE);
      assertThat(seen.officer()).isEqualTo(OFFICER);
    }
    assertThat(done.sla()).isEqualTo(CaseView.Sla.MET);
    // what the agencies answered: the extract of the death registration, the allowance granted
    JsonNode khaiTu = a.answered(Agency.CIVIL_STATUS, filed.code() + "/dangKyKhaiTu").orElseThrow();
    assertThat(khaiTu.path("soTrichLucKhaiTu").asText()).matches("[0-9]+/[0-9]{4}/TLKT-BS");
    assertThat(khaiTu.path("giayToCanCu").asText())
        .isEqualTo("Giấy báo tử số BVDKTN-BT-2026-000318");
    JsonNode maiTang =
        a.answered(Agency.SOCIAL_INSURANCE, filed.code() + "/troCapMaiTang").orElseThrow();
    assertThat(maiTang.path("mucLuongCoSo").asLong()).isEqualTo(2_340_000L);
    assertThat(maiTang.path("mucTroCapMaiTang").asLong()).isEqualTo(23_400_000L);
    assertThat(maiTang.path("nguoiHuong").path("soDinhDanh").asText())
        .isEqualTo(federation.citizenIds().get(1));

    // the citizen's view through the case API: status and history, no personal data
    JsonNode view = throughTheCaseApi(filed.code());
    assertThat(view.path("thuTuc").asText()).isEqualTo(Procedures.DEATH_GROUP);
    assertThat(view.path("trangThai").asText()).isEqualTo("COMPLETED");
    List<String> completed =
        java.util.stream.StreamSupport.stream(view.path("lichSu").spliterator(), false)
            .filter(e -> e.path("state").asText().equals("completed"))
            .map(e -> e.path("step").asText())
            .toList();
    assertThat(completed)
        .containsSubsequence(
            "tiepNhan", "dangKyKhaiTu", "xoaDangKyThuongTru", "troCapMaiTang", "traKetQua");
    assertThat(view.toString()).doesNotContain(id).doesNotContain("Lê Văn Hùng");

    // purpose and officer in the consumer's ledger and in each provider's own ledger
    Map<GatewayNode, ServiceId> providers =
        Map.of(
            federation.agencyGateway(Federation.JUSTICE), Federation.CIVIL_STATUS,
            federation.providerNode(), Federation.RESIDENCE,
            federation.agencyGateway(Federation.SOCIAL_SECURITY), Federation.HEALTH_INSURANCE);
    for (Map.Entry<GatewayNode, ServiceId> p : providers.entrySet()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !caseRecords(p.getKey(), filed.code()).isEmpty());
      assertThat(caseRecords(p.getKey(), filed.code()))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.service()).isEqualTo(p.getValue());
                assertThat(r.side()).isEqualTo(org.openlgsp.ledger.Side.PROVIDER);
                assertThat(r.client()).isEqualTo(Federation.PROCEDURE_ENGINE);
                assertThat(URLDecoder.decode(r.issue(), StandardCharsets.UTF_8))
                    .isEqualTo(filed.code() + " " + PURPOSE);
                assertThat(r.userId()).isEqualTo(OFFICER);
              });
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> caseRecords(federation.consumerNode(), filed.code()).size() >= 3);
    assertThat(caseRecords(federation.consumerNode(), filed.code()))
        .allSatisfy(
            r -> {
              assertThat(r.side()).isEqualTo(org.openlgsp.ledger.Side.CONSUMER);
              assertThat(URLDecoder.decode(r.issue(), StandardCharsets.UTF_8))
                  .isEqualTo(filed.code() + " " + PURPOSE);
              assertThat(r.userId()).isEqualTo(OFFICER);
            })
        .extracting(ExchangeRecord::path)
        .containsExactly("/dangKyKhaiTu", "/xoaDangKyThuongTru", "/giaiQuyetTroCapMaiTang");
  }

  @Test
  void aFuneralAllowanceFailingTwiceIsTriedAgainWithTheSameKeyAndGrantedOnce() {
    federation.agencies().failNext(Agency.SOCIAL_INSURANCE, 2);
    String id = deceased(60);
    JsonNode dossier = dossier(id);
    CaseView filed = file(dossier, signedByTheHospital(noticeFor(dossier)));
    awaitStatus(filed.code(), CaseView.Status.COMPLETED);
    List<AgencyBackends.Seen> tries =
        federation.agencies().seen(Agency.SOCIAL_INSURANCE).stream()
            .filter(s -> s.idempotencyKey().startsWith(filed.code()))
            .toList();
    assertThat(tries)
        .hasSize(3)
        .extracting(AgencyBackends.Seen::idempotencyKey)
        .containsOnly(filed.code() + "/troCapMaiTang");
    assertThat(federation.agencies().actedFor(Agency.SOCIAL_INSURANCE, filed.code()))
        .containsExactly("giaiQuyetTroCapMaiTang");
    // the earlier steps were not asked again
    assertThat(federation.agencies().actedFor(Agency.RESIDENCE, filed.code()))
        .containsExactly("xoaDangKyThuongTru");
  }

  @Test
  void aFuneralAllowanceRefusedForGoodReinstatesThePermanentResidence() {
    // insured for 8 months: social insurance refuses the allowance (12 months needed)
    String id = deceased(8);
    JsonNode dossier = dossier(id);
    CaseView filed = file(dossier, signedByTheHospital(noticeFor(dossier)));
    CaseView undone = awaitStatus(filed.code(), CaseView.Status.COMPENSATED);

    AgencyBackends a = federation.agencies();
    assertThat(a.actedFor(Agency.RESIDENCE, filed.code()))
        .containsExactly("xoaDangKyThuongTru", "khoiPhucDangKyThuongTru");
    assertThat(a.actedFor(Agency.SOCIAL_INSURANCE, filed.code())).isEmpty();
    assertThat(a.deregistered(id)).isFalse(); // reinstated at the residence register
    assertThat(a.deathRegistered(id)).isTrue(); // the death registration is not undone
    // the reinstatement went through the gateways like any step, with its own key
    assertThat(a.seen(Agency.RESIDENCE))
        .filteredOn(s -> s.operation().equals("khoiPhucDangKyThuongTru"))
        .extracting(AgencyBackends.Seen::idempotencyKey)
        .contains(filed.code() + "/khoiPhucDangKyThuongTru");
    assertThat(undone.history())
        .filteredOn(e -> e.state().equals("completed"))
        .extracting(CaseView.Event::step)
        .contains("khoiPhucDangKyThuongTru", "daHoanTac")
        .doesNotContain("traKetQua");
    assertThat(throughTheCaseApi(filed.code()).path("trangThai").asText()).isEqualTo("COMPENSATED");
  }

  @Test
  void aFuneralAllowanceFailingEveryTryAndCancelledReinstatesThePermanentResidence() {
    federation.agencies().failNext(Agency.SOCIAL_INSURANCE, 1000);
    String id = deceased(120);
    JsonNode dossier = dossier(id);
    CaseView filed = file(dossier, signedByTheHospital(noticeFor(dossier)));
    CaseView waiting = awaitStatus(filed.code(), CaseView.Status.WAITING_FOR_OPERATOR);
    assertThat(waiting.waiting().orElseThrow().step()).isEqualTo("troCapMaiTang");
    procedures.cancel(filed.code());
    awaitStatus(filed.code(), CaseView.Status.COMPENSATED);
    assertThat(federation.agencies().actedFor(Agency.RESIDENCE, filed.code()))
        .containsExactly("xoaDangKyThuongTru", "khoiPhucDangKyThuongTru");
    assertThat(federation.agencies().deregistered(id)).isFalse();
  }

  @Test
  void aTamperedDeathNoticeIsRefusedAndNoCaseIsCreated() throws SQLException {
    String id = deceased(240);
    JsonNode dossier = dossier(id);
    DeathNotice original = noticeFor(dossier);
    SignedDocument signed = signedByTheHospital(original);
    // the date of death moved under the hospital's signature
    String earlier =
        LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh"))
            .minusDays(40)
            .format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
    DeathNotice altered = about(original, original.soDinhDanh(), earlier);
    SignedDocument tampered =
        new SignedDocument(
            Digests.base64(Json.write(altered)),
            signed.signature(),
            signed.algorithm(),
            signed.signerCertificate());
    ((ObjectNode) dossier.path("nguoiChet")).put("ngayChet", earlier);
    long before = casesInDatabase();
    int asked = federation.agencies().seen(Agency.CIVIL_STATUS).size();
    assertThatThrownBy(() -> file(dossier, tampered))
        .isInstanceOf(LgspException.class)
        .satisfies(
            e ->
                assertThat(((LgspException) e).code())
                    .isEqualTo(ErrorCode.SIGNED_ATTACHMENT_INVALID))
        .hasMessageContaining("death notice signature does not verify");
    // a genuine notice of someone else's death does not serve this dossier either
    JsonNode other = dossier(id);
    DeathNotice n = noticeFor(other);
    DeathNotice someoneElse = about(n, deceased(0), n.ngayChet());
    assertThatThrownBy(() -> file(other, signedByTheHospital(someoneElse)))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("death notice does not match the dossier");
    assertThat(casesInDatabase()).isEqualTo(before);
    assertThat(federation.agencies().seen(Agency.CIVIL_STATUS)).hasSize(asked);
    assertThat(federation.agencies().deathRegistered(id)).isFalse();
  }

  @Test
  void aCaseForAnUnknownProcedureIsRefusedAndNoCaseIsCreated() throws SQLException {
    long before = casesInDatabase();
    assertThatThrownBy(
            () ->
                procedures.file(
                    "lienThongKhaiTuVaThuaKe", PURPOSE, OFFICER, dossier(deceased(240))))
        .isInstanceOf(LgspException.class)
        .satisfies(
            e -> assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.PROCEDURE_UNKNOWN))
        .hasMessageContaining("no procedure lienThongKhaiTuVaThuaKe");
    assertThat(casesInDatabase()).isEqualTo(before);
  }
}
