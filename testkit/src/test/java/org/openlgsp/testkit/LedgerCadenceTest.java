package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.StoredCheckpoint;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.storage.Database;

/**
 * {@code gateway.ledger.checkpointInterval} and {@code checkpointEvery} reach the running gateway:
 * after an exchange, a checkpoint covering it is signed soon under a short interval or a one-record
 * threshold, and not for a long while under an hour's interval.
 */
class LedgerCadenceTest {
  @TempDir Path dir;

  @Test
  void theCheckpointCadenceIsTheConfiguredOne() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false))) {
      String citizen = fed.citizenIds().getFirst();
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).contains("\n  ledger:\n");
      fed.consumerNode().close();

      try (GatewayNode consumer = start(file, written, "checkpointInterval: PT1H");
          Database db = Database.sqlite(dir.resolve("data/tay-ninh-gateway.db"))) {
        exchange(fed, citizen);
        await()
            .during(Duration.ofSeconds(4))
            .atMost(Duration.ofSeconds(6))
            .until(() -> !covered(db));
      }

      try (GatewayNode consumer =
              start(file, written, "checkpointInterval: PT1H\n    checkpointEvery: 1");
          Database db = Database.sqlite(dir.resolve("data/tay-ninh-gateway.db"))) {
        exchange(fed, citizen);
        await().atMost(Duration.ofSeconds(8)).until(() -> covered(db));
      }

      try (GatewayNode consumer = start(file, written, "checkpointInterval: PT1S");
          Database db = Database.sqlite(dir.resolve("data/tay-ninh-gateway.db"))) {
        exchange(fed, citizen);
        await().atMost(Duration.ofSeconds(8)).until(() -> covered(db));
      }
    }
  }

  /** Whether the latest signed checkpoint covers every record in the gateway's ledger. */
  private static boolean covered(Database db) {
    LedgerReader reader = LedgerReader.open(db);
    long size = reader.size();
    return reader.latestCheckpoint().map(StoredCheckpoint::size).orElse(0L) >= size;
  }

  private static void exchange(Federation fed, String citizen) {
    Federation.Reply r = fed.lookUpCitizen(citizen, "HS-2026-000123");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** The consumer started from its file with {@code settings} added to its ledger section. */
  private GatewayNode start(Path file, String written, String settings) throws Exception {
    Files.writeString(
        file, written.replace("\n  ledger:\n", "\n  ledger:\n    " + settings + "\n"));
    return GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
  }
}
