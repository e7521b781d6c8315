package org.openlgsp.alerts;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.gateway.spi.ExchangeObservation;

/** A rule over the exchanges a gateway observes, fed one observation at a time on one thread. */
sealed interface StreamRule {
  /** Most clients a rule keeps per-client state for; the least recently seen go first. */
  int MAX_CLIENTS = 100_000;

  /** What this observation, with those before it, makes the rule find. */
  Optional<Raised> observe(ExchangeObservation o);

  /** The rules the configuration turns on. */
  static List<StreamRule> of(AlertRules r, Instant started) {
    List<StreamRule> rules = new ArrayList<>();
    if (r.requestSpike().enabled()) {
      rules.add(new RequestSpike(r.requestSpike()));
    }
    if (r.offHoursPersonalData().enabled()) {
      rules.add(new OffHours(r.offHoursPersonalData()));
    }
    if (r.subjectEnumeration().enabled()) {
      rules.add(new Enumeration(r.subjectEnumeration()));
    }
    if (r.refusalBurst().enabled()) {
      rules.add(new RefusalBurst(r.refusalBurst()));
    }
    if (r.newSourceAddress().enabled()) {
      rules.add(new NewSource(r.newSourceAddress(), started));
    }
    if (r.slowExchange().enabled()) {
      rules.add(new Slow(r.slowExchange()));
    }
    if (r.trustServiceFailures().enabled()) {
      rules.add(new TrustRefusals(r.trustServiceFailures()));
    }
    if (r.dataLeak().enabled()) {
      rules.add(new Leak(r.dataLeak()));
    }
    return rules;
  }

