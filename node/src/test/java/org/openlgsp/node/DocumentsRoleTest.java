package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    return NodeConfig.read(file).documentsRole().orElseThrow();
  }

  @Test
  void aDocumentsOnlyNodeReadsWithDefaults() throws Exception {
    DocumentsRole d = axisFile("");

    assertThat(d.port()).isEqualTo(8090);
    assertThat(d.relayHost()).isEqualTo("127.0.0.1");
    assertThat(d.relayPort()).isEqualTo(8091);
    assertThat(d.signatureRequired()).isTrue();
    assertThat(d.maxPackageBytes()).isEqualTo(160L * 1024 * 1024);
    assertThat(d.retryBase()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.agencies())
        .singleElement()
        .satisfies(a -> assertThat(a.name()).isEqualTo("000.00.00.H41"));
    assertThat(d.gateway()).isNull();
    assertThat(d.trustAnchors()).isEmpty();
    assertThat(d.signerMustMatchSender()).isFalse();
    assertThat(d.revocationSettings()).isEmpty();
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
    assertThat(d.revocationSettings().orElseThrow().freshness()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void writtenConfigurationReadsBackEqual() {
    NodeConfig cfg =
        new NodeConfig(
            "VN",
            null,
            null,
            new DocumentsRole(
                null,
                9000,
                null,
                9001,
                "jdbc:sqlite:x.db",
                null,
                1024L * 1024,
                false,
                null,
                null,
                3,
                java.util.List.of(
                    new DocumentsRole.Agency("000.00.15.H41", "Sở Nội vụ", "b".repeat(64))),
                new DocumentsRole.GatewayLink(
                    "http://127.0.0.1:8080",
                    "VN/GOV/000.00.00.H41/EDOC",
                    "axis",
                    "pki/axis.secret",
                    null,
                    null),
                java.util.List.of("pki/signers-ca.pem"),
                true,
                new NodeConfig.RevocationSettings(
                    java.util.List.of(), Duration.ofMinutes(2), Duration.ofSeconds(3))));
    cfg.write(dir.resolve("c.yaml"));

    assertThat(NodeConfig.read(dir.resolve("c.yaml"))).isEqualTo(cfg);
    assertThat(cfg.documents().gateway().subsystem()).isEqualTo("EDOC");
  }

  @Test
  void badAgencyEntriesAreRefused() {
    assertThatThrownBy(() -> new DocumentsRole.Agency("01.02.G22", null, "a".repeat(64)))
        .hasMessageContaining("Decision 20/2020");
    assertThatThrownBy(() -> new DocumentsRole.Agency("000.00.00.G22", null, "not-hex"))
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
                    null,
                    null,
                    null,
                    null,
                    null,
                    java.util.List.of(),
                    null,
                    null,
                    null,
                    null))
        .hasMessageContaining("agencies");
  }
}
