package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** The breach register's admin API: roles, audit, problem codes, the report. */
class BreachApiTest {
  static final String ADMIN = "admin-token-for-breach-tests-0123";
  static final String DPO = "dpo-token-for-breach-tests-456789";
  static final String OTHER = "other-token-for-breach-tests-0000";
  @TempDir Path dir;
  Database db;
  Registry registry;
  RegistryServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    db = TestDatabases.sqlite(dir);
    registry = RegistryTest.registry(db);
    RegistryTest.populate(registry);
    server =
        RegistryServer.start(
            registry,
            BearerTokens.builder(ErrorCode.ADMIN_UNAUTHENTICATED)
                .token("admin", BearerTokens.hash(ADMIN), Set.of(RegistryServer.ADMIN_ROLE))
                .token("dpo", BearerTokens.hash(DPO), Set.of(RegistryServer.BREACH_ROLE))
                .token("other", BearerTokens.hash(OTHER), Set.of("registry.reader"))
                .build(),
            "127.0.0.1",
            0,
            Optional.empty(),
            List.of());
  }

  @AfterEach
  void stop() {
    server.close();
    db.close();
  }

  HttpResponse<String> call(String method, String path, Object body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(
                        body instanceof String s ? s : Json.writeString(body)));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, Object> newBreach(Instant detectedAt, List<String> systems) {
    return Map.of(
        "detectedAt",
        detectedAt.toString(),
        "reportedBy",
        "Trần Thị B, DPO",
        "description",
        "Lộ dữ liệu công dân qua API không xác thực",
        "categories",
        List.of("họ tên", "số định danh cá nhân"),
        "subjectsApprox",
        350,
        "systems",
        systems,
        "consequences",
        "Nguy cơ lừa đảo",
        "measures",
        "Đóng API, thu hồi khóa");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(HttpResponse<String> r) throws Exception {
    return Json.mapper().readValue(r.body(), Map.class);
  }

  @Test
  void theDataProtectionOfficerKeepsABreachThroughTheApiAndEveryChangeIsAudited() throws Exception {
    HttpResponse<String> created =
        call(
            "POST",
            "/api/v1/breaches",
            newBreach(
                Instant.now().minus(Duration.ofHours(2)), List.of(RegistryTest.CITIZENS.encoded())),
            DPO);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    Map<String, Object> b = json(created);
    String id = (String) b.get("id");
    assertThat(b).containsEntry("status", "open").doesNotContainKey("notifiedAt");

    assertThat(
            call("POST", "/api/v1/breaches/" + id + "/timeline", Map.of("text", "ghi"), DPO)
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> notified =
        call(
            "POST",
            "/api/v1/breaches/" + id + "/notify",
            Map.of("notifiedAt", Instant.now().toString(), "reference", "CV-12/A05"),
            ADMIN);
    assertThat(notified.statusCode()).as(notified.body()).isEqualTo(200);
    assertThat(json(notified)).containsEntry("status", "notified");
    assertThat(
            call(
                    "POST",
                    "/api/v1/breaches/" + id + "/subjects-notified",
                    Map.of("at", Instant.now().toString()),
                    DPO)
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> closed =
        call("POST", "/api/v1/breaches/" + id + "/close", Map.of("text", "xong"), DPO);
    assertThat(json(closed)).containsEntry("status", "closed");
    assertThat((List<?>) json(closed).get("timeline")).hasSize(5);

    HttpResponse<String> list = call("GET", "/api/v1/breaches?status=closed", null, DPO);
    assertThat(list.body()).contains(id);
    assertThat(call("GET", "/api/v1/breaches?status=open", null, DPO).body()).isEqualTo("[]");
    HttpResponse<String> report =
        call("GET", "/api/v1/breaches/" + id + "/report?lang=en", null, DPO);
    assertThat(report.statusCode()).isEqualTo(200);
    assertThat(report.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(report.body()).contains("Ministry of Public Security").contains("CV-12/A05");
    assertThat(call("GET", "/api/v1/breaches/" + id + "/report", null, DPO).body())
        .contains("Bộ Công an");

    assertThat(registry.auditLog(50))
        .filteredOn(e -> e.action().startsWith("breach.") && e.target().contains(id))
        .extracting(Registry.AuditEntry::action, Registry.AuditEntry::actor)
        .contains(
            org.assertj.core.groups.Tuple.tuple("breach.note", "dpo"),
            org.assertj.core.groups.Tuple.tuple("breach.notify", "admin"),
            org.assertj.core.groups.Tuple.tuple("breach.subjects-notified", "dpo"),
            org.assertj.core.groups.Tuple.tuple("breach.close", "dpo"));
    assertThat(registry.auditLog(50))
        .filteredOn(e -> e.action().equals("breach.record"))
        .singleElement()
        .satisfies(e -> assertThat(e.actor()).isEqualTo("dpo"));
  }

  @Test
  void wrongCallersTransitionsAndInputAreRefusedWithTheirCodes() throws Exception {
    String id =
        (String)
            json(call("POST", "/api/v1/breaches", newBreach(Instant.now(), List.of()), ADMIN))
                .get("id");

    assertProblem(call("GET", "/api/v1/breaches", null, null), ErrorCode.ADMIN_UNAUTHENTICATED);
    assertProblem(call("GET", "/api/v1/breaches", null, OTHER), ErrorCode.ADMIN_FORBIDDEN);
    // the breach role opens the register and nothing else
    assertProblem(call("GET", "/api/v1/members", null, DPO), ErrorCode.ADMIN_FORBIDDEN);

    assertProblem(
        call("POST", "/api/v1/breaches/" + id + "/close", Map.of("text", "x"), DPO),
        ErrorCode.BREACH_STATE_CONFLICT);
    assertProblem(
        call("GET", "/api/v1/breaches/00000000-0000-0000-0000-000000000000", null, DPO),
        ErrorCode.BREACH_UNKNOWN);
    assertProblem(
        call("GET", "/api/v1/breaches/not-a-uuid", null, DPO), ErrorCode.REQUEST_MALFORMED);
    assertProblem(
        call(
            "POST",
            "/api/v1/breaches",
            newBreach(Instant.now(), List.of("VN/GOV/000.00.00.G01/KHONGCO")),
            DPO),
        ErrorCode.REQUEST_MALFORMED);
    assertProblem(
        call("POST", "/api/v1/breaches", "{\"detectedAt\":\"hôm qua\"}", DPO),
        ErrorCode.REQUEST_MALFORMED);
    assertProblem(
        call("POST", "/api/v1/breaches", Map.of("reportedBy", "x"), DPO),
        ErrorCode.REQUEST_MALFORMED);
    assertProblem(
        call("GET", "/api/v1/breaches?status=lost", null, DPO), ErrorCode.REQUEST_MALFORMED);
    assertProblem(
        call("GET", "/api/v1/breaches/" + id + "/report?lang=fr", null, DPO),
        ErrorCode.REQUEST_MALFORMED);
    assertThat(registry.auditLog(50))
        .filteredOn(e -> e.action().equals("breach.close"))
        .singleElement()
        .satisfies(e -> assertThat(e.outcome()).isNotEqualTo("ok"));
  }

  static void assertProblem(HttpResponse<String> r, ErrorCode code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code.httpStatus());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(r).get("code")).isEqualTo(code.code());
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("org.openlgsp");
  }
}
