package org.openlgsp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentsRoleTest {
  @TempDir Path dir;

  @Test
  void aDocumentsOnlyNodeReadsWithDefaults() throws Exception {
    Path file = dir.resolve("axis.yaml");
    Files.writeString(
        file,
        """
        instance: VN
        documents:
          database: jdbc:sqlite:data/axis.db
          agencies:
            - code: 000.00.00.H41
              tokenSha256: %s
        """
            .formatted("a".repeat(64)));

    DocumentsRole d = NodeConfig.read(file).documentsRole().orElseThrow();

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
                    null)));
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
                    null))
        .hasMessageContaining("agencies");
  }
}
