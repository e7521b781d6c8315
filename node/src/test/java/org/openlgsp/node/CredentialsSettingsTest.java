package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.gateway.CredentialOptions;
import org.openlgsp.pki.CertificateAuthority;

/**
 * Each {@code gateway.credentials} key of node.yaml changes what the running gateway node does, and
 * a local system node.yaml gives no credential is accepted only with that section.
 */
class CredentialsSettingsTest {
  static final String ALICE = "alice-operator-token-0123456789";
  static final String AUDITOR = "auditor-reader-token-0123456789";
  static final String PORTAL = "VN/GOV/000.00.00.H53/DVC";
  static final String TOKENS =
      "tokens: [{name: alice, tokenSha256: "
          + BearerTokens.hash(ALICE)
          + ", role: operator}, {name: auditor, tokenSha256: "
          + BearerTokens.hash(AUDITOR)
          + ", role: reader}]";
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  static final HttpClient http = HttpClient.newHttpClient();

  /** A node serving the portal, with no credential in node.yaml, and {@code credentials}. */
  Path config(String database, String credentials) throws Exception {
    Files.deleteIfExists(dir.resolve("node.yaml"));
    return GatewayNodeSettingsTest.config(
        dir,
        ca,
        "  clientTlsPort: 0\n  clientHttpPort: 0\n  peerPort: 0\n  database: "
            + database
            + "\n  localSystems: [{id: "
            + PORTAL
            + "}]\n"
            + (credentials.isEmpty() ? "" : "  credentials: {" + credentials + "}\n"));
  }

  GatewayNode start(Path file) {
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
  }

