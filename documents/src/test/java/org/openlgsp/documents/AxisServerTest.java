package org.openlgsp.documents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** The axis HTTP API over real sockets. */
class AxisServerTest {
  static final String PROVINCE_TOKEN = "token-province-0123456789";
  static final String DEPARTMENT_TOKEN = "token-department-0123456789";

  @TempDir Path dir;
  Database db;
  DocumentAxis axis;
  AxisServer server;
  final HttpClient http = HttpClient.newHttpClient();
  SigningKey key;

  @BeforeEach
  void start() throws Exception {
    db = TestDatabases.sqlite(dir);
    axis =
        new DocumentAxis(
                db,
                AxisOptions.defaults(dir.resolve("axis")).withMaxPackageBytes(256 * 1024),
                TestKeys.trust(),
                Set.of(TestKeys.PROVINCE, TestKeys.DEPARTMENT),
                RemoteDelivery.NONE,
                Clock.systemUTC())
            .start();
    server =
        AxisServer.start(
            axis,
            Map.of(
                TestKeys.PROVINCE, AxisServer.hashToken(PROVINCE_TOKEN),
                TestKeys.DEPARTMENT, AxisServer.hashToken(DEPARTMENT_TOKEN)),
            "127.0.0.1",
            0,
            Optional.of("127.0.0.1"),
            0);
    key = TestKeys.rsa("UBND");
  }

  @AfterEach
  void stop() {
    server.close();
    axis.close();
    db.close();
  }

  private HttpResponse<byte[]> send(String method, String path, String token, byte[] body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> r) {
    return Json.read(r.body(), JsonNode.class);
  }

