package org.openlgsp.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.edge.spi.AuditEvent;

/**
 * {@link Edge.Builder#mount}: another edge's routes under a prefix of one listener (the tenants of
 * docs/federation.md), authenticated and audited by that edge alone.
 */
class EdgeMountTest {
  final List<AuditEvent> outerAudit = new CopyOnWriteArrayList<>();
  final List<AuditEvent> innerAudit = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  WebServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private static Edge edge(String name, String token, List<AuditEvent> audit) {
    return Edge.builder()
        .route(
            Route.get("/who")
                .roles("admin")
                .audited("who")
                .handle(c -> c.sendJson(200, Map.of("edge", name, "caller", c.caller().actor()))))
        .authenticator(
            BearerTokens.builder(ErrorCode.ADMIN_UNAUTHENTICATED)
                .token(name + "-admin", BearerTokens.hash(token), Set.of("admin"))
                .build())
        .auditLog(audit::add)
        .authenticationLimits(new AuthenticationLimits(0, java.time.Duration.ofMinutes(1)))
        .build();
  }

  @Test
  void aMountedEdgeAnswersUnderItsPrefixWithItsOwnTokensAndAuditOnly() throws Exception {
    Edge inner = edge("tenant", "tenant-token-0123456789abcdef", innerAudit);
    Edge.Builder outer =
        Edge.builder()
            .route(
                Route.get("/who")
                    .roles("admin")
                    .audited("who")
                    .handle(c -> c.sendJson(200, Map.of("edge", "outer"))))
            .authenticator(
                BearerTokens.builder(ErrorCode.ADMIN_UNAUTHENTICATED)
                    .token(
                        "outer-admin",
                        BearerTokens.hash("outer-token-0123456789abcd"),
                        Set.of("admin"))
                    .build())
            .auditLog(outerAudit::add)
            .authenticationLimits(new AuthenticationLimits(0, java.time.Duration.ofMinutes(1)))
            .mount("/tenants/t1", inner);
    server = outer.build().configure(WebServer.builder().host("127.0.0.1").port(0)).build().start();

    assertThat(get("/tenants/t1/who", "tenant-token-0123456789abcdef").body())
        .contains("\"edge\":\"tenant\"", "tenant-admin");
    assertThat(get("/who", "outer-token-0123456789abcd").body()).contains("\"edge\":\"outer\"");
    // each edge knows only its own tokens
    assertThat(get("/tenants/t1/who", "outer-token-0123456789abcd").statusCode()).isEqualTo(401);
    assertThat(get("/who", "tenant-token-0123456789abcdef").statusCode()).isEqualTo(401);
    // an unknown path under the prefix is the listener's unknown path
    HttpResponse<String> under = get("/tenants/t1/nothing", "tenant-token-0123456789abcdef");
    HttpResponse<String> elsewhere = get("/nothing", "tenant-token-0123456789abcdef");
    assertThat(under.statusCode()).isEqualTo(elsewhere.statusCode()).isEqualTo(404);
    assertThat(get("/tenants/t2/who", "tenant-token-0123456789abcdef").statusCode()).isEqualTo(404);
    // audit rows land in the edge that served the route
    assertThat(innerAudit)
        .extracting(AuditEvent::actor)
        .contains("tenant-admin")
        .doesNotContain("outer-admin");
    assertThat(outerAudit)
        .extracting(AuditEvent::actor)
        .contains("outer-admin")
        .doesNotContain("tenant-admin");
  }

  @Test
  void aPrefixMustBePlainSegmentsAndMountedOnce() {
    Edge inner = edge("tenant", "tenant-token-0123456789abcdef", innerAudit);
    for (String bad :
        List.of("tenants", "/", "/Tenants/x", "/tenants/../x", "/tenants/{id}", "/a//b")) {
      assertThatThrownBy(() -> Edge.builder().mount(bad, inner))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Edge.builder().mount("/t/a", inner).mount("/t/a", inner))
        .isInstanceOf(IllegalStateException.class);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
