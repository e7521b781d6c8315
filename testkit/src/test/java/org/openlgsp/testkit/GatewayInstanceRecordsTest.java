package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * {@code gateway.instance} reaches the operational records: the consumer gateway, restarted from
 * its file with an instance name, records its exchanges as handled by that instance; those it
 * handled before, without the key, name none.
 */
class GatewayInstanceRecordsTest {
  @TempDir Path dir;

  @Test
  void theOperationalRecordsOfANamedInstanceCarryItsName() throws Exception {
    try (Federation fed =
        Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false))) {
      String citizen = fed.citizenIds().getFirst();
      assertThat(fed.lookUpCitizen(citizen, "HS-2026-000123").statusCode()).isEqualTo(200);

      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      fed.consumerNode().close();
      Files.writeString(
          file, written.replaceFirst("\ngateway:\n", "\ngateway:\n  instance: tn-gw1-b\n"));
      try (GatewayNode consumer =
          GatewayNode.start(
              NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC())) {
        assertThat(consumer.gateway().options().instance()).hasValue("tn-gw1-b");
        assertThat(fed.lookUpCitizen(citizen, "HS-2026-000123").statusCode()).isEqualTo(200);
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> instances(dir).size() == 2);
        assertThat(instances(dir)).containsExactly("", "tn-gw1-b");
      }
    }
  }

  /** The gateway_instance of each operational record of the consumer gateway, in id order. */
  private static List<String> instances(Path dir) throws Exception {
    Path db = dir.resolve("data/tay-ninh-gateway-observers.db");
    List<String> found = new ArrayList<>();
    if (!Files.exists(db)) {
      return found;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT gateway_instance FROM opmon_record ORDER BY id")) {
      while (rs.next()) {
        found.add(rs.getString(1));
      }
    }
    return found;
  }
}
