package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.edge.AuthenticationLimits;
import org.openlgsp.edge.Edge;
import org.openlgsp.pki.CertificateAuthority;

/**
 * The {@code authentication} section reaches every listener a node starts: a gateway's {@code POST
 * /token} throttles a source guessing client secrets after {@code failuresPerSource} failures, for
 * {@code window}.
 */
class AuthenticationSettingsTest {
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void backToTheDefaults() {
    Edge.authenticationLimits(AuthenticationLimits.defaults());
  }

  @Test
  void failuresPerSourceIsHowManyWrongSecretsASourceGetsBefore429() throws Exception {
    List<Integer> statuses = guesses("authentication: {failuresPerSource: 3}\n", 5);
    assertThat(statuses).containsExactly(401, 401, 401, 429, 429);
  }

  @Test
  void withoutTheSectionTenWrongSecretsAreAnsweredBefore429() throws Exception {
    List<Integer> statuses = guesses("", 11);
    assertThat(statuses.subList(0, 10)).containsOnly(401);
    assertThat(statuses.get(10)).isEqualTo(429);
  }

  @Test
  void windowIsHowLongAThrottledSourceWaits() throws Exception {
    assertThat(retryAfter("authentication: {failuresPerSource: 1, window: PT7M}\n"))
        .isBetween(419L, 420L);
    assertThat(retryAfter("authentication: {failuresPerSource: 1}\n")).isBetween(59L, 60L);
  }

  private long retryAfter(String section) throws Exception {
    try (Running node = start(section)) {
      tokenRequest(node.port);
      HttpResponse<String> r = tokenRequest(node.port);
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(Json.mapper().readValue(r.body(), Map.class).get("code"))
          .isEqualTo("authentication.throttled");
      return Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
    }
  }

  private List<Integer> guesses(String section, int n) throws Exception {
    try (Running node = start(section)) {
      List<Integer> statuses = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        statuses.add(tokenRequest(node.port).statusCode());
      }
      return statuses;
    }
  }

  private HttpResponse<String> tokenRequest(int port) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/token"))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "grant_type=client_credentials&client_id=portal&client_secret=guess"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private record Running(List<AutoCloseable> roles, int port) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      for (AutoCloseable r : roles.reversed()) {
        r.close();
      }
    }
  }

  private Running start(String topLevel) throws Exception {
    Path sub = java.nio.file.Files.createTempDirectory(dir, "node");
    Path file =
        GatewayNodeSettingsTest.config(
            sub, ca, "  clientTlsPort: 0\n  clientHttpPort: 0\n  peerPort: 0\n" + topLevel);
    List<AutoCloseable> roles =
        NodeRoles.start(
            NodeConfig.read(file), sub, new PrintStream(PrintStream.nullOutputStream()));
    GatewayNode gateway =
        roles.stream()
            .filter(GatewayNode.class::isInstance)
            .map(GatewayNode.class::cast)
            .findFirst()
            .orElseThrow();
    return new Running(roles, gateway.gateway().clientHttpPort().orElseThrow());
  }
}
