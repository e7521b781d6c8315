package org.openlgsp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  @TempDir Path dir;

  Path write(String yaml) throws Exception {
    Path f = dir.resolve("node.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  static final String GATEWAY =
      """
      instance: VN
      gateway:
        node: VN/GOV/000.00.00.H53/gw1
        database: jdbc:sqlite:data/gw.db
        tls: {certificate: tls.pem, key: tls.key}
        signing:
          - {member: VN/GOV/000.00.00.H53, certificate: s.pem, key: s.key}
        registryUrl: http://127.0.0.1:7070
        directoryTrust: [registry.pem]
      """;

  @Test
  void gatewayRoleGetsDocumentedDefaults() throws Exception {
    NodeConfig c = NodeConfig.read(write(GATEWAY));
    NodeConfig.GatewayRole g = c.gatewayRole().orElseThrow();
    assertThat(c.registryRole()).isEmpty();
    assertThat(g.clientTlsPort()).isEqualTo(8443);
    assertThat(g.clientHttpPort()).isEqualTo(-1);
    assertThat(g.peerPort()).isEqualTo(5500);
    assertThat(g.replayWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(g.directoryGrace()).isEqualTo(Duration.ofHours(1));
    assertThat(g.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
  }

  @Test
  void revocationCheckingIsOffUnlessConfiguredAndGetsDefaults() throws Exception {
    assertThat(NodeConfig.read(write(GATEWAY)).gateway().revocationSettings()).isEmpty();
    NodeConfig c = NodeConfig.read(write(GATEWAY + "  revocation: {issuers: [issuing-ca.pem]}\n"));
    NodeConfig.RevocationSettings r = c.gateway().revocationSettings().orElseThrow();
    assertThat(r.issuers()).containsExactly("issuing-ca.pem");
    assertThat(r.freshness()).isEqualTo(Duration.ofMinutes(5));
    assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(5));
    NodeConfig tuned =
        NodeConfig.read(
            write(
                GATEWAY + "  revocation: {issuers: [ca.pem], freshness: PT30S, timeout: PT2S}\n"));
    assertThat(tuned.gateway().revocation().freshness()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void admissionLimitsGetDefaultsAndRefuseNonsense() throws Exception {
    assertThat(NodeConfig.read(write(GATEWAY)).gateway().limits().admission())
        .isEqualTo(org.openlgsp.gateway.AdmissionLimits.defaults());
    NodeConfig c =
        NodeConfig.read(
            write(GATEWAY + "  limits: {concurrentExchanges: 64, queueTimeout: PT0.5S}\n"));
    assertThat(c.gateway().limits().admission())
        .isEqualTo(new org.openlgsp.gateway.AdmissionLimits(64, Duration.ofMillis(500), 4096));
    assertThatThrownBy(
            () -> NodeConfig.read(write(GATEWAY + "  limits: {concurrentExchanges: 0}\n")))
        .hasMessageContaining("concurrentExchanges");
  }

  @Test
  void revocationMayTakeItsIssuersFromTheDirectoryAlone() throws Exception {
    NodeConfig c = NodeConfig.read(write(GATEWAY + "  revocation: {freshness: PT1M}\n"));
    assertThat(c.gateway().revocationSettings().orElseThrow().issuers()).isEmpty();
    assertThat(c.gateway().revocation().freshness()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void writtenConfigReadsBackEqual() throws Exception {
    NodeConfig c = NodeConfig.read(write(GATEWAY));
    Path copy = dir.resolve("copy/node.yaml");
    c.write(copy);
    assertThat(NodeConfig.read(copy)).isEqualTo(c);
  }

  @Test
  void aNodeWithoutRolesIsRefused() throws Exception {
    assertThatThrownBy(() -> NodeConfig.read(write("instance: VN\n")))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("at least one role");
  }

  @Test
  void unknownKeysAndMissingRequiredOnesAreNamed() throws Exception {
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "  colour: blue\n")))
        .hasMessageContaining("colour");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(GATEWAY.replace("  registryUrl: http://127.0.0.1:7070\n", ""))))
        .hasMessageContaining("registryUrl");
  }

  @Test
  void adminTokenMustBeAHash() throws Exception {
    String yaml =
        """
        instance: VN
        registry:
          port: 7070
          database: jdbc:sqlite:r.db
          adminTokenSha256: secret
          signing: {certificate: a.pem, key: a.key}
        """;
    assertThatThrownBy(() -> NodeConfig.read(write(yaml))).hasMessageContaining("64 hex digits");
  }
}
