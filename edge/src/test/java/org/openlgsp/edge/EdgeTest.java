package org.openlgsp.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.WebServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.spi.AuditEvent;

/** The edge over real sockets: access, audit, error format and exception mapping. */
class EdgeTest {
  static final String ALICE = "alice-token-0123456789abcdef";
  static final String BOB = "bob-token-0123456789abcdefgh";

  /** A JSON body whose own validation refuses a blank name. */
  record Thing(@JsonProperty("name") String name) {
    Thing {
      if (name == null || name.isBlank()) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "name is required");
      }
    }
  }

  final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  final MutableClock clock = new MutableClock();
  WebServer server;

  static BearerTokens tokens() {
    return BearerTokens.builder(ErrorCode.ADMIN_UNAUTHENTICATED)
        .token("alice", BearerTokens.hash(ALICE), Set.of("admin"))
        .token("bob", BearerTokens.hash(BOB), Set.of("reader"))
        .build();
  }

  static List<Route> routes() {
    return List.of(
        Route.get("/hello")
            .publicAccess("a greeting reveals nothing")
            .audit(Audit.notAudited("public"))
            .handle(c -> c.sendJson(200, Map.of("hello", "world"))),
        Route.post("/things")
            .roles("admin")
            .audited("thing.add")
            .handle(c -> c.sendJson(201, c.json(Thing.class, 1024))),
        Route.get("/things")
            .roles("admin", "reader")
            .audit(Audit.notAudited("listing"))
            .handle(c -> c.sendJson(200, List.of())),
        Route.get("/things/{id}")
            .roles("admin", "reader")
            .audited("thing.read")
            .handle(c -> c.sendJson(200, Map.of("id", c.uuidParameter("id", "thing id")))),
        Route.post("/boom")
            .roles("admin")
            .audited("boom")
            .handle(
                c -> {
                  throw new IllegalStateException("secret in java.lang.String handling");
                }),
        Route.post("/iae")
            .roles("admin")
            .audited("iae")
            .handle(
                c -> {
                  throw new IllegalArgumentException("echo-me-please");
                }));
  }

  void start(Edge.Builder edge) {
    server = edge.build().configure(WebServer.builder().host("127.0.0.1").port(0)).build().start();
  }

  void start() {
    start(standard());
  }

  /** The test's edge: its routes, tokens, audit list, X-Road-Error header and movable clock. */
  Edge.Builder standard() {
    return Edge.builder()
        .routes(routes())
        .authenticator(tokens())
        .auditLog(audit::add)
        .errorWriter(ProblemWriter.withXRoadError())
        .clock(clock);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  HttpResponse<String> call(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<?, ?> assertProblem(HttpResponse<String> r, ErrorCode code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code.httpStatus());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.headers().firstValue("X-Road-Error")).hasValue(code.xroadType());
    Map<?, ?> p = Json.mapper().readValue(r.body(), Map.class);
    assertThat(p.get("code")).isEqualTo(code.code());
    return p;
  }

  @Test
  void missingCredentialsAre401WithTheListenersCode() throws Exception {
    start();
    assertProblem(
        call("POST", "/things", "{\"name\":\"a\"}", null), ErrorCode.ADMIN_UNAUTHENTICATED);
    assertProblem(call("GET", "/things", null, null), ErrorCode.ADMIN_UNAUTHENTICATED);
  }

  @Test
  void aWrongTokenOfTheSameLengthIsRefused() throws Exception {
    start();
    String almost = ALICE.substring(0, ALICE.length() - 1) + "X";
    assertThat(almost).hasSameSizeAs(ALICE).isNotEqualTo(ALICE);
    assertProblem(call("GET", "/things", null, almost), ErrorCode.ADMIN_UNAUTHENTICATED);
    assertThat(call("GET", "/things", null, ALICE).statusCode()).isEqualTo(200);
  }

  @Test
  void aCallerWithoutTheRoleIsForbiddenAndAuditedUnderItsName() throws Exception {
    start();
    assertProblem(call("POST", "/things", "{\"name\":\"a\"}", BOB), ErrorCode.ADMIN_FORBIDDEN);
    assertThat(audit)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo("bob");
              assertThat(e.action()).isEqualTo("thing.add");
              assertThat(e.outcome()).isEqualTo("admin.forbidden");
            });
    assertThat(call("GET", "/things", null, BOB).statusCode()).isEqualTo(200);
  }

  @Test
  void aPublicRouteNeedsNoCredentials() throws Exception {
    start();
    HttpResponse<String> r = call("GET", "/hello", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("world");
    assertThat(audit).isEmpty();
  }

  @Test
  void acceptedAndRefusedRequestsAreAuditedWithTheRealActorAndSource() throws Exception {
    start();
    assertThat(call("POST", "/things?x=1", "{\"name\":\"a\"}", ALICE).statusCode()).isEqualTo(201);
    assertProblem(call("POST", "/things", "{\"name\":\"\"}", ALICE), ErrorCode.REQUEST_MALFORMED);
    call("POST", "/things", "{\"name\":\"a\"}", "wrong");

    assertThat(audit).hasSize(3);
    assertThat(audit.get(0))
        .isEqualTo(
            new AuditEvent(
                "alice", "thing.add", "/things?x=1", "ok", "", "127.0.0.1", clock.instant()));
    assertThat(audit.get(1).actor()).isEqualTo("alice");
    assertThat(audit.get(1).outcome()).isEqualTo("request.malformed");
    assertThat(audit.get(1).detail()).isEqualTo("name is required");
    assertThat(audit.get(2).actor()).isEqualTo("unauthenticated");
    assertThat(audit.get(2).outcome()).isEqualTo("admin.unauthenticated");
    assertThat(audit.toString()).doesNotContain(ALICE).doesNotContain("wrong");
  }

  @Test
  void anUnexpectedExceptionIs500WithAnIncidentIdOnly() throws Exception {
    start();
    HttpResponse<String> r = call("POST", "/boom", null, ALICE);
    Map<?, ?> p = assertProblem(r, ErrorCode.INTERNAL_ERROR);
    assertThat((String) p.get("detail")).matches("internal error, incident [0-9a-f-]{36}");
    assertThat(r.body())
        .doesNotContain("secret")
        .doesNotContain("java.")
        .doesNotContain("Exception");
    assertThat(audit)
        .singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo("internal.error"));
  }

  @Test
  void anIllegalArgumentFromAHandlerIs500WithoutItsMessage() throws Exception {
    start();
    HttpResponse<String> r = call("POST", "/iae", null, ALICE);
    assertProblem(r, ErrorCode.INTERNAL_ERROR);
    assertThat(r.body()).doesNotContain("echo-me").doesNotContain("IllegalArgument");
  }

  @Test
  void malformedJsonIs400NamingTheFieldButNoJavaType() throws Exception {
    start();
    for (String body :
        List.of(
            "{not json",
            "{\"name\": [\"a\"]}",
            "{\"name\": \"a\", \"colour\": \"red\"}",
            "[1, 2]",
            "")) {
      HttpResponse<String> r = call("POST", "/things", body, ALICE);
      Map<?, ?> p = assertProblem(r, ErrorCode.REQUEST_MALFORMED);
      assertThat(r.body())
          .as(body)
          .doesNotContain("java.")
          .doesNotContain("Thing")
          .doesNotContain("EdgeTest")
          .doesNotContain("`");
      assertThat(p.get("detail")).isNotNull();
    }
    assertThat(call("POST", "/things", "{\"name\": [\"a\"]}", ALICE).body()).contains("'name'");
    assertThat(call("POST", "/things", "{\"name\":\"a\",\"colour\":1}", ALICE).body())
        .contains("unknown field 'colour'");
  }

  @Test
  void unknownPathsAre404AndOtherMethodsOnAKnownPath405WithAllow() throws Exception {
    start();
    assertProblem(call("GET", "/nothing", null, ALICE), ErrorCode.RESOURCE_NOT_FOUND);
    HttpResponse<String> r = call("DELETE", "/things", null, ALICE);
    assertProblem(r, ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, POST");
    assertThat(call("PUT", "/things/1", null, ALICE).headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void helidonsOwnRefusalsAreProblemsToo() throws Exception {
    start();
    String host = "Host: 127.0.0.1\r\n";
    for (String request :
        List.of(
            "GET /things/%zz HTTP/1.1\r\n" + host + "\r\n",
            "POST /things HTTP/1.1\r\n" + host + "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}",
            "GET /hello HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(40_000) + "\r\n\r\n",
            "GET /hello HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\n",
            "BLAH\r\n\r\n")) {
      RawAnswer a = raw(request);
      assertThat(a.status()).as(a.toString()).isBetween(400, 499);
      assertThat(a.headers())
          .as(a.toString())
          .containsIgnoringCase("content-type: application/problem+json");
      Map<?, ?> p = Json.mapper().readValue(a.body(), Map.class);
      assertThat(p.get("code")).as(a.toString()).isEqualTo("request.malformed");
      assertThat(p.get("status")).isEqualTo(a.status());
      assertThat(a.body()).doesNotContain("%zz").doesNotContain("aaaa").doesNotContain("abc");
    }
  }

  @Test
  void aRequestAwareWriterSeesThePathAndTheAcceptOfRoutedAndRefusedRequests() throws Exception {
    org.openlgsp.edge.spi.ErrorWriter writer =
        new org.openlgsp.edge.spi.ErrorWriter() {
          @Override
          public org.openlgsp.edge.spi.ErrorResponse render(LgspException failure) {
            return render(failure, "", "");
          }

          @Override
          public org.openlgsp.edge.spi.ErrorResponse render(
              LgspException failure, String path, String accept) {
            return new org.openlgsp.edge.spi.ErrorResponse(
                418,
                Map.of("Content-Type", "text/plain"),
                (path + " " + accept).getBytes(StandardCharsets.UTF_8));
          }
        };
    start(
        Edge.builder()
            .routes(routes())
            .authenticator(tokens())
            .auditLog(audit::add)
            .errorWriter(writer)
            .clock(clock));

    HttpResponse<String> routed =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/nowhere"))
                .header("Accept", "text/xml")
                .header("Accept", "application/json;q=0.5")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(routed.statusCode()).isEqualTo(418);
    assertThat(routed.body()).isEqualTo("/nowhere text/xml,application/json;q=0.5");

    RawAnswer refused =
        raw(
            "POST /things?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/xml\r\n"
                + "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}");
    assertThat(refused.status()).isEqualTo(418);
    assertThat(refused.body()).isEqualTo("/things application/xml");
    // the default of the three-argument variant keeps single-format writers as they were
    assertThat(
            ProblemWriter.withXRoadError()
                .render(new LgspException(ErrorCode.REQUEST_MALFORMED, "x"), "/p", "text/xml")
                .headers())
        .containsEntry("Content-Type", "application/problem+json");
  }

  @Test
  void badlyFramedBodiesAndTheJsonNullAre400NotIncidents() throws Exception {
    start();
    String host = "Host: 127.0.0.1\r\nAuthorization: Bearer " + ALICE + "\r\n";
    for (String request :
        List.of(
            // a chunk size that is not hexadecimal: Helidon's decoder throws NumberFormatException
            "POST /things HTTP/1.1\r\n"
                + host
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            // a transfer coding Helidon does not implement: its default answer is an empty 501
            "POST /things HTTP/1.1\r\n"
                + host
                + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            // JSON null binds to no object at all, so no compact constructor can refuse it
            "POST /things HTTP/1.1\r\n" + host + "Content-Length: 4\r\n\r\nnull")) {
      RawAnswer a = raw(request);
      assertThat(a.status()).as(a.toString()).isEqualTo(400);
      assertThat(a.headers())
          .as(a.toString())
          .containsIgnoringCase("content-type: application/problem+json");
      assertThat(Json.mapper().readValue(a.body(), Map.class).get("code"))
          .as(a.toString())
          .isEqualTo("request.malformed");
      assertThat(a.body())
          .doesNotContain("java")
          .doesNotContain("Exception")
          .doesNotContain("Thing");
    }
  }

  @Test
  void aBodyOverTheListenersLimitIsAProblem() throws Exception {
    Edge edge =
        Edge.builder().routes(routes()).authenticator(tokens()).auditLog(audit::add).build();
    server =
        edge.configure(WebServer.builder().host("127.0.0.1").port(0).maxPayloadSize(16))
            .build()
            .start();
    HttpResponse<String> r =
        call("POST", "/things", "{\"name\":\"" + "x".repeat(100) + "\"}", ALICE);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(Json.mapper().readValue(r.body(), Map.class).get("code"))
        .isEqualTo("request.too_large");
  }

  @Test
  void aStateChangingRouteCannotBeDeclaredWithoutAudit() {
    for (Route.Builder b :
        List.of(Route.post("/x"), Route.put("/x"), Route.patch("/x"), Route.delete("/x"))) {
      Route.Builder declared = b.publicAccess("test").audit(Audit.notAudited("no reason"));
      assertThatThrownBy(() -> declared.handle(c -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("changes state");
    }
    assertThat(
            Route.post("/x")
                .publicAccess("signature is the credential")
                .audit(Audit.recordedElsewhere("recorded in the ledger"))
                .handle(c -> {})
                .changesState())
        .isTrue();
    assertThatThrownBy(
            () ->
                Route.get("/subjects/{id}")
                    .roles("auditor")
                    .personalData()
                    .audit(Audit.notAudited("quiet"))
                    .handle(c -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("personal data");
    assertThatThrownBy(() -> Route.get("/x").handle(c -> {}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anEdgeRefusesRoutesItCannotAuthenticateOrAudit() {
    assertThatThrownBy(() -> Edge.builder().routes(routes()).auditLog(audit::add).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("authenticator");
    assertThatThrownBy(() -> Edge.builder().routes(routes()).authenticator(tokens()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("audit log");
  }

  @Test
  void failedAuthenticationsWriteABoundedNumberOfRows() throws Exception {
    start(
        Edge.builder()
            .routes(routes())
            .authenticator(tokens())
            .auditLog(audit::add)
            .failedAuthenticationsPerMinute(3)
            .clock(clock));
    for (int i = 0; i < 10; i++) {
      assertThat(call("POST", "/things", "{\"name\":\"a\"}", "guess-" + i).statusCode())
          .isEqualTo(401);
    }
    assertThat(audit).hasSize(3);
    clock.advance(Duration.ofSeconds(61));
    assertThat(call("POST", "/things", "{\"name\":\"a\"}", ALICE).statusCode()).isEqualTo(201);
    assertThat(audit).hasSize(5);
    assertThat(audit.get(3).action()).isEqualTo("authentication.failures");
    assertThat(audit.get(3).detail()).startsWith("7 further failed authentications");
    assertThat(audit.get(4).actor()).isEqualTo("alice");
  }

  @Test
  void aSourceGuessingTokensIsThrottledWith429WhileAnotherSourceIsNot() throws Exception {
    start(standard().authenticationLimits(new AuthenticationLimits(5, Duration.ofSeconds(30))));
    for (int i = 0; i < 5; i++) {
      assertThat(call("GET", "/things", null, "guess-" + i).statusCode()).isEqualTo(401);
    }
    int rowsAfterGuesses = audit.size();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = call("POST", "/things", "{\"name\":\"a\"}", "guess-more-" + i);
      assertProblem(r, ErrorCode.AUTHENTICATION_THROTTLED);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("30");
    }
    // the right token from the throttled address waits too; the public route does not
    assertProblem(call("GET", "/things", null, ALICE), ErrorCode.AUTHENTICATION_THROTTLED);
    assertThat(call("GET", "/hello", null, null).statusCode()).isEqualTo(200);
    assertThat(audit).hasSize(rowsAfterGuesses); // throttled calls write nothing

    HttpClient elsewhere =
        HttpClient.newBuilder().localAddress(java.net.InetAddress.getByName("127.0.0.2")).build();
    HttpResponse<String> other =
        elsewhere.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/things"))
                .header("Authorization", "Bearer " + ALICE)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).as(other.body()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(10));
    assertThat(call("GET", "/things", null, ALICE).headers().firstValue("Retry-After"))
        .hasValue("20");
    clock.advance(Duration.ofSeconds(21));
    assertThat(call("GET", "/things", null, ALICE).statusCode()).isEqualTo(200);
  }

  @Test
  void withNoFailuresAllowedPerSourceThereIsNoThrottling() throws Exception {
    start(
        Edge.builder()
            .routes(routes())
            .authenticator(tokens())
            .auditLog(audit::add)
            .authenticationLimits(new AuthenticationLimits(0, Duration.ofMinutes(1))));
    for (int i = 0; i < 30; i++) {
      assertThat(call("GET", "/things", null, "guess-" + i).statusCode()).isEqualTo(401);
    }
    assertThat(call("GET", "/things", null, ALICE).statusCode()).isEqualTo(200);
  }

  @Test
  void aFailingAuditLogDoesNotChangeTheAnswer() throws Exception {
    start(
        Edge.builder()
            .routes(routes())
            .authenticator(tokens())
            .auditLog(
                e -> {
                  throw new IllegalStateException("disk full");
                })
            .errorWriter(ProblemWriter.withXRoadError()));
    assertThat(call("POST", "/things", "{\"name\":\"a\"}", ALICE).statusCode()).isEqualTo(201);
    assertProblem(call("POST", "/things", "{\"name\":\"a\"}", BOB), ErrorCode.ADMIN_FORBIDDEN);
  }

  @Test
  void theDeclaredRoutesCanBeEnumerated() {
    Edge edge =
        Edge.builder().routes(routes()).authenticator(tokens()).auditLog(audit::add).build();
    assertThat(edge.routes())
        .extracting(r -> r.method().text() + " " + r.path())
        .containsExactly(
            "GET /hello",
            "POST /things",
            "GET /things",
            "GET /things/{id}",
            "POST /boom",
            "POST /iae");
    assertThat(edge.routes())
        .filteredOn(Route::changesState)
        .allMatch(r -> r.auditAction().isPresent());
  }

  record RawAnswer(int status, String headers, String body) {}

  /** Sends bytes as they are (no client would send these) and reads the whole answer. */
  RawAnswer raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      assertThat(end).as(text).isPositive();
      String head = text.substring(0, end);
      String body = text.substring(end + 4);
      int status = Integer.parseInt(head.substring(9, 12));
      return new RawAnswer(status, head, body);
    } catch (java.net.SocketException e) {
      throw new AssertionError(
          "connection reset instead of an answer to " + request.lines().findFirst().orElse(""), e);
    }
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
