package org.openlgsp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.Json;
import org.openlgsp.core.SchemaCheck;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObservation.DataQuality;
import org.openlgsp.gateway.spi.ExchangeObservation.DataQuality.Violation;
import org.openlgsp.gateway.spi.Observed;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * The data-quality report (docs/privacy.md, "Data quality"): rows written off the gateway's thread,
 * counted by place and keyword, missing mandatory fields, duplicates and staleness, served by the
 * monitoring API to its role only, as JSON or CSV.
 */
class QualityReportTest {
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  static final String TOKEN = "monitoring-token-0123456789";
  static final String RANGE = "from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z";
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  static ExchangeObservation checked(
      int second, List<Violation> violations, String key, String digest, Optional<Duration> age) {
    return checked(second, violations, key, digest, age, "", 200);
  }

  static ExchangeObservation checked(
      int second,
      List<Violation> violations,
      String key,
      String digest,
      Optional<Duration> age,
      String code,
      int status) {
    ExchangeObservation base =
        code.isEmpty()
            ? Observations.success(
                T0.plusSeconds(second), Observations.PORTAL, Observations.CITIZENS, 5, 1, 1)
            : Observations.refusal(
                T0.plusSeconds(second), Observations.PORTAL, Observations.CITIZENS, code, status);
    return Observed.from(base)
        .quality(new DataQuality(SchemaCheck.WARN, violations, List.of(), key, digest, age))
        .build();
  }

  static final Violation MISSING_NAME = new Violation("request", "/CongDan/HoTen", "required");
  static final Violation BAD_DATE = new Violation("response", "/Con/*/NgaySinh", "format");

  /** Six exchanges: two bad dates, one missing name, a repeated request answered two ways. */
  static List<ExchangeObservation> sample() {
    return List.of(
        checked(1, List.of(BAD_DATE), "k1", "d1", Optional.of(Duration.ofDays(3))),
        checked(2, List.of(BAD_DATE, MISSING_NAME), "k1", "d2", Optional.of(Duration.ofHours(2))),
        checked(3, List.of(), "k1", "d1", Optional.empty()),
        checked(4, List.of(), "k2", "d3", Optional.of(Duration.ofDays(40))),
        checked(
            5, List.of(MISSING_NAME), "k3", "", Optional.empty(), "quality.request_invalid", 400),
        // not checked: never stored
        Observed.from(Observations.success(T0, Observations.PORTAL, Observations.CITIZENS, 5, 1, 1))
            .build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void theReportCountsViolationsMissingFieldsDuplicatesAndStaleData(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      new OperationalStore(db); // runs the monitoring migrations
      QualityStore store = new QualityStore(db);
      store.insert(sample());

      QualityReport r =
          store.report(Observations.CITIZENS, T0, T0.plus(Duration.ofHours(1)), Duration.ofDays(1));

      assertThat(r.exchanges()).isEqualTo(5);
      assertThat(r.refusedRequests()).isEqualTo(1);
      assertThat(r.violations())
          .containsExactly(new QualityReport.Finding("response", "/Con/*/NgaySinh", "format", 2));
      assertThat(r.missingMandatory())
          .containsExactly(new QualityReport.Finding("request", "/CongDan/HoTen", "required", 2));
      // k1 asked three times: two repeats, answered with two different bodies; every exchange is
      // the portal asking about the same subject
      assertThat(r.duplicates()).isEqualTo(new QualityReport.Duplicates(2, 1, 4));
      assertThat(r.staleness())
          .isEqualTo(new QualityReport.Staleness("PT24H", 3, 2, Duration.ofDays(40).toSeconds()));
      // outside the range: nothing
      assertThat(
              store
                  .report(
                      Observations.CITIZENS,
                      T0.plus(Duration.ofHours(1)),
                      T0.plus(Duration.ofHours(2)),
                      Duration.ofDays(1))
                  .exchanges())
          .isZero();
    }
  }

  @Test
  void theMonitoringApiServesTheReportToItsRoleAsJsonOrCsvAndRefusesBadInput() throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      MonitoringOptions d = MonitoringOptions.defaults();
      try (Monitoring monitoring =
          Monitoring.start(
              db,
              new MonitoringOptions(
                  true,
                  d.queueSize(),
                  d.batchSize(),
                  d.retention(),
                  d.purgeInterval(),
                  Duration.ofMinutes(10),
                  50,
                  Optional.of(0),
                  Optional.of(BearerTokens.hash(TOKEN))),
              meters,
              () -> Optional.of(ExchangeMetricsTest.directory(1)),
              "127.0.0.1",
              Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC))) {
        // as the gateway hands them over: through the observers, written off its thread
        sample().forEach(o -> monitoring.observers().forEach(obs -> obs.observed(o)));
        String base = "http://127.0.0.1:" + monitoring.apiPort().orElseThrow();
        String query =
            "/monitoring/v1/quality?service=" + Observations.CITIZENS.encoded() + "&" + RANGE;

        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    Json.mapper()
                            .readTree(get(base + query, TOKEN).body())
                            .path("exchanges")
                            .asLong()
                        == 5);
        HttpResponse<String> json = get(base + query + "&staleAfter=P30D", TOKEN);
        HttpResponse<String> csv = get(base + query + "&format=csv", TOKEN);

        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        JsonNode report = Json.mapper().readTree(json.body());
        assertThat(report.path("missingMandatory").get(0).path("pointer").asText())
            .isEqualTo("/CongDan/HoTen");
        assertThat(report.path("staleness").path("stale").asLong()).isEqualTo(1);
        assertThat(report.path("duplicates").path("inconsistentAnswers").asLong()).isEqualTo(1);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        assertThat(csv.body())
            .startsWith("metric,side,pointer,keyword,value\n")
            .contains("violation,response,/Con/*/NgaySinh,format,2\n")
            .contains("missing_mandatory,request,/CongDan/HoTen,required,2\n")
            .contains("stale,,,PT24H,2\n");
        // the meter counts each violation, by keyword, never a value
        assertThat(
                meters
                    .get("lgsp.quality.violations")
                    .tags("keyword", "required", "side", "request", "mode", "warn")
                    .counter()
                    .count())
            .isEqualTo(2);

        assertThat(get(base + query, "wrong-token").statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = get(base + query + "&colour=red", TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(code(unknown)).isEqualTo("query.filter_invalid");
        assertThat(code(get(base + query + "&staleAfter=yesterday", TOKEN)))
            .isEqualTo("query.filter_invalid");
        assertThat(code(get(base + "/monitoring/v1/quality?" + RANGE, TOKEN)))
            .isEqualTo("query.filter_invalid");
        HttpResponse<String> inverted =
            get(
                base
                    + "/monitoring/v1/quality?service="
                    + Observations.CITIZENS.encoded()
                    + "&from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
                TOKEN);
        assertThat(inverted.statusCode()).isEqualTo(400);
        assertThat(code(inverted)).isEqualTo("query.range_invalid");
      }
    }
  }

  HttpResponse<String> get(String url, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String code(HttpResponse<String> r) throws Exception {
    return Json.mapper().readTree(r.body()).path("code").asText();
  }
}
