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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.core.ServiceId;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.gateway.spi.Observed;
import org.openlgsp.pki.CertificateAuthority;

/**
 * Each {@code gateway.monitoring} key of node.yaml changes what the running gateway node does. The
 * node's registry is unreachable, so observations are handed to the node's own observers as its
 * gateway would hand them.
 */
class MonitoringSettingsTest {
  static final String TOKEN = "monitoring-token-0123456789";
  static final String HASH = Digests.hex(Digests.sha256(TOKEN.getBytes()));
  static final String API = "apiPort: 0, apiTokenSha256: " + HASH;
  static final String RANGE = "from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z";
  static final ClientId PORTAL = Observed.PORTAL;
  static final ServiceId CITIZENS = Observed.CITIZENS;
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  final HttpClient http = HttpClient.newHttpClient();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  GatewayNode start(String monitoring) throws Exception {
    Path file = GatewayNodeSettingsTest.configWith(dir, ca, "monitoring", monitoring);
    return GatewayNode.start(
        NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC(), registry);
  }

  static ExchangeObservation observed(Instant at) {
    return Observed.at(at, PORTAL, CITIZENS)
        .securityServerInternalIp("127.0.0.1")
        .took(20)
        .requestOutTs(Optional.of(at.minusMillis(15)))
        .responseInTs(Optional.of(at.minusMillis(5)))
        .messageIssue("HS-2026-000123")
        .responseSize(120)
        .xRoadVersion("")
        .purpose("HS-2026-000123")
        .ledgerIndex(1)
        .gatewayTime(Duration.ofMillis(10))
        .peerTime(Duration.ofMillis(10))
        .build();
  }

  static void feed(GatewayNode node, ExchangeObservation o) {
    for (ExchangeObserver observer : node.monitoring().observers()) {
      observer.observed(o);
    }
  }

