package org.openlgsp.node;

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

  static final String TOKEN_KEYS =
      GATEWAY
          .replace(
              "tls: {certificate: tls.pem, key: tls.key}",
              "tls:\n    pkcs11: {library: /usr/lib/softhsm/libsofthsm2.so, slot: 123, alias:"
                  + " node-tls, pinEnv: LGSP_PKCS11_PIN}")
          .replace(
              "{member: VN/GOV/000.00.00.H53, certificate: s.pem, key: s.key}",
              "member: VN/GOV/000.00.00.H53\n      pkcs11: {library: /usr/lib/softhsm/libsofthsm2.so,"
                  + " slot: 123, alias: member-signing, pinFile: secrets/pkcs11.pin}");

  @Test
  void gatewayKeysMayBeInAPkcs11TokenWithThePinOutsideTheFile() throws Exception {
    NodeConfig.GatewayRole g = NodeConfig.read(write(TOKEN_KEYS)).gateway();
    NodeConfig.Pkcs11Key tls = g.tls().token().orElseThrow();
    assertThat(tls)
        .isEqualTo(
            new NodeConfig.Pkcs11Key(
                "/usr/lib/softhsm/libsofthsm2.so", 123L, "node-tls", "LGSP_PKCS11_PIN", null));
    NodeConfig.Pkcs11Key signing = g.signing().getFirst().keys().token().orElseThrow();
    assertThat(signing.alias()).isEqualTo("member-signing");
    assertThat(signing.pinFile()).isEqualTo("secrets/pkcs11.pin");
    assertThat(NodeConfig.read(write(GATEWAY)).gateway().tls().token()).isEmpty();
  }

  @Test
  void eachKeyEntryIsExactlyOneOfAKeyFileOrATokenKey() throws Exception {
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(
                        TOKEN_KEYS.replace(
                            "alias: node-tls,", "alias: node-tls, certificate: x.pem,"))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("Unrecognized field \"certificate\"")
        .hasMessageContaining("Pkcs11Key");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(
                        TOKEN_KEYS.replace(
                            "tls:\n    pkcs11:", "tls:\n    key: tls.key\n    pkcs11:"))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageEndingWith("gateway.tls names key and pkcs11; give one of them");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(
                        TOKEN_KEYS.replace(
                            "tls:\n    pkcs11:", "tls:\n    certificate: tls.pem\n    pkcs11:"))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("gateway.tls.certificate must be left out with pkcs11");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(GATEWAY.replace("certificate: s.pem, key: s.key", "certificate: s.pem"))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageEndingWith(
            "gateway.signing of VN/GOV/000.00.00.H53 needs key (a PEM file) or pkcs11 (a key in a"
                + " token)");
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY.replace("certificate: tls.pem, ", ""))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageEndingWith("gateway.tls.certificate is required with a key file");
  }

  @Test
  void aTokenKeyNamesWhereItsPinIsNeverThePinItself() throws Exception {
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(TOKEN_KEYS.replace("pinEnv: LGSP_PKCS11_PIN", "pin: \"1234\""))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("the PIN itself never goes in the configuration")
        .hasMessageNotContaining("1234");
    assertThatThrownBy(
            () -> NodeConfig.read(write(TOKEN_KEYS.replace(", pinEnv: LGSP_PKCS11_PIN", ""))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("pkcs11 needs one of pinEnv")
        .hasMessageContaining("never goes in the configuration");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(
                        TOKEN_KEYS.replace(
                            "pinEnv: LGSP_PKCS11_PIN", "pinEnv: LGSP_PKCS11_PIN, pinFile: p"))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("pkcs11 needs one of pinEnv");
    assertThatThrownBy(() -> NodeConfig.read(write(TOKEN_KEYS.replace(" alias: node-tls,", ""))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("pkcs11.alias is required");
  }

  @Test
  void theRegistrySigningKeyStaysInFiles() {
    assertThatThrownBy(
            () ->
                new NodeConfig.RegistryRole(
                    null,
                    7070,
                    "jdbc:sqlite:r.db",
                    "0".repeat(64),
                    null,
                    new NodeConfig.KeyFiles(
                        null, null, new NodeConfig.Pkcs11Key("/lib.so", 1L, "a", "PIN", null)),
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registry.signing: pkcs11 keys are supported for gateway.tls");
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
