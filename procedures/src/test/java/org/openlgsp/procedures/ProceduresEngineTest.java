package org.openlgsp.procedures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.ServiceId;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.storage.TestDatabases;

/**
 * The engine on PostgreSQL without a federation: bad input, the database it refuses, and the case
 * API over a case whose gateway cannot be reached (so its first step ends waiting for an operator).
 */
class ProceduresEngineTest {
  static final String READER = "reader-token-0123456789";
  static final String OPERATOR = "operator-token-0123456789";
  static final ClientId ENGINE = ClientId.parse("VN/GOV/000.00.00.H53/LIENTHONG");
  static final Map<String, ServiceId> SERVICES =
      Map.of(
          "hoTich", ServiceId.parse("VN/GOV/000.00.00.G12/HOTICH/hotich"),
          "cuTru", ServiceId.parse("VN/GOV/000.00.00.G01/CSDLCUTRU/cutru"),
          "bhxh", ServiceId.parse("VN/GOV/000.00.00.G16/BHXH/bhxh"));
  static Procedures procedures;
  static final MovableClock CLOCK = new MovableClock();

  /** The SLA view's clock (the engine's own jobs run on real time). */
  static final class MovableClock extends Clock {
    private volatile Instant now = Instant.now();

    @Override
    public Instant instant() {
      return now;
    }

    void set(Instant at) {
      now = at;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  final HttpClient http = HttpClient.newHttpClient();

  static ProceduresOptions options(String database) {
    return ProceduresOptions.of(
            database,
            // nothing listens on port 9 of loopback (discard): every call fails at once
            new ProceduresOptions.GatewayLink("http://127.0.0.1:9", ENGINE, "lienthong", "s"),
            AgencyCode.parse("000.00.00.H53"),
            SERVICES)
        .withRetries(new ProceduresOptions.Retries(2, Duration.ofMillis(20), Duration.ofMillis(50)))
        .withJobPoll(Duration.ofMillis(100));
  }

  @BeforeAll
  static void start() {
    String schema = TestDatabases.postgresSchema();
    String url = TestDatabases.postgresUrl();
    procedures =
        Procedures.start(
            options(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema)
                .withApi(
                    new ProceduresOptions.Api(
                        "127.0.0.1", 0, BearerTokens.hash(READER), BearerTokens.hash(OPERATOR))),
            CLOCK);
  }

  @AfterAll
  static void stop() {
    if (procedures != null) {
      procedures.close();
    }
  }

  static JsonNode dossier() {
    return Json.mapper().valueToTree(Map.of("treEm", Map.of("hoTen", "Nguyễn Minh An")));
  }

  @Test
  void sqliteIsRefusedWithAClearError() {
    assertThatThrownBy(
            () -> Procedures.start(options("jdbc:sqlite:data/node.db"), Clock.systemUTC()))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("PostgreSQL")
        .satisfies(
            e ->
                assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.PROCEDURES_UNAVAILABLE));
  }

  /**
   * A burst of filings far beyond the pool: each start of a case holds a connection and takes a
   * second after its commit, so unbounded filings held every connection, each waiting for a second
   * one, and stood for the pool's 30 s timeout (ProcedureBenchmark). Now at most {@code filings}
   * are inside the engine at once and the pool has two connections for each.
   */
  @Test
  void aBurstOfFilingsBeyondThePoolIsFiledWithoutTheEngineStanding() throws Exception {
    String url = TestDatabases.postgresUrl();
    ProceduresOptions small =
        options(
                url
                    + (url.contains("?") ? "&" : "?")
                    + "currentSchema="
                    + TestDatabases.postgresSchema())
            .withExecutor(new ProceduresOptions.Executor(2, 2048, 1));
    assertThat(small.executor().connections()).isEqualTo(12);
    try (Procedures p = Procedures.start(small, Clock.systemUTC());
        var filers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      long t0 = System.nanoTime();
      java.util.List<java.util.concurrent.Future<CaseView>> filed = new java.util.ArrayList<>();
      for (int i = 0; i < 60; i++) {
        filed.add(
            filers.submit(
                () -> p.file(Procedures.BIRTH_GROUP, "mục đích", "VN072090000001", dossier())));
      }
      for (var f : filed) {
        assertThat(f.get(25, java.util.concurrent.TimeUnit.SECONDS).code()).isNotBlank();
      }
      // well inside the pool's 30 s timeout: no filing waited for a connection that never came
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(25));
    }
  }

