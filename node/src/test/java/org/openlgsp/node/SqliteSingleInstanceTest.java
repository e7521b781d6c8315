package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.storage.StorageException;

/**
 * A second instance of a gateway node on the same embedded SQLite database is refused at start (its
 * ledger would fork), and the file is free again once the first stops (docs/scale-out.md).
 */
class SqliteSingleInstanceTest {
  @TempDir Path dir;

  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  @Test
  void aSecondInstanceOnTheSameSqliteDatabaseIsRefusedAndStartsOnceTheFirstStopped()
      throws Exception {
    Path file =
        GatewayNodeSettingsTest.config(
            dir, ca, "  clientTlsPort: 0\n  peerPort: 0\n  database: jdbc:sqlite:data/gw.db\n");
    NodeConfig.GatewayRole role = NodeConfig.read(file).gateway().orElseThrow();
    try (GatewayNode first = GatewayNode.start(role, dir, Clock.systemUTC())) {
      assertThatThrownBy(() -> GatewayNode.start(role, dir, Clock.systemUTC()))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("data/gw.db")
          .hasMessageContaining("several instances of a node need PostgreSQL");
      assertThat(GatewayNodeSettingsTest.accepts("127.0.0.1", first.gateway().peerPort()))
          .isTrue(); // the first keeps serving
    }
    try (GatewayNode second = GatewayNode.start(role, dir, Clock.systemUTC())) {
      assertThat(second.gateway().peerPort()).isPositive();
    }
  }
}
