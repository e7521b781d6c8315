package org.openlgsp.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openlgsp.alerts.Alerts;
import org.openlgsp.alerts.AlertsOptions;
import org.openlgsp.alerts.NodeSignals;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.monitoring.Monitoring;
import org.openlgsp.monitoring.MonitoringOptions;
import org.openlgsp.statistics.Statistics;
import org.openlgsp.statistics.StatisticsOptions;
import org.openlgsp.storage.Database;

/**
 * The observers alone, without gateways: process CPU per observation of each module's observers
 * (monitoring: metrics and record writer; statistics; alerts with the default rules), each on a
 * fresh SQLite database (WAL, {@code synchronous=FULL}) fed at a fixed rate from one thread, as a
 * gateway's exchange threads would. The first half of the observations warms up (JIT), the second
 * is measured, together with what stopping the observers then writes. The feeding loop alone is
 * measured the same way and shown as {@code none}. Observations are a portal looking up 1,000
 * different subjects without an officer, as in {@code ObserverOverheadBenchmark}, so the default
 * {@code subjectEnumeration} rule finds (and repeats) what it would there.
 *
 * <p>Run: {@code java -cp "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.ObserverCostBenchmark [observations per half=50000] [per second=4000]}
 */
public final class ObserverCostBenchmark {
  private ObserverCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 4_000;
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    System.out.printf(
        "OpenLGSP observer cost: %,d observations warm-up then %,d measured, %,d a second;"
            + " JVM %s, %d cores, load average %.1f%n",
        n,
        n,
        rate,
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.println("| observers | CPU µs/observation | beyond the feeding loop |");
    System.out.println("|---|---:|---:|");
    double none = 0;
    for (String which :
        List.of(
            "none",
            "monitoring",
            "statistics",
            "alerts",
            "all",
            MONITORING_TEXT,
            MONITORING_PADDED,
            MONITORING_SEALED)) {
      double micros = run(which, n, rate);
      if (which.equals("none")) {
        none = micros;
      }
      System.out.printf("| %s | %.1f | %.1f |%n", which, micros, micros - none);
    }
  }

  /**
   * Monitoring alone on observations that carry a user id, an issue and a purpose (as the national
   * APIs' calls do), stored as they are and sealed at rest ({@code gateway.monitoring.encryption}):
   * the difference is the CPU encryption at rest adds per exchange.
   */
  static final String MONITORING_TEXT = "monitoring, free text";

  static final String MONITORING_SEALED = "monitoring, free text sealed";

  /** The control: the same text stored plain but as long as sealed (48 characters more each). */
  static final String MONITORING_PADDED = "monitoring, free text padded";

  private static double run(String which, int n, int rate) throws Exception {
    Path dir = Files.createTempDirectory("lgsp-obscost");
    boolean all = which.equals("all");
    boolean text = which.startsWith(MONITORING_TEXT);
    String pad = which.equals(MONITORING_PADDED) ? "-".repeat(48) : "";
    List<AutoCloseable> started = new ArrayList<>();
    List<ExchangeObserver> observers = new ArrayList<>();
    try (Database db = Database.sqlite(dir.resolve("gateway.db"))) {
      var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Clock clock = Clock.systemUTC();
      if (all || which.equals("monitoring") || text) {
        Optional<org.openlgsp.storage.AtRest> sealed =
            which.equals(MONITORING_SEALED)
                ? Optional.of(
                    org.openlgsp.storage.AtRest.open(
                        dir.resolve("keyring.json"),
                        org.openlgsp.storage.KeyEncryptionKey.keyFile(
                            org.openlgsp.storage.KeyEncryptionKey.generateKeyFile(
                                dir.resolve("kek.key"))),
                        org.openlgsp.storage.AtRest.DEFAULT_TENANT))
                : Optional.empty();
        Monitoring m =
            Monitoring.start(
                db,
                MonitoringOptions.defaults(),
                meters,
                Optional::empty,
                "10.0.0.5",
                clock,
                db,
                sealed);
        started.add(m);
        observers.addAll(m.observers());
      }
      if (all || which.equals("statistics")) {
        Statistics s =
            Statistics.start(db, StatisticsOptions.defaults(), meters, "10.0.0.5", "VN/GOV/X");
        started.add(s);
        observers.addAll(s.observers());
      }
      if (all || which.equals("alerts")) {
        Alerts a =
            Alerts.start(db, AlertsOptions.defaults(), dir, NodeSignals.none(), "10.0.0.5", clock);
        started.add(a);
        observers.add(a.observer());
      }
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = 0;
      long t0 = System.nanoTime();
      for (int i = 0; i < 2 * n; i++) {
        if (i == n) {
          Thread.sleep(500); // the warm-up's last batches written
          cpu0 = os.getProcessCpuTime();
          t0 = System.nanoTime();
        }
        ExchangeObservation o = observation(i, text, pad);
        for (ExchangeObserver x : observers) {
          x.observed(o);
        }
        if (i % 100 == 99) {
          long due = t0 + (long) (((i % n) + 1) * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
          }
        }
      }
      for (int i = started.size() - 1; i >= 0; i--) {
        started.get(i).close(); // what they still hold is written, and counted
      }
      return (os.getProcessCpuTime() - cpu0) / 1000.0 / n;
    }
  }

  private static final ClientId PORTAL = ClientId.parse("VN/GOV/000.00.00.H53/DVC");
  private static final ServiceId CITIZENS =
      ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");

  /** A successful lookup of one of 1,000 subjects, consumer and provider side in turn. */
  private static ExchangeObservation observation(long i, boolean text, String pad) {
    Instant at = Instant.now();
    return new ExchangeObservation(
        at,
        "10.0.0.5",
        i % 2 == 0
            ? ExchangeObservation.SecurityServerType.CLIENT
            : ExchangeObservation.SecurityServerType.PRODUCER,
        at.minusMillis(20),
        Optional.empty(),
        Optional.empty(),
        at,
        PORTAL,
        CITIZENS,
        "",
        "GET",
        "/citizens/{id}" + pad,
        "",
        "m" + i,
        text ? "canbo.nguyenvan" + (i % 50) + pad : "",
        text ? "HS-2026-" + (100_000 + i % 1000) + pad : "",
        "1",
        "",
        "",
        200,
        1_500,
        true,
        "REST",
        "",
        "",
        200,
        "",
        "",
        text ? "1.001234.000.00.00.H53" + pad : "",
        "",
        "subject-hash-" + (i % 1000),
        i,
        Duration.ofMillis(20),
        Duration.ofMillis(5),
        Duration.ZERO,
        "127.0.0.1",
        List.of(),
        ExchangeObservation.DataQuality.NONE,
        "");
  }
}
