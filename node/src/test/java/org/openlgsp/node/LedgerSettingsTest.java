package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.NodeId;

class LedgerSettingsTest {
  @TempDir Path dir;

  @Test
  void defaultsAreSafeAndTheApiNeedsAToken() {
    NodeConfig.LedgerSettings d = NodeConfig.LedgerSettings.defaults();
    assertThat(d.apiPort()).isEqualTo(-1);
    assertThat(d.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.checkpointEvery()).isEqualTo(10_000L);
    assertThatThrownBy(
            () -> new NodeConfig.LedgerSettings(null, null, null, null, 7443, null, null))
        .hasMessageContaining("auditorTokenSha256");
    assertThatThrownBy(
            () -> new NodeConfig.LedgerSettings(null, null, null, null, null, "xyz", null))
        .hasMessageContaining("64 hex");
  }

  @Test
  void keysAreCreatedOwnerOnlyOnceAndReadBack() throws Exception {
    NodeConfig.LedgerSettings d = NodeConfig.LedgerSettings.defaults();
    NodeId node = NodeId.parse("VN/GOV/000.00.00.G01/gw1");
    var key = LedgerFiles.checkpointKey(dir, d, node);
    Path file = LedgerFiles.checkpointKeyFile(dir, d, node);
    assertThat(Files.getPosixFilePermissions(file).toString())
        .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    assertThat(LedgerFiles.checkpointKey(dir, d, node).verifier()).isEqualTo(key.verifier());
    assertThat(key.name()).isEqualTo(node.toString());
    assertThat(LedgerFiles.subjectHasher(dir, d).hash("079090001234"))
        .isEqualTo(LedgerFiles.subjectHasher(dir, d).hash("079090001234"));
    assertThatThrownBy(
            () ->
                LedgerFiles.checkpointKey(
                    dir,
                    new NodeConfig.LedgerSettings(
                        "other.origin", file.toString(), null, null, null, null, null),
                    node))
        .hasMessageContaining("not the origin");
  }
}
