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
  private final Clock clock;
  private final int maxPage;
  private Optional<AlertsHttp> api = Optional.empty();
  private org.openlgsp.edge.spi.AuditLog audit;

  private Alerts(
      Database db,
      AlertsOptions options,
      AlertRules rules,
      Path base,
      NodeSignals signals,
      String host,
      Clock clock) {
    store = new AlertStore(db);
    this.clock = clock;
    maxPage =
        options
            .api()
            .map(AlertsOptions.Api::maxPageSize)
            .orElse(AlertsOptions.Api.DEFAULT_MAX_PAGE_SIZE);
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
      a.audit = DatabaseAuditLog.open(auditDb);
      if (options.api().isPresent()) {
        a.api = Optional.of(new AlertsHttp(a.store, options.api().get(), host, a.audit, clock));
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

  // ---- the in-process API (docs/alerts.md "In process"): what the registry's console asks

  /**
   * What a page of alerts is read by, as the HTTP API's query parameters (docs/alerts.md "API"):
   * {@code state} ({@code open}, {@code acknowledged}, {@code resolved}), {@code severity}, {@code
   * rule}, the {@code before} cursor, and {@code limit} (1 to the API's {@code maxPageSize}, 1000
   * without an API). Checked as the HTTP API checks them ({@code query.*} refusals).
   */
  public record Filter(
      Optional<String> state,
      Optional<String> severity,
      Optional<String> rule,
      Optional<Long> before,
      int limit) {
    public Filter {
      java.util.Objects.requireNonNull(state, "state");
      java.util.Objects.requireNonNull(severity, "severity");
      java.util.Objects.requireNonNull(rule, "rule");
      java.util.Objects.requireNonNull(before, "before");
    }

    /** The alerts in {@code state}, newest first, at most {@code limit}. */
    public static Filter inState(String state, int limit) {
      return new Filter(
          Optional.of(state), Optional.empty(), Optional.empty(), Optional.empty(), limit);
    }

    java.util.Map<String, String> parameters() {
      java.util.Map<String, String> p = new java.util.HashMap<>();
      state.ifPresent(v -> p.put("state", v));
      severity.ifPresent(v -> p.put("severity", v));
      rule.ifPresent(v -> p.put("rule", v));
      before.ifPresent(v -> p.put("before", Long.toString(v)));
      p.put("limit", Integer.toString(limit));
      return p;
    }
  }

  /** Who acknowledged or resolved an alert, and when. */
  public record Handling(String by, java.time.Instant at) {
    public Handling {
      java.util.Objects.requireNonNull(by, "by");
      java.util.Objects.requireNonNull(at, "at");
    }
  }

  /**
   * An alert as the HTTP API lists it, without its evidence: {@code severity} and {@code state} are
   * the API's upper-case names.
   */
  public record Entry(
      long id,
      String rule,
      String severity,
      String key,
      String summary,
      java.time.Instant raisedAt,
      java.time.Instant lastSeenAt,
      int occurrences,
      String state,
      Optional<Handling> acknowledged,
      Optional<Handling> resolved) {
    public Entry {
      java.util.Objects.requireNonNull(rule, "rule");
      java.util.Objects.requireNonNull(severity, "severity");
      java.util.Objects.requireNonNull(key, "key");
      java.util.Objects.requireNonNull(summary, "summary");
      java.util.Objects.requireNonNull(raisedAt, "raisedAt");
      java.util.Objects.requireNonNull(lastSeenAt, "lastSeenAt");
      java.util.Objects.requireNonNull(state, "state");
      java.util.Objects.requireNonNull(acknowledged, "acknowledged");
      java.util.Objects.requireNonNull(resolved, "resolved");
    }

    static Entry of(Alert a) {
      return new Entry(
          a.id(),
          a.rule(),
          a.severity().name(),
          a.key(),
          a.summary(),
          a.raisedAt(),
          a.lastSeenAt(),
          a.occurrences(),
          a.state().name(),
          a.acknowledged().map(x -> new Handling(x.by(), x.at())),
          a.resolved().map(x -> new Handling(x.by(), x.at())));
    }
  }

  /** A page of alerts, newest first; {@code next} is the {@code before} of the next page. */
  public record Page(List<Entry> alerts, Optional<Long> next) {
    public Page {
      alerts = List.copyOf(alerts);
      java.util.Objects.requireNonNull(next, "next");
    }
  }

  /** The alerts {@code filter} selects, as the HTTP API's list answers. */
  public Page list(Filter filter) {
    AlertQuery q = AlertQuery.parse(filter.parameters(), maxPage);
    List<Alert> alerts = store.list(q);
    return new Page(
        alerts.stream().map(Entry::of).toList(),
        alerts.size() == q.limit() ? Optional.of(alerts.getLast().id()) : Optional.empty());
  }

  /** Alert {@code id}, when there is one. */
  public Optional<Entry> alert(long id) {
    return store.get(id).map(Entry::of);
  }

  /**
   * Acknowledges open alert {@code id} as {@code actor} (the acting account), audited as the HTTP
   * API's {@code alerts.acknowledge} (refusals too) with {@code source} as where it came from.
   * Refused with {@code resource.not_found}, or {@code resource.conflict} when it is not open.
   */
  public Entry acknowledge(long id, String actor, String source) {
    return handle(id, Alert.State.ACKNOWLEDGED, "acknowledge", actor, source);
  }

  /** As {@link #acknowledge}, resolving an open or acknowledged alert ({@code alerts.resolve}). */
  public Entry resolve(long id, String actor, String source) {
    return handle(id, Alert.State.RESOLVED, "resolve", actor, source);
  }

  private Entry handle(long id, Alert.State to, String action, String actor, String source) {
    java.util.Objects.requireNonNull(actor, "actor");
    java.util.Objects.requireNonNull(source, "source");
    String outcome = org.openlgsp.edge.spi.AuditEvent.OK;
    String detail = "";
    try {
      return Entry.of(store.handle(id, to, new Alert.Action(actor, clock.instant())));
    } catch (org.openlgsp.core.LgspException e) {
      outcome = e.code().code();
      detail = e.detail();
      throw e;
    } finally {
      // as the edge: a failing audit write is logged and never changes the answer
      try {
        audit.record(
            new org.openlgsp.edge.spi.AuditEvent(
                actor,
                "alerts." + action,
                AlertsHttp.ALERTS + "/" + id + "/" + action,
                outcome,
                detail,
                source,
                clock.instant()));
      } catch (RuntimeException failure) {
        java.util.logging.Logger.getLogger(Alerts.class.getName())
            .log(java.util.logging.Level.SEVERE, "audit log write failed", failure);
      }
    }
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
