package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.storage.TestDatabases;

/**
 * A procedures-only node on a schema of its own, its consumer gateway a fake failing every step
 * ({@code maxAttempts: 1}: a case goes {@code IN_PROGRESS} then {@code WAITING_FOR_OPERATOR} within
 * a second), its case API on 127.0.0.1 with reader and operator tokens.
 */
abstract class ProceduresNodeFixture {
  static final String OPERATOR = "procedures-operator-token-0123";
  static final String READER = "procedures-reader-token-0123";
  static final String SMTP_PASSWORD = "smtp-password-from-a-file-0123";
  static final String HOOK_TOKEN = "portal-hook-token-from-a-file-0123";
  static final String CITIZEN = "tran.thi.lan@example.vn";

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  HttpServer gateway;
  String database;
  String schema;

  @BeforeEach
  void fakeGatewayAndDatabase() throws Exception {
    String base = TestDatabases.postgresUrl();
    schema = TestDatabases.postgresSchema();
    database = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext(
        "/token",
        x -> {
          x.getRequestBody().readAllBytes();
          byte[] b = "{\"access_token\":\"t\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, b.length);
          x.getResponseBody().write(b);
          x.close();
        });
    gateway.createContext(
        "/r1/",
        x -> {
          x.getRequestBody().readAllBytes();
          x.sendResponseHeaders(503, -1);
          x.close();
        });
    gateway.start();
    Files.writeString(dir.resolve("engine.secret"), "engine-secret-0123456789\n");
    Files.writeString(dir.resolve("smtp.secret"), SMTP_PASSWORD + "\n");
    Files.writeString(dir.resolve("hook.token"), HOOK_TOKEN + "\n");
  }

  @AfterEach
  void stopGateway() {
    gateway.stop(0);
  }

  /** A procedures-only node.yaml with {@code extra} lines under {@code procedures:}. */
  Path config(String extra) throws Exception {
    Path f = dir.resolve("node.yaml");
    Files.writeString(
        f,
        """
        instance: VN
        procedures:
          database: "%s"
          agency: 000.00.00.H53
          services:
            hoTich: VN/GOV/000.00.00.G12/HOTICH/hotich
            cuTru: VN/GOV/000.00.00.G01/CSDLCUTRU/cutru
            bhxh: VN/GOV/000.00.00.G16/BHXH/bhxh
          gateway:
            url: "http://127.0.0.1:%d"
            client: VN/GOV/000.00.00.H53/LIENTHONG
            oauthClientId: lienthong
            secretFile: engine.secret
          maxAttempts: 1
          jobPoll: PT0.1S
          api:
            host: 127.0.0.1
            port: 0
            readerTokenSha256: %s
            operatorTokenSha256: %s
        %s"""
            .formatted(
                database,
                gateway.getAddress().getPort(),
                BearerTokens.hash(READER),
                BearerTokens.hash(OPERATOR),
                extra));
    return f;
  }

  List<AutoCloseable> start(Path config) {
    return NodeRoles.start(
        NodeConfig.read(config), dir, new PrintStream(new ByteArrayOutputStream()));
  }

  static int apiPort(List<AutoCloseable> running) {
    return ((ProceduresNode) running.get(0)).apiPort().orElseThrow();
  }

  /** Files a case whose dossier gives the citizen's address; its code. */
  String file(int port, String dossier) throws Exception {
    HttpResponse<String> r =
        call(
            port,
            "POST",
            "/procedures/v1/cases",
            OPERATOR,
            "{\"thuTuc\":\"lienThongKhaiSinh\",\"mucDich\":\"Liên thông khai sinh\","
                + "\"canBo\":\"VN072090000001\",\"hoSo\":"
                + dossier
                + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return r.body().replaceAll(".*\"maHoSo\":\"([^\"]+)\".*", "$1");
  }

  static final String WITH_ADDRESS = "{\"lienHe\":{\"email\":\"" + CITIZEN + "\"}}";

  String caseView(int port, String code) throws Exception {
    return call(port, "GET", "/procedures/v1/cases/" + code, READER, "").body();
  }

  /** The case's notices as "kenh trangThai tinhTrang soLanGui", oldest first. */
  List<String> notices(int port, String code) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode n :
        org.openlgsp.core.Json.mapper().readTree(caseView(port, code)).path("thongBao")) {
      out.add(
          n.path("kenh").asText()
              + " "
              + n.path("trangThai").asText()
              + " "
              + n.path("tinhTrang").asText()
              + " "
              + n.path("soLanGui").asInt());
    }
    return out;
  }

  HttpResponse<String> call(int port, String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
