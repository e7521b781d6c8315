package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;

/** Overload ends in quick, explicit refusals that free up as soon as work completes. */
class AdmissionTest {
  static final String CITIZENS = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/";
  static final AdmissionLimits ONE_AT_A_TIME = new AdmissionLimits(1, Duration.ofMillis(200), 64);

  @TempDir Path dir;
  TwoGateways net;

  @AfterEach
  void stop() {
    if (net != null) {
      net.heldRelease.countDown();
      net.close();
    }
  }

  @Test
  void consumerGatewayAtItsLimitRefusesWithOverloadedAndRecoversWhenWorkCompletes()
      throws Exception {
    net = new TwoGateways(dir, ONE_AT_A_TIME, AdmissionLimits.defaults());
    assertRefusedWhileOneIsHeldThenServed();
    // shedding load wrote no ledger record: only the held call and the later one are recorded
    assertThat(net.tnLedger.size()).isEqualTo(2);
  }

  @Test
  void providerGatewayAtItsLimitRefusesWithASignedOverloadedAnswer() throws Exception {
    net = new TwoGateways(dir, AdmissionLimits.defaults(), ONE_AT_A_TIME);
    assertRefusedWhileOneIsHeldThenServed();
  }

  @Test
  void slotsInUseAndRefusalsShowInTheAdmissionMetersOfTheirSide() throws Exception {
    net = new TwoGateways(dir, ONE_AT_A_TIME, AdmissionLimits.defaults());
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    net.tn.bindTo(meters);
    String token = net.token();
    CompletableFuture<HttpResponse<String>> held =
        net.http.sendAsync(request(token, "held"), HttpResponse.BodyHandlers.ofString());
    assertThat(net.heldArrivals.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    assertThat(gauge(meters, "lgsp.admission.in.use", "consumer")).isEqualTo(1);
    assertThat(gauge(meters, "lgsp.admission.limit", "consumer")).isEqualTo(1);

    HttpResponse<String> refused =
        net.http.send(request(token, "079090001234"), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refusals(meters, "consumer")).isEqualTo(1);
    assertThat(refusals(meters, "provider")).isZero();

    net.heldRelease.countDown();
    assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> gauge(meters, "lgsp.admission.in.use", "consumer") == 0);
    assertThat(gauge(meters, "lgsp.admission.waiting", "consumer")).isZero();
  }

  private static double gauge(
      io.micrometer.core.instrument.MeterRegistry meters, String name, String side) {
    return meters.get(name).tag("side", side).gauge().value();
  }

  private static double refusals(io.micrometer.core.instrument.MeterRegistry meters, String side) {
    return meters.get("lgsp.admission.refusals").tag("side", side).functionCounter().count();
  }

  @Test
  void limitsRejectNonsense() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new AdmissionLimits(0, Duration.ZERO, 10))
        .hasMessageContaining("concurrentExchanges");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new AdmissionLimits(10, Duration.ofSeconds(-1), 10))
        .hasMessageContaining("queueTimeout");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new AdmissionLimits(10, Duration.ZERO, 9))
        .hasMessageContaining("connectionsPerListener");
  }

  @Test
  void fileDescriptorBudgetCountsFullListenersOutgoingConnectionsAndAMargin() {
    assertThat(new AdmissionLimits(256, Duration.ofSeconds(2), 4096).fileDescriptorsNeeded(3))
        .isEqualTo(3 * 4096 + 2 * 256 + 512);
  }

  private void assertRefusedWhileOneIsHeldThenServed() throws Exception {
    String token = net.token();
    CompletableFuture<HttpResponse<String>> held =
        net.http.sendAsync(request(token, "held"), HttpResponse.BodyHandlers.ofString());
    assertThat(net.heldArrivals.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

    HttpResponse<String> refused =
        net.http.send(request(token, "079090001234"), HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("X-Road-Error")).hasValue("Server.Overloaded");
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    Map<?, ?> problem = Json.mapper().readValue(refused.body(), Map.class);
    assertThat(problem.get("code")).isEqualTo(ErrorCode.SERVER_OVERLOADED.code());

    net.heldRelease.countDown();
    assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    HttpResponse<String> after =
        net.http.send(request(token, "079090001234"), HttpResponse.BodyHandlers.ofString());
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
  }

  private HttpRequest request(String token, String citizen) {
    return HttpRequest.newBuilder(URI.create(net.clientHttp() + CITIZENS + citizen))
        .header("Accept", "application/problem+json") // OpenLGSP statuses and codes
        .header("Authorization", "Bearer " + token)
        .header("X-Road-Client", TwoGateways.PORTAL.toString())
        .header("X-Road-Issue", "HS-2026-000123")
        .GET()
        .build();
  }
}
