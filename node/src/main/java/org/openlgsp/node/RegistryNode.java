package org.openlgsp.node;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openlgsp.console.Account;
import org.openlgsp.console.Accounts;
import org.openlgsp.console.Console;
import org.openlgsp.console.ConsoleOptions;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.ledger.CitizenTracker;
import org.openlgsp.ledger.LedgerSource;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.ledger.Witness;
import org.openlgsp.ledger.WitnessHttp;
import org.openlgsp.pki.Credentials;
import org.openlgsp.registry.Enrolments;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryServer;
import org.openlgsp.storage.Database;

/** The registry role assembled from configuration. */
public final class RegistryNode implements AutoCloseable {
  private final Database database;
  private final Registry registry;
  private final RegistryServer server;
  private final List<CaFolder.Opened> owned;
  private final Optional<Witness> witness;
  private final Credentials signing;
  private final Optional<Console> console;
  private final AutoCloseable federation;
  private final org.openlgsp.alerts.Alerts alerts;
  private final Optional<org.openlgsp.ledger.ConsentLog> consentLog;
  private final TenantRegistries tenants;

  private RegistryNode(
      Credentials signing,
      Database database,
      Registry registry,
      RegistryServer server,
      List<CaFolder.Opened> owned,
      Optional<Witness> witness,
      Optional<Console> console,
      AutoCloseable federation,
      org.openlgsp.alerts.Alerts alerts,
      Optional<org.openlgsp.ledger.ConsentLog> consentLog,
      TenantRegistries tenants) {
    this.tenants = tenants;
    this.consentLog = consentLog;
    this.alerts = alerts;
    this.console = console;
    this.federation = federation;
    this.signing = signing;
    this.owned = owned;
    this.witness = witness;
    this.database = database;
    this.registry = registry;
    this.server = server;
  }

  public static RegistryNode start(
      String instance, NodeConfig.RegistryRole role, Path base, PrintStream out) {
    return start(instance, role, base, out, Optional.empty(), List.of(), Clock.systemUTC());
  }

  /**
   * As above, serving {@code tenants} on the registry's listener under {@code /tenants/<id>}
   * (docs/federation.md, "LGSP as a Service").
   */
  public static RegistryNode start(
      String instance,
      NodeConfig.RegistryRole role,
      Path base,
      PrintStream out,
      List<TenantSettings> tenants) {
    return start(instance, role, base, out, Optional.empty(), tenants, Clock.systemUTC());
  }

  /** As above, the registries' time (expiries, the summaries' schedule) read from {@code clock}. */
  static RegistryNode start(
      String instance,
      NodeConfig.RegistryRole role,
      Path base,
      PrintStream out,
      List<TenantSettings> tenants,
      Clock clock) {
    return start(instance, role, base, out, Optional.empty(), tenants, clock);
  }

  /** As above; {@code inProcessCa} issues approved enrolments instead of {@code ca}. */
  public static RegistryNode start(
      String instance,
      NodeConfig.RegistryRole role,
      Path base,
      PrintStream out,
      org.openlgsp.pki.CertificateAuthority inProcessCa) {
    return start(instance, role, base, out, Optional.of(inProcessCa), List.of(), Clock.systemUTC());
  }