  HttpResponse<String> get(GatewayNode node, String pathAndQuery, Optional<String> token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create(
                "http://127.0.0.1:" + node.monitoring().apiPort().orElseThrow() + pathAndQuery));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(GatewayNode node, String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(node, pathAndQuery, Optional.of(TOKEN));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  int records(GatewayNode node) throws Exception {
    return json(node, "/monitoring/v1/records?" + RANGE).get("records").size();
  }

  @Test
  void apiPortAndApiTokenSha256OpenTheQueryApiOnTheGatewayHostForThatTokenOnly() throws Exception {
    try (GatewayNode node = start("")) {
      assertThat(node.monitoring().apiPort()).isEmpty(); // the default: no API
    }
    java.nio.file.Files.delete(dir.resolve("node.yaml"));
    Path file =
        GatewayNodeSettingsTest.config(
            dir,
            ca,
            "  host: 127.0.0.2\n  clientTlsPort: 0\n  peerPort: 0\n  monitoring: {" + API + "}\n");
    try (GatewayNode node =
        GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC())) {
      int port = node.monitoring().apiPort().orElseThrow();
      assertThat(GatewayNodeSettingsTest.accepts("127.0.0.2", port)).isTrue();
      assertThat(GatewayNodeSettingsTest.accepts("127.0.0.1", port)).isFalse();
      URI status = URI.create("http://127.0.0.2:" + port + "/monitoring/v1/status");
      assertThat(
              http.send(
                      HttpRequest.newBuilder(status)
                          .header("Authorization", "Bearer " + TOKEN)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(status)
                          .header("Authorization", "Bearer another-token-0123456789")
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void retentionAndPurgeIntervalDecideWhenOldRecordsAreDeleted() throws Exception {
    Instant now = Instant.now();
    // retention PT1H, purged every 0.2 s: the record of two hours ago goes, the recent one stays
    try (GatewayNode node = start(API + ", retention: PT1H, purgeInterval: PT0.2S")) {
      feed(node, observed(now.minus(Duration.ofHours(2))));
      feed(node, observed(now));
      await().atMost(Duration.ofSeconds(10)).until(() -> records(node) == 1);
    }
    // the default retention (30 days) keeps both, however often the purge runs
    try (GatewayNode node = start(API + ", purgeInterval: PT0.2S")) {
      feed(node, observed(now.minus(Duration.ofHours(2))));
      feed(node, observed(now));
      await().atMost(Duration.ofSeconds(10)).until(() -> records(node) == 2);
      // still both through five purges
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(3))
          .until(() -> records(node) == 2);
    }
    // PT1H retention, default hourly purge: the purge at start ran before they came
    try (GatewayNode node = start(API + ", retention: PT1H")) {
      feed(node, observed(now.minus(Duration.ofHours(2))));
      feed(node, observed(now));
      await().atMost(Duration.ofSeconds(10)).until(() -> records(node) == 2);
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(3))
          .until(() -> records(node) == 2);
    }
  }

  @Test
  void queueSizeBoundsWhatWaitsAndTheRestIsDroppedAndCounted() throws Exception {
    try (GatewayNode node = start("queueSize: 1, batchSize: 1")) {
      for (int i = 0; i < 500; i++) {
        feed(node, observed(Instant.now()));
      }
      assertThat(node.monitoring().dropped()).isPositive();
      assertThat(registry.get("lgsp.opmon.dropped").functionCounter().count())
          .isEqualTo(node.monitoring().dropped());
    }
    try (GatewayNode node = start("")) { // 10,000 by default
      long before = node.monitoring().dropped();
      for (int i = 0; i < 500; i++) {
        feed(node, observed(Instant.now()));
      }
      assertThat(node.monitoring().dropped()).isEqualTo(before).isZero();
    }
  }

  /**
   * A trigger refuses the record whose message id is {@code poison}: the transaction it is in rolls
   * back, so how many records are lost with it is how many shared its transaction.
   */
  static void poisonRecordsRefused(GatewayNode node) throws Exception {
    try (Connection c = node.observerDatabase().connection();
        java.sql.Statement s = c.createStatement()) {
      s.execute(
          "CREATE TRIGGER refuse_poison BEFORE INSERT ON opmon_record"
              + " WHEN NEW.message_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poison'); END");
    }
  }

  static ExchangeObservation poison(Instant at) {
    return Observed.from(observed(at)).messageId("poison").build();
  }

  double lost() {
    return registry.get("lgsp.opmon.lost").functionCounter().count();
  }

  @Test
  void batchSizeIsHowManyRecordsShareATransaction() throws Exception {
    // batches of 1: the poisoned record is lost alone, the two beside it are stored
    try (GatewayNode node = start(API + ", batchSize: 1")) {
      poisonRecordsRefused(node);
      Instant now = Instant.now();
      feed(node, observed(now));
      feed(node, poison(now));
      feed(node, observed(now));
      await().atMost(Duration.ofSeconds(10)).until(() -> lost() == 1 && records(node) == 2);
    }
    registry.clear();
    // the default (500): the three, offered together, share one transaction and are lost together
    try (GatewayNode node = start(API)) {
      poisonRecordsRefused(node);
      Instant now = Instant.now();
      feed(node, observed(now));
      feed(node, poison(now));
      feed(node, observed(now));
      await().atMost(Duration.ofSeconds(10)).until(() -> lost() == 3);
      assertThat(records(node)).isZero();
    }
  }

  @Test
  void enabledFalseKeepsNoRecordsWhileExchangesAreStillCounted() throws Exception {
    try (GatewayNode node = start("enabled: false")) {
      feed(node, observed(Instant.now()));
      assertThat(node.monitoring().observers()).hasSize(1); // the metrics only
      try (Connection c = node.observerDatabase().connection();
          ResultSet tables = c.getMetaData().getTables(null, null, "opmon_record", null)) {
        assertThat(tables.next()).isFalse();
      }
      assertThat(registry.get("lgsp.exchanges").counter().count()).isEqualTo(1);
    }
    assertThatThrownBy(() -> start("enabled: false, " + API))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("monitoring: the query API needs enabled: true");
  }

  @Test
  void healthPeriodIsThePeriodHealthDataCounts() throws Exception {
    Instant now = Instant.now();
    try (GatewayNode node = start(API + ", healthPeriod: PT2M")) {
      feed(node, observed(now.minus(Duration.ofMinutes(5))));
      feed(node, observed(now.minusSeconds(30)));
      await().atMost(Duration.ofSeconds(10)).until(() -> records(node) == 2);
      JsonNode health = json(node, "/monitoring/v1/health");
      assertThat(health.get("statisticsPeriodSeconds").asLong()).isEqualTo(120);
      assertThat(health.get("services").get(0).get("successfulRequestCount").asLong()).isEqualTo(1);
    }
    try (GatewayNode node = start(API)) { // ten minutes by default
      feed(node, observed(now.minus(Duration.ofMinutes(5))));
      feed(node, observed(now.minusSeconds(30)));
      await().atMost(Duration.ofSeconds(10)).until(() -> records(node) == 2);
      JsonNode health = json(node, "/monitoring/v1/health");
      assertThat(health.get("statisticsPeriodSeconds").asLong()).isEqualTo(600);
      assertThat(health.get("services").get(0).get("successfulRequestCount").asLong()).isEqualTo(2);
    }
  }

  @Test
  void maxPageSizeIsTheLargestPageAQueryMayAskFor() throws Exception {
    try (GatewayNode node = start(API + ", maxPageSize: 2")) {
      assertThat(
              get(node, "/monitoring/v1/records?" + RANGE + "&limit=2", Optional.of(TOKEN))
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<String> tooBig =
          get(node, "/monitoring/v1/records?" + RANGE + "&limit=3", Optional.of(TOKEN));
      assertThat(tooBig.statusCode()).isEqualTo(400);
      assertThat(tooBig.body()).contains("query.page_invalid").contains("from 1 to 2");
    }
  }

  @Test
  void serveCheckFillsInTheMonitoringDefaultsAndRedactsTheApiToken() throws Exception {
    Path file =
        GatewayNodeSettingsTest.config(dir, ca, "  monitoring: {retention: P7D, " + API + "}\n");

    String effective = ConfigCheck.effectiveConfiguration(file);

    assertThat(effective)
        .contains("monitoring:")
        .contains("retention: \"PT168H\"") // P7D, as java.time writes it
        .contains("queueSize: 10000")
        .contains("purgeInterval: \"PT1H\"")
        .contains("apiTokenSha256: \"(redacted)\"")
        .doesNotContain(HASH);
  }

  @Test
  void unknownOrOutOfRangeMonitoringKeysAreRefusedNamingThem() throws Exception {
    assertThatThrownBy(() -> start("colour: blue"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("gateway.monitoring.colour: unknown key");
    assertThatThrownBy(() -> start("batchSize: 0"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("monitoring: batchSize must be from 1 to 10000");
    assertThatThrownBy(() -> start("apiPort: 0"))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("apiPort and apiTokenSha256 go together");
  }
}
