package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Pem;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

class RegistryServerTest {
  static final String TOKEN = "admin-token-for-tests-0123456789";
  @TempDir Path dir;
  Database db;
  Registry registry;
  RegistryServer server;
  HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    db = TestDatabases.sqlite(dir);
    registry = RegistryTest.registry(db);
    server = RegistryServer.start(registry, RegistryServer.hashToken(TOKEN), "127.0.0.1", 0);
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

  HttpResponse<String> admin(String method, String path, Object body) throws Exception {
    return call(method, path, body, TOKEN);
  }

  static void assertProblem(HttpResponse<String> r, ErrorCode code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code.httpStatus());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.headers().firstValue("X-Road-Error")).hasValue(code.xroadType());
    assertThat(Json.mapper().readValue(r.body(), Map.class).get("code")).isEqualTo(code.code());
  }

  void registerFederation() throws Exception {
    String mpsTls = Pem.write(RegistryTest.tls("mps-gw", CertificateProfile.NODE_TLS));
    String tnTls = Certificates.base64(RegistryTest.tls("tn-gw", CertificateProfile.NODE_TLS));
    assertThat(
            admin(
                    "POST",
                    "/api/v1/members",
                    Map.of("id", "VN/GOV/000.00.00.G01", "name", "Bộ Công an"))
                .statusCode())
        .isEqualTo(201);
    assertThat(
            admin(
                    "POST",
                    "/api/v1/members",
                    Map.of("id", "VN/GOV/000.00.00.H53", "name", "UBND tỉnh Tây Ninh"))
                .statusCode())
        .isEqualTo(201);
    assertThat(
            admin(
                    "POST",
                    "/api/v1/members/signing-certificates",
                    Map.of(
                        "member",
                        "VN/GOV/000.00.00.G01",
                        "certificate",
                        Pem.write(RegistryTest.tls("mps-sign", CertificateProfile.MEMBER_SIGNING))))
                .statusCode())
        .isEqualTo(201);
    assertThat(
            admin(
                    "POST",
                    "/api/v1/nodes",
                    Map.of(
                        "id",
                        "VN/GOV/000.00.00.G01/gw1",
                        "address",
                        "https://127.0.0.1:5501",
                        "tlsCertificates",
                        List.of(mpsTls)))
                .statusCode())
        .isEqualTo(201);
    assertThat(
            admin(
                    "POST",
                    "/api/v1/nodes",
                    Map.of(
                        "id",
                        "VN/GOV/000.00.00.H53/gw1",
                        "address",
                        "https://127.0.0.1:5500",
                        "tlsCertificates",
                        List.of(tnTls)))
                .statusCode())
        .isEqualTo(201);
    assertThat(
            admin(
                    "POST",
                    "/api/v1/systems",
                    Map.of(
                        "id",
                        "VN/GOV/000.00.00.G01/CSDLQGDC",
                        "name",
                        "CSDL dân cư",
                        "node",
                        "VN/GOV/000.00.00.G01/gw1"))
                .statusCode())
        .isEqualTo(201);
    assertThat(
            admin(
                    "POST",
                    "/api/v1/systems",
                    Map.of(
                        "id",
                        "VN/GOV/000.00.00.H53/DVC",
                        "name",
                        "Cổng DVC",
                        "node",
                        "VN/GOV/000.00.00.H53/gw1"))
                .statusCode())
        .isEqualTo(201);
    assertThat(
            admin(
                    "POST",
                    "/api/v1/services",
                    Map.of(
                        "id",
                        "VN/GOV/000.00.00.G01/CSDLQGDC/citizens",
                        "backendUrl",
                        "http://127.0.0.1:9090/api",
                        "subjectLocator",
                        "path:2",
                        "openapi",
                        "openapi: 3.1.0\n"))
                .statusCode())
        .isEqualTo(201);
  }

  @Test
  void adminApiBuildsTheDirectoryGatewaysFetch() throws Exception {
    registerFederation();
    HttpResponse<String> grant =
        admin(
            "POST",
            "/api/v1/grants",
            Map.of(
                "client",
                "VN/GOV/000.00.00.H53/DVC",
                "service",
                "VN/GOV/000.00.00.G01/CSDLQGDC/citizens",
                "methods",
                List.of("GET"),
                "pathPatterns",
                List.of("/citizens/*")));
    assertThat(grant.statusCode()).as(grant.body()).isEqualTo(201);

    HttpResponse<String> published = call("GET", "/directory", null, null);
    assertThat(published.statusCode()).isEqualTo(200);
    Directory d =
        SignedDocument.parse(
                published.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Directory.SIGNED)
            .verify(List.of(RegistryTest.SIGNER.certificate()), Instant.now(), Directory.SIGNED);
    assertThat(d.grants()).hasSize(1);
    assertThat(d.services()).hasSize(1);
    assertThat(d.systems()).hasSize(2);

    assertThat(admin("GET", "/api/v1/grants", null).body()).contains("/citizens/*");
    HttpResponse<String> openapi =
        admin("GET", "/api/v1/services/openapi?id=VN/GOV/000.00.00.G01/CSDLQGDC/citizens", null);
    assertThat(openapi.body()).isEqualTo("openapi: 3.1.0\n");
    assertThat(openapi.headers().firstValue("Content-Type")).hasValue("application/yaml");

    String grantId = (String) Json.mapper().readValue(grant.body(), Map.class).get("id");
    assertThat(admin("DELETE", "/api/v1/grants/" + grantId, null).statusCode()).isEqualTo(204);
    assertProblem(admin("DELETE", "/api/v1/grants/" + grantId, null), ErrorCode.RESOURCE_NOT_FOUND);
  }

  @Test
  void everyAdminRouteNeedsTheToken() throws Exception {
    assertProblem(call("GET", "/api/v1/members", null, null), ErrorCode.ADMIN_UNAUTHENTICATED);
    assertProblem(call("GET", "/api/v1/members", null, "wrong"), ErrorCode.ADMIN_UNAUTHENTICATED);
    assertProblem(
        call("POST", "/api/v1/members", Map.of("id", "VN/GOV/000.00.00.G01", "name", "x"), null),
        ErrorCode.ADMIN_UNAUTHENTICATED);
    assertThat(registry.members()).isEmpty();
    assertProblem(admin("GET", "/api/v1/unknown", null), ErrorCode.RESOURCE_NOT_FOUND);
    assertProblem(call("GET", "/admin", null, null), ErrorCode.RESOURCE_NOT_FOUND);
  }

  @Test
  void badInputGetsPrecise4xx() throws Exception {
    registerFederation();
    assertProblem(admin("POST", "/api/v1/members", "{not json"), ErrorCode.REQUEST_MALFORMED);
    assertProblem(
        admin("POST", "/api/v1/members", Map.of("id", "VN/GOV/01.02.G22", "name", "x")),
        ErrorCode.IDENTIFIER_INVALID);
    assertProblem(
        admin("POST", "/api/v1/members", Map.of("id", "VN/GOV/000.00.00.G22")),
        ErrorCode.REQUEST_MALFORMED);
    assertProblem(
        admin(
            "POST",
            "/api/v1/members",
            Map.of("id", "VN/GOV/000.00.00.G22", "name", "x", "colour", "red")),
        ErrorCode.REQUEST_MALFORMED);
    assertProblem(
        admin("POST", "/api/v1/members", Map.of("id", "VN/GOV/000.00.00.G01", "name", "dup")),
        ErrorCode.RESOURCE_CONFLICT);
    assertProblem(
        admin(
            "POST",
            "/api/v1/members/signing-certificates",
            Map.of("member", "VN/GOV/000.00.00.G01", "certificate", "bm90IGEgY2VydA==")),
        ErrorCode.REQUEST_MALFORMED);
    assertProblem(admin("DELETE", "/api/v1/grants/not-a-uuid", null), ErrorCode.REQUEST_MALFORMED);
    assertProblem(admin("GET", "/api/v1/services/openapi", null), ErrorCode.REQUEST_MALFORMED);
  }

  @Test
  void theAuditLogsLimitIsRefusedAsTheRankingsIs() throws Exception {
    // one parser for every listing's limit: query.page_invalid, as docs/statistics.md says
    for (String limit : List.of("abc", "0", "10001", "-1")) {
      assertProblem(
          admin("GET", "/api/v1/audit?limit=" + limit, null), ErrorCode.QUERY_PAGE_INVALID);
    }
    assertThat(admin("GET", "/api/v1/audit?limit=10000", null).statusCode()).isEqualTo(200);
  }

  @Test
  void acceptedAndRefusedActionsAreAudited() throws Exception {
    admin("POST", "/api/v1/members", Map.of("id", "VN/GOV/000.00.00.G01", "name", "Bộ Công an"));
    call("POST", "/api/v1/members", Map.of("id", "VN/GOV/000.00.00.G22", "name", "x"), "wrong");
    admin("POST", "/api/v1/members", Map.of("id", "VN/GOV/000.00.00.G01", "name", "dup"));

    List<Registry.AuditEntry> log = registry.auditLog(10);
    assertThat(log)
        .extracting(Registry.AuditEntry::outcome)
        .containsExactly("resource.conflict", "admin.unauthenticated", "ok");
    assertThat(log).allSatisfy(e -> assertThat(e.action()).isEqualTo("member.add"));
    assertThat(admin("GET", "/api/v1/audit?limit=2", null).body()).contains("resource.conflict");
  }

  @Test
  void auditRowsNameTheTokensActorAndTheSource() throws Exception {
    admin("POST", "/api/v1/members", Map.of("id", "VN/GOV/000.00.00.G01", "name", "Bộ Công an"));
    call("GET", "/api/v1/members", null, "wrong");

    List<Registry.AuditEntry> log = registry.auditLog(10);
    assertThat(log)
        .extracting(Registry.AuditEntry::actor)
        .containsExactly("unauthenticated", "admin");
    assertThat(log).allSatisfy(e -> assertThat(e.detail()).contains("from 127.0.0.1"));
    assertThat(log.toString()).doesNotContain(TOKEN);
  }

  @Test
  void inputThatDoesNotParseIs4xxAndOtherMethodsAre405() throws Exception {
    assertProblem(
        admin(
            "POST",
            "/api/v1/trust-anchors",
            Map.of("certificate", "-----BEGIN CERTIFICATE-----\n!!")),
        ErrorCode.REQUEST_MALFORMED);
    HttpResponse<String> wrongType =
        admin("POST", "/api/v1/members", "{\"id\": [1], \"name\": \"x\"}");
    assertProblem(wrongType, ErrorCode.REQUEST_MALFORMED);
    assertThat(wrongType.body()).contains("'id'").doesNotContain("java.").doesNotContain("Member");
    HttpResponse<String> put = admin("PUT", "/api/v1/members", null);
    assertProblem(put, ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST");
  }

  @Test
  void openApiDocumentDescribesTheAdminApi() throws Exception {
    HttpResponse<String> r = call("GET", "/api/v1/openapi.json", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    Map<?, ?> doc = Json.mapper().readValue(r.body(), Map.class);
    assertThat(doc.get("openapi")).isEqualTo("3.1.0");
    assertThat(((Map<?, ?>) doc.get("paths")).keySet().stream().map(String::valueOf).toList())
        .contains(
            "/directory",
            "/api/v1/members",
            "/api/v1/grants",
            "/api/v1/grants/{id}",
            "/api/v1/audit");
  }
}
