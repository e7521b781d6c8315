package org.openlgsp.benchmarks;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.WebClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.alerts.Alerts;
import org.openlgsp.alerts.NodeSignals;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.NodeId;
import org.openlgsp.gateway.DirectoryHolder;
import org.openlgsp.gateway.Gateway;
import org.openlgsp.gateway.GatewayFeatures;
import org.openlgsp.gateway.LocalSystem;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.monitoring.Monitoring;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.LedgerFiles;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeKeys;
import org.openlgsp.node.ObserverDatabase;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.OcspClient;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.RevocationChecker;
import org.openlgsp.statistics.Statistics;
import org.openlgsp.storage.Database;
import org.openlgsp.testkit.Federation;

/**
 * What the three per-exchange observers (operational monitoring: record writer and metrics;
 * statistics; security alerts' rule engine) add to the CPU cost of a full exchange through two
 * gateways. Rounds without observers (A) and with all of them on both gateways (B) alternate in one
 * process, on the same backend, databases and ledgers, so that the machine's other load falls on
 * both kinds alike; the medians over rounds are compared.
 *
 * <p>The demo federation supplies the CA, OCSP, registry, backend and the gateways' configuration;
 * its two gateway nodes are then replaced by gateways assembled here from the same configuration
 * (the way {@code GatewayNode} does, minus checkpoints and directory refresh, which are background
 * work equal in both kinds), because a node always attaches its observers. As in a node, the
 * observers write to {@link ObserverDatabase} (on SQLite a file of their own beside the gateway's),
 * not to the database of the ledger's appends.
 *
 * <p>Run: {@code ./mvnw -q -o package -DskipTests -pl benchmarks -am && java -cp
 * "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.ObserverOverheadBenchmark [seconds per round] [workers] [round pairs]
 * [warm-up seconds per round]}
 */
public final class ObserverOverheadBenchmark {
  private ObserverOverheadBenchmark() {}

