package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.PinnedTrustManager;
import org.openlgsp.pki.TlsContexts;

/**
 * Attacks on the gateway-to-gateway hop by someone holding a node's TLS key: replays, tampered
 * bodies and headers, stale messages, a forged signer, and a tampered response.
 */
class ProviderProtocolTest {
  static final String SERVICE = "VN/GOV/000.00.00.G01/CSDLQGDC/citizens";
  @TempDir Path dir;
  TwoGateways net;
  HttpClient asConsumerNode;

  @BeforeEach
  void start() {
    net = new TwoGateways(dir);
    asConsumerNode = net.asTayNinhNode();
  }

  @AfterEach
  void stop() {
    net.close();
  }

  /**
   * Sends a request signed over {@code signedBody} and {@code signedPath} but carrying the actual
   * ones.
   */
  HttpResponse<String> send(
      String method,
      String signedPath,
      String actualPath,
      byte[] signedBody,
      byte[] actualBody,
      String messageId,
      long time,
      MessageSigner signer)
      throws Exception {
    Map<String, String> headers =
        ExchangeProtocol.signRequest(
            signer,
            TwoGateways.PORTAL,
            TwoGateways.CITIZENS,
            method,
            signedPath,
            messageId,
            signedBody,
            time,
            "HS-2026-000123");
    return sendSigned(method, actualPath, actualBody, headers);
  }

  /** Sends {@code headers} exactly as given: a captured request, replayed. */
  HttpResponse<String> sendSigned(
      String method, String actualPath, byte[] actualBody, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(
                URI.create(
                    "https://127.0.0.1:" + net.mps.peerPort() + "/r1/" + SERVICE + actualPath))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(actualBody));
    headers.forEach(req::header);
    return asConsumerNode.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> sendGet(String messageId, long time, MessageSigner signer) throws Exception {
    return send(
        "GET", "/citizens/1", "/citizens/1", new byte[0], new byte[0], messageId, time, signer);
  }

