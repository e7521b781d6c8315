package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.PathPattern;
import org.w3c.dom.Document;

/**
 * Drives the r1 API of two real gateways as an X-Road REST client would, checking what X-Road's
 * Message Protocol for REST (PR-REST 1.0, nordic-institute/X-Road
 * doc/Protocols/pr-rest_x-road_message_protocol_for_rest.md) promises: section numbers below are
 * that document's. The backend mirrors what reached it (method, raw path and query, headers).
 */
class XRoadClientConformanceTest {
  static final String SERVICE = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens";
  static final String MPS_SERVER = "VN/GOV/000.00.00.G01/gw1";
  @TempDir Path dir;
  TwoGateways net;
  String token;

  @BeforeEach
  void start() throws Exception {
    net = new TwoGateways(dir);
    net.grants.add(
        new Directory.Grant(
            TwoGateways.PORTAL,
            TwoGateways.CITIZENS,
            List.of(), // every method, HEAD included
            List.of(PathPattern.parse("/mirror/**"))));
    net.republish();
    token = net.token();
  }

  @AfterEach
  void stop() {
    net.close();
  }

  HttpResponse<String> call(String method, String pathAndQuery, String... headers)
      throws Exception {
    return call(net.http, true, method, pathAndQuery, headers);
  }

  HttpResponse<String> call(
      HttpClient client, boolean bearer, String method, String pathAndQuery, String... headers)
      throws Exception {
    String base = client == net.http ? net.clientHttp() : net.clientTls();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "HS-2026-000123");
    if (bearer) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What the backend saw, from the mirror's answer. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> seen(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Mirror")).hasValue("seen");
    return Json.mapper().readValue(r.body(), Map.class);
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> seenHeaders(HttpResponse<String> r) throws Exception {
    return (Map<String, String>) seen(r).get("headers");
  }

  /** 4.6: an X-Road error, JSON by default, 400 for a client's fault and 500 for any other. */
  static Map<?, ?> assertXRoadJsonError(HttpResponse<String> r, ErrorCode code) throws Exception {
    GatewayExchangeTest.assertProblem(r, code); // status, content type, type, code
    Map<?, ?> body = Json.mapper().readValue(r.body(), Map.class);
    assertThat((String) body.get("message")).isNotBlank();
    assertThat((String) body.get("detail")).isNotBlank();
    assertThat(r.body()).doesNotContain("java.");
    return body;
  }

  @Test
  void gatewayErrorsAreXRoadJsonWithTypeMessageDetailAndTheStableCode() throws Exception {
    // 4.6 category 4 (an error on the Security Server): 500 and the X-Road-Error header
    HttpResponse<String> unknown = call("GET", "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/nothing/x");
    Map<?, ?> body = assertXRoadJsonError(unknown, ErrorCode.SERVICE_UNKNOWN);
    // the detail is the id the request's log lines carry (4.6, example 5: tracking the error)
    assertThat(body.get("detail")).isEqualTo(unknown.headers().firstValue("X-Request-Id").get());

    // 4.6 category 3 (a request not complying with the protocol): 400
    HttpResponse<String> noClient =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + SERVICE + "/mirror/a"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertXRoadJsonError(noClient, ErrorCode.HEADER_MISSING);

    // a refusal by an unauthenticated caller is a client error too
    assertXRoadJsonError(
        call(net.http, false, "GET", SERVICE + "/mirror/a"), ErrorCode.CLIENT_UNAUTHENTICATED);
  }