  public static void main(String[] args) throws Exception {
    Duration round = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 12);
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    Duration warm = Duration.ofSeconds(args.length > 3 ? Integer.parseInt(args[3]) : 3);
    // listeners start and stop every round; their INFO lines would bury the figures
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    Path work = Files.createTempDirectory("lgsp-obsbench");
    System.out.printf(
        "OpenLGSP observer overhead: %d × (A without observers, B with all), %d s each after %d s"
            + " warm-up, %d closed-loop workers%n",
        pairs, round.toSeconds(), warm.toSeconds(), workers);
    System.out.printf(
        "JVM %s, %d cores, max heap %d MiB, load average %.1f%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    try (Federation fed = Federation.start(work, Federation.Options.exchange(1000))) {
      // The nodes' listeners, ledgers and databases give way to the ones assembled below; their
      // directory holders keep the signed directory they fetched.
      DirectoryHolder consumerDirectory = fed.consumerNode().directory();
      DirectoryHolder providerDirectory = fed.providerNode().directory();
      fed.consumerNode().close();
      fed.providerNode().close();
      try (Side consumer = new Side(work, "tay-ninh-gateway.yaml", consumerDirectory);
          Side provider = new Side(work, "mps-gateway.yaml", providerDirectory)) {
        WebClient client =
            WebClient.builder().connectionCacheSize(workers * 2).followRedirects(false).build();
        List<String> ids = fed.citizenIds();
        String url = fed.consumerHttpUrl() + "/r1/" + Federation.CITIZEN_SERVICE + "/citizens/";
        String[] token = new String[1];
        LoadDriver.Call exchange =
            seq ->
                ExchangeBenchmark.expect200(
                    client
                        .get(url + ids.get((int) (seq % ids.size())))
                        .header(HeaderNames.AUTHORIZATION, "Bearer " + token[0])
                        .header(HeaderNames.create("X-Road-Client"), Federation.PORTAL.toString())
                        .header(HeaderNames.create("X-Road-Issue"), "benchmark")
                        .request());

        System.out.println("warming up (JIT), both kinds…");
        for (boolean observed : new boolean[] {true, false}) {
          runRound(
              fed, consumer, provider, observed, exchange, token, workers, Duration.ofSeconds(15));
        }
        List<Round> rounds = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
          for (boolean observed : new boolean[] {false, true}) {
            runRound(fed, consumer, provider, observed, exchange, token, workers, warm);
            Round r = runRound(fed, consumer, provider, observed, exchange, token, workers, round);
            rounds.add(r);
            System.out.println(r.line(rounds.size()));
          }
        }
        System.out.println();
        System.out.print(report(rounds));
        System.out.printf(
            "operational records written: consumer %d, provider %d; ledger records: %d, %d%n",
            consumer.count("opmon_record"),
            provider.count("opmon_record"),
            consumer.ledger.size(),
            provider.ledger.size());
      }
    }
  }

  /** One round: both gateways (and for B their observers) started, driven, stopped. */
  private static Round runRound(
      Federation fed,
      Side consumer,
      Side provider,
      boolean observed,
      LoadDriver.Call exchange,
      String[] token,
      int workers,
      Duration duration)
      throws Exception {
    provider.start(observed);
    consumer.start(observed);
    try {
      token[0] = fed.portalToken(); // issued by the gateway just started
      String name = (observed ? "B with observers" : "A without observers");
      LoadDriver.Result r = LoadDriver.closedLoop(name, exchange, workers, duration);
      // the compiler threads' CPU time, not the compilation bean's wall-clock total, which grows
      // with the machine's other load (and then exceeded the round's whole CPU time)
      long jitMillis = r.jitCpuNanos() / 1_000_000;
      long dropped = consumer.dropped() + provider.dropped();
      long cpu0 = LoadDriver.processCpuNanos();
      consumer.stop();
      provider.stop();
      // what the writers still had queued is written now: counted, with the stop itself
      long drainNanos = LoadDriver.processCpuNanos() - cpu0;
      return new Round(observed, r, dropped, drainNanos, jitMillis);
    } catch (Exception | Error e) {
      consumer.stop();
      provider.stop();
      throw e;
    }
  }

  private record Round(
      boolean observed, LoadDriver.Result r, long dropped, long drainNanos, long jitMillis) {
    /**
     * CPU µs per exchange, the writers' drain after the round included, the JIT compiler's time
     * not: C2 still compiles for minutes after start and its threads' time (hundreds of ms per
     * round) would otherwise fall on whichever kind of round it happened in.
     */
    double cpuMicros() {
      return (r.cpuNanos() + drainNanos - jitMillis * 1_000_000) / 1000.0 / r.calls();
    }

    double rawCpuMicros() {
      return (r.cpuNanos() + drainNanos) / 1000.0 / r.calls();
    }

    String line(int n) {
      return String.format(
          "| %d | %s | %,.0f | %d | %.1f | %.1f | %.0f | %.0f | %,d | %.1f | %.1f | %d |",
          n,
          observed ? "B (all observers)" : "A (none)",
          r.perSecond(),
          r.failures(),
          r.p(50),
          r.p(99),
          cpuMicros(),
          rawCpuMicros(),
          jitMillis,
          r.kilobytesPerCall(),
          r.switchesPerCall(),
          dropped);
    }
  }

  private static String report(List<Round> rounds) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| round | kind | exchanges/s | failures | p50 ms | p99 ms | CPU µs/exchange (no JIT)"
            + " | with JIT | JIT CPU ms | alloc KB/exchange | switches/exchange | dropped observations |\n");
    b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < rounds.size(); i++) {
      b.append(rounds.get(i).line(i + 1)).append('\n');
    }
    double[] aCpu = values(rounds, false, Round::cpuMicros);
    double[] bCpu = values(rounds, true, Round::cpuMicros);
    double[] aRate = values(rounds, false, r -> r.r().perSecond());
    double[] bRate = values(rounds, true, r -> r.r().perSecond());
    double[] aAlloc = values(rounds, false, r -> r.r().kilobytesPerCall());
    double[] bAlloc = values(rounds, true, r -> r.r().kilobytesPerCall());
    double[] aRaw = values(rounds, false, Round::rawCpuMicros);
    double[] bRaw = values(rounds, true, Round::rawCpuMicros);
    double[] aP99 = values(rounds, false, r -> r.r().p(99));
    double[] bP99 = values(rounds, true, r -> r.r().p(99));
    b.append(
        String.format(
            "%nmedians: A %,.0f exchanges/s, %.0f µs CPU (%.0f with JIT), %.1f KB, p99 %.1f ms;"
                + " B %,.0f exchanges/s, %.0f µs CPU (%.0f with JIT), %.1f KB, p99 %.1f ms%n",
            median(aRate),
            median(aCpu),
            median(aRaw),
            median(aAlloc),
            median(aP99),
            median(bRate),
            median(bCpu),
            median(bRaw),
            median(bAlloc),
            median(bP99)));
    // each B round against the A round before it, as well as medians against medians
    List<String> paired = new ArrayList<>();
    for (int i = 1; i < rounds.size(); i += 2) {
      paired.add(
          String.format(
              "%+.1f %%", 100 * (rounds.get(i).cpuMicros() / rounds.get(i - 1).cpuMicros() - 1)));
    }
    double added = 100 * (median(bCpu) / median(aCpu) - 1);
    double addedRaw = 100 * (median(bRaw) / median(aRaw) - 1);
    b.append(
        String.format(
            "added CPU per exchange, B over A: %+.1f %% of medians (%+.1f %% with JIT; pairs: %s);"
                + " throughput %+.1f %%; target ≤ 5 %%: %s%n",
            added,
            addedRaw,
            String.join(", ", paired),
            100 * (median(bRate) / median(aRate) - 1),
            added <= 5 ? "met" : "NOT met"));
    return b.toString();
  }

  private static double[] values(
      List<Round> rounds, boolean observed, java.util.function.ToDoubleFunction<Round> f) {
    return rounds.stream().filter(r -> r.observed() == observed).mapToDouble(f).toArray();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /**
   * One gateway assembled from its configuration file as {@code GatewayNode} does: the database and
   * ledger live through all rounds; the listeners, and in B rounds the observers, live for one
   * round.
   */
  private static final class Side implements AutoCloseable {
    private final NodeConfig.GatewayRole role;
    private final Path base;
    private final NodeId node;
    private final Credentials tls;
    private final Map<ClientId, Credentials> signing = new HashMap<>();
    private final List<LocalSystem> systems = new ArrayList<>();
    private final DirectoryHolder directory;
    private final Database db;
    private final ObserverDatabase observerDb;
    private final Ledger ledger;
    private final GatewayFeatures features;
    private Optional<Gateway> gateway = Optional.empty();
    private final List<AutoCloseable> observers = new ArrayList<>();
    private Optional<Monitoring> monitoring = Optional.empty();
    private Optional<Statistics> statistics = Optional.empty();
    private Optional<Alerts> alerts = Optional.empty();

    Side(Path base, String configFile, DirectoryHolder directory) {
      this.base = base;
      this.role = NodeConfig.read(base.resolve(configFile)).gateway().orElseThrow();
      this.node = NodeId.parse(role.node());
      this.directory = directory;
      NodeKeys keys = new NodeKeys(base);
      this.tls = keys.credentials("gateway.tls", role.tls());
      for (NodeConfig.MemberSigning s : role.signing()) {
        signing.put(
            ClientId.parse(s.member()),
            keys.credentials("gateway.signing of " + s.member(), s.keys()));
      }
      for (NodeConfig.LocalSystemEntry e : role.localSystems()) {
        Set<String> fingerprints = new HashSet<>();
        for (String file : e.certificates()) {
          Pem.certificates(read(file)).forEach(c -> fingerprints.add(Certificates.fingerprint(c)));
        }
        systems.add(
            new LocalSystem(
                ClientId.parse(e.id()),
                fingerprints,
                e.oauthClientId(),
                e.secretSha256(),
                e.sourceNetworks()));
      }
      this.db = Database.open(GatewayNode.resolveJdbc(base, role.database()));
      this.ledger = Ledger.open(db, LedgerOptions.defaults());
      // the observers' database chosen as GatewayNode chooses it: on SQLite a file of their own
      this.observerDb = ObserverDatabase.open(role, base, db);
      GatewayFeatures f =
          GatewayFeatures.none().withSubjects(LedgerFiles.subjectHasher(base, role.ledger()));
      if (role.revocation().isPresent()) {
        NodeConfig.RevocationSettings r = role.revocation().get();
        List<X509Certificate> configured = new ArrayList<>();
        r.issuers().forEach(file -> configured.addAll(Pem.certificates(read(file))));
        f =
            f.withRevocation(
                new RevocationChecker(
                    () -> {
                      List<X509Certificate> all = new ArrayList<>(configured);
                      directory
                          .current()
                          .ifPresent(
                              d ->
                                  d.trustAnchors()
                                      .forEach(a -> all.add(Certificates.fromBase64(a))));
                      return all;
                    },
                    new OcspClient(r.timeout(), Clock.systemUTC()),
                    r.freshness(),
                    Clock.systemUTC()));
      }
      this.features = f;
    }

    private String read(String file) {
      try {
        return Files.readString(base.resolve(file));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** Starts the listeners; with {@code observed}, the three modules' observers first. */
    void start(boolean observed) {
      GatewayFeatures f = features;
      if (observed) {
        String host = role.options().host();
        // A registry per round: a module's meters bind to the objects of the round that made them.
        MeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Clock clock = Clock.systemUTC();
        Database odb = observerDb.database();
        Monitoring m =
            Monitoring.start(
                odb, role.monitoringOptions(), meters, directory::current, host, clock, db);
        monitoring = Optional.of(m);
        observers.add(m);
        Statistics s =
            Statistics.start(
                odb, role.statisticsOptions(), meters, host, node.encoded(), clock, db);
        statistics = Optional.of(s);
        observers.add(s);
        Alerts a =
            Alerts.start(odb, role.alertsOptions(), base, NodeSignals.none(), host, clock, db);
        alerts = Optional.of(a);
        observers.add(a);
        a.registerMetrics(meters);
        for (ExchangeObserver o : m.observers()) {
          f = f.withObserver(o);
        }
        for (ExchangeObserver o : s.observers()) {
          f = f.withObserver(o);
        }
        f = f.withObserver(a.observer());
      }
      gateway =
          Optional.of(Gateway.start(role.options(), tls, signing, systems, directory, ledger, f));
    }

    long dropped() {
      return monitoring.map(Monitoring::dropped).orElse(0L)
          + statistics.map(Statistics::dropped).orElse(0L)
          + alerts.map(Alerts::dropped).orElse(0L);
    }

    /** Stops the listeners, then the observers, which write what they still hold. */
    void stop() throws Exception {
      gateway.ifPresent(Gateway::close);
      gateway = Optional.empty();
      for (AutoCloseable o : observers) {
        o.close();
      }
      observers.clear();
      monitoring = Optional.empty();
      statistics = Optional.empty();
      alerts = Optional.empty();
    }

    /** Rows in one of the observers' tables. */
    long count(String table) {
      try (var c = observerDb.database().connection();
          var st = c.createStatement();
          var rs = st.executeQuery("select count(*) from " + table)) {
        return rs.next() ? rs.getLong(1) : 0;
      } catch (java.sql.SQLException e) {
        return -1;
      }
    }

    @Override
    public void close() throws Exception {
      stop();
      ledger.close();
      observerDb.close();
      db.close();
    }
  }
}
