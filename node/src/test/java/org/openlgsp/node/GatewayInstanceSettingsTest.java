package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * {@code gateway.instance} names the process among several instances of one node: its log lines
 * (the {@code instance} field of a JSON line, a {@code [name]} prefix of a text one) and every
 * meter (the {@code instance} label, the JVM's too); without it neither names one. Its operational
 * records: testkit's GatewayInstanceRecordsTest. A name that cannot be a label is refused.
 */
class GatewayInstanceSettingsTest {
  @TempDir Path dir;

  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  final Logger root = Logger.getLogger("");
  final Level projectLevel = Logger.getLogger("org.openlgsp").getLevel();
  StreamHandler handler;
  List<AutoCloseable> running;

  @BeforeEach
  void capture() {
    handler = new StreamHandler(captured, new SimpleFormatter());
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
  }

  @AfterEach
  void release() {
    if (running != null) {
      NodeRoles.closeAll(running);
    }
    root.removeHandler(handler);
    Logger.getLogger("org.openlgsp").setLevel(projectLevel);
    NodeLogging.apply(NodeConfig.Logging.defaults());
  }

  @Test
  void theInstanceNameIsInEveryJsonLogLineAndOnEveryMeter() throws Exception {
    GatewayNode node = start("  instance: gw1-b\nlogging: {format: json, level: FINE}\n");
    send(node, "req-instance-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> text().contains("req-instance-1"));
    ObjectMapper json = new ObjectMapper();
    for (String line : text().split("\\R")) {
      if (!line.isBlank()) {
        assertThat(json.readTree(line).path("instance").asText()).as(line).isEqualTo("gw1-b");
      }
    }
    var meters = node.meters();
    assertThat(meters.get("lgsp.admission.limit").tag("instance", "gw1-b").gauges()).hasSize(2);
    assertThat(meters.get("lgsp.ratelimit.refusals").tag("instance", "gw1-b").meters())
        .isNotEmpty();
    assertThat(meters.get("jvm.threads.live").tag("instance", "gw1-b").gauge()).isNotNull();
  }

  @Test
  void textLinesArePrefixedWithItAndWithoutTheKeyNothingNamesAnInstance() throws Exception {
    GatewayNode named = start("  instance: gw1-c\nlogging: {level: FINE}\n");
    send(named, "req-instance-2");
    await().atMost(Duration.ofSeconds(10)).until(() -> text().contains("answered"));
    // the node formats every handler of the root logger, this test's among them
    assertThat(text()).startsWith("[gw1-c] ").doesNotStartWith("{");
    NodeRoles.closeAll(running);
    running = null;

    GatewayNode unnamed = start("logging: {format: json, level: FINE}\n");
    captured.reset();
    send(unnamed, "req-instance-3");
    await().atMost(Duration.ofSeconds(10)).until(() -> text().contains("req-instance-3"));
    assertThat(text()).doesNotContain("\"instance\"");
    assertThat(unnamed.meters().find("lgsp.admission.limit").gauges())
        .allSatisfy(g -> assertThat(g.getId().getTag("instance")).isNull());
  }

  @Test
  void aNameThatCannotBeALabelIsRefusedNamingTheKey() throws Exception {
    for (String bad : List.of("\"gw 1\"", "\"-gw1\"", "\"" + "a".repeat(64) + "\"", "\"\"")) {
      Path file = GatewayNodeSettingsTest.config(dir, ca, "  instance: " + bad + "\n");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeConfig.read(file))
          .as(bad)
          .isInstanceOf(NodeConfig.ConfigException.class)
          .hasMessageContaining("gateway")
          .hasMessageContaining("instance must be 1 to 63 letters");
    }
  }

  private GatewayNode start(String settings) throws Exception {
    Path file =
        GatewayNodeSettingsTest.config(
            dir, ca, "  clientHttpPort: 0\n  clientTlsPort: 0\n  peerPort: 0\n" + settings);
    running =
        NodeRoles.start(
            NodeConfig.read(file), dir, new PrintStream(java.io.OutputStream.nullOutputStream()));
    return running.stream()
        .filter(GatewayNode.class::isInstance)
        .map(GatewayNode.class::cast)
        .findFirst()
        .orElseThrow();
  }

  /** A call with an unknown token: refused, and the request line logged. */
  private static void send(GatewayNode node, String requestId) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + node.gateway().clientHttpPort().orElseThrow()
                              + "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/1"))
                  .header("Authorization", "Bearer unknown-token")
                  .header("X-Request-Id", requestId)
                  .header("X-Road-Client", "VN/GOV/000.00.00.H53/DVC")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(400);
    }
  }

  private String text() {
    handler.flush();
    return captured.toString(StandardCharsets.UTF_8);
  }
}
