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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.monitoring.Monitoring;
import org.openlgsp.monitoring.MonitoringOptions;
import org.openlgsp.monitoring.StalledWriter;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Operational monitoring on two real gateways (the gateway tests' fixture, hence this package):
 * records on both sides of real exchanges, read through the query API, and exchanges that go
 * through whatever happens to the records.
 */
class MonitoredGatewaysTest {
  static final String TOKEN = "monitoring-token-0123456789";
  static final String PATH = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/079090001234";
  static final String RANGE = "from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z";
  @TempDir Path dir;
  TwoGateways net;
  Database tnDb;
  Database mpsDb;
  Monitoring tn;
  Monitoring mps;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() {
    if (net != null) {
      net.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {tn, mps, tnDb, mpsDb}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // closed already by the test
      }
    }
  }

  Monitoring monitoring(Database db) {
    return Monitoring.start(
        db,
        MonitoringOptions.defaults().withApi(0, BearerTokens.hash(TOKEN)),
        registry,
        Optional::empty,
        "127.0.0.1",
        Clock.systemUTC());
  }

  HttpResponse<String> exchange() throws Exception {
    return net.http.send(
        HttpRequest.newBuilder(URI.create(net.clientHttp() + PATH))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "HS-2026-000123")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode records(Monitoring m) throws Exception {
    HttpResponse<String> r =
        net.http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + m.apiPort().orElseThrow()
                            + "/monitoring/v1/records?"
                            + RANGE))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body()).get("records");
  }

  @Test
  void aRealExchangeLeavesARecordOnEachGatewayWithItsSideAndLedgerIndex() throws Exception {
    tnDb = TestDatabases.sqlite(dir);
    mpsDb = TestDatabases.sqlite(dir);
    tn = monitoring(tnDb);
    mps = monitoring(mpsDb);
    net = new TwoGateways(dir, tn.observers(), mps.observers());

    assertThat(exchange().statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> records(tn).size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> records(mps).size() == 1);
    JsonNode consumer = records(tn).get(0);
    JsonNode producer = records(mps).get(0);
    assertThat(consumer.get("securityServerType").asText()).isEqualTo("Client");
    assertThat(producer.get("securityServerType").asText()).isEqualTo("Producer");
    assertThat(consumer.get("messageId").asText()).isEqualTo(producer.get("messageId").asText());
    assertThat(consumer.get("ledgerIndex").asLong()).isEqualTo(net.tnLedger.size() - 1);
    assertThat(producer.get("ledgerIndex").asLong()).isEqualTo(net.mpsLedger.size() - 1);
    for (JsonNode rec : List.of(consumer, producer)) {
      assertThat(rec.get("clientId").asText()).isEqualTo(TwoGateways.PORTAL.encoded());
      assertThat(rec.get("serviceId").asText()).isEqualTo(TwoGateways.CITIZENS.encoded());
      assertThat(rec.get("succeeded").asBoolean()).isTrue();
      assertThat(rec.get("statusCode").asInt()).isEqualTo(200);
      assertThat(rec.get("purpose").asText()).isEqualTo("HS-2026-000123");
      assertThat(rec.get("restPath").asText()).isEqualTo("/citizens/{subject}");
      assertThat(rec.toString()).doesNotContain("079090001234");
    }
  }

  /**
   * The provider's record of an exchange names what its grant's leak detectors found and did
   * ({@code cccd:alert}, {@code classification:block}), never the matched text; a clean answer's
   * record names nothing. SQLite and PostgreSQL (migration V3__leak_findings).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"sqlite", "postgresql"})
  void leakFindingsAreInTheProvidersRecordWithoutTheMatchedText(String kind) throws Exception {
    mpsDb = TestDatabases.open(kind, dir);
    mps = monitoring(mpsDb);
    net = new TwoGateways(dir, List.of(), mps.observers());
    net.grants.clear();
    net.grants.add(
        TwoGateways.portalGrantWithLeaks(
            new org.openlgsp.core.PrivacyPolicy.LeakRule(
                "cccd", org.openlgsp.core.PrivacyPolicy.LeakAction.ALERT),
            new org.openlgsp.core.PrivacyPolicy.LeakRule(
                "classification", org.openlgsp.core.PrivacyPolicy.LeakAction.BLOCK)));
    net.republish();
    for (String answer :
        List.of(
            "{\"note\":\"bình thường\"}",
            "{\"soDinhDanh\":\"001204012345\"}",
            "{\"doMat\":\"TUYỆT MẬT\"}")) {
      net.cannedBody = answer.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      net.http.send(
          HttpRequest.newBuilder(
                  URI.create(
                      net.clientHttp() + "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/canned/x"))
              .header("Authorization", "Bearer " + net.token())
              .header("X-Road-Client", TwoGateways.PORTAL.toString())
              .header("X-Road-Issue", "HS-2026-000123")
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> records(mps).size() == 3);
    JsonNode recs = records(mps);
    assertThat(recs.get(0).get("leakFindings").asText()).isEmpty();
    assertThat(recs.get(1).get("leakFindings").asText()).isEqualTo("cccd:alert");
    assertThat(recs.get(2).get("leakFindings").asText()).isEqualTo("classification:block");
    assertThat(recs.toString()).doesNotContain("001204012345", "TUYỆT", "MẬT");
  }

  @Test
  void aRefusedExchangeIsRecordedWithItsFaultCode() throws Exception {
    tnDb = TestDatabases.sqlite(dir);
    tn = monitoring(tnDb);
    net = new TwoGateways(dir, tn.observers(), List.of());
    net.grants.clear();
    net.republish();

    assertThat(exchange().statusCode()).isEqualTo(500); // X-Road's status for a Server.* refusal

    await().atMost(Duration.ofSeconds(10)).until(() -> records(tn).size() == 1);
    JsonNode rec = records(tn).get(0);
    assertThat(rec.get("succeeded").asBoolean()).isFalse();
    assertThat(rec.get("outcome").asText()).isEqualTo("refused");
    assertThat(rec.get("errorCode").asText()).isEqualTo("access.denied");
    assertThat(rec.get("faultCode").asText()).isEqualTo("Server.ServerProxy.AccessDenied");
    assertThat(rec.get("statusCode").asInt()).isEqualTo(403);
  }

  @Test
  void aFullQueueDropsAndCountsWhileTheExchangesStillSucceed() throws Exception {
    try (StalledWriter stalled = new StalledWriter(1)) {
      net = new TwoGateways(dir, List.of(stalled.observer()), List.of());

      // the first is taken by the stalled store, the second fills the queue, the rest are dropped
      for (int i = 0; i < 4; i++) {
        assertThat(exchange().statusCode()).isEqualTo(200);
        if (i == 0) {
          await().atMost(Duration.ofSeconds(5)).until(() -> stalled.queued() == 0);
        }
      }

      assertThat(stalled.dropped()).isEqualTo(2);
    }
  }

  @Test
  void aStoreThatFailsNeverFailsAnExchange() throws Exception {
    tnDb = TestDatabases.sqlite(dir);
    tn = monitoring(tnDb);
    net = new TwoGateways(dir, tn.observers(), List.of());
    tnDb.close(); // every insert fails from now on

    for (int i = 0; i < 3; i++) {
      assertThat(exchange().statusCode()).isEqualTo(200);
    }
    // taken from the queue, then lost by the store: counted, and shown as a metric
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> registry.get("lgsp.opmon.lost").functionCounter().count() == 3);
    assertThat(tn.dropped()).isZero();
  }
}
