package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.documents.AxisOptions;

class DocumentsRoleTest {
  @TempDir Path dir;

  /** The documents role of a minimal node file, with {@code extra} settings (YAML lines). */
  private DocumentsRole axisFile(String extra) throws Exception {
    Path file = dir.resolve("axis.yaml");
    String settings = extra.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
    Files.writeString(
        file,
        "instance: VN\ndocuments:\n  database: jdbc:sqlite:data/axis.db\n"
            + settings
            + "  agencies:\n    - code: 000.00.00.H41\n      tokenSha256: "
            + "a".repeat(64)
            + "\n");
    return NodeConfig.read(file).documents().orElseThrow();
  }

  @Test
  void aDocumentsOnlyNodeReadsWithDefaults() throws Exception {
    DocumentsRole d = axisFile("");

    assertThat(d.port()).isEqualTo(8090);
    assertThat(d.relayHost()).isEqualTo("127.0.0.1");
    assertThat(d.relayPort()).isEqualTo(8091);
    AxisOptions options = d.options(dir);
    assertThat(options).isEqualTo(AxisOptions.defaults(dir.resolve("data/documents")));
    assertThat(options.signatureRequired()).isTrue();
    assertThat(options.maxPackageBytes()).isEqualTo(160L * 1024 * 1024);
    assertThat(options.retryBase()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.agencies())
        .singleElement()
        .satisfies(a -> assertThat(a.code()).isEqualTo("000.00.00.H41"));
    assertThat(d.gateway()).isEmpty();
    assertThat(d.trustAnchors()).isEmpty();
    assertThat(d.signerMustMatchSender()).isFalse();
    assertThat(d.revocation()).isEmpty();
  }

  @Test
  void anAgencyNameIsRefusedSinceNothingWouldUseIt() throws Exception {
    Path file = dir.resolve("axis.yaml");
    Files.writeString(
        file,
        "instance: VN\ndocuments:\n  database: jdbc:sqlite:data/axis.db\n"
            + "  agencies:\n    - code: 000.00.00.H41\n      name: UBND tỉnh Nghệ An\n"
            + "      tokenSha256: "
            + "a".repeat(64)
            + "\n");
    assertThatThrownBy(() -> NodeConfig.read(file))
        .hasMessageContaining("name")
        .hasMessageContaining("tokenSha256");
  }

  @Test
  void packageAndRetrySettingsReachTheAxisOptions() throws Exception {
    AxisOptions o =
        axisFile(
                "maxPackageBytes: 2048\n"
                    + "signatureRequired: false\n"
                    + "retryBase: PT2S\n"
                    + "maxAttempts: 3\n")
            .options(dir);
    assertThat(o.maxPackageBytes()).isEqualTo(2048);
    assertThat(o.signatureRequired()).isFalse();
    assertThat(o.retryBase()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.retryMax()).isEqualTo(AxisOptions.defaults(dir).retryMax());
    assertThat(o.maxAttempts()).isEqualTo(3);
    assertThatThrownBy(() -> axisFile("retryBase: PT1H\n"))
        .hasMessageEndingWith("documents: need 0 < retryBase <= retryMax");
  }

  @Test
  void anAxisWithoutTrustAnchorsDoesNotStart() throws Exception {
    DocumentsRole d = axisFile("port: 0\n" + "relayPort: 0\n");

    assertThatThrownBy(() -> DocumentsNode.start(d, dir, java.time.Clock.systemUTC()))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("documents.trustAnchors");
  }

  @Test
  void signerSettingsAreRead() throws Exception {
    DocumentsRole d =
        axisFile(
            "trustAnchors: [pki/ca.pem]\n"
                + "signerMustMatchSender: true\n"
                + "revocation:\n"
                + "  freshness: PT2M\n");

    assertThat(d.trustAnchors()).containsExactly("pki/ca.pem");
    assertThat(d.signerMustMatchSender()).isTrue();
    assertThat(d.revocation().orElseThrow().freshness()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void writtenConfigurationReadsBackEqual() {
    NodeConfig cfg =
        NodeConfig.documentsOnly(
            "VN",
            new DocumentsRole(
                null,
                9000,
                null,
                9001,
                "jdbc:sqlite:x.db",
                null,
                Optional.of(1024L * 1024),
                Optional.of(false),
                Optional.empty(),
                Optional.empty(),
                Optional.of(3),
                java.util.List.of(new DocumentsRole.Agency("000.00.15.H41", "b".repeat(64))),
                Optional.of(
                    new DocumentsRole.GatewayLink(
                        "http://127.0.0.1:8080",
                        "VN/GOV/000.00.00.H41/EDOC",
                        "axis",
                        "pki/axis.secret",
                        null,
                        null)),
                java.util.List.of("pki/signers-ca.pem"),
                true,
                Optional.of(
                    new NodeConfig.RevocationSettings(
                        java.util.List.of(), Duration.ofMinutes(2), Duration.ofSeconds(3))),
                java.util.List.of(),
                java.util.List.of(),
                Optional.of(org.openlgsp.documents.DocumentLeaks.Unscannable.REFUSE),
                Optional.of(
                    new org.openlgsp.documents.ExtractionLimits(
                        4096L, 3, null, Duration.ofSeconds(2), null, null, null)),
                Optional.empty(),
                Optional.empty()));
    cfg.write(dir.resolve("c.yaml"));

    assertThat(NodeConfig.read(dir.resolve("c.yaml"))).isEqualTo(cfg);
    assertThat(cfg.documents().orElseThrow().gateway().orElseThrow().subsystem()).isEqualTo("EDOC");
  }

  @Test
  void badAgencyEntriesAreRefused() {
    assertThatThrownBy(() -> new DocumentsRole.Agency("01.02.G22", "a".repeat(64)))
        .hasMessageContaining("Decision 20/2020");
    assertThatThrownBy(() -> new DocumentsRole.Agency("000.00.00.G22", "not-hex"))
        .hasMessageContaining("64 hex");
    assertThatThrownBy(
            () ->
                new DocumentsRole(
                    null,
                    null,
                    null,
                    null,
                    "jdbc:sqlite:x",
                    null,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    java.util.List.of(),
                    Optional.empty(),
                    null,
                    false,
                    Optional.empty(),
                    null,
                    null,
                    null,
                    null,
                    Optional.empty(),
                    null))
        .hasMessageContaining("agencies");
  }
}