  private static Map<String, String> facts(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Window.Event event(ExchangeObservation o, String value) {
    return new Window.Event(o.requestInTs(), o.ledgerIndex(), value);
  }

  /** Requests per client per window against the client's own average of earlier windows. */
  final class RequestSpike implements StreamRule {
    static final String NAME = "requestSpike";
    private final AlertRules.RequestSpike cfg;
    // clients are authenticated, but a bound keeps a misbehaving federation from costing memory
    private final com.github.benmanes.caffeine.cache.Cache<String, Buckets> clients =
        com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(MAX_CLIENTS).build();

    private static final class Buckets {
      long bucket;
      long count;
      final Deque<Long> history = new ArrayDeque<>();
      final Deque<Long> indexes = new ArrayDeque<>();
    }

    RequestSpike(AlertRules.RequestSpike cfg) {
      this.cfg = cfg;
    }

    @Override
    public Optional<Raised> observe(ExchangeObservation o) {
      long width = cfg.window().toMillis();
      long bucket = o.requestInTs().toEpochMilli() / width;
      Buckets b =
          clients.get(
              o.client().encoded(),
              k -> {
                Buckets n = new Buckets();
                n.bucket = bucket;
                return n;
              });
      if (bucket > b.bucket) {
        b.history.addLast(b.count);
        for (long skipped = b.bucket + 1;
            skipped < bucket && b.history.size() <= cfg.baselineWindows();
            skipped++) {
          b.history.addLast(0L);
        }
        while (b.history.size() > cfg.baselineWindows()) {
          b.history.removeFirst();
        }
        b.bucket = bucket;
        b.count = 0;
        b.indexes.clear();
      } else if (bucket < b.bucket) {
        return Optional.empty(); // late observation of an earlier window: already counted out
      }
      b.count++;
      b.indexes.addLast(o.ledgerIndex());
      if (b.indexes.size() > Evidence.MAX_INDEXES) {
        b.indexes.removeFirst();
      }
      if (b.history.size() < cfg.baselineWindows()) {
        return Optional.empty(); // still learning this client's baseline
      }
      double baseline = b.history.stream().mapToLong(Long::longValue).average().orElse(0);
      double limit = Math.max(cfg.minRequests(), cfg.factor() * baseline);
      if (b.count <= limit || b.count - 1 > limit) {
        return Optional.empty(); // raised once, when the window's count crosses the limit
      }
      Instant from = Instant.ofEpochMilli(bucket * width);
      return Optional.of(
          new Raised(
              NAME,
              cfg.severity(),
              o.client().encoded(),
              "Client "
                  + o.client().encoded()
                  + " sent "
                  + b.count
                  + " requests in "
                  + cfg.window()
                  + " against a baseline of "
                  + String.format(java.util.Locale.ROOT, "%.1f", baseline),
              new Evidence(
                  from,
                  o.requestInTs(),
                  b.count,
                  List.copyOf(b.indexes),
                  facts(
                      "client",
                      o.client().encoded(),
                      "baseline",
                      String.format(java.util.Locale.ROOT, "%.2f", baseline),
                      "limit",
                      String.format(java.util.Locale.ROOT, "%.2f", limit)))));
    }
  }

  /** Personal-data exchanges per client and officer outside working hours. */
  final class OffHours implements StreamRule {
    static final String NAME = "offHoursPersonalData";
    private final AlertRules.OffHoursPersonalData cfg;
    private final Window window;

    OffHours(AlertRules.OffHoursPersonalData cfg) {
      this.cfg = cfg;
      this.window = new Window(cfg.window(), cfg.threshold());
    }

    boolean offHours(Instant t) {
      ZonedDateTime local = t.atZone(cfg.zone());
      return !cfg.workDays().contains(local.getDayOfWeek())
          || local.toLocalTime().isBefore(cfg.workStart())
          || !local.toLocalTime().isBefore(cfg.workEnd());
    }

    @Override
    public Optional<Raised> observe(ExchangeObservation o) {
      if (o.subjectHash().isEmpty() || !offHours(o.requestInTs())) {
        return Optional.empty();
      }
      String key = o.client().encoded() + " " + o.officer();
      return window
          .addUntil(key, event(o, o.subjectHash()), cfg.threshold())
          .map(
              d ->
                  new Raised(
                      NAME,
                      cfg.severity(),
                      key,
                      d.size()
                          + " personal-data exchanges outside working hours by "
                          + o.client().encoded()
                          + (o.officer().isEmpty() ? "" : " for officer " + o.officer()),
                      Window.evidence(
                          d,
                          d.size(),
                          facts(
                              "client",
                              o.client().encoded(),
                              "officer",
                              o.officer(),
                              "threshold",
                              "" + cfg.threshold()))));
    }
  }

  /** Distinct subjects per client and officer. */
  final class Enumeration implements StreamRule {
    static final String NAME = "subjectEnumeration";
    private final AlertRules.SubjectEnumeration cfg;
    private final Window window;

    Enumeration(AlertRules.SubjectEnumeration cfg) {
      this.cfg = cfg;
      this.window = new Window(cfg.window(), cfg.distinctSubjects() * 4, true);
    }

    @Override
    public Optional<Raised> observe(ExchangeObservation o) {
      if (o.subjectHash().isEmpty()) {
        return Optional.empty();
      }
      String key = o.client().encoded() + " " + o.officer();
      Deque<Window.Event> d = window.add(key, event(o, o.subjectHash()));
      int distinct = window.distinct(key);
      if (distinct < cfg.distinctSubjects()) {
        return Optional.empty();
      }
      Evidence ev =
          Window.evidence(
              d,
              distinct,
              facts(
                  "client",
                  o.client().encoded(),
                  "officer",
                  o.officer(),
                  "exchanges",
                  "" + d.size(),
                  "threshold",
                  "" + cfg.distinctSubjects()));
      window.clear(key);
      return Optional.of(
          new Raised(
              NAME,
              cfg.severity(),
              key,
              o.client().encoded()
                  + (o.officer().isEmpty() ? "" : " (officer " + o.officer() + ")")
                  + " looked up "
                  + distinct
                  + " distinct subjects within "
                  + cfg.window(),
              ev));
    }
  }

  /** Refusals with chosen error codes per client. */
  final class RefusalBurst implements StreamRule {
    static final String NAME = "refusalBurst";
    private final AlertRules.RefusalBurst cfg;
    private final Set<String> codes;
    private final Window window;

    RefusalBurst(AlertRules.RefusalBurst cfg) {
      this.cfg = cfg;
      this.codes = Set.copyOf(cfg.codes());
      this.window = new Window(cfg.window(), cfg.threshold());
    }

    @Override
    public Optional<Raised> observe(ExchangeObservation o) {
      if (!codes.contains(o.errorCode())) {
        return Optional.empty();
      }
      String key = o.client().encoded();
      return window.addUntil(key, event(o, o.errorCode()), cfg.threshold()).map(d -> burst(key, d));
    }

    private Raised burst(String key, Deque<Window.Event> d) {
      Map<String, Long> byCode = new java.util.TreeMap<>();
      d.forEach(e -> byCode.merge(e.value(), 1L, Long::sum));
      Map<String, String> f = facts("client", key, "threshold", "" + cfg.threshold());
      byCode.forEach((c, n) -> f.put("count." + c, "" + n));
      return new Raised(
          NAME,
          cfg.severity(),
          key,
          d.size() + " refusals " + byCode.keySet() + " for client " + key,
          Window.evidence(d, d.size(), f));
    }
  }

  /** Source addresses per client, learned at first sight and during the learning period. */
  /** A response in which the grant's leak detectors found what they alert or block on. */
  final class Leak implements StreamRule {
    static final String NAME = "dataLeak";
    private final AlertRules.DataLeak cfg;

    Leak(AlertRules.DataLeak cfg) {
      this.cfg = cfg;
    }

    @Override
    public Optional<Raised> observe(ExchangeObservation o) {
      List<String> raised =
          o.leaks().stream().filter(f -> f.endsWith(":alert") || f.endsWith(":block")).toList();
      if (raised.isEmpty()) {
        return Optional.empty();
      }
      String client = o.client().encoded();
      String service = o.service().encoded();
      String findings = String.join(", ", raised);
      return Optional.of(
          new Raised(
              NAME,
              cfg.severity(),
              client + " " + service + " " + findings,
              "Response of " + service + " to " + client + " held " + findings,
              new Evidence(
                  o.requestInTs(),
                  o.responseOutTs(),
                  1,
                  List.of(o.ledgerIndex()),
                  facts("client", client, "service", service, "findings", findings))));
    }
  }

  final class NewSource implements StreamRule {
    static final String NAME = "newSourceAddress";
    static final int MAX_ADDRESSES = 1000;
    private final AlertRules.NewSourceAddress cfg;
    private final Instant learnUntil;
    private final com.github.benmanes.caffeine.cache.Cache<String, Set<String>> seen =
        com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(MAX_CLIENTS).build();

    NewSource(AlertRules.NewSourceAddress cfg, Instant started) {
      this.cfg = cfg;
      this.learnUntil = started.plus(cfg.learning());
    }

    @Override
    public Optional<Raised> observe(ExchangeObservation o) {
      if (o.sourceAddress().isEmpty()) {
        return Optional.empty();
      }
      String key = o.client().encoded();
      Set<String> known = seen.getIfPresent(key);
      if (known == null) {
        seen.put(key, new HashSet<>(Set.of(o.sourceAddress())));
        return Optional.empty();
      }
      if (known.contains(o.sourceAddress())) {
        return Optional.empty();
      }
      if (known.size() < MAX_ADDRESSES) {
        known.add(o.sourceAddress());
      }
      if (o.requestInTs().isBefore(learnUntil)) {
        return Optional.empty();
      }
      return Optional.of(
          new Raised(
              NAME,
              cfg.severity(),
              key + " " + o.sourceAddress(),
              "Client "
                  + key
                  + " called from "
                  + o.sourceAddress()
                  + ", an address never seen before",
              new Evidence(
                  o.requestInTs(),
                  o.responseOutTs(),
                  1,
                  List.of(o.ledgerIndex()),
                  facts(
                      "client",
                      key,
                      "sourceAddress",
                      o.sourceAddress(),
                      "knownAddresses",
                      "" + (known.size() - 1)))));
    }
  }

  /** Slow exchanges per service. */
  final class Slow implements StreamRule {
    static final String NAME = "slowExchange";
    private final AlertRules.SlowExchange cfg;
    private final Window window;

    Slow(AlertRules.SlowExchange cfg) {
      this.cfg = cfg;
      this.window = new Window(cfg.window(), cfg.count());
    }

    @Override
    public Optional<Raised> observe(ExchangeObservation o) {
      boolean slowTotal = o.totalTime().compareTo(cfg.responseTime()) > 0;
      boolean slowBackend = o.backendTime().compareTo(cfg.backendTime()) > 0;
      if (!slowTotal && !slowBackend) {
        return Optional.empty();
      }
      String key = o.service().encoded();
      return window
          .addUntil(
              key,
              event(o, o.totalTime().toMillis() + "/" + o.backendTime().toMillis()),
              cfg.count())
          .map(d -> slow(key, d));
    }

    private Raised slow(String key, Deque<Window.Event> d) {
      long maxTotal = 0;
      long maxBackend = 0;
      for (Window.Event e : d) {
        String[] t = e.value().split("/");
        maxTotal = Math.max(maxTotal, Long.parseLong(t[0]));
        maxBackend = Math.max(maxBackend, Long.parseLong(t[1]));
      }
      return new Raised(
          NAME,
          cfg.severity(),
          key,
          d.size() + " slow exchanges of " + key + " (slowest " + maxTotal + " ms)",
          Window.evidence(
              d,
              d.size(),
              facts(
                  "service",
                  key,
                  "maxResponseMs",
                  "" + maxTotal,
                  "maxBackendMs",
                  "" + maxBackend,
                  "responseTimeLimitMs",
                  "" + cfg.responseTime().toMillis(),
                  "backendTimeLimitMs",
                  "" + cfg.backendTime().toMillis())));
    }
  }

  /** Exchanges refused because the time-stamp authority or OCSP failed. */
  final class TrustRefusals implements StreamRule {
    private final AlertRules.TrustServiceFailures cfg;
    private final Window window;

    TrustRefusals(AlertRules.TrustServiceFailures cfg) {
      this.cfg = cfg;
      this.window = new Window(cfg.window(), cfg.threshold());
    }

    @Override
    public Optional<Raised> observe(ExchangeObservation o) {
      String service =
          o.errorCode().startsWith("ocsp.")
              ? "ocsp"
              : o.errorCode().startsWith("timestamp.") ? "timestamp" : "";
      if (service.isEmpty()) {
        return Optional.empty();
      }
      return window
          .addUntil(service, event(o, o.errorCode()), cfg.threshold())
          .map(
              d ->
                  new Raised(
                      StateRule.TRUST_SERVICES,
                      cfg.severity(),
                      service,
                      d.size() + " exchanges refused because " + service + " failed",
                      Window.evidence(
                          d, d.size(), facts("service", service, "source", "exchanges"))));
    }
  }
}
