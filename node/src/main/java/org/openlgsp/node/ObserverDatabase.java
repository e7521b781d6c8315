package org.openlgsp.node;

import java.nio.file.Path;
import org.openlgsp.storage.Database;

/**
 * The database a gateway's observers (operational records, statistics, alerts) write to, {@link
 * NodeConfig.GatewayRole#observerDatabaseUrl}: on SQLite by default a file of their own beside the
 * gateway's, so that their batch commits neither wait for nor hold the single write lock, WAL and
 * checkpoints of the ledger's appends, which every exchange waits for; the gateway's own database
 * when the configuration names it (or on PostgreSQL, by default), then shared and not closed here.
 */
public final class ObserverDatabase implements AutoCloseable {
  private final Database database;
  private final boolean separate;

  private ObserverDatabase(Database database, boolean separate) {
    this.database = database;
    this.separate = separate;
  }

  /**
   * Opens the observers' database of {@code role} (SQLite files relative to {@code baseDir}), or
   * hands back {@code gateway} when it is the gateway's own.
   */
  public static ObserverDatabase open(NodeConfig.GatewayRole role, Path baseDir, Database gateway) {
    String url = GatewayNode.resolveJdbc(baseDir, role.observerDatabaseUrl());
    if (url.equals(GatewayNode.resolveJdbc(baseDir, role.database()))) {
      return new ObserverDatabase(gateway, false);
    }
    return new ObserverDatabase(Database.open(url), true);
  }

  public Database database() {
    return database;
  }

  /** Whether this is a database of its own, not the gateway's. */
  public boolean separate() {
    return separate;
  }

  /** Closes the observers' own database; the gateway's, when shared, stays open. */
  @Override
  public void close() {
    if (separate) {
      database.close();
    }
  }
}