  @Test
  void xmlErrorsWhenTheClientAcceptsXmlInTheMediaTypeItPrefers() throws Exception {
    for (var accept :
        Map.of(
                "application/xml", "application/xml",
                "text/xml", "text/xml",
                "text/*", "text/xml",
                "application/json;q=0.5, application/xml", "application/xml")
            .entrySet()) {
      HttpResponse<String> r =
          call("GET", "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/nothing/x", "Accept", accept.getKey());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
      assertThat(r.headers().firstValue("Content-Type"))
          .as(accept.getKey())
          .hasValue(accept.getValue() + "; charset=utf-8");
      assertThat(r.headers().firstValue("X-Road-Error"))
          .hasValue(ErrorCode.SERVICE_UNKNOWN.xroadType());
      Document xml = parse(r.body());
      assertThat(xml.getDocumentElement().getNodeName()).isEqualTo("error");
      assertThat(text(xml, "type")).isEqualTo(ErrorCode.SERVICE_UNKNOWN.xroadType());
      assertThat(text(xml, "message")).contains("nothing");
      assertThat(text(xml, "detail")).isEqualTo(r.headers().firstValue("X-Request-Id").get());
      assertThat(text(xml, "code")).isEqualTo(ErrorCode.SERVICE_UNKNOWN.code());
    }
    // JSON preferred over XML by quality: JSON
    assertXRoadJsonError(
        call(
            "GET",
            "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/nothing/x",
            "Accept",
            "application/xml;q=0.2, application/json"),
        ErrorCode.SERVICE_UNKNOWN);
  }