  static void assertCode(HttpResponse<String> r, ErrorCode code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code.httpStatus());
    assertThat(Json.mapper().readValue(r.body(), Map.class).get("code")).isEqualTo(code.code());
    assertThat(r.headers().firstValue("X-Lgsp-Signature")).as("refusals are signed").isPresent();
  }

  Map<String, String> signedGet(String messageId, long time) {
    return ExchangeProtocol.signRequest(
        net.tnSigning.signer(),
        TwoGateways.PORTAL,
        TwoGateways.CITIZENS,
        "GET",
        "/citizens/1",
        messageId,
        new byte[0],
        time,
        "HS-2026-000123");
  }

  @Test
  void correctlySignedRequestIsServedOnceAndItsReplayRefused() throws Exception {
    Map<String, String> captured = signedGet("m-1", net.clock.millis());
    HttpResponse<String> first = sendSigned("GET", "/citizens/1", new byte[0], captured);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

    assertCode(sendSigned("GET", "/citizens/1", new byte[0], captured), ErrorCode.MESSAGE_REPLAYED);
  }

  @Test
  void aReusedXRoadIdWithTheGatewaysFreshNonceIsServedAsInXRoad() throws Exception {
    long now = net.clock.millis();
    HttpResponse<String> first = sendGet("client-correlation-id", now, net.tnSigning.signer());
    HttpResponse<String> second = sendGet("client-correlation-id", now, net.tnSigning.signer());

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
  }

  @Test
  void aRequestIdThatIsNotACanonicalUuidIsRefusedAsMalformed() throws Exception {
    Map<String, String> headers =
        new java.util.LinkedHashMap<>(signedGet("m-2", net.clock.millis()));
    headers.put(
        "X-Road-Request-Id", headers.get("X-Road-Request-Id").toUpperCase(java.util.Locale.ROOT));

    HttpResponse<String> r = sendSigned("GET", "/citizens/1", new byte[0], headers);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("request.malformed");
  }

  @Test
  void tamperedBodyIsRefused() throws Exception {
    byte[] signed = "{\"id\":\"079090001234\"}".getBytes(StandardCharsets.UTF_8);
    byte[] tampered = "{\"id\":\"079090009999\"}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r =
        send(
            "POST",
            "/citizens/echo",
            "/citizens/echo",
            signed,
            tampered,
            "m-2",
            net.clock.millis(),
            net.tnSigning.signer());
    assertCode(r, ErrorCode.SIGNATURE_INVALID);
  }

  @Test
  void aTamperedCopyDoesNotUseUpTheGenuineMessagesId() throws Exception {
    byte[] genuine = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
    byte[] tampered = "{\"id\":\"2\"}".getBytes(StandardCharsets.UTF_8);
    long now = net.clock.millis();
    MessageSigner tn = net.tnSigning.signer();
    assertCode(
        send("POST", "/citizens/echo", "/citizens/echo", genuine, tampered, "m-6", now, tn),
        ErrorCode.SIGNATURE_INVALID);
    HttpResponse<String> real =
        send("POST", "/citizens/echo", "/citizens/echo", genuine, genuine, "m-6", now, tn);
    assertThat(real.statusCode()).as(real.body()).isEqualTo(201);
  }

  @Test
  void tamperedPathIsRefused() throws Exception {
    HttpResponse<String> r =
        send(
            "GET",
            "/citizens/1",
            "/citizens/2",
            new byte[0],
            new byte[0],
            "m-3",
            net.clock.millis(),
            net.tnSigning.signer());
    assertCode(r, ErrorCode.SIGNATURE_INVALID);
  }

  @Test
  void messageOutsideTheTimeWindowIsRefused() throws Exception {
    long tenMinutesAgo = net.clock.millis() - 600_000;
    assertCode(sendGet("m-4", tenMinutesAgo, net.tnSigning.signer()), ErrorCode.MESSAGE_EXPIRED);
  }

  @Test
  void signatureByAnotherMembersKeyIsRefused() throws Exception {
    assertCode(
        sendGet("m-5", net.clock.millis(), net.mpsSigning.signer()), ErrorCode.SIGNATURE_INVALID);
  }

  @Test
  void tamperedResponseIsDetectedByTheConsumerGateway() throws Exception {
    WebServer mitm = tamperingProxy(net.mpsTls);
    try {
      Directory d = net.directory(net.mpsTls.certificate());
      net.publish(withMpsAddress(d, "https://127.0.0.1:" + mitm.port()));

      HttpResponse<String> r =
          net.http.send(
              HttpRequest.newBuilder(
                      URI.create(net.clientHttp() + "/r1/" + SERVICE + "/citizens/079090001234"))
                  .header("Accept", "application/problem+json") // OpenLGSP statuses and codes
                  .header("Authorization", "Bearer " + net.token())
                  .header("X-Road-Client", TwoGateways.PORTAL.toString())
                  .header("X-Road-Issue", "HS-2026-000123")
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).as(r.body()).isEqualTo(ErrorCode.RESPONSE_INVALID.httpStatus());
      assertThat(r.body()).contains(ErrorCode.RESPONSE_INVALID.code()).doesNotContain("Nguyễn");
    } finally {
      mitm.stop();
    }
  }

  static Directory withMpsAddress(Directory d, String address) {
    var nodes =
        d.nodes().stream()
            .map(
                n ->
                    n.id().equals(TwoGateways.MPS_NODE)
                        ? new Directory.Node(n.id(), address, n.tlsCertificates())
                        : n)
            .toList();
    return new Directory(
        d.instance(),
        d.serial(),
        d.issuedAt(),
        d.expiresAt(),
        d.members(),
        d.systems(),
        nodes,
        d.services(),
        d.grants(),
        List.of(),
        List.of(),
        List.of());
  }

  /**
   * A man in the middle holding MPS's TLS key (but not its signing key): forwards to the real
   * provider gateway and rewrites the citizen's name in the answer.
   */
  private WebServer tamperingProxy(Credentials stolenTls) {
    HttpClient upstream = asConsumerNode;
    int realPort = net.mps.peerPort();
    Tls tls =
        Tls.builder()
            .sslContext(
                TlsContexts.create(
                    stolenTls,
                    new PinnedTrustManager(
                        () -> Set.of(Certificates.fingerprint(net.tnTls.certificate())))))
            .clientAuth(TlsClientAuth.REQUIRED)
            .endpointIdentificationAlgorithm("NONE")
            .build();
    return WebServer.builder()
        .host("127.0.0.1")
        .port(0)
        .tls(tls)
        .routing(
            HttpRouting.builder()
                .any(
                    (req, res) -> {
                      HttpRequest.Builder fwd =
                          HttpRequest.newBuilder(
                              URI.create("https://127.0.0.1:" + realPort + req.path().rawPath()));
                      for (var h : req.headers()) {
                        String n = h.name().toLowerCase();
                        if (n.startsWith("x-road-") || n.startsWith("x-lgsp-")) {
                          fwd.header(h.name(), h.value());
                        }
                      }
                      HttpResponse<String> real =
                          upstream.send(fwd.GET().build(), HttpResponse.BodyHandlers.ofString());
                      real.headers()
                          .map()
                          .forEach(
                              (k, v) -> {
                                String n = k.toLowerCase();
                                if (n.startsWith("x-road-")
                                    || n.startsWith("x-lgsp-")
                                    || n.equals("content-type")) {
                                  res.header(k, v.get(0));
                                }
                              });
                      res.status(real.statusCode());
                      res.send(real.body().replace("Nguyễn Văn An", "Trần Thị Bình"));
                    }))
        .build()
        .start();
  }
}
