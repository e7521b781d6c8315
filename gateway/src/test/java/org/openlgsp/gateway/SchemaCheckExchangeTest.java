package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.PrivacyPolicy;
import org.openlgsp.core.SchemaCheck;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.ExchangeObservation.DataQuality.Violation;

/**
 * Data quality through two real gateways (docs/privacy.md): the provider's gateway checks requests
 * and responses against the service's registered OpenAPI schema — off passes anything, warn passes
 * and records where and why, block refuses a bad request before the backend and a bad response
 * before signing.
 */
class SchemaCheckExchangeTest {
  static final String BASE = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens";
  static final String OPENAPI =
      """
      {"openapi":"3.0.3","info":{"title":"citizens","version":"1"},
       "paths":{
        "/mirror/{x}":{"post":{
          "requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Hoi"}}}},
          "responses":{"200":{"description":"ok"}}},
         "get":{"parameters":[
           {"in":"path","name":"x","required":true,"schema":{"type":"string","pattern":"^[a-z]+$"}},
           {"in":"query","name":"limit","required":true,"schema":{"type":"integer","minimum":1}},
           {"$ref":"#/components/parameters/MaCanBo"}],
          "responses":{"200":{"description":"ok"}}}},
        "/canned/{x}":{"get":{"responses":{"200":{"description":"ok",
          "content":{"application/json":{"schema":{"$ref":"#/components/schemas/CongDan"}}}}}}}},
       "components":{
        "parameters":{"MaCanBo":{"in":"header","name":"X-Ma-Can-Bo","required":true,"schema":{"type":"string","minLength":3}}},
        "schemas":{
        "Hoi":{"type":"object","required":["CongDan"],"properties":{"CongDan":{"$ref":"#/components/schemas/CongDan"}}},
        "CongDan":{"type":"object","required":["HoTen"],"properties":{
          "HoTen":{"type":"string"},
          "NgaySinh":{"type":"string","format":"date"},
          "ThoiDiemDuLieu":{"type":"string","format":"date-time"},
          "Con":{"type":"array","items":{"$ref":"#/components/schemas/CongDan"}}}}}}}""";

  static final String GOOD_REQUEST =
      "{\"CongDan\":{\"HoTen\":\"Nguyễn Văn An\",\"NgaySinh\":\"1990-02-01\"}}";
  // the date is no date, the name is missing: values that must never reach a record
  static final String BAD_REQUEST = "{\"CongDan\":{\"NgaySinh\":\"1990-13-45\"}}";
  static final String GOOD_ANSWER =
      "{\"HoTen\":\"Nguyễn Văn An\",\"ThoiDiemDuLieu\":\"2026-01-01T00:00:00Z\"}";
  static final String BAD_ANSWER =
      "{\"HoTen\":\"Nguyễn Văn An\",\"Con\":[{\"HoTen\":\"B\"},{\"NgaySinh\":\"sai-ngay\"}]}";

