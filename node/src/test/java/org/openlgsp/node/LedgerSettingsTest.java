package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.NodeId;
import org.openlgsp.ledger.CheckpointPolicy;

class LedgerSettingsTest {
  @TempDir Path dir;

  @Test
  void defaultsAreSafeAndTheApiNeedsAToken() throws Exception {
    NodeConfig.LedgerSettings d = NodeConfig.LedgerSettings.defaults();
    assertThat(d.apiPort()).isEmpty();
    assertThat(d.policy()).isEqualTo(CheckpointPolicy.defaults());
    assertThat(d.tsaUrl()).isEmpty();
    assertThatThrownBy(() -> settings("apiPort: 7443")).hasMessageEndingWith("auditorTokenSha256");
    assertThatThrownBy(() -> settings("auditorTokenSha256: xyz")).hasMessageContaining("64 hex");
    assertThat(settings("checkpointInterval: PT1S").policy())
        .isEqualTo(new CheckpointPolicy(Duration.ofSeconds(1), 10_000));
    assertThatThrownBy(() -> settings("checkpointInterval: PT0.01S"))
        .hasMessageContaining("gateway.ledger: checkpoint interval must be at least 100 ms");
  }

  /** The ledger settings of a gateway file with {@code line} in its ledger section. */
  private NodeConfig.LedgerSettings settings(String line) throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, NodeConfigTest.GATEWAY + "  ledger: {" + line + "}\n");
    return NodeConfig.read(file).gateway().orElseThrow().ledger();
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
                    dir, settings("origin: other.origin, checkpointKey: " + file), node))
        .hasMessageContaining("not the origin");
  }
}