  @Test
  void apiPortAndTokensOpenTheApiForTheNamedTokensWhoseNamesTheAuditRecords() throws Exception {
    try (GatewayNode node = start(config("jdbc:sqlite:data/a.db", "rotationOverlap: PT1H"))) {
      assertThat(node.credentialsApiPort()).as("no apiPort: no API").isEmpty();
    }
    try (GatewayNode node = start(config("jdbc:sqlite:data/b.db", "apiPort: 0, " + TOKENS))) {
      assertThat(call(node, "GET", "/systems", "", "wrong").statusCode()).isEqualTo(401);
      HttpResponse<String> listed = call(node, "GET", "/systems", "", AUDITOR);
      assertThat(listed.statusCode()).isEqualTo(200);
      assertThat(listed.body()).contains(PORTAL);
      assertThat(call(node, "POST", "/credentials", create(), AUDITOR).statusCode())
          .as("role: reader may not create")
          .isEqualTo(403);
      HttpResponse<String> created = call(node, "POST", "/credentials", create(), ALICE);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      Map<?, ?> answer = Json.mapper().readValue(created.body(), Map.class);
      assertThat(token(node, (String) answer.get("clientId"), (String) answer.get("clientSecret")))
          .isEqualTo(200);
      assertThat(DatabaseAuditLog.open(node.database()).recent(20))
          .filteredOn(e -> e.action().equals("gateway.credential.create"))
          .extracting(AuditEvent::actor, AuditEvent::outcome)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("auditor", "admin.forbidden"),
              org.assertj.core.groups.Tuple.tuple("alice", "ok"));
    }
  }

  @Test
  void rotationOverlapIsHowLongARotatedSecretStillGetsTokens() throws Exception {
    for (String overlap : new String[] {"", "rotationOverlap: PT2H, "}) {
      try (GatewayNode node =
          start(
              config(
                  "jdbc:sqlite:data/" + overlap.length() + ".db",
                  overlap + "apiPort: 0, " + TOKENS))) {
        Map<?, ?> created =
            Json.mapper()
                .readValue(call(node, "POST", "/credentials", create(), ALICE).body(), Map.class);
        HttpResponse<String> rotated =
            call(node, "POST", "/credentials/" + created.get("clientId") + "/rotate", "", ALICE);
        Map<?, ?> view =
            (Map<?, ?>) Json.mapper().readValue(rotated.body(), Map.class).get("credential");
        assertThat(
                Duration.between(
                    Instant.parse((String) view.get("rotatedAt")),
                    Instant.parse((String) view.get("previousValidUntil"))))
            .isEqualTo(
                overlap.isEmpty()
                    ? CredentialOptions.DEFAULT_ROTATION_OVERLAP
                    : Duration.ofHours(2));
        assertThat(
                token(node, (String) created.get("clientId"), (String) created.get("clientSecret")))
            .as("the old secret, within the overlap")
            .isEqualTo(200);
      }
    }
  }

  @Test
  void credentialsCreatedAtRunTimeOutliveARestart() throws Exception {
    Path file = config("jdbc:sqlite:data/restart.db", "apiPort: 0, " + TOKENS);
    Map<?, ?> created;
    try (GatewayNode node = start(file)) {
      created =
          Json.mapper()
              .readValue(call(node, "POST", "/credentials", create(), ALICE).body(), Map.class);
    }
    try (GatewayNode node = start(file)) {
      assertThat(
              token(node, (String) created.get("clientId"), (String) created.get("clientSecret")))
          .isEqualTo(200);
      assertThat(token(node, (String) created.get("clientId"), "wrong")).isEqualTo(401);
    }
  }

  @Test
  void aSystemWithoutCredentialsNeedsTheSectionAndBadValuesAreRefusedNamingTheKey()
      throws Exception {
    assertThatThrownBy(() -> NodeConfig.read(config("jdbc:sqlite:data/x.db", "")))
        .hasMessageContaining("has no way to authenticate")
        .hasMessageContaining("gateway.credentials");
    assertThatThrownBy(() -> NodeConfig.read(config("jdbc:sqlite:data/x.db", "apiPort: 0")))
        .hasMessageContaining("apiPort needs at least one token");
    assertThatThrownBy(() -> NodeConfig.read(config("jdbc:sqlite:data/x.db", TOKENS)))
        .hasMessageContaining("tokens need apiPort");
    assertThatThrownBy(
            () -> NodeConfig.read(config("jdbc:sqlite:data/x.db", "rotationOverlap: P31D")))
        .hasMessageContaining("rotationOverlap must be from PT0S to P30D");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    config(
                        "jdbc:sqlite:data/x.db",
                        "apiPort: 0, tokens: [{name: a, tokenSha256: "
                            + BearerTokens.hash(ALICE)
                            + ", role: admin}]")))
        .hasMessageContaining("must be reader or operator");
    assertThatThrownBy(() -> NodeConfig.read(config("jdbc:sqlite:data/x.db", "overlap: PT1H")))
        .hasMessageContaining("overlap");
  }

  @Test
  void serveCheckShowsTheSectionWithItsDefaultAndTheTokenHashesRedacted() throws Exception {
    String effective =
        ConfigCheck.effectiveConfiguration(
            config("jdbc:sqlite:data/c.db", "apiPort: 0, " + TOKENS));
    assertThat(effective)
        .contains("credentials:")
        .contains("rotationOverlap: \"PT24H\"")
        .contains("name: \"alice\"")
        .doesNotContain(BearerTokens.hash(ALICE))
        .doesNotContain(BearerTokens.hash(AUDITOR));
  }

  private static String create() {
    return "{\"system\":\"" + PORTAL + "\"}";
  }

  /** What the node's {@code POST /token} answers to these client credentials (its status). */
  static int token(GatewayNode node, String clientId, String secret) throws Exception {
    return org.openlgsp.gateway.TokenRequests.status(
        node.gateway().clientHttpPort().orElseThrow(), clientId, secret);
  }

  private HttpResponse<String> call(
      GatewayNode node, String method, String path, String body, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + node.credentialsApiPort().orElseThrow()
                        + "/credentials/v1"
                        + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
