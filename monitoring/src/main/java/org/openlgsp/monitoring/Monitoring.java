package org.openlgsp.monitoring;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.Directory;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.Database;

/**
 * A gateway's operational monitoring (docs/monitoring.md): the per-exchange metrics, and when
 * enabled the operational records (asynchronous writer, store, retention purge, health data, and
 * the query API when it has a port). Give {@link #observers()} to the gateway.
 */
public final class Monitoring implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Monitoring.class.getName());
  private final MonitoringOptions options;
  private final Clock clock;
  private final Instant started;
  private final List<ExchangeObserver> observers = new ArrayList<>();
  private final Optional<OperationalStore> store;
  private final Optional<OperationalRecordWriter> writer;
  private final Optional<QualityStore> quality;
  private final Optional<QualityRecorder> qualityWriter;
  private final Optional<ScheduledExecutorService> purger;
  private Optional<MonitoringHttp> api = Optional.empty();

  private Monitoring(
      Database db,
      MonitoringOptions options,
      MeterRegistry registry,
      Supplier<Optional<Directory>> directory,
      Clock clock,
      Optional<AtRest> atRest) {
    this.options = options;
    this.clock = clock;
    this.started = clock.instant();
    observers.add(new ExchangeMetrics(registry, directory));
    if (!options.enabled()) {
      store = Optional.empty();
      writer = Optional.empty();
      quality = Optional.empty();
      qualityWriter = Optional.empty();
      purger = Optional.empty();
      return;
    }
    OperationalStore s = new OperationalStore(db, atRest);
    OperationalRecordWriter w =
        new OperationalRecordWriter(s::insert, options.queueSize(), options.batchSize());
    store = Optional.of(s);
    writer = Optional.of(w);
    observers.add(w);
    // the data-quality rows of checked services (docs/privacy.md), same database and queue sizes
    QualityStore qs = new QualityStore(db);
    QualityRecorder qw = new QualityRecorder(qs, options.queueSize(), options.batchSize());
    quality = Optional.of(qs);
    qualityWriter = Optional.of(qw);
    observers.add(qw);
    qw.registerMeters(registry);
    w.registerMeters(
        registry,
        "Operational records dropped because the writer's queue was full",
        "Operational records the database did not take",
        "Operational records waiting to be written");
    ScheduledExecutorService p =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("opmon-purge").unstarted(r));
    long every = options.purgeInterval().toMillis();
    p.scheduleWithFixedDelay(this::purgeQuietly, 0, every, TimeUnit.MILLISECONDS);
    purger = Optional.of(p);
  }

  /**
   * Starts monitoring on {@code db} (its own tables, Flyway history {@code monitoring}); {@code
   * directory} supplies the current signed directory, whose identifiers may be metric labels.
   */
  public static Monitoring start(
      Database db,
      MonitoringOptions options,
      MeterRegistry registry,
      Supplier<Optional<Directory>> directory,
      String host,
      Clock clock) {
    return start(db, options, registry, directory, host, clock, db);
  }

  /**
   * As {@link #start(Database, MonitoringOptions, MeterRegistry, Supplier, String, Clock)}, the
   * query API's reads audited in {@code auditDb}'s {@code edge_audit} (a gateway's own database,
   * when the records are kept in another).
   */
  public static Monitoring start(
      Database db,
      MonitoringOptions options,
      MeterRegistry registry,
      Supplier<Optional<Directory>> directory,
      String host,
      Clock clock,
      Database auditDb) {
    return start(db, options, registry, directory, host, clock, auditDb, Optional.empty());
  }

  /**
   * As {@link #start(Database, MonitoringOptions, MeterRegistry, Supplier, String, Clock,
   * Database)}, the free-text columns of the operational records (user id, issue, purpose, officer,
   * REST path, represented party, fault string) sealed with {@code atRest} when given
   * (docs/privacy.md, "Encryption at rest").
   */
  public static Monitoring start(
      Database db,
      MonitoringOptions options,
      MeterRegistry registry,
      Supplier<Optional<Directory>> directory,
      String host,
      Clock clock,
      Database auditDb,
      Optional<AtRest> atRest) {
    Monitoring m = new Monitoring(db, options, registry, directory, clock, atRest);
    try {
      if (options.apiPort().isPresent()) {
        m.api =
            Optional.of(
                new MonitoringHttp(
                    m,
                    options.maxPageSize(),
                    host,
                    options.apiPort().get(),
                    options.apiTokenSha256().orElseThrow(),
                    DatabaseAuditLog.open(auditDb)));
      }
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    return m;
  }

  /** The observers to give the gateway: metrics, and the record writer when enabled. */
  public List<ExchangeObserver> observers() {
    return List.copyOf(observers);
  }

  /** The query API's port, when it runs. */
  public Optional<Integer> apiPort() {
    return api.map(MonitoringHttp::port);
  }

  /** Operational records dropped because the queue was full. */
  public long dropped() {
    return writer.map(OperationalRecordWriter::dropped).orElse(0L);
  }

  /** Deletes the records older than the retention; returns how many. */
  public int purge() {
    Instant cutoff = clock.instant().minus(options.retention());
    quality.ifPresent(q -> q.purge(cutoff));
    return store.map(s -> s.purge(cutoff)).orElse(0);
  }

  private void purgeQuietly() {
    try {
      purge();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "operational records not purged: " + e.getMessage());
    }
  }

  /**
   * The operational records matching {@code query} (the parameters of {@code GET
   * /monitoring/v1/records}, format json), as that API answers them: read in process by the gateway
   * node's own console. Empty when operational records are not enabled.
   */
  public Optional<byte[]> recordsJson(java.util.Map<String, String> query) {
    if (store.isEmpty()) {
      return Optional.empty();
    }
    OperationalQuery q = OperationalQuery.parse(query, options.maxPageSize());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      MonitoringHttp.writeJson(store.get(), q, out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Optional.of(out.toByteArray());
  }

  OperationalStore store() {
    return store.orElseThrow(
        () -> new IllegalStateException("operational records are not enabled"));
  }

  QualityStore quality() {
    return quality.orElseThrow(
        () -> new IllegalStateException("operational records are not enabled"));
  }

  HealthData health() {
    Instant now = clock.instant();
    Instant periodStart = now.minus(options.healthPeriod());
    return new HealthData(
        started, options.healthPeriod().toSeconds(), periodStart, store().health(periodStart));
  }

  MonitoringHttp.Status status() {
    OperationalRecordWriter w = writer.orElseThrow();
    return new MonitoringHttp.Status(
        w.queued(), w.written(), w.dropped(), w.lost(), store().count());
  }

  /**
   * Seals under {@code keys}' current data key the free text of every operational record in {@code
   * db} that is not (written before encryption was switched on, or under a retired data key),
   * beside a running gateway; {@code progress} hears each record's id. Returns how many rewritten.
   */
  public static int reencryptAtRest(
      Database db, AtRest keys, java.util.function.Consumer<Long> progress) {
    return new OperationalStore(db, Optional.of(keys)).reencrypt(500, progress);
  }

  /** Stops the API and the purge, then writes what is queued. */
  @Override
  public void close() {
    api.ifPresent(MonitoringHttp::close);
    purger.ifPresent(ScheduledExecutorService::shutdownNow);
    writer.ifPresent(OperationalRecordWriter::close);
    qualityWriter.ifPresent(QualityRecorder::close);
  }
}
