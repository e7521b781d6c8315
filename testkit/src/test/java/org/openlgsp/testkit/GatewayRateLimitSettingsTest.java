package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.gateway.RateLimits;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;

/**
 * Every key of {@code gateway.rateLimits} reaches the running node: the gateway files the testkit
 * writes are given a section, the node is restarted from its file and the same calls are served or
 * answered 429 as the file says, with the {@code Retry-After} the written bucket gives.
 */
class GatewayRateLimitSettingsTest {
  @TempDir Path dir;

  @Test
  void clientsRatePeriodBurstEveryOtherAndDailyQuotaShapeWhatTheConsumerGatewayAdmits()
      throws Exception {
    try (Federation fed =
            Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false));
        HttpClient http = HttpClient.newHttpClient()) {
      String portal = fed.portal().toString();
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).contains("\n  rateLimits: {}\n");
      // unset: no limit
      assertThat(statuses(fed, http, 5)).containsOnly(200);

      // rate 1 per hour with a burst of 3: three calls, then 429 for about an hour
      try (GatewayNode ignored =
          restartConsumer(
              fed,
              file,
              written,
              "{default: {clients: [{client: "
                  + portal
                  + ", rate: 1, period: PT1H, burst: 3}]}}")) {
        assertThat(statuses(fed, http, 3)).containsOnly(200);
        HttpResponse<String> refused = call(fed, http);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("rate.limited");
        assertThat(retryAfter(refused)).isBetween(3500L, 3600L);
      }
      // rate 1, period and burst left out: one call a second, no burst beyond it
      try (GatewayNode ignored =
          restartConsumer(
              fed, file, written, "{default: {clients: [{client: " + portal + ", rate: 1}]}}")) {
        assertThat(call(fed, http).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = call(fed, http);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(retryAfter(refused)).isEqualTo(1);
      }
      // "*": every client without an entry of its own gets its own bucket
      try (GatewayNode ignored =
          restartConsumer(
              fed,
              file,
              written,
              "{default: {clients: [{client: \"*\", rate: 1, period: PT1H}]}}")) {
        assertThat(statuses(fed, http, 2)).containsExactly(200, 429);
      }
      // dailyQuota 2: the third call of the day is refused until midnight in Vietnam
      try (GatewayNode ignored =
          restartConsumer(
              fed,
              file,
              written,
              "{default: {clients: [{client: " + portal + ", rate: 100, dailyQuota: 2}]}}")) {
        assertThat(statuses(fed, http, 2)).containsOnly(200);
        HttpResponse<String> refused = call(fed, http);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("quota.exhausted");
        Instant now = Instant.now();
        long toMidnight =
            Duration.between(
                    now,
                    LocalDate.ofInstant(now, RateLimits.QUOTA_ZONE)
                        .plusDays(1)
                        .atStartOfDay(RateLimits.QUOTA_ZONE)
                        .toInstant())
                .toSeconds();
        assertThat(retryAfter(refused)).isBetween(toMidnight - 30, toMidnight + 1);
      }
    }
  }

  @Test
  void aSectionNamedAfterTheClientsInstanceLimitsItElseTheDefaultDoes() throws Exception {
    try (Federation fed =
            Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false));
        HttpClient http = HttpClient.newHttpClient()) {
      assertThat(fed.portal().instance()).isEqualTo("VN");
      Path file = dir.resolve("tay-ninh-gateway.yaml");
      String written = Files.readString(file);
      String hourly = "{clients: [{client: \"*\", rate: 1, period: PT1H}]}";
      // its instance's own section (empty) wins over the default; another instance's is not its
      try (GatewayNode ignored =
          restartConsumer(
              fed,
              file,
              written,
              "{VN-TAYNINH: " + hourly + ", VN: {clients: []}, default: " + hourly + "}")) {
        assertThat(statuses(fed, http, 3)).containsOnly(200);
      }
      // its instance's section limits it
      try (GatewayNode ignored = restartConsumer(fed, file, written, "{VN: " + hourly + "}")) {
        assertThat(call(fed, http).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = call(fed, http);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(retryAfter(refused)).isBetween(3500L, 3600L);
      }
      // no section of its own: the default's limits it
      try (GatewayNode ignored =
          restartConsumer(
              fed, file, written, "{VN-TAYNINH: {clients: []}, default: " + hourly + "}")) {
        assertThat(statuses(fed, http, 2)).containsExactly(200, 429);
      }
    }
  }

  @Test
  void servicesRatePeriodAndBurstShapeWhatTheProviderGatewayAdmitsFromAllCallers()
      throws Exception {
    try (Federation fed =
            Federation.start(dir, Federation.Options.exchange(1).withRevocationChecking(false));
        HttpClient http = HttpClient.newHttpClient()) {
      Path file = dir.resolve("mps-gateway.yaml");
      String written = Files.readString(file);
      assertThat(written).contains("\n  rateLimits: {}\n");
      assertThat(statuses(fed, http, 4)).containsOnly(200);

      fed.providerNode().close();
      Files.writeString(
          file,
          withRateLimits(
              written,
              "{default: {services: [{service: "
                  + fed.citizensService()
                  + ", rate: 1, period: PT1H, burst: 2}]}}"));
      try (GatewayNode provider =
          GatewayNode.start(
              NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC())) {
        // the consumer's pooled connections to the stopped node may fail once
        await().atMost(Duration.ofSeconds(30)).until(() -> call(fed, http).statusCode() == 200);
        assertThat(call(fed, http).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = call(fed, http);
        // signed by the provider, passed on by the consumer with the provider's Retry-After
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body())
            .contains("rate.limited")
            .contains(fed.citizensService().toString());
        assertThat(retryAfter(refused)).isBetween(3500L, 3600L); // burst used, 1 token an hour
      }
    }
  }

  private static GatewayNode restartConsumer(
      Federation fed, Path file, String written, String rateLimits) throws Exception {
    fed.consumerNode().close();
    Files.writeString(file, withRateLimits(written, rateLimits));
    return GatewayNode.start(
        NodeConfig.read(file).gateway().orElseThrow(), file.getParent(), Clock.systemUTC());
  }

  /** The file as written (no limits: {@code rateLimits: {}}), with {@code settings} instead. */
  private static String withRateLimits(String written, String settings) {
    String none = "\n  rateLimits: {}\n";
    assertThat(written).contains(none);
    return written.replace(none, "\n  rateLimits: " + settings + "\n");
  }

  private static List<Integer> statuses(Federation fed, HttpClient http, int calls)
      throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      statuses.add(call(fed, http).statusCode());
    }
    return statuses;
  }

  private static HttpResponse<String> call(Federation fed, HttpClient http) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    fed.consumerHttpUrl()
                        + "/r1/"
                        + fed.citizensService().encoded()
                        + "/citizens/"
                        + fed.citizenIds().getFirst()))
            .header("Authorization", "Bearer " + fed.portalToken())
            .header("Accept", "application/problem+json")
            .header("X-Road-Client", fed.portal().toString())
            .header("X-Road-UserId", "VN072090000001")
            .header("X-Road-Issue", "HS-2026-000123")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long retryAfter(HttpResponse<String> r) {
    return Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
  }
}
