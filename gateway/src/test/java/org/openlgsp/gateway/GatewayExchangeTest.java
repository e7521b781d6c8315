package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.ledger.LedgerEntry;
import org.openlgsp.ledger.Side;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;

/** End to end through two gateways over real sockets and real TLS. */
class GatewayExchangeTest {
  @TempDir Path dir;
  TwoGateways net;
  String citizenPath = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/079090001234";

  @BeforeEach
  void start() {
    net = new TwoGateways(dir);
  }

  @AfterEach
  void stop() {
    net.close();
  }

  HttpResponse<String> get(String base, String path, String token, String client) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (client != null) {
      b.header("X-Road-Client", client);
    }
    b.header("X-Road-UserId", "VN079090001111");
    b.header("X-Road-Issue", "HS-2026-000123");
    return net.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What r1 answers by default: X-Road's JSON error (PR-REST 4.6), 400 or 500, and the code. */
  static void assertProblem(HttpResponse<String> r, ErrorCode code) throws Exception {
    assertThat(r.statusCode())
        .as(r.body())
        .isEqualTo(code.xroadType().startsWith("Client.") ? 400 : 500);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(r.headers().firstValue("X-Road-Error")).hasValue(code.xroadType());
    Map<?, ?> error = Json.mapper().readValue(r.body(), Map.class);
    assertThat(error.get("type")).isEqualTo(code.xroadType());
    assertThat(error.get("code")).isEqualTo(code.code());
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  /** RFC 9457 problem details: /token, and r1 on {@code Accept: application/problem+json}. */
  static void assertProblemDetails(HttpResponse<String> r, ErrorCode code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code.httpStatus());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.headers().firstValue("X-Road-Error")).hasValue(code.xroadType());
    Map<?, ?> problem = Json.mapper().readValue(r.body(), Map.class);
    assertThat(problem.get("code")).isEqualTo(code.code());
    assertThat(problem.get("status")).isEqualTo(code.httpStatus());
    assertThat(problem.get("type")).isEqualTo(code.typeUri());
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void methodOverridesAndForeignHopHeadersNeverReachTheBackend() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    net.clientHttp()
                        + "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/headers"))
            .GET()
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "HS-2026-000123")
            .header("X-HTTP-Method-Override", "DELETE")
            .header("X-HTTP-Method", "DELETE")
            .header("X-Method-Override", "DELETE")
            .header("Proxy-Connection", "keep-alive")
            .header("X-Agency-Trace", "kept")
            .build();
    HttpResponse<String> r = net.http.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> seen =
        Json.mapper()
            .readValue(
                r.body(), new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {});
    assertThat(seen)
        .contains("x-agency-trace")
        .doesNotContain(
            "x-http-method-override",
            "x-http-method",
            "x-method-override",
            "proxy-connection",
            "x-helidon-cn",
            "authorization");
  }

  @Test
  void allowedCallWithBearerTokenReachesBackendAndIsRecordedOnBothSides() throws Exception {
    HttpResponse<String> r =
        get(net.clientHttp(), citizenPath, net.token(), TwoGateways.PORTAL.toString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"personalId\":\"079090001234\"").contains("Nguyễn Văn An");
    assertThat(r.headers().firstValue("X-Road-Client")).hasValue(TwoGateways.PORTAL.toString());
    assertThat(r.headers().firstValue("X-Road-Service")).hasValue(TwoGateways.CITIZENS.toString());
    assertThat(r.headers().firstValue("X-Road-Request-Hash").orElseThrow()).hasSize(88);
    assertThat(r.headers().firstValue("X-Backend-Saw-Client"))
        .hasValue(TwoGateways.PORTAL.toString());
    assertThat(r.headers().firstValue("X-Road-Error")).isEmpty();
    assertThat(r.headers().firstValue("X-Lgsp-Signature")).isEmpty();
    String messageId = r.headers().firstValue("X-Road-Id").orElseThrow();

    List<LedgerEntry> consumer = net.tnLedger.byMessageId(messageId);
    List<LedgerEntry> provider = net.mpsLedger.byMessageId(messageId);
    assertThat(consumer)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.record().side()).isEqualTo(Side.CONSUMER);
              assertThat(e.record().status()).isEqualTo(200);
              assertThat(e.record().userId()).isEqualTo("VN079090001111");
              assertThat(e.record().issue()).isEqualTo("HS-2026-000123");
              assertThat(e.record().requestSignature()).isNotEmpty();
              assertThat(e.record().responseSignature()).isNotEmpty();
            });
    assertThat(provider)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.record().side()).isEqualTo(Side.PROVIDER);
              assertThat(e.record().requestSignature())
                  .isEqualTo(consumer.get(0).record().requestSignature());
              assertThat(e.record().responseBodyDigest())
                  .isEqualTo(consumer.get(0).record().responseBodyDigest());
            });
  }

  @Test
  void allowedCallWithTlsClientCertificateAndClientMessageId() throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(net.clientTls() + citizenPath))
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Id", "portal-msg-0001")
            .header("X-Road-Issue", "HS-2026-000123")
            .GET()
            .build();
    HttpResponse<String> r = net.mtlsClient().send(req, HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Road-Id")).hasValue("portal-msg-0001");
  }

  @Test
  void postBodyTravelsBothWaysIntact() throws Exception {
    byte[] payload = new byte[600_000]; // above the in-memory threshold: spooled to disk
    new java.util.Random(7).nextBytes(payload);
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(
                    net.clientHttp() + "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/echo"))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("Content-Type", "application/octet-stream")
            .header("X-Road-Issue", "HS-2026-000123")
            .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
            .build();
    HttpResponse<byte[]> r = net.http.send(req, HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.body()).isEqualTo(payload);
  }

  @Test
  void callWithoutGrantIsDenied() throws Exception {
    HttpResponse<String> r =
        get(
            net.clientHttp(),
            "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/households/1",
            net.token(),
            TwoGateways.PORTAL.toString());
    assertProblem(r, ErrorCode.ACCESS_DENIED);
  }

  @Test
  void providerDeniesWhenOnlyItsDirectoryLacksTheGrant() throws Exception {
    String token = net.token();
    // The consumer still believes in the grant; the provider's newer directory has revoked it.
    var revoked = net.grants;
    net.grants = List.of();
    net.mpsDirectory.accept(
        SignedDocument.sign(net.directory(net.mpsTls.certificate()), net.directorySigner.signer()));
    net.grants = revoked;

    HttpResponse<String> r =
        get(net.clientHttp(), citizenPath, token, TwoGateways.PORTAL.toString());

    assertProblem(r, ErrorCode.ACCESS_DENIED);
    assertThat(r.headers().firstValue("X-Road-Request-Hash")).isPresent();
  }

  @Test
  void clientHeaderMustMatchTheAuthenticatedSystem() throws Exception {
    HttpResponse<String> r =
        get(net.clientHttp(), citizenPath, net.token(), TwoGateways.OTHER_SYSTEM.toString());
    assertProblem(r, ErrorCode.CLIENT_MISMATCH);
  }

  @Test
  void unauthenticatedAndBadTokenCallsAreRefused() throws Exception {
    assertProblem(
        get(net.clientHttp(), citizenPath, null, TwoGateways.PORTAL.toString()),
        ErrorCode.CLIENT_UNAUTHENTICATED);
    assertProblem(
        get(net.clientHttp(), citizenPath, "forged-token", TwoGateways.PORTAL.toString()),
        ErrorCode.TOKEN_INVALID);
  }

  @Test
  void wrongClientSecretGetsNoToken() throws Exception {
    HttpResponse<String> r =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id=portal&client_secret=wrong"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertProblemDetails(r, ErrorCode.TOKEN_INVALID);
  }

  @Test
  void providerPresentingAnUnknownCertificateIsRefused() throws Exception {
    String token = net.token();
    Credentials impostor = net.creds(CertificateProfile.NODE_TLS, "impostor");
    net.publish(net.directory(impostor.certificate())); // the directory expects another certificate

    HttpResponse<String> r =
        get(net.clientHttp(), citizenPath, token, TwoGateways.PORTAL.toString());

    assertProblem(r, ErrorCode.PEER_UNTRUSTED);
  }

  @Test
  void expiredDirectoryStopsTraffic() throws Exception {
    net.clock.advance(Duration.ofHours(2));
    String token = net.token();

    HttpResponse<String> r =
        get(net.clientHttp(), citizenPath, token, TwoGateways.PORTAL.toString());

    assertProblem(r, ErrorCode.DIRECTORY_EXPIRED);
  }

  @Test
  void tamperedOrRolledBackDirectoryIsRejectedAndTheLastValidOneKept() throws Exception {
    Directory current = net.tnDirectory.current().orElseThrow();
    SignedDocument good =
        SignedDocument.sign(net.directory(net.mpsTls.certificate()), net.directorySigner.signer());
    String forgedPayload =
        java.util.Base64.getEncoder()
            .encodeToString(
                new String(java.util.Base64.getDecoder().decode(good.payload()), "UTF-8")
                    .replace("\"methods\":[\"GET\",\"POST\"]", "\"methods\":[]")
                    .getBytes("UTF-8"));
    SignedDocument forged =
        new SignedDocument(
            forgedPayload, good.signature(), good.algorithm(), good.signerCertificate());

    assertThatThrownBy(() -> net.tnDirectory.accept(forged))
        .isInstanceOf(LgspException.class)
        .extracting(e -> ((LgspException) e).code())
        .isEqualTo(ErrorCode.DIRECTORY_INVALID);
    assertThat(net.tnDirectory.current()).contains(current);

    Credentials rogue = net.creds(CertificateProfile.DIRECTORY_SIGNING, "rogue registry");
    assertThatThrownBy(
            () ->
                net.tnDirectory.accept(
                    SignedDocument.sign(net.directory(net.mpsTls.certificate()), rogue.signer())))
        .hasMessageContaining("untrusted");

    net.tnDirectory.accept(good);
    long older =
        good.verify(
                    List.of(net.directorySigner.certificate()),
                    net.clock.instant(),
                    Directory.SIGNED)
                .serial()
            - 1;
    assertThat(older).isLessThan(net.tnDirectory.current().orElseThrow().serial());
    SignedDocument stale =
        SignedDocument.sign(
            withSerial(net.directory(net.mpsTls.certificate()), 1), net.directorySigner.signer());
    assertThatThrownBy(() -> net.tnDirectory.accept(stale)).hasMessageContaining("older");
  }

  @Test
  void aNewerDirectoryAlreadyPastExpiryPlusGraceIsRefusedAndTheCurrentOneKept() {
    Directory current = net.tnDirectory.current().orElseThrow();
    Directory fresh = net.directory(net.mpsTls.certificate());
    Instant now = net.clock.instant();
    Directory expired =
        new Directory(
            fresh.instance(),
            fresh.serial() + 10,
            now.minus(Duration.ofHours(2)),
            now.minus(Duration.ofSeconds(1)),
            fresh.members(),
            fresh.systems(),
            fresh.nodes(),
            fresh.services(),
            fresh.grants(),
            List.of(),
            List.of(),
            List.of());

    assertThatThrownBy(
            () ->
                net.tnDirectory.accept(SignedDocument.sign(expired, net.directorySigner.signer())))
        .isInstanceOfSatisfying(
            LgspException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIRECTORY_EXPIRED));
    assertThat(net.tnDirectory.current()).contains(current);
  }

  private static Directory withSerial(Directory d, long serial) {
    return new Directory(
        d.instance(),
        serial,
        d.issuedAt(),
        d.expiresAt(),
        d.members(),
        d.systems(),
        d.nodes(),
        d.services(),
        d.grants(),
        List.of(),
        List.of(),
        List.of());
  }

  @Test
  void malformedRequestsGetClear4xx() throws Exception {
    String token = net.token();
    String client = TwoGateways.PORTAL.toString();
    assertProblem(
        get(net.clientHttp(), "/r1/VN/GOV/000.00.00.G01/citizens", token, client),
        ErrorCode.IDENTIFIER_INVALID);
    assertProblem(
        get(net.clientHttp(), "/r1/VN/GOV/01.02.G22/CSDLQGDC/citizens/x", token, client),
        ErrorCode.IDENTIFIER_INVALID);
    assertProblem(
        get(net.clientHttp(), "/r2/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/x", token, client),
        ErrorCode.PROTOCOL_UNSUPPORTED);
    assertProblem(get(net.clientHttp(), citizenPath, token, null), ErrorCode.HEADER_MISSING);
    assertProblem(
        get(net.clientHttp(), citizenPath, token, "VN/GOV/not an id"),
        ErrorCode.IDENTIFIER_INVALID);
    assertProblem(
        get(
            net.clientHttp(),
            "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/%2e%2e/admin",
            token,
            client),
        ErrorCode.PATH_UNSAFE);
    assertProblem(
        get(net.clientHttp(), "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/unknown/x", token, client),
        ErrorCode.SERVICE_UNKNOWN);
    assertProblem(
        get(net.clientHttp(), "/nothing-here", token, client), ErrorCode.RESOURCE_NOT_FOUND);
  }

  @Test
  void oversizedBodyIsRefusedWith413() throws Exception {
    byte[] big = new byte[11 * 1024 * 1024];
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(
                    net.clientHttp() + "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/echo"))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("Accept", "application/problem+json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(big))
            .build();
    for (int i = 0; i < 3; i++) { // the refusal must arrive every time, not only when lucky
      HttpResponse<String> r = net.http.send(req, HttpResponse.BodyHandlers.ofString());
      assertProblemDetails(r, ErrorCode.REQUEST_TOO_LARGE);
    }
  }

  @Test
  void refusalBeforeALargeBodyIsReadStillReachesTheCaller() throws Exception {
    byte[] big = new byte[8 * 1024 * 1024]; // within the limit, but never read: no token
    for (int i = 0; i < 3; i++) {
      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create(
                      net.clientHttp()
                          + "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/echo"))
              .header("X-Road-Client", TwoGateways.PORTAL.toString())
              .POST(HttpRequest.BodyPublishers.ofByteArray(big))
              .build();
      HttpResponse<String> r = net.http.send(req, HttpResponse.BodyHandlers.ofString());
      assertProblem(r, ErrorCode.CLIENT_UNAUTHENTICATED);
    }
  }

  @Test
  void callerHangingUpMidResponseLeavesOneRecordAndNoSecondAnswer() throws Exception {
    int size = 9 * 1024 * 1024;
    String messageId = "hang-up-" + System.nanoTime();
    URI gateway = URI.create(net.clientHttp());
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.setReceiveBufferSize(4096); // a tiny window, so the gateway blocks mid-write
      socket.connect(new java.net.InetSocketAddress(gateway.getHost(), gateway.getPort()));
      var out = socket.getOutputStream();
      String head =
          "POST /r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/echo HTTP/1.1\r\n"
              + "Host: 127.0.0.1\r\n"
              + "Authorization: Bearer "
              + net.token()
              + "\r\nX-Road-Client: "
              + TwoGateways.PORTAL
              + "\r\nX-Road-Id: "
              + messageId
              + "\r\nX-Road-Issue: HS-2026-000123"
              + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
              + size
              + "\r\n\r\n";
      out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(new byte[size]);
      out.flush();
      assertThat(socket.getInputStream().readNBytes(12))
          .asString(java.nio.charset.StandardCharsets.US_ASCII)
          .isEqualTo("HTTP/1.1 201");
      socket.setSoLinger(true, 0); // reset, as a crashed caller would
    }
    // The record was written before the answer; no (wrong) second one may follow it.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> net.tnLedger.byMessageId(messageId).size() == 1);
    assertThat(net.tnLedger.byMessageId(messageId))
        .singleElement()
        .satisfies(e -> assertThat(e.record().status()).isEqualTo(201));
  }
}
