package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Method;
import java.io.ByteArrayOutputStream;
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
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.edge.Access;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.edge.Route;

/**
 * The gateway's listeners as the edge declares them: who may call each route, how each is audited,
 * and that every failure, routed or refused by Helidon before routing, is a problem with {@code
 * X-Road-Error}.
 */
class GatewayRoutesTest {
  static final String CITIZEN = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/079090001234";
  static final Set<String> EXCHANGE_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  @TempDir Path dir;
  TwoGateways net;

  @BeforeEach
  void start() {
    net = new TwoGateways(dir);
  }

  @AfterEach
  void stop() {
    net.close();
  }

  @Test
  void
      clientRoutesNeedALocalSystemExceptTheTokenGrantAndListClientsAndEveryStateChangeIsAccountedFor() {
    List<Route> routes = net.tn.clientRoutes();
    assertThat(routes) // as in X-Road, listClients is open to any caller
        .filteredOn(r -> r.path().equals("/listClients"))
        .singleElement()
        .satisfies(r -> assertThat(r.access()).isInstanceOf(Access.Public.class));
    assertThat(routes)
        .filteredOn(r -> !r.path().equals("/token") && !r.path().equals("/listClients"))
        .isNotEmpty()
        .allSatisfy(
            r -> assertThat(r.access()).isEqualTo(new Access.Roles(Set.of(LocalSystems.ROLE))));
    assertThat(routes)
        .filteredOn(r -> r.path().equals("/token"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method()).isEqualTo(Method.POST);
              assertThat(r.access()).isInstanceOf(Access.Public.class);
              assertThat(r.audit()).isEqualTo(Audit.action("token.issue"));
            });
    assertThat(routes)
        .filteredOn(r -> r.path().equals("/r*"))
        .allSatisfy(r -> assertThat(r.audit()).isInstanceOf(Audit.RecordedElsewhere.class))
        .extracting(r -> r.method().text())
        .containsExactlyInAnyOrderElementsOf(EXCHANGE_METHODS);
    assertThat(routes)
        .filteredOn(Route::changesState)
        .allSatisfy(
            r ->
                assertThat(r.audit())
                    .isInstanceOfAny(Audit.Action.class, Audit.RecordedElsewhere.class));
  }

  @Test
  void peerRoutesArePublicToTheEdgeBehindPinnedMutualTlsAndRecordedInTheLedger() {
    assertThat(net.mps.peerRoutes())
        .allSatisfy(
            r -> {
              assertThat(r.path()).isEqualTo("/r1/*");
              assertThat(r.access()).isInstanceOf(Access.Public.class);
              assertThat(((Access.Public) r.access()).reason()).contains("mutual TLS");
              assertThat(r.audit()).isInstanceOf(Audit.RecordedElsewhere.class);
            })
        .extracting(r -> r.method().text())
        .containsExactlyInAnyOrderElementsOf(EXCHANGE_METHODS);
  }

  @Test
  void helidonsOwnRefusalsOnTheClientListenerAreXRoadProblems() throws Exception {
    int port = net.tn.clientHttpPort().orElseThrow();
    String host = "Host: 127.0.0.1\r\n";
    for (String request :
        List.of(
            "GET /r1/VN/GOV/%zz HTTP/1.1\r\n" + host + "\r\n",
            "POST /token HTTP/1.1\r\n" + host + "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}",
            "POST /token HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\n")) {
      RawAnswer a = raw(port, request);
      assertThat(a.status()).as(a.toString()).isEqualTo(400);
      boolean token = request.contains("/token");
      assertThat(a.head())
          .as(a.toString())
          .containsIgnoringCase(
              token
                  ? "content-type: application/problem+json"
                  : "content-type: application/json; charset=utf-8")
          .containsIgnoringCase("x-road-error: " + ErrorCode.REQUEST_MALFORMED.xroadType());
      Map<?, ?> p = Json.mapper().readValue(a.body(), Map.class);
      assertThat(p.get("code")).as(a.toString()).isEqualTo("request.malformed");
      assertThat(a.body()).doesNotContain("%zz").doesNotContain("abc");
    }
  }

  /**
   * A raw client asking {@code Connection: close} that waits for the server's close (without
   * closing its own side) gets it right after the answer, not at its own socket timeout.
   */
  @Test
  void connectionCloseOnTheR1ListenerClosesRightAfterTheAnswer() throws Exception {
    int port = net.tn.clientHttpPort().orElseThrow();
    String token = net.token();
    for (String auth : List.of("", "Authorization: Bearer " + token + "\r\n")) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream()
            .write(
                ("GET "
                        + CITIZEN
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + auth
                        + "X-Road-Client: "
                        + TwoGateways.PORTAL
                        + "\r\nX-Road-Issue: HS-2026-000123\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        long t0 = System.nanoTime();
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(answer).as(answer).startsWith(auth.isEmpty() ? "HTTP/1.1 4" : "HTTP/1.1 200 ");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
      }
    }
  }

  @Test
  void unknownPathsAre404AndOtherMethods405InTheGatewaysFormat() throws Exception {
    String token = net.token();
    assertProblem(
        send("GET", net.clientHttp() + "/nothing-here", token), 404, "resource.not_found");
    HttpResponse<String> getToken = send("GET", net.clientHttp() + "/token", token);
    assertProblem(getToken, 405, "request.method_not_allowed");
    assertThat(getToken.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> deleteClients = send("DELETE", net.clientHttp() + "/listClients", token);
    assertProblem(deleteClients, 405, "request.method_not_allowed");
    assertThat(deleteClients.headers().firstValue("Allow")).hasValue("GET");

    HttpResponse<String> peerUnknown =
        net.asTayNinhNode()
            .send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + net.mps.peerPort() + "/x"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertProblem(peerUnknown, 404, "resource.not_found");
  }

  @Test
  void anUnexpectedFailureInAHandlerIs500InternalErrorWithoutATypeName() throws Exception {
    String token = net.token();
    // A directory entry no code path expects: the provider's node address is not a URI at all.
    net.publish(
        ProviderProtocolTest.withMpsAddress(
            net.directory(net.mpsTls.certificate()), "https://127.0.0.1 x:1"));

    HttpResponse<String> r = get(CITIZEN, token);

    assertProblem(r, 500, "internal.error");
    assertThat(r.body()).contains("incident").doesNotContain("Exception").doesNotContain("java.");
  }

  @Test
  void tokenGrantsAreAuditedUnderTheSystemAndFailedAttemptsAreBounded() throws Exception {
    net.token();
    // from three addresses, as each is throttled after 10 failures (a 429 writes no row)
    for (int i = 0; i < 23; i++) {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .localAddress(java.net.InetAddress.getByName("127.0.0." + (2 + i / 10)))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(net.clientHttp() + "/token"))
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "grant_type=client_credentials&client_id=portal&client_secret=guess-"
                                  + i))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertProblem(r, 401, "token.invalid");
    }
    assertProblem(
        HttpClient.newBuilder()
            .localAddress(java.net.InetAddress.getByName("127.0.0.2"))
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(net.clientHttp() + "/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build(),
                HttpResponse.BodyHandlers.ofString()),
        429,
        "authentication.throttled");
    net.clock.advance(Duration.ofSeconds(61));
    net.token();

    List<String> rows =
        DatabaseAuditLog.open(net.tnDb).recent(100).stream()
            .map(e -> String.join(" ", e.actor(), e.action(), e.target(), e.outcome(), e.detail()))
            .toList();
    String issued = "anonymous token.issue " + TwoGateways.PORTAL + " ok ";
    assertThat(rows.get(0)).isEqualTo(issued);
    assertThat(rows.get(1))
        .startsWith("unauthenticated authentication.failures  suppressed 3 further");
    assertThat(rows.subList(2, 22))
        .containsOnly(
            "unauthenticated token.issue /token token.invalid unknown client id or wrong secret");
    assertThat(rows.get(22)).isEqualTo(issued);
    assertThat(rows).hasSize(23);
    assertThat(String.join("\n", rows))
        .doesNotContain("guess")
        .doesNotContain(TwoGateways.PORTAL_SECRET);
  }

  @Test
  void theLedgerKeepsTheRefusalsItKeptBeforeAndNoneThatWereNotIdentified() throws Exception {
    String token = net.token();
    long before = net.tnLedger.size();
    assertProblem(get(CITIZEN, null), 401, "client.unauthenticated");
    assertProblem(get(CITIZEN, "forged"), 401, "token.invalid");
    assertThat(net.tnLedger.size()).isEqualTo(before);

    HttpResponse<String> denied =
        get("/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/households/1", token);
    assertProblem(denied, 403, "access.denied");
    assertThat(net.tnLedger.size()).isEqualTo(before + 1);
    assertThat(net.tnLedger.get(before).orElseThrow().record().errorCode())
        .isEqualTo("access.denied");
    assertThat(DatabaseAuditLog.open(net.tnDb).recent(100))
        .allSatisfy(e -> assertThat(e.action()).isEqualTo("token.issue"));
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(net.clientHttp() + path))
            .header("Accept", "application/problem+json") // OpenLGSP statuses and codes
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "HS-2026-000123");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return net.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(String method, String url, String tokenOrForm)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Accept", "application/problem+json"); // OpenLGSP statuses and codes
    if (method.equals("POST")) {
      b.header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(tokenOrForm));
    } else {
      b.header("Authorization", "Bearer " + tokenOrForm)
          .method(method, HttpRequest.BodyPublishers.noBody());
    }
    return net.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertProblem(HttpResponse<String> r, int status, String code)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    ErrorCode expected = ErrorCode.fromCode(code).orElseThrow();
    assertThat(r.headers().firstValue("X-Road-Error")).hasValue(expected.xroadType());
    assertThat(Json.mapper().readValue(r.body(), Map.class).get("code")).isEqualTo(code);
  }

  record RawAnswer(int status, String head, String body) {}

  private static RawAnswer raw(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      s.shutdownOutput();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      s.getInputStream().transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      assertThat(end).as(text).isPositive();
      return new RawAnswer(
          Integer.parseInt(text.substring(9, 12)), text.substring(0, end), text.substring(end + 4));
    }
  }
}
