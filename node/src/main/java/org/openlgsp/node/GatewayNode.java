package org.openlgsp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.NodeId;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.gateway.DirectoryFetcher;
import org.openlgsp.gateway.DirectoryHolder;
import org.openlgsp.gateway.Gateway;
import org.openlgsp.gateway.GatewayFeatures;
import org.openlgsp.gateway.GatewayOptions;
import org.openlgsp.gateway.LocalSystem;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.ledger.Checkpoints;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerHttp;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.NoteVerifier;
import org.openlgsp.ledger.SubjectAccess;
import org.openlgsp.ledger.SubjectHasher;
import org.openlgsp.ledger.Witness;
import org.openlgsp.ledger.WitnessHttp;
import org.openlgsp.monitoring.Monitoring;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;
import org.openlgsp.statistics.Statistics;
import org.openlgsp.storage.Database;

/** A gateway role assembled from configuration: storage, ledger, directory pull, listeners. */
public final class GatewayNode implements AutoCloseable {
  private final Database database;
  private final ObserverDatabase observerDatabase;
  private final Ledger ledger;
  private final DirectoryHolder directory;
  private final DirectoryFetcher fetcher;
  private final Gateway gateway;
  private final Credentials tls;
  private final Checkpoints checkpoints;
  private final Optional<LedgerHttp> ledgerApi;
  private final List<ClientId> members;
  private final Optional<org.openlgsp.pki.RevocationChecker> revocation;
  private final Clock clock;
  private final Monitoring monitoring;
  private final Statistics statistics;
  // set once started, before the node is handed out
  private org.openlgsp.alerts.Alerts alerts;
  private KeyFileWatcher keyFiles;
  private Optional<org.openlgsp.edge.AdminApi> credentialsApi = Optional.empty();
  private org.openlgsp.gateway.LocalCredentials localCredentials;
  private io.micrometer.core.instrument.MeterRegistry meters;
  private Optional<org.openlgsp.console.NodeConsole> console = Optional.empty();
  private boolean closed;

  private GatewayNode(
      Database database,
      ObserverDatabase observerDatabase,
      Ledger ledger,
      DirectoryHolder directory,
      DirectoryFetcher fetcher,
      Gateway gateway,
      Credentials tls,
      Checkpoints checkpoints,
      Optional<LedgerHttp> ledgerApi,
      List<ClientId> members,
      Optional<org.openlgsp.pki.RevocationChecker> revocation,
      Monitoring monitoring,
      Statistics statistics,
      Clock clock) {
    this.clock = clock;
    this.monitoring = monitoring;
    this.statistics = statistics;
    this.members = List.copyOf(members);
    this.revocation = revocation;
    this.database = database;
    this.observerDatabase = observerDatabase;
    this.ledger = ledger;
    this.directory = directory;
    this.fetcher = fetcher;
    this.gateway = gateway;
    this.tls = tls;
    this.checkpoints = checkpoints;
    this.ledgerApi = ledgerApi;
  }

  public Credentials tlsCredentials() {
    return tls;
  }

