package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.CertificateAuthority;

/**
 * The logging section: JSON lines with the request id, text by default, never a secret; and {@code
 * gateway.instance} in every line and on every meter (its operational records: testkit's
 * GatewayInstanceRecordsTest).
 */
class NodeLoggingTest {
  private static final String TOKEN = "tok-5f1c9a7e3b2d4c6a8e0f";
  private static final String PIN = "482915";
  private static final String PERSONAL_ID = "079203004567";

  @TempDir Path dir;

  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  final Logger root = Logger.getLogger("");
  final Level projectLevel = Logger.getLogger("org.openlgsp").getLevel();
  StreamHandler handler;

  @BeforeEach
  void capture() {
    handler = new StreamHandler(captured, new SimpleFormatter());
    handler.setLevel(Level.INFO);
    root.addHandler(handler);
  }

  @AfterEach
  void release() {
    root.removeHandler(handler);
    Logger.getLogger("org.openlgsp").setLevel(projectLevel);
    NodeLogging.apply(NodeConfig.Logging.defaults()); // other handlers back to text
  }

  @Test
  void jsonLogsAreOneObjectALineWithTheRequestIdAndNoSecretOrPersonalId() throws Exception {
    int port = start("logging: {format: json, level: FINE}\n");
    send(port, "req-json-1");

    // the request line is written once the answer has left: wait for it
    await().atMost(Duration.ofSeconds(10)).until(() -> text().contains("req-json-1"));
    JsonNode answered =
        lines().stream()
            .filter(l -> l.path("requestId").asText().equals("req-json-1"))
            .filter(l -> l.get("message").asText().contains("answered"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no request line in " + text()));
    assertThat(answered.get("level").asText()).isEqualTo("FINE");
    assertThat(answered.get("logger").asText()).isEqualTo("org.openlgsp.edge.Edge");
    assertThat(answered.get("timestamp").asText()).isNotEmpty();
    assertThat(answered.get("message").asText()).contains("answered 400");
    assertThat(text()).doesNotContain(TOKEN).doesNotContain(PIN).doesNotContain(PERSONAL_ID);
  }

  @Test
  void withoutAFormatTheLinesStayReadableText() throws Exception {
    int port = start("logging: {level: FINE}\n");
    send(port, "req-text-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> text().contains("answered"));
    assertThat(text()).contains("answered 400").doesNotStartWith("{");
    assertThat(text()).doesNotContain(TOKEN).doesNotContain(PIN).doesNotContain(PERSONAL_ID);
  }

  @Test
  void withoutALevelNoRequestLinesAreWritten() throws Exception {
    int port = start("logging: {format: json}\n");
    send(port, "req-quiet-1");
    send(port, "req-quiet-2"); // the first request's line would be written before this answer
    assertThat(text()).doesNotContain("answered").doesNotContain("req-quiet-1");
  }

  @Test
  void withGatewayInstanceEveryJsonLineAndEveryMeterNameIt() throws Exception {
    start("  instance: gw1-b\nlogging: {format: json, level: FINE}\n");
    send(port(), "req-instance-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> text().contains("req-instance-1"));
    assertThat(lines()).allSatisfy(l -> assertThat(l.path("instance").asText()).isEqualTo("gw1-b"));
    io.micrometer.core.instrument.MeterRegistry meters = gateway().meters();
    assertThat(meters.get("lgsp.admission.limit").tag("instance", "gw1-b").gauges()).hasSize(2);
    assertThat(meters.get("lgsp.ratelimit.refusals").tag("instance", "gw1-b").meters())
        .isNotEmpty();
    // set before the first meter, so the JVM's carry it too
    assertThat(meters.get("jvm.threads.live").tag("instance", "gw1-b").gauge()).isNotNull();
  }

  @Test
  void withGatewayInstanceTextLinesArePrefixedAndWithoutItNothingNamesAnInstance()
      throws Exception {
    start("  instance: gw1-c\nlogging: {level: FINE}\n");
    send(port(), "req-instance-2");
    await().atMost(Duration.ofSeconds(10)).until(() -> text().contains("answered"));
    assertThat(text()).startsWith("[gw1-c] "); // the node formats every root handler, ours too
    NodeRoles.closeAll(running);

    start("logging: {format: json, level: FINE}\n");
    captured.reset();
    send(port(), "req-instance-3");
    await().atMost(Duration.ofSeconds(10)).until(() -> text().contains("req-instance-3"));
    assertThat(text()).doesNotContain("\"instance\"");
    assertThat(gateway().meters().find("lgsp.admission.limit").gauges())
        .isNotEmpty()
        .allSatisfy(g -> assertThat(g.getId().getTag("instance")).isNull());
  }

  @Test
  void aGatewayInstanceThatCannotBeAMetricsLabelIsRefusedNamingTheKey() throws Exception {
    for (String bad : List.of("\"gw 1\"", "\"-gw1\"", "\"" + "a".repeat(64) + "\"", "\"\"")) {
      Path file = GatewayNodeSettingsTest.config(dir, ca, "  instance: " + bad + "\n");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeConfig.read(file))
          .as(bad)
          .isInstanceOf(NodeConfig.ConfigException.class)
          .hasMessageContaining("gateway")
          .hasMessageContaining("instance must be 1 to 63 letters");
    }
  }

  private GatewayNode gateway() {
    return running.stream()
        .filter(GatewayNode.class::isInstance)
        .map(GatewayNode.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private int port() {
    return gateway().gateway().clientHttpPort().orElseThrow();
  }

  private List<AutoCloseable> running;

  @AfterEach
  void stop() {
    if (running != null) {
      NodeRoles.closeAll(running);
    }
  }

  /** Starts a gateway node with a client HTTP listener; returns that listener's port. */
  private int start(String logging) throws Exception {
    handler.setLevel(Level.ALL);
    Path file =
        GatewayNodeSettingsTest.config(
            dir, ca, "  clientHttpPort: 0\n  clientTlsPort: 0\n  peerPort: 0\n" + logging);
    running =
        NodeRoles.start(
            NodeConfig.read(file), dir, new PrintStream(java.io.OutputStream.nullOutputStream()));
    return running.stream()
        .filter(GatewayNode.class::isInstance)
        .map(g -> ((GatewayNode) g).gateway().clientHttpPort().orElseThrow())
        .findFirst()
        .orElseThrow();
  }

  /** An exchange carrying a bearer token, a PIN and a personal ID, refused (unknown token). */
  private static void send(int port, String requestId) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + port
                              + "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/"
                              + PERSONAL_ID
                              + "?pin="
                              + PIN))
                  .header("Authorization", "Bearer " + TOKEN)
                  .header("X-Request-Id", requestId)
                  .header("X-Road-Client", "VN/GOV/000.00.00.H53/DVC")
                  .header("X-Road-UserId", PERSONAL_ID)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(400); // X-Road's status for a client's fault
      assertThat(answer.headers().firstValue("X-Request-Id")).hasValue(requestId);
    }
  }

  private String text() {
    handler.flush();
    return captured.toString(StandardCharsets.UTF_8);
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> parsed = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : text().split("\\R")) {
      if (!line.isBlank()) {
        parsed.add(json.readTree(line)); // every line is one JSON object
      }
    }
    return parsed;
  }
}
