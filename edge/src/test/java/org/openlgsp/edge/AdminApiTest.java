package org.openlgsp.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.edge.spi.AuditEvent;

class AdminApiTest {
  static final String READER = "reader-token-0123456789";
  static final String OPERATOR = "operator-token-0123456789";
  static final String HASH = BearerTokens.hash(READER);
  final HttpClient http = HttpClient.newHttpClient();
  final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

  AdminApi start() {
    return AdminApi.builder()
        .routes(
            List.of(
                Route.get("/x/v1/things")
                    .roles("reader")
                    .audit(Audit.notAudited("test data"))
                    .handle(c -> c.sendJson(200, Map.of("things", 0))),
                Route.get("/x/v1/params")
                    .roles("reader")
                    .audit(Audit.notAudited("test data"))
                    .handle(
                        c ->
                            c.sendJson(
                                200, AdminApi.queryParameters(c, Set.of("a", "b")::contains))),
                Route.post("/x/v1/things")
                    .roles("operator")
                    .audited("things.add")
                    .handle(c -> c.sendJson(200, Map.of("added", 1)))))
        .token("x-reader", HASH, Set.of("reader"))
        .token("x-operator", BearerTokens.hash(OPERATOR), Set.of("reader", "operator"))
        .auditLog(audit::add)
        .start("127.0.0.1", 0);
  }

  HttpResponse<String> call(AdminApi api, String method, Optional<String> token) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/x/v1/things"))
            .method(method, HttpRequest.BodyPublishers.noBody());
    token.ifPresent(t -> r.header("Authorization", "Bearer " + t));
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void namedTokensOpenTheirRolesOnlyAndChangesAreAudited() throws Exception {
    try (AdminApi api = start()) {
      assertThat(call(api, "GET", Optional.of(READER)).statusCode()).isEqualTo(200);
      assertThat(call(api, "POST", Optional.of(READER)).statusCode()).isEqualTo(403);
      assertThat(call(api, "POST", Optional.of(OPERATOR)).statusCode()).isEqualTo(200);
      // the refused change is audited too, reads are not
      assertThat(audit)
          .extracting(e -> e.actor() + " " + e.action())
          .containsExactly("x-reader things.add", "x-operator things.add");
    }
  }

  @Test
  void noTokenOrAnUnknownOneIsRefusedAsAnUnauthenticatedAdmin() throws Exception {
    try (AdminApi api = start()) {
      HttpResponse<String> none = call(api, "GET", Optional.empty());
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.body())
          .contains(ErrorCode.ADMIN_UNAUTHENTICATED.code())
          .doesNotContain("Exception");
      assertThat(call(api, "GET", Optional.of("guessed-token")).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void queryParametersAreTakenOnceEachAndUnknownOrRepeatedOnesAreRefused() throws Exception {
    try (AdminApi api = start()) {
      HttpResponse<String> ok = params(api, "a=1&b=x");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("\"a\":\"1\"").contains("\"b\":\"x\"");
      HttpResponse<String> twice = params(api, "a=1&a=2");
      assertThat(twice.statusCode()).isEqualTo(400);
      assertThat(twice.body()).contains("'a' given twice");
      HttpResponse<String> unknown = params(api, "z=1");
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.body()).contains("unknown parameter 'z'");
    }
  }

  HttpResponse<String> params(AdminApi api, String query) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/x/v1/params?" + query))
            .header("Authorization", "Bearer " + READER)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void optionChecksRefuseABadPortAHalfPairABadHashAndAnApiWhileDisabled() {
    assertThatThrownBy(
            () -> AdminApi.checkOptions(true, Optional.of(70_000), Optional.of(HASH), "the API"))
        .hasMessage("apiPort must be from 0 to 65535");
    assertThatThrownBy(
            () -> AdminApi.checkOptions(true, Optional.of(0), Optional.empty(), "the API"))
        .hasMessage("apiPort and apiTokenSha256 go together");
    assertThatThrownBy(
            () ->
                AdminApi.checkOptions(
                    true, Optional.of(0), Optional.of(HASH.toUpperCase()), "the API"))
        .hasMessage("apiTokenSha256 must be 64 lower-case hex digits");
    assertThatThrownBy(
            () -> AdminApi.checkOptions(false, Optional.of(0), Optional.of(HASH), "the query API"))
        .hasMessage("the query API needs enabled: true");
    AdminApi.checkOptions(true, Optional.of(0), Optional.of(HASH), "the API");
    AdminApi.checkOptions(false, Optional.empty(), Optional.empty(), "the API");
  }
}