  @TempDir Path dir;
  TwoGateways net;
  final List<ExchangeObservation> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    net = new TwoGateways(dir, List.of(), List.of(seen::add));
    net.citizensOpenApi = OPENAPI;
    grant(0);
  }

  @AfterEach
  void stop() {
    net.close();
  }

  void grant(long maxFilteredBytes) {
    net.grants.clear();
    net.grants.add(
        new Directory.Grant(
            TwoGateways.PORTAL,
            TwoGateways.CITIZENS,
            List.of(),
            List.of(),
            new PrivacyPolicy(
                List.of(), false, null, null, null, maxFilteredBytes, "", List.of())));
    net.republish();
  }

  void mode(SchemaCheck mode) {
    net.citizensSchemaCheck = mode;
    net.republish();
  }

  HttpResponse<String> post(String body) throws Exception {
    return net.http.send(
        HttpRequest.newBuilder(URI.create(net.clientHttp() + BASE + "/mirror/x"))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "1.001234")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> getAnswer(String answer) throws Exception {
    net.cannedBody = answer.getBytes(StandardCharsets.UTF_8);
    return net.http.send(
        HttpRequest.newBuilder(URI.create(net.clientHttp() + BASE + "/canned/x"))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "1.001234")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static Map<?, ?> json(HttpResponse<String> r) throws Exception {
    return Json.mapper().readValue(r.body(), Map.class);
  }

  ExchangeObservation.DataQuality providerQuality() {
    LeakPreventionExchangeTest.await(
        () ->
            seen.stream()
                .anyMatch(
                    o ->
                        o.securityServerType() == ExchangeObservation.SecurityServerType.PRODUCER));
    ExchangeObservation o =
        seen.stream()
            .filter(x -> x.securityServerType() == ExchangeObservation.SecurityServerType.PRODUCER)
            .findFirst()
            .orElseThrow();
    seen.clear();
    return o.quality();
  }

  boolean backendSawMirror() {
    return net.backendTargets.stream().anyMatch(t -> t.startsWith("/api/mirror/"));
  }

  @Test
  void offPassesABadBodyUncheckedAndRecordsNothing() throws Exception {
    HttpResponse<String> r = post(BAD_REQUEST);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(backendSawMirror()).isTrue();
    assertThat(providerQuality()).isEqualTo(ExchangeObservation.DataQuality.NONE);
  }

  @Test
  void warnPassesABadRequestAndABadAnswerAndRecordsWhereAndWhyButNoValue() throws Exception {
    mode(SchemaCheck.WARN);

    HttpResponse<String> request = post(BAD_REQUEST);

    assertThat(request.statusCode()).as(request.body()).isEqualTo(200);
    assertThat(backendSawMirror()).isTrue();
    ExchangeObservation.DataQuality q = providerQuality();
    assertThat(q.mode()).isEqualTo(SchemaCheck.WARN);
    assertThat(q.violations())
        .containsExactlyInAnyOrder(
            new Violation("request", "/CongDan/HoTen", "required"),
            new Violation("request", "/CongDan/NgaySinh", "format"));
    assertThat(q.violations().toString()).doesNotContain("1990-13-45");
    assertThat(q.requestKey()).isNotEmpty();

    HttpResponse<String> answer = getAnswer(BAD_ANSWER);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).contains("sai-ngay"); // passed as it was
    // array indices generalised, so one field's violations count together
    assertThat(providerQuality().violations())
        .containsExactlyInAnyOrder(
            new Violation("response", "/Con/*/HoTen", "required"),
            new Violation("response", "/Con/*/NgaySinh", "format"));
  }

  @Test
  void blockRefusesABadRequestBeforeTheBackendIsCalled() throws Exception {
    mode(SchemaCheck.BLOCK);

    HttpResponse<String> r = post(BAD_REQUEST);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).get("code")).isEqualTo("quality.request_invalid");
    assertThat(r.headers().firstValue("X-Road-Error")).hasValue("Client.InvalidBody");
    assertThat(r.body()).contains("/CongDan/NgaySinh: format").doesNotContain("1990-13-45");
    assertThat(backendSawMirror()).isFalse();
    ExchangeObservation.DataQuality q = providerQuality();
    assertThat(q.violations()).hasSize(2);
  }

  HttpResponse<String> search(String pathAndQuery, String officer) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(net.clientHttp() + BASE + pathAndQuery))
            .header("Authorization", "Bearer " + net.token())
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "1.001234")
            .GET();
    if (!officer.isEmpty()) {
      b.header("X-Ma-Can-Bo", officer);
    }
    return net.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void warnRecordsABadQueryParameterAMissingHeaderAndABadPathParameterWithoutTheirValues()
      throws Exception {
    mode(SchemaCheck.WARN);

    HttpResponse<String> r = search("/mirror/abc?limit=muoi", "");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(backendSawMirror()).isTrue();
    ExchangeObservation.DataQuality q = providerQuality();
    assertThat(q.violations())
        .containsExactlyInAnyOrder(
            new Violation("request", "query/limit", "type"),
            new Violation("request", "header/X-Ma-Can-Bo", "required"));
    assertThat(q.violations().toString()).doesNotContain("muoi");

    assertThat(search("/mirror/ABC1?limit=2", "CB-0001").statusCode()).isEqualTo(200);
    assertThat(providerQuality().violations())
        .containsExactly(new Violation("request", "path/x", "pattern"));
  }

  @Test
  void blockRefusesABadOrMissingRequiredQueryParameterBeforeTheBackendAndPassesAGoodOne()
      throws Exception {
    mode(SchemaCheck.BLOCK);

    HttpResponse<String> bad = search("/mirror/abc?limit=0", "CB-0001");

    assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    assertThat(json(bad).get("code")).isEqualTo("quality.request_invalid");
    assertThat(bad.body()).contains("query/limit: minimum");
    assertThat(providerQuality().violations())
        .containsExactly(new Violation("request", "query/limit", "minimum"));

    HttpResponse<String> missing = search("/mirror/abc", "CB-0001");

    assertThat(missing.statusCode()).as(missing.body()).isEqualTo(400);
    assertThat(missing.body()).contains("query/limit: required");
    assertThat(backendSawMirror()).isFalse();
    providerQuality();

    HttpResponse<String> good = search("/mirror/abc?limit=5", "CB-0001");

    assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
    assertThat(backendSawMirror()).isTrue();
    assertThat(providerQuality().violations()).isEmpty();
  }

  @Test
  void blockRefusesABadAnswerInsteadOfSigningIt() throws Exception {
    mode(SchemaCheck.BLOCK);

    HttpResponse<String> r = getAnswer(BAD_ANSWER);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(500); // X-Road: a Server.* type
    assertThat(json(r).get("code")).isEqualTo("quality.response_invalid");
    assertThat(r.body()).doesNotContain("sai-ngay").doesNotContain("Nguyễn");
    assertThat(providerQuality().violations()).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(SchemaCheck.class)
  void validTrafficPassesInEveryMode(SchemaCheck mode) throws Exception {
    mode(mode);

    HttpResponse<String> request = post(GOOD_REQUEST);
    assertThat(request.statusCode()).as(request.body()).isEqualTo(200);
    assertThat(providerQuality().violations()).isEmpty();

    HttpResponse<String> answer = getAnswer(GOOD_ANSWER);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(json(answer).get("HoTen")).isEqualTo("Nguyễn Văn An");
    assertThat(providerQuality().violations()).isEmpty();
  }

  @Test
  void aBodyAboveTheFilterLimitIsPassedUncheckedAndRecordedAsSuch() throws Exception {
    grant(64);
    mode(SchemaCheck.BLOCK);
    String large =
        "{\"CongDan\":{\"NgaySinh\":\"1990-13-45\",\"GhiChu\":\"" + "x".repeat(100) + "\"}}";

    HttpResponse<String> r = post(large);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    ExchangeObservation.DataQuality q = providerQuality();
    assertThat(q.violations()).isEmpty();
    assertThat(q.unchecked()).contains("request:too_large");
  }

  @Test
  void theAgeOfTheAnswersDataTimeIsRecordedAgainstTheExchangeTime() throws Exception {
    mode(SchemaCheck.WARN);
    Instant updated = net.clock.instant().minus(Duration.ofDays(3));

    HttpResponse<String> r = getAnswer("{\"HoTen\":\"An\",\"ThoiDiemDuLieu\":\"" + updated + "\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(providerQuality().dataAge())
        .hasValueSatisfying(
            age ->
                assertThat(age).isBetween(Duration.ofDays(3), Duration.ofDays(3).plusMinutes(1)));
  }
}
