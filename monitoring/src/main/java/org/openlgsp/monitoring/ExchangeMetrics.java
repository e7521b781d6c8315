package org.openlgsp.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;

/**
 * Per-exchange Micrometer meters (docs/monitoring.md, "Metrics"):
 *
 * <ul>
 *   <li>{@code lgsp.exchanges} counter, tags {@code side}, {@code client}, {@code service}, {@code
 *       outcome}, {@code code} (Prometheus {@code lgsp_exchanges_total});
 *   <li>{@code lgsp.exchange.duration} timer with a percentile histogram, tags {@code side} and
 *       {@code phase} ({@code total|gateway|peer|backend});
 *   <li>{@code lgsp.exchange.bytes} counter, tags {@code side} and {@code direction} ({@code in}:
 *       request bodies, {@code out}: response bodies);
 *   <li>{@code lgsp.quality.violations} counter, tags {@code service}, {@code side} ({@code
 *       request|response}), {@code keyword} (the JSON Schema keyword, e.g. {@code required}) and
 *       {@code mode} ({@code warn|block}): schema violations the provider's gateway found
 *       (docs/privacy.md, "Data quality"); one per violation, never a value.
 * </ul>
 *
 * <p>Label values stay bounded: {@code client} and {@code service} are the encoded identifier only
 * when the current signed directory lists it (a member or system, a service), otherwise {@value
 * #OTHER}; {@code code} is one of OpenLGSP's error codes, {@code none} on success, or {@value
 * #OTHER} for a code this version does not know (a newer peer's).
 */
final class ExchangeMetrics implements ExchangeObserver {
  static final String OTHER = "other";
  private final MeterRegistry registry;
  private final Supplier<Optional<Directory>> directory;
  private volatile Known known = new Known(-1, Set.of(), Set.of());
  // Meters looked up once per label set (bounded by the label rule), not built per exchange.
  private final Map<List<String>, Counter> exchanges = new ConcurrentHashMap<>();
  // The timers and byte counters of each side, made at its first exchange: looked up by a field,
  // not by a label list in a map five times an exchange (BENCHMARKS.md, "Observer overhead").
  private volatile SideMeters consumer;
  private volatile SideMeters provider;

  /**
   * One side's timers ({@code total}, {@code gateway}, {@code peer} or {@code backend}) and bytes.
   */
  private record SideMeters(Timer total, Timer gateway, Timer outside, Counter in, Counter out) {}

  private final Map<List<String>, Counter> violations = new ConcurrentHashMap<>();

  private record Known(long serial, Set<String> clients, Set<String> services) {}

  ExchangeMetrics(MeterRegistry registry, Supplier<Optional<Directory>> directory) {
    this.registry = registry;
    this.directory = directory;
  }

  @Override
  public void observed(ExchangeObservation o) {
    String side =
        o.securityServerType() == ExchangeObservation.SecurityServerType.CLIENT
            ? "consumer"
            : "provider";
    Known k = known();
    String client = o.client().encoded();
    String service = o.service().encoded();
    List<String> labels =
        List.of(
            side,
            k.clients().contains(client) ? client : OTHER,
            k.services().contains(service) ? service : OTHER,
            o.outcome().label(),
            code(o.errorCode()));
    exchanges
        .computeIfAbsent(
            labels,
            l ->
                Counter.builder("lgsp.exchanges")
                    .description(
                        "Exchanges a gateway recorded, by client, service, outcome and error code")
                    .tag("side", l.get(0))
                    .tag("client", l.get(1))
                    .tag("service", l.get(2))
                    .tag("outcome", l.get(3))
                    .tag("code", l.get(4))
                    .register(registry))
        .increment();
    boolean isConsumer = o.securityServerType() == ExchangeObservation.SecurityServerType.CLIENT;
    SideMeters m = isConsumer ? consumer : provider;
    if (m == null) {
      m = sideMeters(isConsumer);
    }
    m.total().record(o.totalTime());
    m.gateway().record(o.gatewayTime());
    m.outside().record(isConsumer ? o.peerTime() : o.backendTime());
    m.in().increment(o.requestSize());
    m.out().increment(o.responseSize());
    for (ExchangeObservation.DataQuality.Violation v : o.quality().violations()) {
      violation(labels.get(2), v.side(), v.keyword(), o.quality().mode().text());
    }
  }

  private void violation(String service, String side, String keyword, String mode) {
    violations
        .computeIfAbsent(
            List.of(service, side, keyword, mode),
            l ->
                Counter.builder("lgsp.quality.violations")
                    .description(
                        "Schema violations the provider's gateway found in requests and responses")
                    .tag("service", l.get(0))
                    .tag("side", l.get(1))
                    .tag("keyword", l.get(2))
                    .tag("mode", l.get(3))
                    .register(registry))
        .increment();
  }

  private synchronized SideMeters sideMeters(boolean isConsumer) {
    SideMeters m = isConsumer ? consumer : provider;
    if (m != null) {
      return m;
    }
    String side = isConsumer ? "consumer" : "provider";
    m =
        new SideMeters(
            timer(side, "total"),
            timer(side, "gateway"),
            timer(side, isConsumer ? "peer" : "backend"),
            bytes(side, "in"),
            bytes(side, "out"));
    if (isConsumer) {
      consumer = m;
    } else {
      provider = m;
    }
    return m;
  }

  private static String code(String errorCode) {
    if (errorCode.isEmpty()) {
      return "none";
    }
    return ErrorCode.fromCode(errorCode).map(ErrorCode::code).orElse(OTHER);
  }

  private Timer timer(String side, String phase) {
    return Timer.builder("lgsp.exchange.duration")
        .description("Time of an exchange: total, in this gateway, waiting for the peer or backend")
        .tag("side", side)
        .tag("phase", phase)
        .publishPercentileHistogram()
        .register(registry);
  }

  private Counter bytes(String side, String direction) {
    return Counter.builder("lgsp.exchange.bytes")
        .description("Body bytes of exchanges: in = requests, out = responses")
        .baseUnit("bytes")
        .tag("side", side)
        .tag("direction", direction)
        .register(registry);
  }

  /** The identifiers the current directory lists, recomputed when its serial changes. */
  private Known known() {
    Optional<Directory> d = directory.get();
    if (d.isEmpty()) {
      return new Known(-1, Set.of(), Set.of());
    }
    Known k = known;
    if (k.serial() != d.get().serial()) {
      k =
          new Known(
              d.get().serial(),
              java.util.stream.Stream.concat(
                      d.get().systems().stream().map(s -> s.id().encoded()),
                      d.get().members().stream().map(m -> m.id().encoded()))
                  .collect(Collectors.toSet()),
              d.get().services().stream().map(s -> s.id().encoded()).collect(Collectors.toSet()));
      known = k;
    }
    return k;
  }
}
