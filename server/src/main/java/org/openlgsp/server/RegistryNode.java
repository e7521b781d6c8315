package org.openlgsp.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import org.openlgsp.pki.Credentials;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryOptions;
import org.openlgsp.registry.RegistryServer;
import org.openlgsp.storage.Database;

/** The registry role assembled from configuration. */
final class RegistryNode implements AutoCloseable {
  private final Database database;
  private final Registry registry;
  private final RegistryServer server;

  private RegistryNode(Database database, Registry registry, RegistryServer server) {
    this.database = database;
    this.registry = registry;
    this.server = server;
  }

  static RegistryNode start(
      String instance, NodeConfig.RegistryRole role, Path base, PrintStream out) {
    Credentials signing =
        GatewayNode.credentials(base, role.signing().certificate(), role.signing().key());
    Database db = Database.open(GatewayNode.resolveJdbc(base, role.database()));
    try {
      Registry registry =
          new Registry(
              db,
              new RegistryOptions(instance, role.directoryValidity()),
              signing.signer(),
              Clock.systemUTC());
      RegistryServer server =
          RegistryServer.start(registry, role.adminTokenSha256(), role.host(), role.port());
      out.printf(
          "registry %s: http://%s:%d (signed directory /directory, admin API /api/v1, storage %s)%n",
          instance, role.host(), server.port(), db.describe());
      return new RegistryNode(db, registry, server);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  Registry registry() {
    return registry;
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    database.close();
  }
}