  @Test
  void executorSettingsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> new ProceduresOptions.Executor(0, 2048, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads");
    assertThatThrownBy(() -> new ProceduresOptions.Executor(8, 0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queueSize");
    assertThatThrownBy(() -> new ProceduresOptions.Executor(8, 2048, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("filings");
  }

  @Test
  void aCaseForAnUnknownProcedureIsRefused() {
    assertThatThrownBy(() -> procedures.file("khongCo", "mục đích", "VN072090000001", dossier()))
        .isInstanceOf(LgspException.class)
        .satisfies(
            e -> assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.PROCEDURE_UNKNOWN));
  }

  @Test
  void brokenOrUnsafeBpmnFilesAreRefusedWithWhatIsWrong() {
    byte[] notXml = "<definitions".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> procedures.deploy("broken.bpmn20.xml", notXml))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("not well-formed");
    byte[] doctype =
        ("<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<definitions>&x;</definitions>")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> procedures.deploy("xxe.bpmn20.xml", doctype))
        .isInstanceOf(LgspException.class)
        .hasMessageContaining("DOCTYPE");
    assertThatThrownBy(
            () ->
                procedures.deploy(
                    "plain.bpmn20.xml", bpmn("flowable:class=\"java.lang.Runtime\"", "3")))
        .hasMessageContaining("every service task is an exchange");
    assertThatThrownBy(() -> procedures.deploy("nosla.bpmn20.xml", bpmn(EXCHANGE, "")))
        .hasMessageContaining("slaWorkingDays");
    byte[] dangling =
        new String(bpmn(EXCHANGE, "3"), StandardCharsets.UTF_8)
            .replace("targetRef=\"t\"", "targetRef=\"nowhere\"")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> procedures.deploy("dangling.bpmn20.xml", dangling))
        .isInstanceOf(LgspException.class)
        .satisfies(
            e -> assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.PROCEDURE_INVALID));
    assertThat(procedures.deploy("ok.bpmn20.xml", bpmn(EXCHANGE, "3"))).containsExactly("thu");
  }

  static final String EXCHANGE =
      "flowable:async=\"true\" flowable:delegateExpression=\"${exchange}\"";

  static byte[] bpmn(String taskAttributes, String sla) {
    return ("""
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
            xmlns:flowable="http://flowable.org/bpmn" xmlns:lgsp="https://openlgsp.org/bpmn"
            targetNamespace="t">
          <process id="thu" isExecutable="true" %s>
            <startEvent id="s"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
            <serviceTask id="t" %s>
              <extensionElements><flowable:field name="service" stringValue="hoTich"/></extensionElements>
            </serviceTask>
            <sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
            <endEvent id="e"/>
          </process>
        </definitions>
        """
            .formatted(sla.isEmpty() ? "" : "lgsp:slaWorkingDays=\"" + sla + "\"", taskAttributes))
        .getBytes(StandardCharsets.UTF_8);
  }

  HttpResponse<String> call(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + procedures.apiPort().orElseThrow() + path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (!token.isEmpty()) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theCaseApiFilesShowsAndRetriesForItsRolesOnly() throws Exception {
    String filing =
        Json.writeString(
            Map.of(
                "thuTuc",
                Procedures.BIRTH_GROUP,
                "mucDich",
                "Liên thông khai sinh",
                "canBo",
                "VN072090000001",
                "hoSo",
                Map.of("treEm", Map.of("hoTen", "Nguyễn Minh An"))));
    assertThat(call("POST", "/procedures/v1/cases", READER, filing).statusCode()).isEqualTo(403);
    HttpResponse<String> filed = call("POST", "/procedures/v1/cases", OPERATOR, filing);
    assertThat(filed.statusCode()).isEqualTo(201);
    String code =
        Json.read(filed.body().getBytes(StandardCharsets.UTF_8), JsonNode.class)
            .path("maHoSo")
            .asText();
    assertThat(code).startsWith("000.00.00.H53-");

    assertThat(call("GET", "/procedures/v1/cases/" + code, "", "").statusCode()).isEqualTo(401);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                call("GET", "/procedures/v1/cases/" + code, READER, "")
                    .body()
                    .contains("\"trangThai\":\"WAITING_FOR_OPERATOR\""));
    HttpResponse<String> shown = call("GET", "/procedures/v1/cases/" + code, READER, "");
    JsonNode view = Json.read(shown.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    assertThat(view.path("choXuLy").path("step").asText()).isEqualTo("dangKyKhaiSinh");
    assertThat(view.path("choXuLy").path("reason").asText()).contains("unreachable");
    assertThat(view.path("sla").asText()).isIn("ON_TIME", "AT_RISK");
    assertThat(view.toString()).doesNotContain("Nguyễn Minh An"); // no personal data in the view

    assertThat(call("GET", "/procedures/v1/waiting", OPERATOR, "").body()).contains(code);
    assertThat(call("POST", "/procedures/v1/cases/" + code + "/retry", READER, "").statusCode())
        .isEqualTo(403);
    assertThat(call("POST", "/procedures/v1/cases/" + code + "/retry", OPERATOR, "").statusCode())
        .isEqualTo(200);
    assertThat(
            call("GET", "/procedures/v1/cases/000.00.00.H53-261207-ZZZZZZ", READER, "")
                .statusCode())
        .isEqualTo(404);
    // the retried step fails again (still no gateway) and waits again
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                procedures.find(code).orElseThrow().status()
                    == CaseView.Status.WAITING_FOR_OPERATOR);
  }

  @Test
  void retryingOrCancellingACaseWithNothingWaitingIsAConflict() {
    procedures.deploy(
        "xong.bpmn20.xml",
        ("""
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
                xmlns:lgsp="https://openlgsp.org/bpmn" targetNamespace="t">
              <process id="xong" isExecutable="true" lgsp:slaWorkingDays="0">
                <startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/><endEvent id="e"/>
              </process>
            </definitions>
            """)
            .getBytes(StandardCharsets.UTF_8));
    CaseView done = procedures.file("xong", "mục đích", "VN072090000001", dossier());
    assertThat(done.status()).isEqualTo(CaseView.Status.COMPLETED);
    assertThat(done.sla()).isEqualTo(CaseView.Sla.MET);
    assertThatThrownBy(() -> procedures.retry(done.code()))
        .satisfies(
            e -> assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.CASE_STATE_CONFLICT));
    assertThatThrownBy(() -> procedures.cancel(done.code()))
        .satisfies(
            e -> assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.CASE_STATE_CONFLICT));
    assertThatThrownBy(() -> procedures.retry("not-a-code"))
        .satisfies(e -> assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.CASE_UNKNOWN));
  }

  @Test
  void aRunningCaseIsOnTimeThenAtRiskOnItsLastWorkingDayThenOverdue() {
    CLOCK.set(Instant.now());
    CaseView filed =
        procedures.file(Procedures.BIRTH_GROUP, "mục đích", "VN072090000001", dossier());
    try {
      // three working days from today, at 17:00 in Vietnam
      assertThat(filed.due())
          .isEqualTo(WorkingCalendar.vietnam(java.util.Set.of()).due(CLOCK.instant(), 3));
      assertThat(filed.sla()).isEqualTo(CaseView.Sla.ON_TIME);
      CLOCK.set(filed.due().minus(Duration.ofHours(2)));
      assertThat(procedures.find(filed.code()).orElseThrow().sla()).isEqualTo(CaseView.Sla.AT_RISK);
      assertThat(procedures.atRisk()).extracting(CaseView::code).contains(filed.code());
      CLOCK.set(filed.due().plus(Duration.ofMinutes(1)));
      assertThat(procedures.find(filed.code()).orElseThrow().sla()).isEqualTo(CaseView.Sla.OVERDUE);
    } finally {
      CLOCK.set(Instant.now());
    }
  }
}
