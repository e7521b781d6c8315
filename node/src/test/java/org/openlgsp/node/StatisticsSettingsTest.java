package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.pki.CertificateAuthority;

/**
 * Each {@code gateway.statistics} key of node.yaml changes what the running gateway node does. The
 * node's registry is unreachable, so observations are handed to the node's own observers as its
 * gateway would hand them.
 */
class StatisticsSettingsTest {
  static final String TOKEN = "statistics-token-0123456789";
  static final String HASH = Digests.hex(Digests.sha256(TOKEN.getBytes()));
  static final String API = "apiPort: 0, apiTokenSha256: " + HASH;
  // 01:00 on 1 Dec in Hanoi, still 30 Nov in UTC
  static final Instant LATE = Instant.parse("2026-11-30T18:00:00Z");
  static final String DAYS = "from=2026-11-29T00:00:00Z&to=2026-12-02T00:00:00Z";
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final HttpClient http = HttpClient.newHttpClient();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  GatewayNode start(String statistics) throws Exception {
    Path file = GatewayNodeSettingsTest.configWith(dir, ca, "statistics", statistics);
    return GatewayNode.start(
        NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC(), registry);
  }

  static void feed(GatewayNode node, Instant at) {
    ExchangeObservation o = MonitoringSettingsTest.observed(at);
    for (ExchangeObserver observer : node.statistics().observers()) {
      observer.observed(o);
    }
  }