  private static RegistryNode start(
      String instance,
      NodeConfig.RegistryRole role,
      Path base,
      PrintStream out,
      Optional<org.openlgsp.pki.CertificateAuthority> inProcessCa,
      List<TenantSettings> tenantSettings,
      Clock clock) {
    Credentials signing = signingCredentials(role, base);
    Database db = Database.open(GatewayNode.resolveJdbc(base, role.database()));
    List<CaFolder.Opened> owned = new ArrayList<>();
    Optional<org.openlgsp.ledger.ConsentLog> consentLog = Optional.empty();
    TenantRegistries tenants = null;
    try {
      tenants = TenantRegistries.open(tenantSettings, base);
      // a registry that keeps consents logs every change of one (docs/privacy.md, "Consent log")
      consentLog =
          role.consentKey()
              .map(
                  f ->
                      org.openlgsp.ledger.ConsentLog.open(
                          db, LedgerFiles.consentLogKey(base, instance), Clock.systemUTC()));
      Registry registry =
          new Registry(
              db,
              role.options(instance),
              signing.signer(),
              clock,
              role.consentKey().map(f -> LedgerFiles.consentKey(base.resolve(f), true)),
              consentLog);
      Optional<CaFolder.Opened> ca = role.ca().map(settings -> openCa(base, settings));
      ca.ifPresent(opened -> owned.add(opened));
      Optional<Enrolments> enrolments =
          ca.map(CaFolder.Opened::ca)
              .or(() -> inProcessCa)
              .map(
                  authority ->
                      new Enrolments(
                          db,
                          registry,
                          authority,
                          role.ca()
                              .map(NodeConfig.CaSettings::validity)
                              .orElse(NodeConfig.CaSettings.DEFAULT_VALIDITY),
                          Clock.systemUTC()));
      Optional<Witness> witness = role.witness().map(w -> witness(base, db, instance, w));
      List<org.openlgsp.edge.Route> routes =
          new ArrayList<>(witness.map(WitnessHttp::routes).orElse(List.of()));
      org.openlgsp.edge.BearerTokens.Builder callers =
          org.openlgsp.edge.BearerTokens.builder(org.openlgsp.core.ErrorCode.ADMIN_UNAUTHENTICATED)
              .token("admin", role.adminTokenSha256(), java.util.Set.of(RegistryServer.ADMIN_ROLE));
      for (org.openlgsp.registry.BreachOptions.Officer o :
          role.options(instance).breaches().officers()) {
        callers.token(o.name(), o.tokenSha256(), java.util.Set.of(RegistryServer.BREACH_ROLE));
      }
      // federated instances reporting statistics upward (docs/statistics.md, "Reported upward")
      for (NodeConfig.TrackerReader r :
          role.federation().map(NodeConfig.RegistryFederation::reporters).orElse(List.of())) {
        callers.token(
            r.name(), r.tokenSha256(), java.util.Set.of(RegistryServer.FEDERATION_STATISTICS_ROLE));
      }
      Optional<CitizenTracker> tracker = Optional.empty();
      if (role.tracker().isPresent()) {
        NodeConfig.RegistryTracker t = role.tracker().get();
        tracker = Optional.of(tracker(base, registry, t, role.consentKey().isPresent()));
        routes.addAll(tracker.get().routes());
        for (NodeConfig.TrackerReader r : t.readers()) {
          callers.token(r.name(), r.tokenSha256(), java.util.Set.of(CitizenTracker.READER_ROLE));
        }
      }
      RegistryServer server =
          RegistryServer.start(
              registry,
              callers.build(),
              role.host(),
              role.port(),
              enrolments,
              routes,
              Optional.of(org.openlgsp.statistics.PdfDocuments::fromHtml),
              tenants.mounts());
      for (TenantRegistries.Running t : tenants.running()) {
        out.printf(
            "tenant %s (%s): http://%s:%d%s/directory, admin API %s/api/v1 (storage %s)%n",
            t.settings().id(),
            t.settings().instance(),
            role.host(),
            server.port(),
            t.settings().prefix(),
            t.settings().prefix(),
            t.database().describe());
      }
      out.printf(
          "registry %s: http://%s:%d (signed directory /directory, admin API /api/v1%s, storage"
              + " %s)%n",
          instance,
          role.host(),
          server.port(),
          witness.map(w -> ", checkpoint witness /ledger/v1/witness").orElse(""),
          db.describe());
      AutoCloseable federation = () -> {};
      Optional<Console> console = Optional.empty();
      org.openlgsp.alerts.Alerts alerts = null;
      try {
        alerts = breachAlerts(db, registry, role, base);
        if (role.federation().isPresent()) {
          federation = registry.federate(role.federation().get().options(base));
          out.printf(
              "registry %s: federated with %s (catalogues /federation/{instance}/catalogue)%n",
              instance,
              role.federation().get().peers().stream()
                  .map(NodeConfig.FederationPeer::registryUrl)
                  .toList());
          for (org.openlgsp.registry.FederationOptions.Peer p :
              role.federation().get().options(base).peers()) {
            p.summaries()
                .ifPresent(
                    s ->
                        out.printf(
                            "registry %s: sends its daily summary to %s at %s %s%n",
                            instance, p.registryUrl(), s.at(), s.zone()));
          }
        }
        ConsoleOptions consoleOptions = role.consoleOptions();
        if (consoleOptions.enabled()) {
          try {
            console =
                Optional.of(
                    Console.start(
                        registry,
                        db,
                        consoleOptions,
                        base,
                        enrolments,
                        // the console's ledger, subject-access and alerts pages (docs/console.md)
                        new org.openlgsp.console.AuditSources(
                            consentLog,
                            witness,
                            tracker,
                            Optional.of(new RegistryConsoleAlerts(alerts)))));
          } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            throw new NodeConfig.ConfigException(
                message.startsWith("oidc.")
                    ? "registry.console." + message
                    : message.startsWith("registry.console.")
                        ? message
                        : "registry.console.gateways: " + message);
          }
          out.printf("registry %s: web console %s%n", instance, console.get().url());
        }
      } catch (RuntimeException e) {
        console.ifPresent(Console::close);
        closeQuietly(federation);
        if (alerts != null) {
          alerts.close();
        }
        server.close();
        throw e;
      }
      return new RegistryNode(
          signing,
          db,
          registry,
          server,
          owned,
          witness,
          console,
          federation,
          alerts,
          consentLog,
          tenants);
    } catch (RuntimeException e) {
      if (tenants != null) {
        tenants.close();
      }
      owned.forEach(CaFolder.Opened::close);
      consentLog.ifPresent(org.openlgsp.ledger.ConsentLog::close);
      db.close();
      throw e;
    }
  }

  /**
   * The registry's security alerts ({@code registry.alerts}, docs/alerts.md): the state rules over
   * what a registry exposes, today the breach register's deadlines ({@code breachNotification}),
   * stored in the registry's database and delivered by the configured webhooks, SMTP and syslog.
   */
  private static org.openlgsp.alerts.Alerts breachAlerts(
      Database db, Registry registry, NodeConfig.RegistryRole role, Path base) {
    return org.openlgsp.alerts.Alerts.start(
        db,
        role.alertsOptions(),
        base,
        org.openlgsp.alerts.NodeSignals.none()
            .withBreachDeadlines(
                () ->
                    registry.breaches().due().stream()
                        .map(
                            d ->
                                new org.openlgsp.alerts.NodeSignals.BreachDeadline(
                                    d.id(), d.detectedAt(), d.deadline()))
                        .toList()),
        role.host(),
        Clock.systemUTC());
  }

  /** The registry node's alerts (the breach deadlines). */
  public org.openlgsp.alerts.Alerts alerts() {
    return alerts;
  }

  /**
   * The registry's witness: cosigns checkpoints of the configured logs, keeping the latest one of
   * each in the registry's database (table {@code ledger_witnessed}), and refuses a fork.
   */
  private static Witness witness(
      Path base, Database db, String instance, NodeConfig.RegistryWitness settings) {
    NoteKey key =
        LedgerFiles.witnessKey(base.resolve(settings.key()), instance + "/registry/witness");
    List<NoteVerifier> logs =
        settings.logs().stream()
            .map(
                l -> {
                  Path file = base.resolve(l); // a file beside the configuration, or the key text
                  return LedgerSource.parseKey(
                      java.nio.file.Files.isRegularFile(file) ? file.toString() : l);
                })
            .toList();
    return new Witness(db, key, logs, Clock.systemUTC());
  }

  /** The token of {@code link}, read from its file; a file that cannot be read stops the node. */
  private static String token(Path base, org.openlgsp.edge.ApiLink link, String key) {
    try {
      return link.token(base);
    } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
      throw new NodeConfig.ConfigException(key + ": " + e.getMessage());
    }
  }

  /**
   * The citizen data tracker: every gateway node of the directory at the ledger API it publishes,
   * with the token of {@code tracker.tokenFile}; the configured gateways, each with its token read
   * from its file, override them (one the tracker cannot ask is reported so).
   */
  private static CitizenTracker tracker(
      Path base, Registry registry, NodeConfig.RegistryTracker t, boolean consentsKept) {
    List<CitizenTracker.Gateway> gateways = new ArrayList<>();
    for (NodeConfig.TrackerGateway g : t.gateways()) {
      gateways.add(
          new CitizenTracker.Gateway(
              g.node(), g.url(), token(base, g.link(), "registry.tracker.gateways")));
    }
    Optional<String> directoryToken =
        t.tokenFile()
            .map(
                f ->
                    token(
                        base,
                        new org.openlgsp.edge.ApiLink("http://127.0.0.1", f),
                        "registry.tracker.tokenFile"));
    return new CitizenTracker(
        gateways,
        registry::nodes,
        directoryToken,
        t.effectiveDeadline(),
        LedgerFiles.keyedHash("tracker subject key", base.resolve(t.effectiveSubjectKey()), true),
        Clock.systemUTC(),
        Optional.of(org.openlgsp.statistics.PdfDocuments::fromHtml),
        id ->
            consentsKept
                ? registry.consents(id).stream().map(c -> trackerConsent(registry, c)).toList()
                : List.of(),
        prefix ->
            registry.auditLog(prefix, 0, 100).stream()
                .filter(a -> a.action().equals("tracker.lookup") && a.target().startsWith(prefix))
                .map(
                    a ->
                        new org.openlgsp.ledger.TrackerReport.Lookup(
                            a.at(), a.actor(), a.target().substring(prefix.length()), a.outcome()))
                .toList());
  }

  /** A consent as the tracker report shows it, with what the consent log proves of it. */
  private static org.openlgsp.ledger.TrackerReport.Consent trackerConsent(
      Registry registry, Registry.ConsentEntry c) {
    Optional<Registry.ConsentProof> proof;
    try {
      proof = Optional.of(registry.consentProof(c.id()));
    } catch (org.openlgsp.core.LgspException noLog) {
      proof = Optional.empty();
    }
    return new org.openlgsp.ledger.TrackerReport.Consent(
        c.id(),
        c.consent().category(),
        c.consent().recipient().toString(),
        c.consent().purpose(),
        c.consent().validFrom(),
        c.consent().validTo(),
        c.withdrawnAt(),
        proof.map(Registry.ConsentProof::changes).orElse(List.of()),
        proof.map(Registry.ConsentProof::matches).orElse(false));
  }

  /** The consent log's checkpoint key, when the registry keeps consents. */
  public Optional<NoteVerifier> consentLogKey() {
    return consentLog.map(org.openlgsp.ledger.ConsentLog::verifier);
  }

  /** The witness's verifier key, when the registry runs one. */
  public Optional<NoteVerifier> witnessKey() {
    return witness.map(Witness::verifier);
  }

  private static CaFolder.Opened openCa(Path base, NodeConfig.CaSettings settings) {
    Path passwordFile = base.resolve(settings.passwordFile());
    String password;
    try {
      password = java.nio.file.Files.readString(passwordFile).strip();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read registry.ca.passwordFile " + passwordFile);
    }
    return CaFolder.open(base.resolve(settings.dir()), password.toCharArray());
  }

  /** Registers the registry's meters: its directory-signing certificate's expiry. */
  void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry, String instance) {
    NodeMeters.registry(registry, signing.chain().getFirst(), instance);
    for (org.openlgsp.registry.SummaryReporter r : this.registry.summaryReporters()) {
      NodeMeters.summaries(registry, r);
    }
  }

  /** The registry's readiness checks: its database and its directory-signing certificate. */
  List<HealthCheck> healthChecks() {
    List<HealthCheck> checks = new ArrayList<>();
    checks.add(HealthCheck.database("registry", database));
    checks.add(
        new HealthCheck(
            "registry.signing",
            () -> HealthCheck.validNow("directory signing", signing.chain().getFirst())));
    checks.addAll(tenants.healthChecks());
    return List.copyOf(checks);
  }

  /** The registry of tenant {@code id}, when this node serves it. */
  public Optional<Registry> tenant(String id) {
    return tenants.running().stream()
        .filter(t -> t.settings().id().equals(id))
        .map(TenantRegistries.Running::registry)
        .findFirst();
  }

  Database database() {
    return database;
  }

  public Registry registry() {
    return registry;
  }

  public int port() {
    return server.port();
  }

  /**
   * The registry's directory-signing key and certificate chain as {@code registry.signing} names
   * them (files relative to {@code base}), e.g. for {@code lgsp registry agreement sign}.
   */
  public static Credentials signingCredentials(NodeConfig.RegistryRole role, Path base) {
    return GatewayNode.credentials(
        base, role.signing().certificate().orElseThrow(), role.signing().key().orElseThrow());
  }

  /**
   * Creates a console account in the registry's database of {@code role} (running or not) and
   * returns its random password, shown this once; the creation is written to the registry's audit
   * trail with {@code actor} and "from the command line".
   */
  public static String createConsoleAccount(
      String instance,
      NodeConfig.RegistryRole role,
      Path base,
      String username,
      ConsoleRole consoleRole,
      Optional<org.openlgsp.core.ClientId> agency,
      String actor) {
    Credentials signing = signingCredentials(role, base);
    try (Database db = Database.open(GatewayNode.resolveJdbc(base, role.database()))) {
      Registry registry =
          new Registry(db, role.options(instance), signing.signer(), Clock.systemUTC());
      Accounts accounts = new Accounts(db, role.consoleOptions(), Clock.systemUTC());
      String target = "console account " + username;
      try {
        String password = accounts.create(username, consoleRole, agency);
        registry.audit(
            actor,
            "console.account.create",
            target,
            "ok",
            "from the command line; after: role "
                + consoleRole.id()
                + agency.map(a -> ", agency " + a.encoded()).orElse(""));
        return password;
      } catch (RuntimeException e) {
        registry.audit(actor, "console.account.create", target, "refused", "from the command line");
        throw e;
      }
    }
  }

  /** The console accounts in the registry's database of {@code role}. */
  public static List<Account> consoleAccounts(NodeConfig.RegistryRole role, Path base) {
    try (Database db = Database.open(GatewayNode.resolveJdbc(base, role.database()))) {
      return new Accounts(db, role.consoleOptions(), Clock.systemUTC()).list();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // the start already failed; that failure is the one to report
    }
  }

  /** The web console, when {@code registry.console.enabled}. */
  public Optional<Console> console() {
    return console;
  }

  @Override
  public void close() {
    console.ifPresent(Console::close);
    alerts.close();
    try {
      federation.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    server.close();
    tenants.close();
    owned.forEach(CaFolder.Opened::close);
    consentLog.ifPresent(org.openlgsp.ledger.ConsentLog::close);
    database.close();
  }
}
