package org.openlgsp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Json;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** The query API over a real socket. */
class MonitoringHttpTest {
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  static final String TOKEN = "monitoring-token-0123456789";
  @TempDir Path dir;
  Database db;
  Monitoring monitoring;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    db = TestDatabases.sqlite(dir);
    MonitoringOptions d = MonitoringOptions.defaults();
    MonitoringOptions options =
        new MonitoringOptions(
            true,
            d.queueSize(),
            d.batchSize(),
            d.retention(),
            d.purgeInterval(),
            Duration.ofMinutes(10),
            50,
            Optional.of(0),
            Optional.of(BearerTokens.hash(TOKEN)));
    monitoring =
        Monitoring.start(
            db,
            options,
            new SimpleMeterRegistry(),
            Optional::empty,
            "127.0.0.1",
            Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
    List<OperationalRecord> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rows.add(
          OperationalRecord.of(
              Observations.success(
                  T0.plusSeconds(i),
                  Observations.PORTAL,
                  Observations.CITIZENS,
                  10 * (i + 1),
                  7,
                  9)));
    }
    rows.add(
        OperationalRecord.of(
            Observations.refusal(
                T0.plusSeconds(5),
                Observations.OTHER,
                Observations.CITIZENS,
                "access.denied",
                403)));
    monitoring.store().insert(rows);
  }

  @AfterEach
  void stop() {
    monitoring.close();
    db.close();
  }

  HttpResponse<String> get(String pathAndQuery, Optional<String> token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + monitoring.apiPort().orElseThrow() + pathAndQuery));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return get(pathAndQuery, Optional.of(TOKEN));
  }

  static final String RANGE = "from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z";

  @Test
  void recordsComeAsJsonPagesLinkedByTheirCursor() throws Exception {
    List<String> messageIds = new ArrayList<>();
    String query = "/monitoring/v1/records?" + RANGE + "&limit=4";
    List<Integer> sizes = new ArrayList<>();
    while (true) {
      HttpResponse<String> r = get(query);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode page = Json.mapper().readTree(r.body());
      sizes.add(page.get("records").size());
      page.get("records").forEach(n -> messageIds.add(n.get("messageId").asText()));
      if (!page.has("next")) {
        break;
      }
      query = "/monitoring/v1/records?" + RANGE + "&limit=4&after=" + page.get("next").asLong();
    }
    assertThat(sizes).containsExactly(4, 2);
    assertThat(messageIds).hasSize(6).doesNotHaveDuplicates();
  }

  @Test
  void filtersNarrowTheRecordsAndJsonUsesXRoadFieldNames() throws Exception {
    HttpResponse<String> r =
        get(
            "/monitoring/v1/records?"
                + RANGE
                + "&outcome=refused&client="
                + Observations.OTHER.encoded()
                + "&service="
                + Observations.CITIZENS.encoded()
                + "&side=client");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode records = Json.mapper().readTree(r.body()).get("records");
    assertThat(records).hasSize(1);
    JsonNode rec = records.get(0);
    assertThat(rec.get("securityServerType").asText()).isEqualTo("Client");
    assertThat(rec.get("clientSubsystemCode").asText()).isEqualTo("HTTT");
    assertThat(rec.get("faultCode").asText()).isEqualTo("Server.ServerProxy.AccessDenied");
    assertThat(rec.get("errorCode").asText()).isEqualTo("access.denied");
    assertThat(rec.get("succeeded").asBoolean()).isFalse();
    assertThat(rec.has("requestOutTs")).isFalse(); // never sent on: absent, not null
    assertThat(rec.get("monitoringDataTs").asLong()).isEqualTo(T0.plusSeconds(5).toEpochMilli());
  }

  @Test
  void recordsComeAsCsvWithAHeaderRowThatACsvReaderTakesBack() throws Exception {
    HttpResponse<String> r = get("/monitoring/v1/records?" + RANGE + "&format=csv&limit=3");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
    CsvMapper csv = new CsvMapper();
    List<Map<String, String>> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it =
        csv.readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(r.body())) {
      it.forEachRemaining(rows::add);
    }
    assertThat(rows).hasSize(3);
    assertThat(rows.getFirst().keySet())
        .startsWith("id", "monitoringDataTs", "securityServerInternalIp", "securityServerType")
        .contains("restPath", "faultCode", "xRoadVersion", "ledgerIndex", "backendDuration");
    assertThat(rows.getFirst().get("serviceId")).isEqualTo(Observations.CITIZENS.encoded());
    assertThat(rows.getFirst().get("totalDuration")).isEqualTo("10");
    assertThat(rows.getFirst().get("restPath")).isEqualTo("/citizens/{subject}");
  }

  @Test
  void csvQuotesWhatNeedsQuotingAndDefusesFormulasACallerSent() throws Exception {
    monitoring
        .store()
        .insert(
            List.of(
                OperationalRecord.of(
                    Observations.sentBy(
                        T0.plusSeconds(30),
                        "=HYPERLINK(\"http://evil.example\",\"x\")",
                        "HS-1, \"urgent\"\nline two"))));

    HttpResponse<String> r =
        get("/monitoring/v1/records?from=2026-12-01T08:00:30Z&to=2026-12-01T08:00:31Z&format=csv");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<Map<String, String>> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it =
        new CsvMapper()
            .readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(r.body())) {
      it.forEachRemaining(rows::add);
    }
    assertThat(rows).hasSize(1);
    assertThat(rows.getFirst().get("messageUserId"))
        .isEqualTo("'=HYPERLINK(\"http://evil.example\",\"x\")");
    assertThat(rows.getFirst().get("messageIssue")).isEqualTo("HS-1, \"urgent\"\nline two");
    // JSON is not for spreadsheets: the value as sent
    assertThat(
            Json.mapper()
                .readTree(
                    get("/monitoring/v1/records?from=2026-12-01T08:00:30Z&to=2026-12-01T08:00:31Z")
                        .body())
                .get("records")
                .get(0)
                .get("messageUserId")
                .asText())
        .startsWith("=HYPERLINK");
  }

  @Test
  void badQueriesAreClear400sWithStableCodes() throws Exception {
    Map<String, String> cases =
        Map.of(
            "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
            "query.range_invalid",
            "to=2026-12-01T00:00:00Z",
            "query.range_invalid",
            "from=yesterday&to=2026-12-01T00:00:00Z",
            "query.range_invalid",
            RANGE + "&limit=1000000",
            "query.page_invalid",
            RANGE + "&limit=0",
            "query.page_invalid",
            RANGE + "&after=-1",
            "query.page_invalid",
            RANGE + "&outcome=maybe",
            "query.filter_invalid",
            RANGE + "&client=not-an-id",
            "query.filter_invalid",
            RANGE + "&colour=blue",
            "query.filter_invalid",
            RANGE + "&format=xml",
            "query.filter_invalid");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = get("/monitoring/v1/records?" + c.getKey());
      assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonNode problem = Json.mapper().readTree(r.body());
      assertThat(problem.get("code").asText()).as(c.getKey()).isEqualTo(c.getValue());
      assertThat(problem.get("detail").asText()).as(c.getKey()).isNotBlank();
      assertThat(r.body()).doesNotContain("Exception");
    }
  }

  @Test
  void withoutTheTokenNothingIsAnswered() throws Exception {
    for (String path :
        List.of(
            "/monitoring/v1/records?" + RANGE, "/monitoring/v1/health", "/monitoring/v1/status")) {
      assertThat(get(path, Optional.empty()).statusCode()).as(path).isEqualTo(401);
      assertThat(get(path, Optional.of("wrong-token-0123456789")).statusCode())
          .as(path)
          .isEqualTo(401);
    }
  }

  @Test
  void healthDataCountsTheLastPeriodPerService() throws Exception {
    HttpResponse<String> r = get("/monitoring/v1/health");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode health = Json.mapper().readTree(r.body());
    assertThat(health.get("statisticsPeriodSeconds").asLong()).isEqualTo(600);
    JsonNode citizens = health.get("services").get(0);
    assertThat(citizens.get("service").asText()).isEqualTo(Observations.CITIZENS.encoded());
    assertThat(citizens.get("successfulRequestCount").asLong()).isEqualTo(5);
    assertThat(citizens.get("unsuccessfulRequestCount").asLong()).isEqualTo(1);
    assertThat(citizens.get("requestDuration").get("min").asLong()).isEqualTo(10);
    assertThat(citizens.get("requestDuration").get("max").asLong()).isEqualTo(50);
    assertThat(citizens.get("requestDuration").get("average").asDouble()).isEqualTo(30.0);
    assertThat(citizens.get("lastUnsuccessfulRequestTimestamp").asText())
        .isEqualTo("2026-12-01T08:00:05Z");

    HttpResponse<String> status = get("/monitoring/v1/status");
    assertThat(Json.mapper().readTree(status.body()).get("stored").asLong()).isEqualTo(6);
  }
}
