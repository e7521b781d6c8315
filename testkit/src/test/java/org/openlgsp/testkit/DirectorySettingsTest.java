package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Directory;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.RegistryNode;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;

/**
 * {@code registry.directoryValidity} and {@code gateway.directoryRefresh} reach the running nodes:
 * the registry signs directories valid for the configured time, and a gateway notices a registry
 * change only as often as it is told to fetch.
 */
class DirectorySettingsTest {
  @TempDir Path dir;

  final AtomicInteger members = new AtomicInteger();

  @Test
  void directoryValidityIsHowLongTheDirectoriesTheRegistrySignsAreValid() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(1))) {
      Path file = dir.resolve("registry.yaml");
      String written = Files.readString(file);
      assertThat(written).containsPattern("\n  directoryValidity: .*\n");
      fed.registryNode().close();

      Files.writeString(file, written.replaceFirst("\n  directoryValidity: .*\n", "\n"));
      try (RegistryNode registry = restartRegistry(file)) {
        assertThat(validity(registry.port())).isEqualTo(Duration.ofHours(1)); // the default
      }

      Files.writeString(
          file,
          written.replaceFirst("\n  directoryValidity: .*\n", "\n  directoryValidity: PT10M\n"));
      try (RegistryNode registry = restartRegistry(file)) {
        assertThat(validity(registry.port())).isEqualTo(Duration.ofMinutes(10));
        // and the gateways act on it: the consumer's directory now expires ten minutes after issue
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  Directory d = fed.consumerNode().directory().current().orElseThrow();
                  assertThat(Duration.between(d.issuedAt(), d.expiresAt()))
                      .isEqualTo(Duration.ofMinutes(10));
                });
      }
    }
  }

  @Test
  void directoryRefreshIsHowSoonAGatewaySeesARegistryChange() throws Exception {
    try (Federation fed = Federation.start(dir, Federation.Options.exchange(1))) {
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).containsPattern("\n  directoryRefresh: .*\n");
      RegistryClient admin = new RegistryClient(fed.registryUrl(), fed.adminToken());
      fed.consumerNode().close();

      Files.writeString(
          file, written.replaceFirst("\n  directoryRefresh: .*\n", "\n  directoryRefresh: PT1H\n"));
      try (GatewayNode consumer = restart(file)) {
        long serial = serial(consumer);
        addMember(admin);
        await()
            .during(Duration.ofSeconds(4))
            .atMost(Duration.ofSeconds(8))
            .until(() -> serial(consumer) == serial);
      }

      Files.writeString(
          file, written.replaceFirst("\n  directoryRefresh: .*\n", "\n  directoryRefresh: PT1S\n"));
      try (GatewayNode consumer = restart(file)) {
        long serial = serial(consumer);
        addMember(admin);
        await().atMost(Duration.ofSeconds(10)).until(() -> serial(consumer) > serial);
      }
    }
  }

  /** A registry change: a new agency, which bumps the directory serial. */
  private void addMember(RegistryClient admin) {
    admin.addMember(
        new AdminRequests.Member(
            "VN/GOV/000.00.00.K" + String.format("%02d", members.incrementAndGet()),
            "Cơ quan thử nghiệm"));
  }

  private static long serial(GatewayNode gateway) {
    return gateway.directory().current().orElseThrow().serial();
  }

  private GatewayNode restart(Path file) {
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
  }

  private RegistryNode restartRegistry(Path file) {
    return RegistryNode.start(
        Federation.INSTANCE,
        NodeConfig.read(file).registry().orElseThrow(),
        dir,
        new PrintStream(OutputStream.nullOutputStream()));
  }

  /** How long the directory the registry on {@code port} serves is valid, once verified. */
  private Duration validity(int port) throws Exception {
    Directory d =
        new RegistryClient("http://127.0.0.1:" + port, "unused")
            .directory()
            .verify(
                Pem.certificates(Files.readString(dir.resolve("pki/registry-signing.pem"))),
                Instant.now(),
                Directory.SIGNED);
    return Duration.between(d.issuedAt(), d.expiresAt());
  }
}
