package org.openlgsp.node;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.openlgsp.monitoring.Monitoring;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.Database;

/**
 * The keyring that seals a gateway's operational records ({@code gateway.monitoring.encryption}),
 * for the operator's key commands run beside the node ({@code lgsp keys ... --keyring monitoring}).
 */
public final class MonitoringKeys {
  private MonitoringKeys() {}

  /** The keyring of {@code role}; refused when its monitoring seals nothing. */
  public static AtRest keyring(NodeConfig.GatewayRole role, Path baseDir) {
    return role.monitoringAtRest(baseDir)
        .orElseThrow(
            () ->
                new NodeConfig.ConfigException(
                    "gateway.monitoring.encryption is not configured: nothing is sealed at rest"));
  }

  /**
   * Seals under the current data key every operational record of {@code role}'s observer database
   * that is not (written before encryption, or under a retired key); {@code progress} hears each
   * record's id. Returns how many were rewritten.
   */
  public static int reencrypt(NodeConfig.GatewayRole role, Path baseDir, Consumer<Long> progress) {
    AtRest keys = keyring(role, baseDir);
    try (Database db =
        Database.open(GatewayNode.resolveJdbc(baseDir, role.observerDatabaseUrl()))) {
      return Monitoring.reencryptAtRest(db, keys, progress);
    }
  }
}
