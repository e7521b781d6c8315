package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;

/**
 * {@code registry.alerts}: a registry node started from a file raises {@code breachNotification}
 * for the breaches of its register whose notification is near its deadline or overdue, and delivers
 * them to the configured webhook; breaches far from their deadline or already notified stay quiet.
 */
class BreachAlertsTest {
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  @Test
  void breachesNearOrPastTheirDeadlineReachTheWebhookAndOthersDoNot() throws Exception {
    Files.writeString(dir.resolve("hook.secret"), "webhook-secret-from-a-file-0123\n");
    List<String> delivered = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        x -> {
          delivered.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    hook.start();
    // The register is filled first by the node without alerts, so no poll can see the notified
    // breach before its notification; then the node restarts on the same database with alerts.
    Instant now = Instant.now();
    String near;
    String overdue;
    String far;
    String notified;
    try (RegistryNode registry = start(ManagementListenerTest.registryConfig(dir, ca, ""))) {
      RegistryClient admin = new RegistryClient("http://127.0.0.1:" + registry.port(), "admin");
      near = record(admin, now.minus(Duration.ofHours(60))); // 12 h left
      overdue = record(admin, now.minus(Duration.ofHours(80))); // 8 h late
      far = record(admin, now.minus(Duration.ofHours(1))); // 71 h left
      notified = record(admin, now.minus(Duration.ofHours(70))); // 2 h left, but notified
      admin.notifyBreach(notified, new AdminRequests.BreachNotification(now, "CV-9", null));
    }
    Path file =
        ManagementListenerTest.registryConfig(
            dir,
            ca,
            "  alerts: {pollInterval: PT0.2S, webhooks: [{url: 'http://127.0.0.1:"
                + hook.getAddress().getPort()
                + "/hook', secretFile: hook.secret}]}\n");
    try (RegistryNode registry = start(file)) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  delivered.stream().anyMatch(b -> b.contains(near + " due"))
                      && delivered.stream().anyMatch(b -> b.contains(overdue + " overdue")));
      // a few more polls: still nothing for the far and the notified breach
      await().pollDelay(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(delivered)
          .noneMatch(b -> b.contains(far))
          .noneMatch(b -> b.contains(notified))
          .allMatch(b -> b.contains("breachNotification"));
      assertThat(delivered)
          .filteredOn(b -> b.contains(overdue))
          .allSatisfy(b -> assertThat(b).contains("CRITICAL"));
    } finally {
      hook.stop(0);
    }
  }

  private RegistryNode start(Path file) throws Exception {
    return RegistryNode.start(
        "VN",
        NodeConfig.read(file).registry().orElseThrow(),
        dir,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private static String record(RegistryClient admin, Instant detectedAt) {
    return admin
        .recordBreach(
            new AdminRequests.BreachRecord(
                detectedAt, "DPO", "Lộ dữ liệu", List.of("họ tên"), 3L, List.of(), "", ""))
        .id();
  }
}
