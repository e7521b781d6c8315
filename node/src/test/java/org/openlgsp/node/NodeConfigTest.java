package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.gateway.AdmissionLimits;
import org.openlgsp.gateway.GatewayOptions;

class NodeConfigTest {
  @TempDir Path dir;

  Path write(String yaml) throws Exception {
    Path f = dir.resolve("node.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  NodeConfig.GatewayRole gateway(String yaml) throws Exception {
    return NodeConfig.read(write(yaml)).gateway().orElseThrow();
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
  void operationsSectionsDefaultToNoManagementListenerTwentySecondsOfDrainAndTextLogs()
      throws Exception {
    NodeConfig c = NodeConfig.read(write(GATEWAY));
    assertThat(c.management()).isEmpty();
    assertThat(c.shutdown().drainTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.logging().json()).isFalse();
    assertThat(c.logging().level()).isEmpty();
    NodeConfig set =
        NodeConfig.read(
            write(
                GATEWAY
                    + "management: {port: 9100}\nshutdown: {drainTimeout: PT5S}\n"
                    + "logging: {format: json, level: FINE}\n"));
    assertThat(set.management().orElseThrow().host()).isEqualTo("127.0.0.1");
    assertThat(set.shutdown().drainTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(set.logging().json()).isTrue();
  }

  @Test
  void badOperationsSettingsAreRefusedNamingTheKey() throws Exception {
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "management: {host: 0.0.0.0}\n")))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("management")
        .hasMessageContaining("port is required");
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "shutdown: {drainTimeout: -PT1S}\n")))
        .hasMessageContaining("drainTimeout must not be negative");
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "logging: {format: xml}\n")))
        .hasMessageContaining("format must be text or json, not xml");
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "logging: {level: LOUD}\n")))
        .hasMessageContaining("level must be one of");
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "logging: {formt: json}\n")))
        .hasMessageContaining("logging.formt: unknown key; valid keys: format, level");
  }

  @Test
  void gatewayRoleGetsDocumentedDefaults() throws Exception {
    NodeConfig c = NodeConfig.read(write(GATEWAY));
    GatewayOptions g = c.gateway().orElseThrow().options();
    assertThat(c.registry()).isEmpty();
    assertThat(g.host()).isEqualTo("127.0.0.1");
    assertThat(g.clientTlsPort()).isEqualTo(8443);
    assertThat(g.clientHttpPort()).isEqualTo(-1);
    assertThat(g.peerPort()).isEqualTo(5500);
    assertThat(g.replayWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(g.directoryGrace()).isEqualTo(Duration.ofHours(1));
    assertThat(g.directoryCache()).isEqualTo(Path.of("data/directory.cache"));
    assertThat(g.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(c.gateway().orElseThrow().directoryRefresh()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void revocationCheckingIsOffUnlessConfiguredAndGetsDefaults() throws Exception {
    assertThat(gateway(GATEWAY).revocation()).isEmpty();
    NodeConfig.RevocationSettings r =
        gateway(GATEWAY + "  revocation: {issuers: [issuing-ca.pem]}\n").revocation().orElseThrow();
    assertThat(r.issuers()).containsExactly("issuing-ca.pem");
    assertThat(r.freshness()).isEqualTo(Duration.ofMinutes(5));
    assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(5));
    NodeConfig.GatewayRole tuned =
        gateway(GATEWAY + "  revocation: {issuers: [ca.pem], freshness: PT30S, timeout: PT2S}\n");
    assertThat(tuned.revocation().orElseThrow().freshness()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void admissionLimitsGetDefaultsAndRefuseNonsense() throws Exception {
    assertThat(gateway(GATEWAY).options().limits()).isEqualTo(AdmissionLimits.defaults());
    NodeConfig.GatewayRole c =
        gateway(GATEWAY + "  limits: {concurrentExchanges: 64, queueTimeout: PT0.5S}\n");
    assertThat(c.options().limits())
        .isEqualTo(new AdmissionLimits(64, Duration.ofMillis(500), 4096));
    assertThatThrownBy(
            () -> NodeConfig.read(write(GATEWAY + "  limits: {concurrentExchanges: 0}\n")))
        .hasMessageEndingWith("gateway.limits: concurrentExchanges must be positive: 0");
  }

  @Test
  void revocationMayTakeItsIssuersFromTheDirectoryAlone() throws Exception {
    NodeConfig.RevocationSettings r =
        gateway(GATEWAY + "  revocation: {freshness: PT1M}\n").revocation().orElseThrow();
    assertThat(r.issuers()).isEmpty();
    assertThat(r.freshness()).isEqualTo(Duration.ofMinutes(1));
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
    NodeConfig.GatewayRole g = gateway(TOKEN_KEYS);
    NodeConfig.Pkcs11Key tls = g.tls().token().orElseThrow();
    assertThat(tls)
        .isEqualTo(
            NodeConfig.Pkcs11Key.pinFromEnvironment(
                "/usr/lib/softhsm/libsofthsm2.so", 123L, "node-tls", "LGSP_PKCS11_PIN"));
    NodeConfig.Pkcs11Key signing = g.signing().getFirst().keys().token().orElseThrow();
    assertThat(signing.alias()).isEqualTo("member-signing");
    assertThat(signing.pinFile()).contains("secrets/pkcs11.pin");
    assertThat(gateway(GATEWAY).tls().token()).isEmpty();
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
        .hasMessageEndingWith(
            "gateway.tls.pkcs11.certificate: unknown key; valid keys: library, slot, alias,"
                + " pinEnv, pinFile");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(
                        TOKEN_KEYS.replace(
                            "tls:\n    pkcs11:", "tls:\n    key: tls.key\n    pkcs11:"))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageEndingWith("gateway.tls: names key and pkcs11; give one of them");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(
                        TOKEN_KEYS.replace(
                            "tls:\n    pkcs11:", "tls:\n    certificate: tls.pem\n    pkcs11:"))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("gateway.tls: certificate must be left out with pkcs11");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(GATEWAY.replace("certificate: s.pem, key: s.key", "certificate: s.pem"))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageEndingWith(
            "gateway.signing[0]: needs key (a PEM file) or pkcs11 (a key in a token)");
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY.replace("certificate: tls.pem, ", ""))))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageEndingWith("gateway.tls: certificate is required with a key file");
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
        .hasMessageEndingWith("gateway.tls.pkcs11: alias is required");
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
                    Optional.empty(),
                    NodeConfig.KeyFiles.token(
                        NodeConfig.Pkcs11Key.pinFromEnvironment("/lib.so", 1L, "a", "PIN")),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("signing: pkcs11 keys are supported for gateway.tls");
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
    assertThatThrownBy(() -> NodeConfig.read(write(yaml)))
        .hasMessageEndingWith("registry: adminTokenSha256 must be 64 hex digits");
  }

  @Test
  void theTrackerSectionIsReadWithItsDefaultsAndRefusesWhatCannotWork() throws Exception {
    String registry =
        """
        instance: VN
        registry:
          port: 7070
          database: jdbc:sqlite:r.db
          adminTokenSha256: %s
          signing: {certificate: a.pem, key: a.key}
          tracker:
        %s
        """;
    String hash = "a".repeat(64);
    String readers = "    readers: [{name: portal, tokenSha256: " + hash + "}]\n";
    String gateways =
        "    gateways: [{node: VN/GOV/000.00.00.H53/gw1, url: http://127.0.0.1:9200,"
            + " tokenFile: t.token}]";
    NodeConfig.RegistryTracker t =
        NodeConfig.read(write(registry.formatted(hash, readers + gateways)))
            .registry()
            .orElseThrow()
            .tracker()
            .orElseThrow();
    assertThat(t.effectiveDeadline()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(t.effectiveSubjectKey()).isEqualTo("data/tracker-subject.key");
    assertThat(t.gateways())
        .singleElement()
        .extracting(NodeConfig.TrackerGateway::node)
        .isEqualTo("VN/GOV/000.00.00.H53/gw1");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(registry.formatted(hash, readers + gateways + "\n    deadline: PT6M"))))
        .hasMessageContaining("tracker.deadline must be between 0 and PT5M");
    assertThatThrownBy(() -> NodeConfig.read(write(registry.formatted(hash, gateways))))
        .hasMessageContaining("tracker.readers: name at least one reader");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(registry.formatted(hash, readers + gateways.replace("url", "ur1")))))
        .hasMessageContaining("ur1: unknown key");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    write(registry.formatted(hash, readers.replace(hash, "secret") + gateways))))
        .hasMessageContaining("tracker reader tokenSha256 must be 64 hex digits");
    // a blank tokenFile names no file: refused, not taken as "no token"
    for (String blank : List.of("''", "'   '")) {
      assertThatThrownBy(
              () ->
                  NodeConfig.read(
                      write(
                          registry.formatted(
                              hash, readers + gateways + "\n    tokenFile: " + blank))))
          .isInstanceOf(NodeConfig.ConfigException.class)
          .hasMessageContaining("tracker.tokenFile must name a file");
    }
    assertThat(
            NodeConfig.read(
                    write(
                        registry.formatted(hash, readers + gateways + "\n    tokenFile: t.token")))
                .registry()
                .orElseThrow()
                .tracker()
                .orElseThrow()
                .tokenFile())
        .contains("t.token");
    assertThatThrownBy(
            () ->
                NodeConfig.read(write(GATEWAY + "  ledger: {trackerTokenSha256: " + hash + "}\n")))
        .hasMessageContaining("trackerTokenSha256 needs apiPort");
  }

  @Test
  void anUnknownKeyIsNamedWithItsPathAndTheValidKeysAtThatLevel() throws Exception {
    assertThatThrownBy(
            () -> NodeConfig.read(write(GATEWAY + "  limits: {concurentExchanges: 8}\n")))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageEndingWith(
            "gateway.limits.concurentExchanges: unknown key; valid keys: concurrentExchanges,"
                + " queueTimeout, connectionsPerListener");
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "  replayWindw: PT5S\n")))
        .hasMessageContaining("gateway.replayWindw: unknown key; valid keys: node, host,")
        .hasMessageContaining(" replayWindow, ");
    assertThatThrownBy(() -> NodeConfig.read(write("instanse: VN\n" + GATEWAY.substring(12))))
        .hasMessageEndingWith(
            "instanse: unknown key; valid keys: instance, registry, gateway, documents, procedures,"
                + " management, shutdown, logging, authentication, tenants");
  }

  @Test
  void aValueOfTheWrongTypeNamesTheKeyAndTheExpectedType() throws Exception {
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "  peerPort: fifty\n")))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageEndingWith("gateway.peerPort: expected a whole number");
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "  replayWindow: 60 seconds\n")))
        .hasMessageEndingWith("gateway.replayWindow: expected an ISO-8601 duration such as PT30S");
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "  limits: [1, 2]\n")))
        .hasMessageEndingWith("gateway.limits: expected a section of key: value lines");
  }

  @Test
  void messagesCarryNoJavaTypeNames() throws Exception {
    for (String bad :
        List.of(
            GATEWAY + "  colour: blue\n",
            GATEWAY + "  peerPort: [1]\n",
            GATEWAY + "  tls: plain\n",
            GATEWAY.replace("  database: jdbc:sqlite:data/gw.db\n", ""),
            GATEWAY + "  clientTlsPort: 70000\n",
            GATEWAY + "  signing: {member: x}\n",
            "instance: VN\ngateway: {node: [\n")) {
      assertThatThrownBy(() -> NodeConfig.read(write(bad)))
          .isInstanceOf(NodeConfig.ConfigException.class)
          .hasMessageNotContaining("java.")
          .hasMessageNotContaining("org.openlgsp")
          .hasMessageNotContaining("NodeConfig$")
          .hasMessageNotContaining("\n");
    }
    assertThatThrownBy(() -> NodeConfig.read(write(GATEWAY + "  clientTlsPort: 70000\n")))
        .hasMessageEndingWith("gateway: clientTlsPort out of range: 70000");
  }

  @Test
  void theDocumentedSamplesParse() throws Exception {
    // the README's node.yaml and docs/documents.md's documents section, placeholders filled in
    for (String sample : List.of(yamlBlock("../README.md", "instance: VN"), documentsSample())) {
      String filled = sample.replaceAll("<[^>\n]*>", "a".repeat(64));
      NodeConfig c = NodeConfig.read(write(filled));
      assertThat(c.instance()).isEqualTo("VN");
    }
    NodeConfig readme =
        NodeConfig.read(
            write(
                yamlBlock("../README.md", "instance: VN").replaceAll("<[^>\n]*>", "a".repeat(64))));
    assertThat(readme.registry().orElseThrow().witness().orElseThrow().logs())
        .containsExactly("certs/tn-gw1.vkey");
    NodeConfig.GatewayRole g = readme.gateway().orElseThrow();
    assertThat(g.options().clientHttpPort()).isEqualTo(8080);
    assertThat(g.ledger().tsaUrl()).contains("http://127.0.0.1:7080/tsa");
    assertThat(g.ledger().witnesses()).hasSize(1);
    assertThat(readme.tenants()).extracting(TenantSettings::prefix).containsExactly("/tenants/bca");
  }

  private static String documentsSample() throws Exception {
    return yamlBlock("../docs/documents.md", "documents:");
  }

  /** The first fenced yaml block of {@code file} that contains {@code marker}. */
  private static String yamlBlock(String file, String marker) throws Exception {
    String text = Files.readString(Path.of(file));
    for (String block : text.split("```yaml\n")) {
      String body = block.substring(0, Math.max(0, block.indexOf("```")));
      if (body.contains(marker)) {
        return body;
      }
    }
    throw new AssertionError("no yaml block with " + marker + " in " + file);
  }
}