  @Test
  void toleratedDeviationsAreListedInTheReceipt() throws Exception {
    DocumentPackage doc = TestKeys.document("302");
    doc.header().dueDate = "2026/11/01"; // before its promulgation on 2026/11/23
    HttpResponse<byte[]> sent =
        send("POST", "/edoc/v1/packages", PROVINCE_TOKEN, DocumentAxisTest.signed(doc, key));
    assertThat(sent.statusCode()).isEqualTo(201);
    JsonNode warnings = json(sent).get("warnings");
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).get("kind").asText()).isEqualTo("DUE_DATE_BEFORE_PROMULGATION");
    assertThat(warnings.get(0).get("element").asText()).isEqualTo("DueDate");
    // and a client reads them back as typed warnings
    Receipt r = Json.read(sent.body(), Receipt.class);
    assertThat(r.warnings())
        .extracting(ValidationWarning::kind)
        .containsExactly(ValidationWarning.Kind.DUE_DATE_BEFORE_PROMULGATION);
  }

  @Test
  void sendPullAcknowledgeAndHistoryOverHttp() throws Exception {
    DocumentPackage doc = TestKeys.document("301");
    byte[] bytes = DocumentAxisTest.signed(doc, key);

    HttpResponse<byte[]> sent = send("POST", "/edoc/v1/packages", PROVINCE_TOKEN, bytes);
    HttpResponse<byte[]> again = send("POST", "/edoc/v1/packages", PROVINCE_TOKEN, bytes);

    assertThat(sent.statusCode()).isEqualTo(201);
    assertThat(json(sent).get("documentId").asText()).isEqualTo(doc.documentId());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).get("duplicate").asBoolean()).isTrue();

    JsonNode inbox = json(send("GET", "/edoc/v1/inbox", DEPARTMENT_TOKEN, null));
    assertThat(inbox).hasSize(1);
    String delivery = inbox.get(0).get("deliveryId").asText();
    HttpResponse<byte[]> fetched =
        send("GET", "/edoc/v1/inbox/" + delivery, DEPARTMENT_TOKEN, null);
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.body()).isEqualTo(bytes);
    assertThat(
            send("POST", "/edoc/v1/inbox/" + delivery + "/ack", DEPARTMENT_TOKEN, null)
                .statusCode())
        .isEqualTo(204);
    assertThat(json(send("GET", "/edoc/v1/inbox", DEPARTMENT_TOKEN, null))).isEmpty();

    byte[] status =
        EdxmlCodec.write(
            Packages.status(
                doc,
                TestKeys.DEPARTMENT,
                StatusCode.ACCEPTED,
                "Đã vào sổ",
                "Văn thư",
                Instant.now()));
    assertThat(send("POST", "/edoc/v1/packages", DEPARTMENT_TOKEN, status).statusCode())
        .isEqualTo(201);
    String q = "documentId=" + java.net.URLEncoder.encode(doc.documentId(), StandardCharsets.UTF_8);
    JsonNode history = json(send("GET", "/edoc/v1/history?" + q, PROVINCE_TOKEN, null));
    assertThat(history.get("statuses").get(0).get("statusCode").asText()).isEqualTo("03");
    assertThat(
            history.get("recipients").get(TestKeys.DEPARTMENT.value()).get("latestStatus").asText())
        .isEqualTo("03");

    // each agency's sent packages, newest first, with the recipients' delivery states; never
    // another agency's
    JsonNode provinceSent = json(send("GET", "/edoc/v1/sent", PROVINCE_TOKEN, null));
    assertThat(provinceSent).hasSize(1);
    assertThat(provinceSent.get(0).get("documentId").asText()).isEqualTo(doc.documentId());
    assertThat(provinceSent.get(0).get("kind").asText()).isEqualTo("document");
    assertThat(provinceSent.get(0).get("subject").asText()).isEqualTo(doc.header().subject);
    assertThat(provinceSent.get(0).get("recipients").get(0).get("code").asText())
        .isEqualTo(TestKeys.DEPARTMENT.value());
    assertThat(provinceSent.get(0).get("recipients").get(0).get("state").asText())
        .isEqualTo("acknowledged");
    JsonNode departmentSent = json(send("GET", "/edoc/v1/sent?limit=5", DEPARTMENT_TOKEN, null));
    assertThat(departmentSent).hasSize(1);
    assertThat(departmentSent.get(0).get("kind").asText()).isEqualTo("status");
    assertThat(departmentSent.get(0).get("statusCode").asText()).isEqualTo("03");
    assertThat(departmentSent.toString())
        .doesNotContain(provinceSent.get(0).get("packageId").asText());
    assertThat(send("GET", "/edoc/v1/sent", "wrong-token", null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/edoc/v1/sent?limit=x", PROVINCE_TOKEN, null).statusCode())
        .isEqualTo(400);
  }

  @Test
  void refusalsAreProblemJsonWithStableCodes() throws Exception {
    DocumentPackage bad = TestKeys.document("302");
    bad.header().to.clear();
    bad.header().from.organId = "01.02.G22";

    HttpResponse<byte[]> invalid =
        send("POST", "/edoc/v1/packages", PROVINCE_TOKEN, EdxmlCodec.write(bad));
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(invalid.headers().firstValue("Content-Type")).contains("application/problem+json");
    JsonNode p = json(invalid);
    assertThat(p.get("code").asText()).isEqualTo("document.invalid");
    assertThat(p.get("errors").toString())
        .contains("missing recipient")
        .contains("01.02.G22")
        .contains("not signed");

    // A signature that verifies but whose signer no trust anchor vouches for, with a bad date.
    DocumentPackage stranger = TestKeys.document("303");
    stranger.header().dueDate = "2026/13/40";
    org.openlgsp.pki.CertificateAuthority otherCa =
        org.openlgsp.pki.CertificateAuthority.createRoot(
            "Unknown CA", java.time.Duration.ofDays(1));
    java.security.KeyPair pair = org.openlgsp.pki.KeyPairs.ecP256();
    SigningKey foreign =
        new SigningKey(
            pair.getPrivate(),
            otherCa.issue(
                org.openlgsp.pki.CertificateProfile.MEMBER_SIGNING,
                TestKeys.PROVINCE.value(),
                "x",
                pair.getPublic(),
                java.util.List.of(),
                java.time.Duration.ofDays(1)));
    HttpResponse<byte[]> untrusted =
        send("POST", "/edoc/v1/packages", PROVINCE_TOKEN, SignedPackages.sign(stranger, foreign));
    assertThat(untrusted.statusCode()).isEqualTo(422);
    assertThat(json(untrusted).get("errors").toString())
        .contains("DueDate")
        .contains("certificate.issuer_unknown")
        .contains("Unknown CA");

    HttpResponse<byte[]> xxe =
        send(
            "POST",
            "/edoc/v1/packages",
            PROVINCE_TOKEN,
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(xxe.statusCode()).isEqualTo(400);
    assertThat(json(xxe).get("code").asText()).isEqualTo("document.malformed");
    assertThat(new String(xxe.body(), StandardCharsets.UTF_8)).doesNotContain("root:");

    assertThat(send("POST", "/edoc/v1/packages", null, new byte[] {1}).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/edoc/v1/inbox", "wrong-token", null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/edoc/v1/inbox/not-a-uuid", DEPARTMENT_TOKEN, null).statusCode())
        .isEqualTo(400);

    DocumentPackage big = TestKeys.document("303");
    Packages.attach(big, "big.bin", "application/octet-stream", new byte[300 * 1024]);
    HttpResponse<byte[]> tooLarge =
        send("POST", "/edoc/v1/packages", PROVINCE_TOKEN, DocumentAxisTest.signed(big, key));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
  }

  @Test
  void stateChangesAreAuditedUnderTheAgencyAndUnknownPathsAreProblems() throws Exception {
    byte[] bytes = DocumentAxisTest.signed(TestKeys.document("307"), key);
    assertThat(send("POST", "/edoc/v1/packages", PROVINCE_TOKEN, bytes).statusCode())
        .isEqualTo(201);
    assertThat(send("DELETE", "/edoc/v1/webhook", "wrong-token", null).statusCode()).isEqualTo(401);

    assertThat(org.openlgsp.edge.DatabaseAuditLog.open(db).recent(10))
        .extracting(e -> e.actor() + " " + e.action() + " " + e.outcome())
        .containsExactly(
            "unauthenticated webhook.remove token.invalid",
            TestKeys.PROVINCE.value() + " package.submit ok");
    HttpResponse<byte[]> unknown = send("GET", "/edoc/v1/nothing", PROVINCE_TOKEN, null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).get("code").asText()).isEqualTo("resource.not_found");
  }

  @Test
  void webhookIsRegisteredAndRemovedOverHttp() throws Exception {
    com.sun.net.httpserver.HttpServer sink =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    java.util.concurrent.BlockingQueue<byte[]> pushed =
        new java.util.concurrent.LinkedBlockingQueue<>();
    sink.createContext(
        "/",
        ex -> {
          pushed.add(ex.getRequestBody().readAllBytes());
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    sink.start();
    try {
      String url = "http://127.0.0.1:" + sink.getAddress().getPort() + "/in";
      byte[] body = ("{\"url\": \"" + url + "\"}").getBytes(StandardCharsets.UTF_8);
      assertThat(send("PUT", "/edoc/v1/webhook", DEPARTMENT_TOKEN, body).statusCode())
          .isEqualTo(204);
      byte[] doc = DocumentAxisTest.signed(TestKeys.document("305"), key);
      assertThat(send("POST", "/edoc/v1/packages", PROVINCE_TOKEN, doc).statusCode())
          .isEqualTo(201);
      assertThat(pushed.poll(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(doc);
      // the sink has the body before the axis has recorded its answer
      DocumentAxisTest.waitFor(() -> axis.outboxCounts().getOrDefault("done", 0) == 1);

      HttpResponse<byte[]> bad =
          send(
              "PUT",
              "/edoc/v1/webhook",
              DEPARTMENT_TOKEN,
              "{\"url\": \"ftp://x\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(json(bad).get("code").asText()).isEqualTo("request.malformed");
      HttpResponse<byte[]> none =
          send(
              "PUT", "/edoc/v1/webhook", DEPARTMENT_TOKEN, "null".getBytes(StandardCharsets.UTF_8));
      assertThat(none.statusCode()).isEqualTo(400); // the JSON null: no object, not a 500
      assertThat(json(none).get("code").asText()).isEqualTo("request.malformed");
      assertThat(send("DELETE", "/edoc/v1/webhook", DEPARTMENT_TOKEN, null).statusCode())
          .isEqualTo(204);
      byte[] later = DocumentAxisTest.signed(TestKeys.document("306"), key);
      assertThat(send("POST", "/edoc/v1/packages", PROVINCE_TOKEN, later).statusCode())
          .isEqualTo(201);
      // a pushed delivery counts as acknowledged; the later one waits in the inbox instead
      assertThat(axis.inbox(TestKeys.DEPARTMENT, 10)).hasSize(1);
      assertThat(pushed.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
    } finally {
      sink.stop(0);
    }
  }

  @Test
  void relayListenerTakesPackagesFromTheSendingAgencyOnly() throws Exception {
    byte[] bytes = DocumentAxisTest.signed(TestKeys.document("304"), key);
    URI relay =
        URI.create("http://127.0.0.1:" + server.relayPort().orElseThrow() + "/edoc/v1/relay");

    HttpResponse<byte[]> ok =
        http.send(
            HttpRequest.newBuilder(relay)
                .header("X-Road-Client", "VN/GOV/000.00.00.H41/edoc")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> impostor =
        http.send(
            HttpRequest.newBuilder(relay)
                .header("X-Road-Client", "VN/GOV/000.00.00.G22/edoc")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(ok.statusCode()).isEqualTo(201);
    assertThat(impostor.statusCode()).isEqualTo(403);
    assertThat(axis.inbox(TestKeys.DEPARTMENT, 10)).hasSize(1);
  }
}
