package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.Json;
import org.openlgsp.core.PersonalId;

class PopulationServiceTest {
  static PopulationService population = new PopulationService(50, 42);
  static WebServer server;
  static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    HttpRouting.Builder routing = HttpRouting.builder();
    population.routing(routing);
    server = WebServer.builder().host("127.0.0.1").port(0).routing(routing).build().start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void generatedIdsAreTwelveDigitsWithConsistentStructure() {
    assertThat(population.ids())
        .hasSize(50)
        .allSatisfy(
            id -> {
              PersonalId p = new PersonalId(id);
              assertThat(p.birthYear()).isBetween(1950, 2010);
            });
  }

  @Test
  void looksUpAKnownCitizen() throws Exception {
    String id = population.ids().get(0);
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/citizens/" + id)));
    assertThat(r.statusCode()).isEqualTo(200);
    Map<?, ?> body = Json.mapper().readValue(r.body(), Map.class);
    assertThat(((Map<?, ?>) body.get("CongDan")).get("SoDinhDanh")).isEqualTo(id);
  }

  @Test
  void unknownAndMalformedIdsAreProblems() throws Exception {
    HttpResponse<String> unknown = send(HttpRequest.newBuilder(uri("/api/citizens/000000000000")));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("resource.not_found");
    HttpResponse<String> bad = send(HttpRequest.newBuilder(uri("/api/citizens/12345")));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("request.malformed");
  }

  @Test
  void existenceCheckComparesTheName() throws Exception {
    String id = population.ids().get(1);
    HttpResponse<String> lookup = send(HttpRequest.newBuilder(uri("/api/citizens/" + id)));
    @SuppressWarnings("unchecked")
    Map<String, Object> c =
        (Map<String, Object>) Json.mapper().readValue(lookup.body(), Map.class).get("CongDan");
    String name = PopulationService.fullName(c);
    HttpResponse<String> yes =
        send(
            HttpRequest.newBuilder(uri("/api/citizens/verify"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Json.writeString(Map.of("SoDinhDanh", id, "HoVaTen", name)))));
    HttpResponse<String> no =
        send(
            HttpRequest.newBuilder(uri("/api/citizens/verify"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Json.writeString(Map.of("SoDinhDanh", id, "HoVaTen", "Someone Else")))));
    assertThat(yes.body()).isEqualTo("{\"TonTai\":true}");
    assertThat(no.body()).isEqualTo("{\"TonTai\":false}");
    HttpResponse<String> malformed =
        send(
            HttpRequest.newBuilder(uri("/api/citizens/verify"))
                .POST(HttpRequest.BodyPublishers.ofString("{")));
    assertThat(malformed.statusCode()).isEqualTo(400);
  }
}
