package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.monitoring.Monitoring;
import org.openlgsp.monitoring.MonitoringOptions;
import org.openlgsp.statistics.Statistics;
import org.openlgsp.statistics.StatisticsOptions;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Statistics on two real gateways (the gateway tests' fixture, hence this package): the figures
 * come from real exchanges and add up to the operational records the same gateways kept.
 */
class StatisticsGatewaysTest {
  static final String TOKEN = "stats-and-opmon-token-0123456789";
  static final String PATH = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/079090001234";
  // TwoGateways' clock runs from now: the whole hours of a day either side
  static final String RANGE = range();
  @TempDir Path dir;
  TwoGateways net;
  Database tnDb;
  Database mpsDb;
  Monitoring tnOpmon;
  Statistics tnStats;
  Statistics mpsStats;

  @AfterEach
  void stop() {
    if (net != null) {
      net.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {tnOpmon, tnStats, mpsStats, tnDb, mpsDb}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // closed already by the test
      }
    }
  }

  static String range() {
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    return "from=" + hour.minus(Duration.ofDays(1)) + "&to=" + hour.plus(Duration.ofDays(1));
  }

  static Statistics statistics(Database db, int queueSize) {
    StatisticsOptions d = StatisticsOptions.defaults();
    return Statistics.start(
        db,
        new StatisticsOptions(
            true,
            queueSize,
            d.batchSize(),
            Duration.ofMillis(100),
            ZoneId.of("UTC"),
            d.maxRange(),
            d.retention(),
            d.purgeInterval(),
            Optional.of(0),
            Optional.of(BearerTokens.hash(TOKEN))),
        new SimpleMeterRegistry(),
        "127.0.0.1");
  }

  Monitoring opmon(Database db) {
    return Monitoring.start(
        db,
        MonitoringOptions.defaults().withApi(0, BearerTokens.hash(TOKEN)),
        new SimpleMeterRegistry(),
        Optional::empty,
        "127.0.0.1",
        Clock.systemUTC());
  }

  int exchange(String client, String token) throws Exception {
    return net.http
        .send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + PATH))
                .header("Authorization", "Bearer " + token)
                .header("X-Road-Client", client)
                .header("X-Road-Issue", "HS-2026-000123")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  JsonNode get(int port, String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        net.http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  @Test
  void figuresFromRealExchangesEqualTheOperationalRecordsOfTheSameTraffic() throws Exception {
    tnDb = TestDatabases.sqlite(dir);
    mpsDb = TestDatabases.sqlite(dir);
    tnOpmon = opmon(tnDb);
    tnStats = statistics(tnDb, 1_000);
    mpsStats = statistics(mpsDb, 1_000);
    List<ExchangeObserver> tnObservers = new ArrayList<>(tnOpmon.observers());
    tnObservers.addAll(tnStats.observers());
    net = new TwoGateways(dir, tnObservers, mpsStats.observers());

    String portal = net.token();
    String other = net.token("other", TwoGateways.OTHER_SECRET);
    for (int i = 0; i < 4; i++) {
      assertThat(exchange(TwoGateways.PORTAL.toString(), portal)).isEqualTo(200);
    }
    for (int i = 0; i < 2; i++) {
      // the other system holds no grant: refused by the consumer gateway
      assertThat(exchange(TwoGateways.OTHER_SYSTEM.toString(), other))
          .isEqualTo(500); // X-Road's status for a Server.* refusal
    }

    int opmonPort = tnOpmon.apiPort().orElseThrow();
    int statsPort = tnStats.apiPort().orElseThrow();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(opmonPort, "/monitoring/v1/records?" + RANGE).get("records").size() == 6);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(statsPort, "/statistics/v1/status").get("counted").asLong() == 6);

    // operational records counted per (system, outcome, error code) ...
    Map<String, Long> fromRecords = new HashMap<>();
    for (JsonNode r : get(opmonPort, "/monitoring/v1/records?" + RANGE).get("records")) {
      fromRecords.merge(
          r.get("clientId").asText()
              + " "
              + r.get("outcome").asText()
              + " "
              + r.get("errorCode").asText(),
          1L,
          Long::sum);
    }
    // ... are what the statistics of the same gateway say
    Map<String, Long> fromStatistics = new HashMap<>();
    JsonNode rows =
        get(statsPort, "/statistics/v1/figures?" + RANGE + "&groupBy=agency,system").get("rows");
    for (JsonNode f : rows) {
      String system = f.get("system").asText();
      if (f.get("successes").asLong() > 0) {
        fromStatistics.put(system + " success ", f.get("successes").asLong());
      }
      f.get("errors")
          .properties()
          .forEach(
              e ->
                  fromStatistics.put(
                      system
                          + " "
                          + (f.get("failed").asLong() > 0 ? "failed" : "refused")
                          + " "
                          + e.getKey(),
                      e.getValue().asLong()));
    }
    assertThat(fromStatistics)
        .isEqualTo(fromRecords)
        .containsEntry(TwoGateways.PORTAL.encoded() + " success ", 4L)
        .containsEntry(TwoGateways.OTHER_SYSTEM.encoded() + " refused access.denied", 2L);
    JsonNode portalRow =
        rows.findParents("system").stream()
            .filter(r -> r.get("system").asText().equals(TwoGateways.PORTAL.encoded()))
            .findFirst()
            .orElseThrow();
    assertThat(portalRow.get("agency").asText()).isEqualTo(TwoGateways.TAY_NINH.encoded());
    assertThat(portalRow.get("bytesOut").asLong()).isPositive();

    // the provider's gateway counted the four that reached it, under the same client and service
    int mpsPort = mpsStats.apiPort().orElseThrow();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(mpsPort, "/statistics/v1/status").get("counted").asLong() == 4);
    JsonNode provider =
        get(mpsPort, "/statistics/v1/figures?" + RANGE + "&groupBy=system,service").get("rows");
    assertThat(provider).hasSize(1);
    assertThat(provider.get(0).get("system").asText()).isEqualTo(TwoGateways.PORTAL.encoded());
    assertThat(provider.get(0).get("service").asText()).isEqualTo(TwoGateways.CITIZENS.encoded());
    assertThat(provider.get(0).get("calls").asLong()).isEqualTo(4);
  }

  @Test
  void aStatisticsDatabaseThatFailsNeverFailsAnExchange() throws Exception {
    tnDb = TestDatabases.sqlite(dir);
    tnStats = statistics(tnDb, 1_000);
    net = new TwoGateways(dir, tnStats.observers(), List.of());
    tnDb.close(); // every flush fails from now on

    String portal = net.token();
    for (int i = 0; i < 3; i++) {
      assertThat(exchange(TwoGateways.PORTAL.toString(), portal)).isEqualTo(200);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                get(tnStats.apiPort().orElseThrow(), "/statistics/v1/status").get("lost").asLong()
                    == 3);
  }
}
