package org.openlgsp.alerts;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.storage.Database;

/**
 * A gateway's security monitoring (docs/alerts.md): the rules over its exchanges and the node's
 * state, the alert store, delivery, and the API when it has a port. Give {@link #observer()} to the
 * gateway.
 */
public final class Alerts implements AutoCloseable {
  private final AlertStore store;
  private final Dispatcher dispatcher;
  private final RuleEngine engine;
  private final Alerter alerter;
  private final java.util.concurrent.ScheduledExecutorService purger;
  private final AlertRules.DataLeak dataLeak;
  private final boolean enabled;
  private Optional<AlertsHttp> api = Optional.empty();

  private Alerts(
      Database db,
      AlertsOptions options,
      AlertRules rules,
      Path base,
      NodeSignals signals,
      String host,
      Clock clock) {
    store = new AlertStore(db);
    dataLeak = rules.dataLeak();
    enabled = options.enabled();
    List<Channel> channels = new ArrayList<>();
    for (AlertsOptions.Webhook w : options.webhooks()) {
      channels.add(new Channel.Webhook(w, w.key(base), w.signing(base), clock));
    }
    options.smtp().ifPresent(s -> channels.add(new Channel.Mail(s, s.password(base))));
    options.syslog().ifPresent(s -> channels.add(new Channel.Syslog(s, hostName(host))));
    dispatcher = new Dispatcher(channels, options.delivery());
    alerter = new Alerter(store, dispatcher, options.suppression(), clock);
    // resolved alerts leave after the retention, checked as often as that or hourly
    purger =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("alerts-purge").unstarted(r));
    long every = Math.min(options.retention().toMillis(), java.time.Duration.ofHours(1).toMillis());
    purger.scheduleWithFixedDelay(
        () -> purge(options.retention(), clock),
        every,
        every,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    engine =
        new RuleEngine(
            options.enabled(),
            rules,
            options.queueSize(),
            options.pollInterval(),
            signals,
            alerter,
            clock);
  }

  /**
   * Starts security monitoring on {@code db} (its own table, Flyway history {@code alerts}); the
   * rules file, relative to {@code base}, is read first, and a malformed one stops the start with
   * an {@link IllegalArgumentException} naming the rule and key.
   */
  public static Alerts start(
      Database db,
      AlertsOptions options,
      Path base,
      NodeSignals signals,
      String host,
      Clock clock) {
    return start(db, options, base, signals, host, clock, db);
  }

  /**
   * As {@link #start(Database, AlertsOptions, Path, NodeSignals, String, Clock)}, the API's audit
   * rows written to {@code auditDb}'s {@code edge_audit} (a gateway's own database, when the alerts
   * are kept in another).
   */
  public static Alerts start(
      Database db,
      AlertsOptions options,
      Path base,
      NodeSignals signals,
      String host,
      Clock clock,
      Database auditDb) {
    AlertRules rules =
        options
            .rulesFile()
            .map(f -> AlertRules.load(base.resolve(f)))
            .orElseGet(AlertRules::defaults);
    return start(db, options, rules, base, signals, host, clock, auditDb);
  }

  static Alerts start(
      Database db,
      AlertsOptions options,
      AlertRules rules,
      NodeSignals signals,
      String host,
      Clock clock) {
    return start(db, options, rules, Path.of("."), signals, host, clock, db);
  }

  private static Alerts start(
      Database db,
      AlertsOptions options,
      AlertRules rules,
      Path base,
      NodeSignals signals,
      String host,
      Clock clock,
      Database auditDb) {
    Alerts a = new Alerts(db, options, rules, base, signals, host, clock);
    try {
      if (options.api().isPresent()) {
        a.api =
            Optional.of(
                new AlertsHttp(
                    a.store, options.api().get(), host, DatabaseAuditLog.open(auditDb), clock));
      }
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
    return a;
  }

  /** The observer to give the gateway. */
  public ExchangeObserver observer() {
    return engine;
  }

  /**
   * A document axis's leak finding (docs/privacy.md, "On document routes"): raises {@code dataLeak}
   * with the rule's severity, as for a gateway's answers, when the rule is on. Never the matched
   * text: {@code findings} are {@code detector:action} labels.
   *
   * @param route the document route, {@code sender -> recipient[, recipient]}
   * @param packageId the stored package's id; empty for a refused package
   */
  public void documentLeak(
      java.time.Instant at, String route, Optional<String> packageId, List<String> findings) {
    List<String> raised =
        findings.stream().filter(f -> f.endsWith(":alert") || f.endsWith(":block")).toList();
    if (!enabled || !dataLeak.enabled() || raised.isEmpty()) {
      return;
    }
    String joined = String.join(", ", raised);
    java.util.Map<String, String> facts = new java.util.LinkedHashMap<>();
    facts.put("route", route);
    packageId.ifPresent(id -> facts.put("package", id));
    facts.put("findings", joined);
    alerter.raise(
        new Raised(
            StreamRule.Leak.NAME,
            dataLeak.severity(),
            "document " + route + " " + joined,
            "Document package on the route "
                + route
                + (packageId.isPresent() ? " (passed) held " : " (refused) held ")
                + joined,
            new Evidence(at, at, 1, List.of(), facts)));
  }

  /** The API's port, when it runs. */
  public Optional<Integer> apiPort() {
    return api.map(AlertsHttp::port);
  }

  /** Observations dropped because the rules' queue was full. */
  public long dropped() {
    return engine.dropped();
  }

  /**
   * Shows this module's counters in {@code registry}: observations dropped on a full queue ({@code
   * lgsp.alerts.dropped}), alerts raised ({@code lgsp.alerts.raised}, new ones, not repeats),
   * deliveries made and given up ({@code lgsp.alerts.delivered}, {@code
   * lgsp.alerts.delivery.failed}).
   */
  public void registerMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    io.micrometer.core.instrument.FunctionCounter.builder(
            "lgsp.alerts.dropped", engine, RuleEngine::dropped)
        .description("Observations the alert rules dropped because their queue was full")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "lgsp.alerts.raised", alerter, Alerter::raised)
        .description("Alerts raised (repeats within the suppression window not counted)")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "lgsp.alerts.delivered", dispatcher, Dispatcher::delivered)
        .description("Alert deliveries that reached their channel")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "lgsp.alerts.delivery.failed", dispatcher, Dispatcher::failed)
        .description("Alert deliveries given up after their last attempt, or dropped")
        .register(registry);
  }

  /** Asks the rules over the node's state now, besides the regular polls. */
  public void poll() {
    engine.poll();
  }

  AlertStore store() {
    return store;
  }

  RuleEngine engine() {
    return engine;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  private void purge(java.time.Duration retention, Clock clock) {
    try {
      store.purgeResolvedBefore(clock.instant().minus(retention));
    } catch (RuntimeException e) {
      java.util.logging.Logger.getLogger(Alerts.class.getName())
          .warning("resolved alerts not purged: " + e.getMessage());
    }
  }

  private static String hostName(String host) {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return host;
    }
  }

  @Override
  public void close() {
    api.ifPresent(AlertsHttp::close);
    purger.shutdownNow();
    engine.close();
    dispatcher.close();
  }
}
