package org.openlgsp.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
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
  private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
  private final Map<List<String>, Counter> bytes = new ConcurrentHashMap<>();
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
    time(side, "total", o.totalTime());
    time(side, "gateway", o.gatewayTime());
    if (o.securityServerType() == ExchangeObservation.SecurityServerType.CLIENT) {
      time(side, "peer", o.peerTime());
    } else {
      time(side, "backend", o.backendTime());
    }
    bytes(side, "in", o.requestSize());
    bytes(side, "out", o.responseSize());
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

  private static String code(String errorCode) {
    if (errorCode.isEmpty()) {
      return "none";
    }
    return ErrorCode.fromCode(errorCode).map(ErrorCode::code).orElse(OTHER);
  }

  private void time(String side, String phase, Duration d) {
    timers
        .computeIfAbsent(
            List.of(side, phase),
            l ->
                Timer.builder("lgsp.exchange.duration")
                    .description(
                        "Time of an exchange: total, in this gateway, waiting for the peer or"
                            + " backend")
                    .tag("side", l.get(0))
                    .tag("phase", l.get(1))
                    .publishPercentileHistogram()
                    .register(registry))
        .record(d);
  }

  private void bytes(String side, String direction, long n) {
    bytes
        .computeIfAbsent(
            List.of(side, direction),
            l ->
                Counter.builder("lgsp.exchange.bytes")
                    .description("Body bytes of exchanges: in = requests, out = responses")
                    .baseUnit("bytes")
                    .tag("side", l.get(0))
                    .tag("direction", l.get(1))
                    .register(registry))
        .increment(n);
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
