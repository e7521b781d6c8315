package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;

/** The management listener of node.yaml: liveness and readiness over real sockets. */
class ManagementListenerTest {
  /** The gateway's listeners on free ports: the defaults (8443...) may be taken on the machine. */
  static final String FREE_PORTS = "  clientTlsPort: 0\n  peerPort: 0\n";

  @TempDir Path dir;

  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());

  @Test
  void aGatewayWhoseRegistryIsUnreachableIsLiveButNotReadyNamingTheDirectoryCheck()
      throws Exception {
    Path file = GatewayNodeSettingsTest.config(dir, ca, FREE_PORTS + "management: {port: 0}\n");
    try (Node node = start(file)) {
      int port = node.managementPort();
      assertThat(get("127.0.0.1", port, "/health/live").statusCode()).isEqualTo(200);

      JsonNode body = ready("127.0.0.1", port, 503);
      assertThat(body.get("status").asText()).isEqualTo("not ready");
      assertThat(body.get("failing"))
          .extracting(JsonNode::asText)
          .containsExactly("gateway.directory");
      assertThat(check(body, "gateway.directory").get("detail").asText())
          .contains("no valid signed directory");
      for (String ok : List.of("gateway.database", "gateway.keys", "gateway.ledger")) {
        assertThat(check(body, ok).get("ok").asBoolean()).as(ok).isTrue();
      }
      assertThat(names(body)).doesNotContain("gateway.ocsp"); // no revocation configured
    }
  }

  @Test
  void aRegistryWhoseDatabaseIsClosedIsNotReadyNamingTheDatabaseCheck() throws Exception {
    Path file = registryConfig("management: {host: 127.0.0.2, port: 0}\n");
    try (Node node = start(file)) {
      int port = node.managementPort();
      JsonNode body = ready("127.0.0.2", port, 200);
      assertThat(body.get("status").asText()).isEqualTo("ready");
      assertThat(names(body)).containsExactly("registry.database", "registry.signing");
      assertThat(GatewayNodeSettingsTest.accepts("127.0.0.1", port))
          .as("bound to the configured host only")
          .isFalse();

      node.roles().stream()
          .filter(RegistryNode.class::isInstance)
          .map(r -> ((RegistryNode) r).database())
          .forEach(org.openlgsp.storage.Database::close);

      body = ready("127.0.0.2", port, 503);
      assertThat(body.get("failing"))
          .extracting(JsonNode::asText)
          .containsExactly("registry.database");
      assertThat(get("127.0.0.2", port, "/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withRevocationConfiguredAGatewayWithoutAFreshOcspAnswerIsNotReadyNamingTheOcspCheck()
      throws Exception {
    // the test CA's certificates name no OCSP responder: no answer can be had
    Path file =
        GatewayNodeSettingsTest.config(
            dir,
            ca,
            FREE_PORTS
                + "  revocation: {issuers: [registry.pem], timeout: PT1S}\nmanagement: {port: 0}\n");
    try (Node node = start(file)) {
      JsonNode body = ready("127.0.0.1", node.managementPort(), 503);
      assertThat(body.get("failing"))
          .extracting(JsonNode::asText)
          .containsExactly("gateway.directory", "gateway.ocsp");
      assertThat(check(body, "gateway.ocsp").get("detail").asText())
          .contains("no fresh OCSP answer for the node's TLS certificate");
    }
  }

  @Test
  void aDocumentAxisIsReadyUntilItsDatabaseCloses() throws Exception {
    Path file = dir.resolve("axis.yaml");
    Files.writeString(file, "instance: VN\n" + axisSection(dir, ca));
    try (Node node = start(file)) {
      int port = node.managementPort();
      assertThat(names(ready("127.0.0.1", port, 200))).containsExactly("documents.database");
      node.roles().stream()
          .filter(DocumentsNode.class::isInstance)
          .map(d -> ((DocumentsNode) d).database())
          .forEach(org.openlgsp.storage.Database::close);
      assertThat(ready("127.0.0.1", port, 503).get("failing"))
          .extracting(JsonNode::asText)
          .containsExactly("documents.database");
    }
  }

  @Test
  void theManagementListenerAnswersThroughTheEdge() throws Exception {
    Path file = registryConfig("management: {port: 0}\n");
    try (Node node = start(file)) {
      int port = node.managementPort();
      HttpResponse<String> unknown = get("127.0.0.1", port, "/health/other");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
  }

  @Test
  void aRegistryNodeServesItsDirectorySigningCertificatesRemainingValidityOnMetrics()
      throws Exception {
    Path file = registryConfig("management: {port: 0}\n");
    try (Node node = start(file)) {
      HttpResponse<String> metrics = get("127.0.0.1", node.managementPort(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "(?m)^lgsp_certificate_expiry_seconds\\{holder=\"VN\",role=\"registry_signing\"\\}"
                      + " (\\S+)$")
              .matcher(metrics.body());
      assertThat(m.find()).as(metrics.body()).isTrue();
      // issued for an hour by registryConfig
      assertThat(Double.parseDouble(m.group(1))).isBetween(3000.0, 3600.0);
      assertThat(metrics.body()).doesNotContain("lgsp_ledger_").doesNotContain("lgsp_admission_");
    }
  }

  @Test
  void withoutAManagementSectionNoManagementListenerRuns() throws Exception {
    Path file = registryConfig("");
    try (Node node = start(file)) {
      assertThat(node.roles()).noneMatch(ManagementServer.class::isInstance);
    }
  }

  /** A document axis on free ports trusting {@code ca}, with a management listener. */
  static String axisSection(Path dir, CertificateAuthority ca) throws Exception {
    Files.writeString(dir.resolve("signers.pem"), org.openlgsp.pki.Pem.write(ca.certificate()));
    return "documents:\n"
        + "  database: jdbc:sqlite:data/axis.db\n"
        + "  port: 0\n"
        + "  relayPort: 0\n"
        + "  trustAnchors: [signers.pem]\n"
        + "  agencies:\n"
        + "    - {code: 000.00.00.H41, tokenSha256: "
        + "a".repeat(64)
        + "}\n"
        + "management: {port: 0}\n";
  }

  private Path registryConfig(String extra) throws Exception {
    return registryConfig(dir, ca, extra);
  }

  /**
   * A registry-only node.yaml in {@code dir} with its signing key issued by {@code ca}; {@code
   * extra} is appended (indented lines continue the registry section).
   */
  static Path registryConfig(Path dir, CertificateAuthority ca, String extra) throws Exception {
    GatewayNodeSettingsTest.write(
        dir,
        "registry-signing",
        ca.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING,
            "registry",
            "Test",
            List.of(),
            Duration.ofHours(1)));
    Path file = dir.resolve("registry.yaml");
    Files.writeString(
        file,
        "instance: VN\n"
            + "registry:\n"
            + "  port: 0\n"
            + "  database: jdbc:sqlite:data/registry.db\n"
            + "  adminTokenSha256: "
            + Digests.hex(Digests.sha256("admin".getBytes()))
            + "\n"
            + "  signing: {certificate: registry-signing.pem, key: registry-signing.key}\n"
            + extra);
    return file;
  }

  /** A node started from a file; closing it stops its roles. */
  record Node(List<AutoCloseable> roles) implements AutoCloseable {
    int managementPort() {
      return roles.stream()
          .filter(ManagementServer.class::isInstance)
          .map(m -> ((ManagementServer) m).port())
          .findFirst()
          .orElseThrow();
    }

    @Override
    public void close() {
      NodeRoles.closeAll(roles);
    }
  }

  private Node start(Path file) {
    return start(file, dir);
  }

  /** The node {@code file} configures, started with {@code dir} as its base, its output dropped. */
  static Node start(Path file, Path dir) {
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    return new Node(NodeRoles.start(NodeConfig.read(file), dir, quiet));
  }

  private static JsonNode check(JsonNode body, String name) {
    for (JsonNode c : body.get("checks")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no check " + name + " in " + body);
  }

  private static List<String> names(JsonNode body) {
    List<String> names = new ArrayList<>();
    body.get("checks").forEach(c -> names.add(c.get("name").asText()));
    return names;
  }

  private static JsonNode ready(String host, int port, int status) throws Exception {
    HttpResponse<String> answer = get(host, port, "/health/ready");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    return new ObjectMapper().readTree(answer.body());
  }

  private static HttpResponse<String> get(String host, int port, String path) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