  HttpResponse<String> get(GatewayNode node, String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + node.statistics().apiPort().orElseThrow() + pathAndQuery))
            .header("Authorization", "Bearer " + TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(GatewayNode node, String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(node, pathAndQuery);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  long counted(GatewayNode node) throws Exception {
    return json(node, "/statistics/v1/status").get("counted").asLong();
  }

  @Test
  void apiPortAndApiTokenSha256OpenTheStatisticsApiForThatTokenOnly() throws Exception {
    try (GatewayNode node = start("")) {
      assertThat(node.statistics().apiPort()).isEmpty(); // the default: no API
      assertThat(node.statistics().observers()).hasSize(1); // but statistics are kept
    }
    try (GatewayNode node = start(API)) {
      assertThat(get(node, "/statistics/v1/status").statusCode()).isEqualTo(200);
      // the monthly report names the gateway node
      assertThat(get(node, "/statistics/v1/report?month=2026-11&lang=en").body())
          .contains(
              "Gateway: "
                  + NodeConfig.read(dir.resolve("node.yaml")).gateway().orElseThrow().node());
      HttpResponse<String> wrong =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + node.statistics().apiPort().orElseThrow()
                              + "/statistics/v1/status"))
                  .header("Authorization", "Bearer another-token-0123456789")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void enabledFalseKeepsNoStatistics() throws Exception {
    try (GatewayNode node = start("enabled: false")) {
      assertThat(node.statistics().observers()).isEmpty();
      try (Connection c = node.observerDatabase().connection();
          ResultSet tables = c.getMetaData().getTables(null, null, "stats_hour", null)) {
        assertThat(tables.next()).isFalse();
      }
    }
    assertThatThrownBy(() -> start("enabled: false, " + API))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("statistics: the statistics API needs enabled: true");
  }

  @Test
  void queueSizeBoundsWhatWaitsAndTheRestIsDroppedAndCounted() throws Exception {
    try (GatewayNode node = start("queueSize: 1, batchSize: 1")) {
      for (int i = 0; i < 500; i++) {
        feed(node, Instant.now());
      }
      assertThat(node.statistics().dropped()).isPositive();
      assertThat(registry.get("lgsp.stats.dropped").functionCounter().count())
          .isEqualTo(node.statistics().dropped());
    }
    try (GatewayNode node = start("")) { // 100,000 by default
      for (int i = 0; i < 500; i++) {
        feed(node, Instant.now());
      }
      assertThat(node.statistics().dropped()).isZero();
    }
  }

  @Test
  void batchSizeAndFlushIntervalDecideWhenBucketsAreWritten() throws Exception {
    // an hour's interval: only a full batch (2) is written
    try (GatewayNode node = start(API + ", batchSize: 2, flushInterval: PT1H")) {
      feed(node, Instant.now());
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(2))
          .until(() -> counted(node) == 0);
      feed(node, Instant.now());
      await().atMost(Duration.ofSeconds(10)).until(() -> counted(node) == 2);
    }
    // the default batch (10,000) is never full here: a short interval writes the one observation
    try (GatewayNode node = start(API + ", flushInterval: PT0.1S")) {
      feed(node, Instant.now());
      await().atMost(Duration.ofSeconds(10)).until(() -> counted(node) == 1);
    }
  }

  @Test
  void zoneDecidesWhichDayAnHourBelongsTo() throws Exception {
    try (GatewayNode node = start(API + ", flushInterval: PT0.1S")) { // Asia/Ho_Chi_Minh
      feed(node, LATE);
      await().atMost(Duration.ofSeconds(10)).until(() -> counted(node) == 1);
      JsonNode rows = json(node, "/statistics/v1/figures?" + DAYS + "&groupBy=day").get("rows");
      assertThat(rows.get(0).get("period").asText()).isEqualTo("2026-12-01");
    }
    try (GatewayNode node = start(API + ", flushInterval: PT0.1S, zone: UTC")) {
      feed(node, LATE);
      await().atMost(Duration.ofSeconds(10)).until(() -> counted(node) == 1);
      JsonNode rows = json(node, "/statistics/v1/figures?" + DAYS + "&groupBy=day").get("rows");
      assertThat(rows.get(0).get("period").asText()).isEqualTo("2026-11-30");
    }
    assertThatThrownBy(() -> start("zone: Asia/Kolkata"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("zone must be a whole number of hours from UTC");
  }

  @Test
  void maxRangeIsTheLongestRangeAQueryMayCover() throws Exception {
    try (GatewayNode node = start(API + ", maxRange: P2D")) {
      String two = "from=2026-11-29T00:00:00Z&to=2026-12-01T00:00:00Z";
      assertThat(get(node, "/statistics/v1/figures?" + two).statusCode()).isEqualTo(200);
      HttpResponse<String> three = get(node, "/statistics/v1/figures?" + DAYS);
      assertThat(three.statusCode()).isEqualTo(400);
      assertThat(three.body()).contains("query.range_invalid").contains("2 days");
      // the monthly report is a month whatever maxRange says
      assertThat(get(node, "/statistics/v1/report?month=2026-11").statusCode()).isEqualTo(200);
    }
    try (GatewayNode node = start(API)) { // 400 days by default
      String year = "from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z";
      assertThat(get(node, "/statistics/v1/figures?" + year).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void retentionAndPurgeIntervalDecideWhenOldBucketsAreDeleted() throws Exception {
    Instant today = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    String recent =
        "from=" + today.minus(Duration.ofDays(1)) + "&to=" + today.plus(Duration.ofDays(2));
    try (GatewayNode node =
        start(API + ", flushInterval: PT0.1S, retention: P1D, purgeInterval: PT0.2S")) {
      feed(node, LATE); // a week old: its hour bucket goes at the next purge
      feed(node, Instant.now());
      await().atMost(Duration.ofSeconds(10)).until(() -> counted(node) == 2);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> json(node, "/statistics/v1/figures?" + DAYS).get("rows").isEmpty());
      JsonNode kept = json(node, "/statistics/v1/figures?" + recent).get("rows");
      assertThat(kept).hasSize(1);
      assertThat(kept.get(0).get("calls").asLong()).isEqualTo(1);
    }
    try (GatewayNode node = start(API + ", flushInterval: PT0.1S")) { // 800 days, hourly
      feed(node, LATE);
      await().atMost(Duration.ofSeconds(10)).until(() -> counted(node) == 1);
      await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> true);
      assertThat(json(node, "/statistics/v1/figures?" + DAYS).get("rows")).hasSize(1);
    }
  }

  @Test
  void serveCheckFillsInTheStatisticsDefaultsAndRedactsTheApiToken() throws Exception {
    Path file =
        GatewayNodeSettingsTest.config(dir, ca, "  statistics: {queueSize: 500, " + API + "}\n");

    String effective = ConfigCheck.effectiveConfiguration(file);

    assertThat(effective)
        .contains("statistics:")
        .contains("queueSize: 500")
        .contains("flushInterval: \"PT10S\"")
        .contains("zone: \"Asia/Ho_Chi_Minh\"")
        .contains("maxRange: \"PT9600H\"")
        .contains("retention: \"PT19200H\"") // P800D
        .contains("purgeInterval: \"PT1H\"")
        .contains("apiTokenSha256: \"(redacted)\"")
        .doesNotContain(HASH);
  }

  @Test
  void unknownOrOutOfRangeStatisticsKeysAreRefusedNamingThem() throws Exception {
    assertThatThrownBy(() -> start("colour: blue"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("gateway.statistics.colour: unknown key");
    assertThatThrownBy(() -> start("batchSize: 0"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("statistics: batchSize must be from 1 to 100000");
    assertThatThrownBy(() -> start("flushInterval: PT2H"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("statistics: flushInterval must be from 1 ms to 1 hour");
    assertThatThrownBy(() -> start("retention: PT30M"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("statistics: retention must be at least 1 hour");
    assertThatThrownBy(() -> start("purgeInterval: PT0S"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("statistics: purgeInterval must be positive");
    assertThatThrownBy(() -> start("apiPort: 0"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("apiPort and apiTokenSha256 go together");
  }
}
