package org.openlgsp.node;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.ledger.ConsentLog;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.pki.Credentials;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryServer;
import org.openlgsp.storage.Database;

/**
 * The tenants' registries of an "LGSP as a Service" installation (docs/federation.md): for each,
 * its own database, directory-signing key, ledger (its consent log, with its own checkpoint key),
 * consent key and administrators, served under {@code /tenants/<id>} on the installation's registry
 * listener by an edge of its own.
 */
final class TenantRegistries implements AutoCloseable {
  /** One running tenant. */
  record Running(
      TenantSettings settings,
      Database database,
      ConsentLog ledger,
      Registry registry,
      RegistryServer routes,
      AutoCloseable federation) {}

  private final List<Running> running;

  private TenantRegistries(List<Running> running) {
    this.running = List.copyOf(running);
  }

  /** Opens every tenant; on failure closes those already opened. */
  static TenantRegistries open(List<TenantSettings> tenants, Path base) {
    List<Running> opened = new ArrayList<>();
    try {
      for (TenantSettings t : tenants) {
        opened.add(open(t, base));
      }
      return new TenantRegistries(opened);
    } catch (RuntimeException e) {
      new TenantRegistries(opened).close();
      throw e;
    }
  }

  private static Running open(TenantSettings t, Path base) {
    String where = "tenants[" + t.id() + "]";
    Credentials signing;
    try {
      signing =
          GatewayNode.credentials(
              base, t.signing().certificate().orElseThrow(), t.signing().key().orElseThrow());
    } catch (RuntimeException e) {
      throw new NodeConfig.ConfigException(where + ".signing: " + e.getMessage());
    }
    NoteKey ledgerKey = ledgerKey(t, base);
    Database db = Database.open(GatewayNode.resolveJdbc(base, t.database()));
    ConsentLog ledger = null;
    AutoCloseable federation = null;
    try {
      ledger = ConsentLog.open(db, ledgerKey, Clock.systemUTC());
      Registry registry =
          new Registry(
              db,
              t.options(),
              signing.signer(),
              Clock.systemUTC(),
              java.util.Optional.of(LedgerFiles.consentKey(base.resolve(t.consentKey()), true)),
              java.util.Optional.of(ledger));
      BearerTokens.Builder admins = BearerTokens.builder(ErrorCode.ADMIN_UNAUTHENTICATED);
      for (TenantSettings.AdminToken a : t.adminTokens()) {
        admins.token(a.name(), a.tokenSha256(), Set.of(RegistryServer.ADMIN_ROLE));
      }
      // instances federated with the tenant reporting statistics to it (a tenant may be national)
      for (NodeConfig.TrackerReader r :
          t.federation().map(NodeConfig.RegistryFederation::reporters).orElse(List.of())) {
        admins.token(r.name(), r.tokenSha256(), Set.of(RegistryServer.FEDERATION_STATISTICS_ROLE));
      }
      RegistryServer routes = RegistryServer.mountable(registry, admins.build());
      try {
        // the tenant federates as a standalone registry of its instance: its catalogue is served
        // under its prefix, /tenants/<id>/federation/{instance}/catalogue
        federation = t.federationOptions(base).map(registry::federate).orElse(() -> {});
      } catch (RuntimeException e) {
        routes.close();
        throw new NodeConfig.ConfigException(where + ".federation: " + e.getMessage());
      }
      return new Running(t, db, ledger, registry, routes, federation);
    } catch (RuntimeException e) {
      if (federation != null) {
        closeQuietly(federation);
      }
      if (ledger != null) {
        ledger.close();
      }
      db.close();
      throw e;
    }
  }

  /**
   * The tenant's ledger key: its own file, named {@code <instance>/registry/consents} as a
   * standalone registry of that instance names its consent log, so the log keeps its origin when
   * the tenant moves out.
   */
  static NoteKey ledgerKey(TenantSettings t, Path base) {
    return LedgerFiles.consentLogKeyIn(base.resolve(t.ledgerKey()), t.instance());
  }

  /** The tenants' routes by prefix, for the registry's listener. */
  Map<String, RegistryServer> mounts() {
    Map<String, RegistryServer> mounts = new LinkedHashMap<>();
    running.forEach(r -> mounts.put(r.settings().prefix(), r.routes()));
    return mounts;
  }

  List<Running> running() {
    return running;
  }

  /** The readiness check of each tenant's database. */
  List<HealthCheck> healthChecks() {
    return running.stream()
        .map(r -> HealthCheck.database("tenant " + r.settings().id(), r.database()))
        .toList();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // stopping the imports cannot fail in a way worth more than the failure being reported
    }
  }

  @Override
  public void close() {
    for (Running r : running) {
      closeQuietly(r.federation());
      r.routes().close();
      r.ledger().close();
      r.database().close();
    }
  }
}
