package org.openlgsp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.NodeId;
import org.openlgsp.gateway.spi.ExchangeObservation.SecurityServerType;

class ExchangeMetricsTest {
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  static final NodeId NODE = new NodeId(ClientId.member("VN", "GOV", "000.00.00.H53"), "gw1");

  /** A directory listing the portal and the citizens service only. */
  static Directory directory(long serial) {
    return new Directory(
        "VN",
        serial,
        T0,
        T0.plusSeconds(3600),
        List.of(),
        List.of(new Directory.SystemEntry(Observations.PORTAL, "Cổng dịch vụ công", NODE)),
        List.of(),
        List.of(new Directory.Service(Observations.CITIZENS, "http://127.0.0.1:1/api", "")),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  @Test
  void exchangesAreCountedByClientServiceOutcomeAndCodeAndUnknownIdentifiersAreOther() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExchangeMetrics metrics = new ExchangeMetrics(registry, () -> Optional.of(directory(1)));

    metrics.observed(
        Observations.success(T0, Observations.PORTAL, Observations.CITIZENS, 30, 10, 500));
    metrics.observed(
        Observations.success(T0, Observations.PORTAL, Observations.CITIZENS, 50, 20, 700));
    metrics.observed(
        Observations.refusal(T0, Observations.OTHER, Observations.LAND, "service.unknown", 404));
    metrics.observed(
        Observations.refusal(
            T0, Observations.PORTAL, Observations.CITIZENS, "backend.unreachable", 502));
    metrics.observed(
        Observations.refusal(
            T0, Observations.PORTAL, Observations.CITIZENS, "from.a.newer.peer", 400));

    assertThat(portalCitizens(registry, "success", "none")).isEqualTo(2);
    assertThat(count(registry, "consumer", "other", "other", "refused", "service.unknown"))
        .isEqualTo(1);
    assertThat(portalCitizens(registry, "failed", "backend.unreachable")).isEqualTo(1);
    assertThat(portalCitizens(registry, "refused", "other")).isEqualTo(1);
    // no label carries an identifier the directory does not list
    assertThat(registry.find("lgsp.exchanges").counters())
        .allSatisfy(
            c -> {
              assertThat(c.getId().getTag("client")).isNotEqualTo(Observations.OTHER.encoded());
              assertThat(c.getId().getTag("service")).isNotEqualTo(Observations.LAND.encoded());
            });

    var total =
        registry.get("lgsp.exchange.duration").tags("side", "consumer", "phase", "total").timer();
    assertThat(total.count()).isEqualTo(5);
    assertThat(total.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(50);
    assertThat(
            registry
                .get("lgsp.exchange.duration")
                .tags("side", "consumer", "phase", "peer")
                .timer()
                .count())
        .isEqualTo(5);
    assertThat(registry.find("lgsp.exchange.duration").tags("phase", "backend").timer()).isNull();
    assertThat(
            registry
                .get("lgsp.exchange.bytes")
                .tags("side", "consumer", "direction", "in")
                .counter()
                .count())
        .isEqualTo(30);
    assertThat(
            registry
                .get("lgsp.exchange.bytes")
                .tags("side", "consumer", "direction", "out")
                .counter()
                .count())
        .isEqualTo(500 + 700 + 3 * 120);
  }

  @Test
  void aNewDirectorySerialChangesWhichIdentifiersAreLabels() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicReference<Optional<Directory>> current = new AtomicReference<>(Optional.empty());
    ExchangeMetrics metrics = new ExchangeMetrics(registry, current::get);

    metrics.observed(Observations.success(T0, Observations.PORTAL, Observations.CITIZENS, 1, 1, 1));
    current.set(Optional.of(directory(2)));
    metrics.observed(Observations.success(T0, Observations.PORTAL, Observations.CITIZENS, 1, 1, 1));

    assertThat(count(registry, "consumer", "other", "other", "success", "none")).isEqualTo(1);
    assertThat(portalCitizens(registry, "success", "none")).isEqualTo(1);
  }

  @Test
  void prometheusShowsTheDocumentedNamesWithHistogramBuckets() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ExchangeMetrics metrics = new ExchangeMetrics(registry, () -> Optional.of(directory(1)));
    metrics.observed(
        Observations.of(
            T0,
            Observations.PORTAL,
            Observations.CITIZENS,
            30,
            10,
            500,
            "",
            200,
            SecurityServerType.PRODUCER));

    String text = registry.scrape();

    assertThat(text)
        .contains(
            "lgsp_exchanges_total{client=\"VN/GOV/000.00.00.H53/DVC\",code=\"none\",outcome=\"success\","
                + "service=\"VN/GOV/000.00.00.G01/CSDLQGDC/citizens\",side=\"provider\"} 1.0")
        .contains("lgsp_exchange_duration_seconds_bucket{phase=\"backend\",side=\"provider\",le=")
        .contains("lgsp_exchange_duration_seconds_bucket{phase=\"total\",side=\"provider\",le=")
        .contains("lgsp_exchange_bytes_total{direction=\"out\",side=\"provider\"} 500.0");
  }

  /** The count of the portal's calls to the citizens service (both listed) with these labels. */
  private static double portalCitizens(SimpleMeterRegistry registry, String outcome, String code) {
    return count(
        registry,
        "consumer",
        Observations.PORTAL.encoded(),
        Observations.CITIZENS.encoded(),
        outcome,
        code);
  }

  private static double count(
      SimpleMeterRegistry registry,
      String side,
      String client,
      String service,
      String outcome,
      String code) {
    var c =
        registry
            .find("lgsp.exchanges")
            .tags(
                "side", side, "client", client, "service", service, "outcome", outcome, "code",
                code)
            .counter();
    return c == null ? 0 : c.count();
  }
}