  /** As below, with a registry of its own that no one scrapes (tests read it through meters()). */
  public static GatewayNode start(NodeConfig.GatewayRole role, Path baseDir, Clock clock) {
    return start(
        role, baseDir, clock, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  /** Starts the role and registers its meters in {@code meters} (docs/ops.md). */
  public static GatewayNode start(
      NodeConfig.GatewayRole role,
      Path baseDir,
      Clock clock,
      io.micrometer.core.instrument.MeterRegistry meters) {
    return start(role, baseDir, clock, meters, List::of, role::registryUrl);
  }

  /**
   * @param procedureDeadlines the cases near or past their limit of a procedure engine running in
   *     the same node, for the alert rules {@code procedureAtRisk} and {@code procedureOverdue}
   * @param registryUrl where the directory is fetched from, asked at each fetch ({@link
   *     ConfiguredRegistryUrl} when started from a file)
   */
  static GatewayNode start(
      NodeConfig.GatewayRole role,
      Path baseDir,
      Clock clock,
      io.micrometer.core.instrument.MeterRegistry meters,
      java.util.function.Supplier<List<org.openlgsp.alerts.NodeSignals.ProcedureDeadline>>
          procedureDeadlines,
      java.util.function.Supplier<String> registryUrl) {
    // A node that fails to start gives its ledger and database up, so the same files can be
    // opened again in this process (SQLite: one ledger writer per file, held until closed).
    java.util.Deque<AutoCloseable> opened = new java.util.ArrayDeque<>();
    try {
      return start(role, baseDir, clock, meters, procedureDeadlines, registryUrl, opened);
    } catch (RuntimeException e) {
      for (AutoCloseable c : opened) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static GatewayNode start(
      NodeConfig.GatewayRole role,
      Path baseDir,
      Clock clock,
      io.micrometer.core.instrument.MeterRegistry meters,
      java.util.function.Supplier<List<org.openlgsp.alerts.NodeSignals.ProcedureDeadline>>
          procedureDeadlines,
      java.util.function.Supplier<String> registryUrl,
      java.util.Deque<AutoCloseable> opened) {
    NodeId node = NodeId.parse(role.node());
    // gateway.instance: the label telling this process's meters from other instances' (the meters
    // registered from here on; NodeMetrics sets it before the JVM's)
    role.instance().ifPresent(name -> meters.config().commonTags("instance", name));
    NodeKeys keys = new NodeKeys(baseDir);
    Credentials tls = keys.credentials("gateway.tls", role.tls());
    Map<ClientId, Credentials> signing = new HashMap<>();
    for (NodeConfig.MemberSigning s : role.signing()) {
      signing.put(
          ClientId.parse(s.member()),
          keys.credentials("gateway.signing of " + s.member(), s.keys()));
    }
    List<X509Certificate> trust = new ArrayList<>();
    for (String file : role.directoryTrust()) {
      trust.addAll(Pem.certificates(read(baseDir, file)));
    }
    List<LocalSystem> systems = new ArrayList<>();
    for (NodeConfig.LocalSystemEntry e : role.localSystems()) {
      Set<String> fingerprints = new HashSet<>();
      for (String file : e.certificates()) {
        Pem.certificates(read(baseDir, file))
            .forEach(c -> fingerprints.add(Certificates.fingerprint(c)));
      }
      systems.add(
          new LocalSystem(
              ClientId.parse(e.id()),
              fingerprints,
              e.oauthClientId(),
              e.secretSha256(),
              e.sourceNetworks()));
    }
    GatewayOptions options = role.options();
    Database db = Database.open(resolveJdbc(baseDir, role.database()));
    opened.push(db);
    Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
    opened.push(ledger);
    DirectoryHolder holder = new DirectoryHolder(trust, options.directoryGrace(), clock);
    DirectoryFetcher fetcher =
        new DirectoryFetcher(
                registryUrl,
                holder,
                role.directoryRefresh(),
                baseDir.resolve(options.directoryCache()))
            .start();
    NodeConfig.LedgerSettings ls = role.ledger();
    NoteKey key = LedgerFiles.checkpointKey(baseDir, ls, node);
    SubjectHasher subjects = LedgerFiles.subjectHasher(baseDir, ls);
    java.util.concurrent.atomic.AtomicLong tsaFailures =
        new java.util.concurrent.atomic.AtomicLong();
    Checkpoints checkpoints =
        new Checkpoints(
                db,
                ledger,
                key,
                counted(CheckpointTimestamps.timestamper(ls, baseDir), tsaFailures),
                ls.policy(),
                ls.witnesses().stream().map(w -> WitnessHttp.client(w.name(), w.url())).toList(),
                clock)
            .start();
    Optional<org.openlgsp.pki.RevocationChecker> revocation =
        role.revocation().map(r -> revocationChecker(r, baseDir, holder, clock));
    GatewayFeatures features = GatewayFeatures.none().withSubjects(subjects);
    for (NodeConfig.MemberEncryption e : role.encryption()) {
      Credentials encryption =
          keys.credentials(
              "gateway.encryption of " + e.member(),
              NodeConfig.KeyFiles.pem(e.certificate(), e.key()));
      if (!org.openlgsp.pki.CertificateProfile.MEMBER_ENCRYPTION.permits(
          encryption.certificate())) {
        throw new IllegalArgumentException(
            "gateway.encryption of "
                + e.member()
                + ": "
                + e.certificate()
                + " is not a member-encryption certificate (keyAgreement, EC P-256)");
      }
      features = features.withEncryptionKey(ClientId.parse(e.member()), encryption);
    }
    if (role.hub().isPresent()) {
      features = features.withHub(role.hub().get().routing());
    }
    if (role.consentKey().isPresent()) {
      features =
          features.withConsentKey(
              LedgerFiles.consentKey(baseDir.resolve(role.consentKey().get()), false));
    }
    // Before the gateway, so no exchange goes unobserved; their own tables, on SQLite in a file of
    // their own (ObserverDatabase: off the ledger's write lock); their APIs audit in the gateway's.
    ObserverDatabase observerDb = ObserverDatabase.open(role, baseDir, db);
    Database odb = observerDb.database();
    Monitoring monitoring;
    try {
      monitoring =
          Monitoring.start(
              odb,
              role.monitoringOptions(),
              meters,
              holder::current,
              options.host(),
              clock,
              db,
              role.monitoringAtRest(baseDir));
    } catch (RuntimeException e) {
      observerDb.close();
      throw e;
    }
    Statistics statistics;
    try {
      statistics =
          Statistics.start(
              odb, role.statisticsOptions(), meters, options.host(), node.encoded(), clock, db);
    } catch (RuntimeException e) {
      monitoring.close();
      observerDb.close();
      throw e;
    }
    for (ExchangeObserver o : monitoring.observers()) {
      features = features.withObserver(o);
    }
    for (ExchangeObserver o : statistics.observers()) {
      features = features.withObserver(o);
    }
    // The gateway holds the keys in use once it runs (key rotation swaps them there); the rule on
    // certificate expiry reads them from it, and the ones loaded here until then.
    java.util.concurrent.atomic.AtomicReference<Gateway> running =
        new java.util.concurrent.atomic.AtomicReference<>();
    org.openlgsp.alerts.Alerts alerts;
    try {
      alerts =
          org.openlgsp.alerts.Alerts.start(
              odb,
              role.alertsOptions(),
              baseDir,
              signals(
                      () -> certificatesInUse(running.get(), tls, signing),
                      holder,
                      checkpoints,
                      ls.witnesses().size(),
                      ls.tsaUrl().isPresent(),
                      tsaFailures,
                      revocation
                          .<java.util.function.LongSupplier>map(r -> r::failedFetches)
                          .orElse(() -> 0))
                  .withProcedureDeadlines(procedureDeadlines),
              options.host(),
              clock,
              db); // the APIs' audit rows stay in the gateway's edge_audit
    } catch (RuntimeException e) {
      statistics.close();
      monitoring.close();
      observerDb.close();
      throw e;
    }
    alerts.registerMetrics(meters);
    if (role.alertsOptions().enabled()) {
      features = features.withObserver(alerts.observer());
    }
    GatewayFeatures observed = features;
    Gateway gateway;
    try {
      gateway =
          Gateway.start(
              options,
              tls,
              signing,
              systems,
              holder,
              ledger,
              revocation.map(observed::withRevocation).orElse(observed));
      running.set(gateway);
    } catch (RuntimeException e) {
      alerts.close();
      statistics.close();
      monitoring.close();
      observerDb.close();
      throw e;
    }
    // Local systems' credentials created at run time, in the gateway's database; their API when
    // gateway.credentials opens one (docs/protocol.md, "Local systems' credentials").
    org.openlgsp.gateway.LocalCredentials localCredentials;
    Optional<org.openlgsp.edge.AdminApi> credentialsApi = Optional.empty();
    try {
      localCredentials = gateway.openCredentials(db, role.credentialOptions());
      if (role.credentialOptions().apiPort().isPresent()) {
        credentialsApi =
            Optional.of(localCredentials.startApi(options.host(), DatabaseAuditLog.open(db)));
      }
    } catch (RuntimeException e) {
      gateway.close();
      alerts.close();
      statistics.close();
      monitoring.close();
      observerDb.close();
      throw e;
    }
    Optional<LedgerHttp> api = Optional.empty();
    if (ls.apiPort().isPresent()) {
      LedgerHttp.Builder b =
          LedgerHttp.builder(
                  LedgerReader.open(db),
                  key.verifier(),
                  new SubjectAccess(LedgerReader.open(db), subjects, agencyNames(holder)))
              .auditorToken(ls.auditorTokenSha256().orElseThrow())
              .auditLog(DatabaseAuditLog.open(db));
      ls.trackerTokenSha256().ifPresent(b::trackerToken);
      if (!ls.witnessFor().isEmpty()) {
        b.witness(
            new Witness(
                db,
                LedgerFiles.witnessKey(baseDir, ls, node),
                ls.witnessFor().stream().map(NoteVerifier::parse).toList(),
                clock));
      }
      api = Optional.of(b.start(options.host(), ls.apiPort().get()));
    }
    GatewayNode started =
        new GatewayNode(
            db,
            observerDb,
            ledger,
            holder,
            fetcher,
            gateway,
            tls,
            checkpoints,
            api,
            List.copyOf(signing.keySet()),
            revocation,
            monitoring,
            statistics,
            clock);
    started.alerts = alerts;
    started.credentialsApi = credentialsApi;
    started.localCredentials = localCredentials;
    if (role.consoleOptions().enabled()) {
      try {
        started.console =
            Optional.of(
                org.openlgsp.console.NodeConsole.start(
                    started.consoleSource(signing),
                    db,
                    role.consoleOptions(),
                    DatabaseAuditLog.open(db),
                    baseDir));
      } catch (IllegalArgumentException e) {
        started.close();
        throw String.valueOf(e.getMessage()).startsWith("oidc.")
            ? new NodeConfig.ConfigException("gateway.console." + e.getMessage())
            : e;
      } catch (RuntimeException e) {
        started.close();
        throw e;
      }
    }
    started.keyFiles = watchKeyFiles(role, keys, gateway).start(role.directoryRefresh());
    started.meters = meters;
    NodeMeters.gateway(meters, started, started.members, revocation, clock);
    return started;
  }

  /** What the node-local console reads of this node, in process. */
  private org.openlgsp.console.NodeConsole.Source consoleSource(
      Map<ClientId, Credentials> loadedSigning) {
    return new org.openlgsp.console.NodeConsole.Source() {
      @Override
      public String node() {
        return gateway.options().node().toString();
      }

      @Override
      public Optional<byte[]> recordsJson(Map<String, String> query) {
        return monitoring.recordsJson(query);
      }

      @Override
      public Optional<List<org.openlgsp.statistics.Figures>> figures(
          java.time.Instant from, java.time.Instant to, String groupBy) {
        return statistics.figures(from, to, groupBy);
      }

      @Override
      public List<org.openlgsp.console.NodeConsole.Certificate> certificates() {
        List<org.openlgsp.console.NodeConsole.Certificate> certs = new ArrayList<>();
        certs.add(
            new org.openlgsp.console.NodeConsole.Certificate("tls", gateway.nodeTlsCertificate()));
        loadedSigning.forEach(
            (member, loaded) ->
                certs.add(
                    new org.openlgsp.console.NodeConsole.Certificate(
                        "signing " + member.encoded(),
                        gateway.signingCertificate(member).orElse(loaded.certificate()))));
        return certs;
      }

      @Override
      public List<org.openlgsp.console.NodeConsole.Checkpoint> checkpoints() {
        return LedgerReader.open(database).checkpoints().stream()
            .map(
                c ->
                    new org.openlgsp.console.NodeConsole.Checkpoint(
                        c.size(),
                        c.checkpoint().rootHash(),
                        c.createdAt(),
                        Math.max(0, c.note().signatures().size() - 1),
                        c.timestampToken().isPresent()))
            .toList();
      }

      @Override
      public org.openlgsp.console.SystemCredentials credentials() {
        return new ConsoleCredentials(localCredentials);
      }
    };
  }

  /**
   * Creates an account of the node-local console in the gateway's database of {@code role} (running
   * or not) and returns its random password, shown this once; the creation is written to the
   * gateway's {@code edge_audit} with {@code actor} and "from the command line".
   */
  public static String createConsoleAccount(
      NodeConfig.GatewayRole role,
      Path base,
      String username,
      org.openlgsp.console.ConsoleRole consoleRole,
      Optional<ClientId> agency,
      String actor) {
    try (Database db = Database.open(resolveJdbc(base, role.database()))) {
      org.openlgsp.console.Accounts accounts =
          new org.openlgsp.console.Accounts(db, role.consoleOptions(), Clock.systemUTC());
      DatabaseAuditLog audit = DatabaseAuditLog.open(db);
      String target = "console account " + username;
      try {
        String password = accounts.create(username, consoleRole, agency);
        audit.record(
            new org.openlgsp.edge.spi.AuditEvent(
                actor,
                "console.account.create",
                target,
                org.openlgsp.edge.spi.AuditEvent.OK,
                "after: role "
                    + consoleRole.id()
                    + agency.map(a -> ", agency " + a.encoded()).orElse(""),
                "the command line",
                Clock.systemUTC().instant()));
        return password;
      } catch (RuntimeException e) {
        audit.record(
            new org.openlgsp.edge.spi.AuditEvent(
                actor,
                "console.account.create",
                target,
                "refused",
                "",
                "the command line",
                Clock.systemUTC().instant()));
        throw e;
      }
    }
  }

  /** The accounts of the node-local console in the gateway's database of {@code role}. */
  public static List<org.openlgsp.console.Account> consoleAccounts(
      NodeConfig.GatewayRole role, Path base) {
    try (Database db = Database.open(resolveJdbc(base, role.database()))) {
      return new org.openlgsp.console.Accounts(db, role.consoleOptions(), Clock.systemUTC()).list();
    }
  }

  /** The node-local console, when {@code gateway.console.enabled}. */
  public Optional<org.openlgsp.console.NodeConsole> console() {
    return console;
  }

  /**
   * Key rotation by file replacement (or a new chain stored with a token key): picked up as often
   * as the directory is fetched, since peers need the new certificate in their directory anyway
   * (docs/pki.md, "Rotation").
   */
  private static KeyFileWatcher watchKeyFiles(
      NodeConfig.GatewayRole role, NodeKeys keys, Gateway gateway) {
    KeyFileWatcher watcher =
        new KeyFileWatcher()
            .watch("node TLS key", keys.source("gateway.tls", role.tls()), gateway::useNodeTls);
    for (NodeConfig.MemberSigning s : role.signing()) {
      ClientId member = ClientId.parse(s.member());
      watcher.watch(
          "signing key of " + member,
          keys.source("gateway.signing of " + s.member(), s.keys()),
          creds -> gateway.useSigningCredentials(member, creds));
    }
    return watcher;
  }

  private static java.util.function.Function<ClientId, String> agencyNames(DirectoryHolder d) {
    return id ->
        d.current()
            .flatMap(dir -> dir.member(id))
            .map(org.openlgsp.core.Directory.Member::name)
            .orElse(id.toString());
  }

  /**
   * The gateway's readiness checks: a usable signed directory, the database (and the observers',
   * when it is another), the node's TLS and members' signing certificates, a fresh OCSP answer for
   * the node's TLS certificate (when revocation checking is configured), the ledger writer.
   */
  List<HealthCheck> healthChecks() {
    List<HealthCheck> checks = new ArrayList<>();
    checks.add(new HealthCheck("gateway.directory", this::directoryHealth));
    checks.add(HealthCheck.database("gateway", database));
    if (observerDatabase.separate()) {
      checks.add(HealthCheck.database("gateway.observers", observerDatabase.database()));
    }
    checks.add(new HealthCheck("gateway.keys", this::keysHealth));
    revocation.ifPresent(r -> checks.add(new HealthCheck("gateway.ocsp", () -> ocspHealth(r))));
    checks.add(
        new HealthCheck(
            "gateway.ledger",
            () -> {
              ledger
                  .writerTrouble()
                  .ifPresent(
                      t -> {
                        throw new IllegalStateException(t);
                      });
              return "writer running, " + ledger.size() + " records";
            }));
    return checks;
  }

  private String directoryHealth() {
    org.openlgsp.core.Directory d =
        directory
            .current()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no valid signed directory loaded yet (is the registry reachable?)"));
    if (!d.usableAt(clock.instant(), gateway.options().directoryGrace())) {
      throw new IllegalStateException(
          "directory serial " + d.serial() + " expired and no newer one could be loaded");
    }
    return "directory serial " + d.serial();
  }

  private String keysHealth() {
    StringBuilder found =
        new StringBuilder(HealthCheck.validNow("node TLS", gateway.nodeTlsCertificate()));
    for (ClientId member : members) {
      X509Certificate c =
          gateway
              .signingCertificate(member)
              .orElseThrow(() -> new IllegalStateException("no signing key for " + member));
      found.append("; ").append(HealthCheck.validNow("signing " + member, c));
    }
    return found.toString();
  }

  private String ocspHealth(org.openlgsp.pki.RevocationChecker checker) {
    if (checker.staple(gateway.nodeTlsCertificate()).isEmpty()) {
      throw new IllegalStateException(
          "no fresh OCSP answer for the node's TLS certificate (responder unreachable, or its"
              + " answers older than the freshness allowed)");
    }
    return "fresh OCSP answer for the node's TLS certificate";
  }

  Database database() {
    return database;
  }

  /** Where the operational records, statistics and alerts are written. */
  Database observerDatabase() {
    return observerDatabase.database();
  }

  public Checkpoints checkpoints() {
    return checkpoints;
  }

  /** The statistics: their API's port, their counters. */
  Statistics statistics() {
    return statistics;
  }

  /**
   * What the alert rules over the node's state watch: the TLS and signing certificates in use, the
   * directory held, the ledger's latest checkpoint, the TSA's and the OCSP responder's failures
   * (none counted for OCSP without {@code revocation:}).
   */
  private static org.openlgsp.alerts.NodeSignals signals(
      java.util.function.Supplier<List<org.openlgsp.alerts.NodeSignals.CertificateValidity>>
          certificates,
      DirectoryHolder holder,
      Checkpoints checkpoints,
      int witnesses,
      boolean timestampAuthority,
      java.util.concurrent.atomic.AtomicLong tsaFailures,
      java.util.function.LongSupplier ocspFailures) {
    return org.openlgsp.alerts.NodeSignals.none()
        .withCertificates(certificates)
        .withDirectoryValidUntil(() -> holder.current().map(org.openlgsp.core.Directory::expiresAt))
        .withLatestCheckpoint(
            () ->
                checkpoints
                    .latestPublished()
                    .map(
                        c ->
                            new org.openlgsp.alerts.NodeSignals.CheckpointStatus(
                                c.size(),
                                c.createdAt(),
                                Math.max(0, c.note().signatures().size() - 1),
                                witnesses,
                                c.timestampToken().isPresent(),
                                timestampAuthority)))
        .withTrustServiceFailures(
            () ->
                new org.openlgsp.alerts.NodeSignals.FailureCounts(
                    tsaFailures.get(), ocspFailures.getAsLong()));
  }

  /**
   * The node's TLS and signing certificates: those {@code gateway} uses (a rotation by file
   * replacement swaps them there), or those loaded at start while it is not running yet.
   */
  private static List<org.openlgsp.alerts.NodeSignals.CertificateValidity> certificatesInUse(
      Gateway gateway, Credentials tls, Map<ClientId, Credentials> signing) {
    List<org.openlgsp.alerts.NodeSignals.CertificateValidity> certs = new ArrayList<>();
    X509Certificate tlsNow = gateway == null ? tls.certificate() : gateway.nodeTlsCertificate();
    certs.add(
        new org.openlgsp.alerts.NodeSignals.CertificateValidity(
            "tls", tlsNow.getNotAfter().toInstant()));
    signing.forEach(
        (member, loaded) -> {
          X509Certificate c =
              gateway == null
                  ? loaded.certificate()
                  : gateway.signingCertificate(member).orElse(loaded.certificate());
          certs.add(
              new org.openlgsp.alerts.NodeSignals.CertificateValidity(
                  "signing " + member.encoded(), c.getNotAfter().toInstant()));
        });
    return certs;
  }

  /** {@code tsa}, counting its failures for the alert rule on trust services. */
  private static org.openlgsp.ledger.spi.Timestamper counted(
      org.openlgsp.ledger.spi.Timestamper tsa, java.util.concurrent.atomic.AtomicLong failures) {
    return new org.openlgsp.ledger.spi.Timestamper() {
      @Override
      public String name() {
        return tsa.name();
      }

      @Override
      public Optional<byte[]> timestamp(byte[] sha256Digest) {
        try {
          return tsa.timestamp(sha256Digest);
        } catch (RuntimeException e) {
          failures.incrementAndGet();
          throw e;
        }
      }
    };
  }

  /** The security alerts: their API's port. */
  org.openlgsp.alerts.Alerts alerts() {
    return alerts;
  }

  /** The operational monitoring: its query API's port, its counters. */
  Monitoring monitoring() {
    return monitoring;
  }

  /** The port of the local systems' credentials API, when enabled. */
  public Optional<Integer> credentialsApiPort() {
    return credentialsApi.map(org.openlgsp.edge.AdminApi::port);
  }

  /** Local systems' credentials created at run time. */
  public org.openlgsp.gateway.LocalCredentials localCredentials() {
    return localCredentials;
  }

  /** The port of the auditor API, when enabled. */
  Optional<Integer> ledgerApiPort() {
    return ledgerApi.map(LedgerHttp::port);
  }

  private static org.openlgsp.pki.RevocationChecker revocationChecker(
      NodeConfig.RevocationSettings settings,
      Path baseDir,
      DirectoryHolder directory,
      Clock clock) {
    List<X509Certificate> configured = new ArrayList<>();
    for (String file : settings.issuers()) {
      configured.addAll(Pem.certificates(read(baseDir, file)));
    }
    // Configured CA certificates plus the trust anchors of the current signed directory.
    return new org.openlgsp.pki.RevocationChecker(
        () -> {
          List<X509Certificate> all = new ArrayList<>(configured);
          directory
              .current()
              .ifPresent(d -> d.trustAnchors().forEach(a -> all.add(Certificates.fromBase64(a))));
          return all;
        },
        new org.openlgsp.pki.OcspClient(settings.timeout(), clock),
        settings.freshness(),
        clock);
  }

  public Gateway gateway() {
    return gateway;
  }

  /** The node's meter registry, where per-exchange meters belong too. */
  public io.micrometer.core.instrument.MeterRegistry meters() {
    return meters;
  }

  public Ledger ledger() {
    return ledger;
  }

  public DirectoryHolder directory() {
    return directory;
  }

  static Credentials credentials(Path baseDir, String certificateFile, String keyFile) {
    List<X509Certificate> chain =
        parsed(baseDir, certificateFile, Pem::certificates, "a PEM certificate chain");
    return new Credentials(parsed(baseDir, keyFile, Pem::privateKey, "the PEM private key"), chain);
  }

  /** {@code file} read and parsed; a file that does not parse is named with what it should hold. */
  private static <T> T parsed(
      Path baseDir, String file, java.util.function.Function<String, T> parse, String expected) {
    String text = read(baseDir, file);
    try {
      return parse.apply(text);
    } catch (RuntimeException e) {
      throw new NodeConfig.ConfigException(
          "cannot use "
              + baseDir.resolve(file)
              + " ("
              + e.getMessage()
              + "); the configuration must name "
              + expected
              + " there");
    }
  }

  static String read(Path baseDir, String file) {
    try {
      return Files.readString(baseDir.resolve(file));
    } catch (IOException e) {
      throw new NodeConfig.ConfigException(
          "cannot read " + baseDir.resolve(file) + ": " + ConfigErrors.reasonAndRemedy(e));
    }
  }

  /** SQLite file paths in the configuration are relative to the configuration's folder. */
  public static String resolveJdbc(Path baseDir, String jdbcUrl) {
    String prefix = "jdbc:sqlite:";
    if (jdbcUrl.startsWith(prefix) && !Path.of(jdbcUrl.substring(prefix.length())).isAbsolute()) {
      Path file = baseDir.resolve(jdbcUrl.substring(prefix.length())).toAbsolutePath();
      try {
        Files.createDirectories(file.getParent());
      } catch (IOException e) {
        throw new NodeConfig.ConfigException("cannot create " + file.getParent());
      }
      return prefix + file;
    }
    return jdbcUrl;
  }

  /** Stops the node; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    console.ifPresent(org.openlgsp.console.NodeConsole::close);
    credentialsApi.ifPresent(org.openlgsp.edge.AdminApi::close);
    if (keyFiles != null) {
      keyFiles.close();
    }
    ledgerApi.ifPresent(LedgerHttp::close);
    gateway.close();
    monitoring.close(); // after the gateway: what its last exchanges queued is written
    statistics.close(); // likewise: the last buckets are written
    if (alerts != null) {
      alerts.close();
    }
    observerDatabase.close(); // after the observers wrote what they held
    fetcher.close();
    checkpoints.close();
    ledger.close();
    try {
      checkpoints.publish(); // sign what was recorded since the last checkpoint
    } catch (RuntimeException e) {
      System.err.println("final checkpoint not published: " + e.getMessage());
    }
    database.close();
  }
}
