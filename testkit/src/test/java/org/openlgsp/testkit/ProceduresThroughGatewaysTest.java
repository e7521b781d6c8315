package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.ServiceId;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.LedgerEntry;
import org.openlgsp.node.GatewayNode;
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
  private static final Duration CASE_TIME = Duration.ofSeconds(60);

  @BeforeAll
  static void start() {
    String schema = TestDatabases.postgresSchema(); // skips without PostgreSQL
    federation = Federation.start(dir, Federation.Options.procedures(3));
    String url = TestDatabases.postgresUrl();
    procedures =
        Procedures.start(
            options(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema),
            Clock.systemUTC());
  }

  static ProceduresOptions options(String database) {
    return ProceduresOptions.of(
            database,
            new ProceduresOptions.GatewayLink(
                federation.consumerHttpUrl(),
                Federation.PROCEDURE_ENGINE,
                "lienthong",
                federation.procedureEngineSecret()),
            AgencyCode.parse("000.00.00.H53"),
            Federation.PROCEDURE_SERVICES)
        .withRetries(
            new ProceduresOptions.Retries(3, Duration.ofMillis(50), Duration.ofMillis(400)))
        .withJobPoll(Duration.ofMillis(100));
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
    await()
        .atMost(CASE_TIME)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> procedures.find(code).orElseThrow().status() == status);
    return procedures.find(code).orElseThrow();
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
    return node.ledger().range(0, 10_000).stream()
        .map(LedgerEntry::record)
        .filter(
            r ->
                r.issue() != null
                    && java.net.URLDecoder.decode(
                            r.issue(), java.nio.charset.StandardCharsets.UTF_8)
                        .startsWith(issuePrefix))
        .toList();
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