  @Test
  void problemDetailsWithOpenLgspStatusesWhenTheClientAsksForThem() throws Exception {
    HttpResponse<String> r =
        call(
            "GET",
            "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/nothing/x",
            "Accept",
            "application/problem+json");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.headers().firstValue("X-Road-Error"))
        .hasValue(ErrorCode.SERVICE_UNKNOWN.xroadType());
    Map<?, ?> p = Json.mapper().readValue(r.body(), Map.class);
    assertThat(p.get("type")).isEqualTo(ErrorCode.SERVICE_UNKNOWN.typeUri());
    assertThat(p.get("code")).isEqualTo("service.unknown");
    assertThat(p.get("status")).isEqualTo(404);
  }

  @Test
  void theTokenEndpointIsOpenLgspsOwnAndKeepsProblemDetails() throws Exception {
    HttpResponse<String> r =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/xml")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id=portal&client_secret=wrong"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void refusalsTheProviderGatewaySignedReachTheClientInItsFormat() throws Exception {
    net.backend.stop(); // the provider gateway cannot reach its backend: 4.6 category 2

    HttpResponse<String> json = call("GET", SERVICE + "/mirror/a");
    assertXRoadJsonError(json, ErrorCode.BACKEND_UNREACHABLE);
    assertThat(json.headers().firstValue("X-Road-Request-Hash")).isPresent();
    // both ledgers hold the refusal under its code (the consumer's read from the signed problem)
    String messageId = json.headers().firstValue("X-Road-Id").orElseThrow();
    assertThat(net.tnLedger.byMessageId(messageId))
        .singleElement()
        .satisfies(e -> assertThat(e.record().errorCode()).isEqualTo("backend.unreachable"));
    assertThat(net.mpsLedger.byMessageId(messageId))
        .singleElement()
        .satisfies(e -> assertThat(e.record().errorCode()).isEqualTo("backend.unreachable"));

    HttpResponse<String> xml = call("GET", SERVICE + "/mirror/a", "Accept", "text/xml");
    assertThat(xml.statusCode()).isEqualTo(500);
    assertThat(text(parse(xml.body()), "type")).isEqualTo("Server.ServerProxy.ServiceFailed");

    HttpResponse<String> problem =
        call("GET", SERVICE + "/mirror/a", "Accept", "application/problem+json");
    assertThat(problem.statusCode()).isEqualTo(502);
    assertThat(Json.mapper().readValue(problem.body(), Map.class).get("code"))
        .isEqualTo("backend.unreachable");
  }

  @Test
  void helidonsOwnRefusalsBeforeRoutingAreXRoadErrorsInTheAcceptedFormat() throws Exception {
    int port = net.tn.clientHttpPort().orElseThrow();
    String json = raw(port, "GET /r1/VN/GOV/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(json).startsWith("HTTP/1.1 400");
    assertThat(json.toLowerCase())
        .contains("content-type: application/json; charset=utf-8")
        .contains("x-road-error: client.badrequest")
        .contains("\"type\":\"client.badrequest\"")
        .doesNotContain("%zz");
    // once the header section is read, the refusal follows the client's Accept
    String xml =
        raw(
            port,
            "POST "
                + SERVICE
                + "/mirror/a HTTP/1.1\r\nHost: x\r\nAccept: application/xml\r\n"
                + "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}");
    assertThat(xml).startsWith("HTTP/1.1 400").contains("<type>Client.BadRequest</type>");
  }

  @Test
  void headPassesThroughToTheBackendAndAnswersHeadersOnly() throws Exception {
    long started = System.nanoTime();
    HttpResponse<String> head = call("HEAD", SERVICE + "/mirror/h");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("X-Mirror")).hasValue("seen");
    assertThat(head.headers().firstValue("X-Road-Request-Hash")).isPresent();
    String messageId = head.headers().firstValue("X-Road-Id").orElseThrow();
    assertThat(net.tnLedger.byMessageId(messageId))
        .singleElement()
        .satisfies(e -> assertThat(e.record().method()).isEqualTo("HEAD"));

    // a backend answering HEAD as HTTP says: the Content-Length of the GET answer, and no body
    started = System.nanoTime();
    HttpResponse<String> asHttpSays = call("HEAD", SERVICE + "/mirror/head-as-http-says");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(asHttpSays.statusCode()).isEqualTo(200);
    assertThat(asHttpSays.headers().firstValue("X-Mirror")).hasValue("seen");

    // headers only, also on the wire: the next request on the same connection is answered
    String both =
        raw(
            net.tn.clientHttpPort().orElseThrow(),
            request("HEAD", SERVICE + "/mirror/h", "")
                + request("GET", SERVICE + "/mirror/g", "Connection: close\r\n"));
    assertThat(both.split("HTTP/1.1 200", -1)).hasSize(3);
    assertThat(both).contains("\"path\":\"/api/mirror/g\"").doesNotContain("/api/mirror/h");
  }

  @Test
  void pathsAndQueriesReachTheBackendUnmodified() throws Exception {
    // 4.5: "The query parameters MUST be passed unmodified"; 4.1/4.2: the service path as sent
    String longQuery = "q=" + "a".repeat(1000) + "&b=%2F+x&flag&%C3%A9=1";
    for (var target :
        List.of(
            new String[] {"/mirror/c;v=1/d", "", "/api/mirror/c;v=1/d", ""},
            new String[] {"/mirror/x", "/../../x", "/api/mirror/x", "/../../x"},
            // an encoded '/' is refused unless the service allows raw paths (GrantPathTest)
            new String[] {
              "/mirror/a%20b%C3%A9", longQuery, "/api/mirror/a%20b%C3%A9", longQuery
            })) {
      String pathAndQuery = SERVICE + target[0] + (target[1].isEmpty() ? "" : "?" + target[1]);
      Map<String, Object> seen = seen(call("GET", pathAndQuery));
      assertThat(seen.get("path")).as(pathAndQuery).isEqualTo(target[2]);
      assertThat(seen.get("query")).as(pathAndQuery).isEqualTo(target[3]);
    }
  }

  @Test
  void xRoadHeaderValuesMustBeAsciiAndPercentEncodedValuesPassAsSent() throws Exception {
    String raw =
        raw(
            net.tn.clientHttpPort().orElseThrow(),
            "GET "
                + SERVICE
                + "/mirror/u HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + token
                + "\r\nX-Road-Client: "
                + TwoGateways.PORTAL
                + "\r\nX-Road-Issue: HS-1\r\nX-Road-UserId: \u00e9\r\nConnection: close\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 400").contains("\"code\":\"request.malformed\"");

    Map<String, String> seen =
        seenHeaders(call("GET", SERVICE + "/mirror/u", "X-Road-UserId", "VN%C3%A9"));
    assertThat(seen).containsEntry("x-road-userid", "VN%C3%A9");
  }

  @Test
  void securityServerHeaderMustNameTheGatewayServingTheService() throws Exception {
    // 4.3: "To send the request to a specific Security Server this header needs to be included"
    assertThat(seen(call("GET", SERVICE + "/mirror/s", "X-Road-Security-Server", MPS_SERVER)))
        .containsEntry("path", "/api/mirror/s");

    assertXRoadJsonError(
        call("GET", SERVICE + "/mirror/s", "X-Road-Security-Server", "VN/GOV/000.00.00.G01/gw9"),
        ErrorCode.SECURITY_SERVER_INVALID);
    assertXRoadJsonError(
        call(
            "GET",
            SERVICE + "/mirror/s",
            "X-Road-Security-Server",
            TwoGateways.TN_NODE.toString()), // known, but it does not serve the service
        ErrorCode.SECURITY_SERVER_INVALID);
    for (String malformed : List.of("VN/GOV/000.00.00.G01", "VN/GOV/000.00.00.G01/gw1/x", "//")) {
      assertXRoadJsonError(
          call("GET", SERVICE + "/mirror/s", "X-Road-Security-Server", malformed),
          ErrorCode.REQUEST_MALFORMED);
    }
  }

  @Test
  void representedPartyIsValidatedAndReachesTheBackend() throws Exception {
    // 4.3: [member class]/[member code], the class optional
    for (String party : List.of("GOV/000.00.00.G01", "079090001234", "COM/a%2Fb")) {
      assertThat(seenHeaders(call("GET", SERVICE + "/mirror/p", "X-Road-Represented-Party", party)))
          .containsEntry("x-road-represented-party", party);
    }
    for (String malformed : List.of("VN/GOV/000.00.00.G01", "GOV/", "/x", "GOV/%zz")) {
      assertXRoadJsonError(
          call("GET", SERVICE + "/mirror/p", "X-Road-Represented-Party", malformed),
          ErrorCode.REQUEST_MALFORMED);
    }
  }

  @Test
  void theCallersOwnAuthorizationReachesTheBackendButNeverTheGatewaysToken() throws Exception {
    // 4.7: "sending JWT tokens in HTTP headers from the service consumer to the service provider
    // is supported - X-Road passes the headers unmodified"
    String jwt = "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJwcm92aWRlciJ9.c2ln";
    Map<String, String> mtls =
        seenHeaders(
            call(net.mtlsClient(), false, "GET", SERVICE + "/mirror/j", "Authorization", jwt));
    assertThat(mtls).containsEntry("authorization", jwt);

    Map<String, String> byToken = seenHeaders(call("GET", SERVICE + "/mirror/j"));
    assertThat(byToken).doesNotContainKey("authorization");
    // nor when a caller with a certificate also sends the gateway's token
    Map<String, String> both =
        seenHeaders(
            call(
                net.mtlsClient(),
                false,
                "GET",
                SERVICE + "/mirror/j",
                "Authorization",
                "Bearer " + token));
    assertThat(both).doesNotContainKey("authorization");
  }

  private static String request(String method, String target, String extra) {
    return method
        + " "
        + target
        + " HTTP/1.1\r\nHost: x\r\nX-Road-Client: "
        + TwoGateways.PORTAL
        + "\r\nX-Road-Issue: HS-1\r\n"
        + extra
        + "\r\n";
  }

  /** Sends raw requests on one connection and reads one answer per request line. */
  private String raw(int port, String requests) throws Exception {
    String withAuth =
        requests.replace("Host: x\r\n", "Host: x\r\nAuthorization: Bearer " + token + "\r\n");
    int expected = withAuth.split(" HTTP/1.1\r\n", -1).length - 1;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(withAuth.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[8192];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        all.write(buffer, 0, n);
        if (answers(all.toString(StandardCharsets.ISO_8859_1)) >= expected) {
          break;
        }
      }
      return all.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * How many whole answers (header section and a body of its Content-Length) {@code text} holds.
   */
  private static int answers(String text) {
    int count = 0;
    int at = 0;
    java.util.regex.Pattern length =
        java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");
    while (true) {
      int end = text.indexOf("\r\n\r\n", at);
      if (end < 0) {
        return count;
      }
      java.util.regex.Matcher m = length.matcher(text.substring(at, end));
      int body = m.find() ? Integer.parseInt(m.group(1)) : 0;
      if (text.length() < end + 4 + body) {
        return count;
      }
      count++;
      at = end + 4 + body;
    }
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder()
        .parse(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(Document d, String element) {
    return d.getElementsByTagName(element).item(0).getTextContent();
  }
}
