package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * The alert API over a real socket, on SQLite and PostgreSQL: alerts raised by the certificate rule
 * from three certificates close to expiry, listed with filters and pages, acknowledged and resolved
 * with who and when, and every bad request answered with a clear problem.
 */
class AlertsApiTest {
  static final String READER = "alerts-reader-token-0123456789";
  static final String OPERATOR = "alerts-operator-token-0123456789";
  @TempDir Path dir;
  Database db;
  Alerts alerts;
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    if (alerts != null) {
      alerts.close();
    }
    if (db != null) {
      db.close();
    }
  }

  void start(String kind) {
    db = TestDatabases.open(kind, dir);
    Instant now = Instant.now();
    NodeSignals signals =
        NodeSignals.none()
            .withCertificates(
                () ->
                    List.of(
                        new NodeSignals.CertificateValidity("tls", now.plus(Duration.ofDays(20))),
                        new NodeSignals.CertificateValidity(
                            "signing", now.plus(Duration.ofDays(2))),
                        new NodeSignals.CertificateValidity(
                            "ocsp", now.plus(Duration.ofDays(25)))));
    alerts =
        Alerts.start(
            db,
            AlertsOptions.defaults()
                .withApi(
                    new AlertsOptions.Api(
                        0, BearerTokens.hash(READER), BearerTokens.hash(OPERATOR), 50)),
            AlertRules.defaults(),
            signals,
            "127.0.0.1",
            Clock.systemUTC());
    alerts.poll();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> AlertsProbe.alerts(alerts).size() == 3);
  }

  HttpResponse<String> call(String method, String path, Optional<String> token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + alerts.apiPort().orElseThrow() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(String method, String path, String token) throws Exception {
    HttpResponse<String> r = call(method, path, Optional.of(token));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Codec.JSON.readTree(r.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void alertsAreListedByFilterAndPageThenAcknowledgedAndResolvedWithWhoAndWhen(String kind)
      throws Exception {
    start(kind);
    JsonNode all = json("GET", "/alerts/v1/alerts", READER);
    assertThat(all.get("alerts")).hasSize(3);
    assertThat(all.has("next")).isFalse();

    JsonNode critical = json("GET", "/alerts/v1/alerts?severity=critical", READER);
    assertThat(critical.get("alerts")).hasSize(1);
    JsonNode signing = critical.get("alerts").get(0);
    assertThat(signing.get("key").asText()).isEqualTo("signing");
    assertThat(signing.get("rule").asText()).isEqualTo("certificateExpiry");
    assertThat(signing.get("evidence").get("facts").get("certificate").asText())
        .isEqualTo("signing");

    JsonNode page1 = json("GET", "/alerts/v1/alerts?limit=2", READER);
    assertThat(page1.get("alerts")).hasSize(2);
    long next = page1.get("next").asLong();
    JsonNode page2 = json("GET", "/alerts/v1/alerts?limit=2&before=" + next, READER);
    assertThat(page2.get("alerts")).hasSize(1);
    assertThat(page2.get("alerts").get(0).get("id").asLong()).isLessThan(next);

    long id = signing.get("id").asLong();
    JsonNode acked = json("POST", "/alerts/v1/alerts/" + id + "/acknowledge", OPERATOR);
    assertThat(acked.get("state").asText()).isEqualTo("ACKNOWLEDGED");
    assertThat(acked.get("acknowledged").get("by").asText()).isEqualTo("alerts-operator");
    // one alert read alone, as the console does before it changes one
    JsonNode one = json("GET", "/alerts/v1/alerts/" + id, READER);
    assertThat(one.get("state").asText()).isEqualTo("ACKNOWLEDGED");
    assertThat(one.get("acknowledged").get("by").asText()).isEqualTo("alerts-operator");
    assertThat(Instant.parse(acked.get("acknowledged").get("at").asText()))
        .isBetween(Instant.now().minusSeconds(60), Instant.now());
    JsonNode resolved = json("POST", "/alerts/v1/alerts/" + id + "/resolve", OPERATOR);
    assertThat(resolved.get("state").asText()).isEqualTo("RESOLVED");
    assertThat(resolved.get("resolved").get("by").asText()).isEqualTo("alerts-operator");

    assertThat(json("GET", "/alerts/v1/alerts?state=resolved", READER).get("alerts")).hasSize(1);
    assertThat(json("GET", "/alerts/v1/alerts?state=open", READER).get("alerts")).hasSize(2);

    HttpResponse<String> again =
        call("POST", "/alerts/v1/alerts/" + id + "/acknowledge", Optional.of(OPERATOR));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(Codec.JSON.readTree(again.body()).get("code").asText())
        .isEqualTo("resource.conflict");

    // the changes are in the audit log with their actor
    long audited =
        org.openlgsp.storage.Sql.read(
            db,
            h ->
                h.createQuery(
                        "SELECT COUNT(*) FROM edge_audit WHERE action LIKE 'alerts.%' AND actor = 'alerts-operator'")
                    .mapTo(Long.class)
                    .one());
    assertThat(audited).isGreaterThanOrEqualTo(2);
  }

  @Test
  void badRequestsGetAClearProblemWithAStableCode() throws Exception {
    start("sqlite");
    Map<String, String> cases =
        Map.of(
            "/alerts/v1/alerts?limit=0", "query.page_invalid",
            "/alerts/v1/alerts?limit=51", "query.page_invalid",
            "/alerts/v1/alerts?before=x", "query.page_invalid",
            "/alerts/v1/alerts?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
                "query.range_invalid",
            "/alerts/v1/alerts?from=yesterday", "query.range_invalid",
            "/alerts/v1/alerts?state=forgotten", "query.filter_invalid",
            "/alerts/v1/alerts?rule=noSuchRule", "query.filter_invalid",
            "/alerts/v1/alerts?colour=red", "query.filter_invalid",
            "/alerts/v1/alerts/abc", "request.malformed",
            "/alerts/v1/alerts/999999", "resource.not_found");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = call("GET", c.getKey(), Optional.of(READER));
      assertThat(r.statusCode()).as(c.getKey()).isBetween(400, 404);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonNode problem = Codec.JSON.readTree(r.body());
      assertThat(problem.get("code").asText()).as(c.getKey()).isEqualTo(c.getValue());
      assertThat(problem.get("detail").asText())
          .as(c.getKey())
          .isNotBlank()
          .doesNotContain("java.");
    }
  }

  @Test
  void readersCannotChangeAlertsAndStrangersCannotRead() throws Exception {
    start("sqlite");
    long id = AlertsProbe.alerts(alerts).getFirst().id();
    assertThat(
            call("POST", "/alerts/v1/alerts/" + id + "/acknowledge", Optional.of(READER))
                .statusCode())
        .isEqualTo(403);
    assertThat(call("GET", "/alerts/v1/alerts", Optional.empty()).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/alerts/v1/alerts", Optional.of("wrong-token-0123456789")).statusCode())
        .isEqualTo(401);
    assertThat(AlertsProbe.alerts(alerts).getFirst().toString()).contains("certificateExpiry");
  }
}
