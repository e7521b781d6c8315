package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.PathPattern;
import org.openlgsp.gateway.spi.ExchangeObservation;

/**
 * Token buckets per client (consumer gateway) and per service (provider gateway) and daily quotas,
 * on two real gateways over real sockets: 429 with a {@code Retry-After} computed from the bucket,
 * in X-Road's format or as problem details, counted in the meters and in the operational record.
 * Time is the gateways' movable clock; nothing sleeps.
 */
class RateLimitTest {
  static final String CITIZENS = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/";

  @TempDir Path dir;
  TwoGateways net;
  final List<ExchangeObservation> tnSeen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (net != null) {
      net.close();
    }
  }

  private void start(RateLimits tn, RateLimits mps) {
    net =
        new TwoGateways(
            dir,
            o -> o.withRateLimits(tn),
            o -> o.withRateLimits(mps),
            List.of(tnSeen::add),
            List.of());
    // the second system of Tây Ninh may call the service too
    net.grants.add(
        new Directory.Grant(
            TwoGateways.OTHER_SYSTEM,
            TwoGateways.CITIZENS,
            List.of("GET"),
            List.of(PathPattern.parse("/citizens/*"))));
    net.republish();
  }

  private static RateLimits clients(RateLimits.ClientLimit... limits) {
    return RateLimits.of(new RateLimits.TenantLimits(List.of(limits), List.of()));
  }

  private static RateLimits.ClientLimit client(
      ClientId id, long rate, Duration period, long burst, Optional<Long> quota) {
    return new RateLimits.ClientLimit(
        id.toString(), new RateLimits.Rate(rate, period, burst), quota);
  }

  @Test
  void aClientOverItsBucketGets429WhileAnotherClientIsServedUnderTheSameLoad() throws Exception {
    start(
        clients(client(TwoGateways.PORTAL, 5, Duration.ofHours(1), 5, Optional.empty())),
        RateLimits.none());
    String portal = net.token();
    String other = net.token("other", TwoGateways.OTHER_SECRET);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    net.tn.bindTo(meters);

    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<HttpResponse<String>>> portalCalls = new ArrayList<>();
    List<Future<HttpResponse<String>>> otherCalls = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        portalCalls.add(pool.submit(() -> send(portal, TwoGateways.PORTAL, "")));
        otherCalls.add(pool.submit(() -> send(other, TwoGateways.OTHER_SYSTEM, "")));
      }
      List<Integer> portalStatuses = new ArrayList<>();
      for (Future<HttpResponse<String>> f : portalCalls) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
        portalStatuses.add(r.statusCode());
        if (r.statusCode() == 429) {
          // X-Road's error format (no Accept), with the stable code and a usable Retry-After
          assertThat(r.headers().firstValue("X-Road-Error")).hasValue("Client.TooManyRequests");
          Map<?, ?> body = Json.mapper().readValue(r.body(), Map.class);
          assertThat(body.get("type")).isEqualTo("Client.TooManyRequests");
          assertThat(body.get("code")).isEqualTo("rate.limited");
          // one token every 720 s: the next one is at most that far away
          long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
          assertThat(retry).isBetween(1L, 720L);
        }
      }
      for (Future<HttpResponse<String>> f : otherCalls) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      assertThat(portalStatuses).filteredOn(s -> s == 200).hasSize(5);
      assertThat(portalStatuses).filteredOn(s -> s == 429).hasSize(15);
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            meters
                .get("lgsp.ratelimit.refusals")
                .tag("tenant", "default")
                .tag("limit", "client")
                .functionCounter()
                .count())
        .isEqualTo(15);
    // each refusal is in the operational record (and the ledger), as refused by the consumer
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> tnSeen.size() == 40);
    assertThat(tnSeen)
        .filteredOn(o -> o.errorCode().equals("rate.limited"))
        .hasSize(15)
        .allSatisfy(
            o -> {
              assertThat(o.client()).isEqualTo(TwoGateways.PORTAL);
              assertThat(o.statusCode()).isEqualTo(429);
              assertThat(o.faultCode()).isEqualTo("Client.TooManyRequests");
              assertThat(o.requestOutTs()).isEmpty(); // never sent to the provider
            });
    assertThat(net.tnLedger.size()).isEqualTo(40);
    assertThat(net.mpsLedger.size()).isEqualTo(25);
  }

  @Test
  void afterWaitingItsRetryAfterTheClientIsServedAndNotBefore() throws Exception {
    start(
        clients(client(TwoGateways.PORTAL, 1, Duration.ofMinutes(10), 1, Optional.empty())),
        RateLimits.none());
    String token = net.token();
    assertThat(send(token, TwoGateways.PORTAL, "").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = send(token, TwoGateways.PORTAL, "application/problem+json");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(Json.mapper().readValue(refused.body(), Map.class).get("code"))
        .isEqualTo("rate.limited");
    long retry = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    // the bucket's own figure: a full token takes 600 s, of which at most a little has passed
    assertThat(retry).isBetween(590L, 600L);

    net.clock.advance(Duration.ofSeconds(retry - 10));
    assertThat(send(token, TwoGateways.PORTAL, "").statusCode()).isEqualTo(429);
    net.clock.advance(Duration.ofSeconds(10));
    HttpResponse<String> served = send(token, TwoGateways.PORTAL, "");
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
  }

  @Test
  void aServicesBucketAtTheProviderIsSharedByAllItsCallersAndItsRetryAfterReachesTheClient()
      throws Exception {
    start(
        RateLimits.none(),
        RateLimits.of(
            new RateLimits.TenantLimits(
                List.of(),
                List.of(
                    new RateLimits.ServiceLimit(
                        TwoGateways.CITIZENS.toString(),
                        new RateLimits.Rate(2, Duration.ofMinutes(1), 2))))));
    String portal = net.token();
    String other = net.token("other", TwoGateways.OTHER_SECRET);
    assertThat(send(portal, TwoGateways.PORTAL, "").statusCode()).isEqualTo(200);
    assertThat(send(other, TwoGateways.OTHER_SYSTEM, "").statusCode()).isEqualTo(200);

    HttpResponse<String> xroad = send(portal, TwoGateways.PORTAL, "");
    assertThat(xroad.statusCode()).as(xroad.body()).isEqualTo(429);
    assertThat(xroad.headers().firstValue("X-Road-Error")).hasValue("Client.TooManyRequests");
    assertThat(Json.mapper().readValue(xroad.body(), Map.class).get("code"))
        .isEqualTo("rate.limited");
    assertThat(Long.parseLong(xroad.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 30L);
    HttpResponse<String> problem =
        send(other, TwoGateways.OTHER_SYSTEM, "application/problem+json");
    assertThat(problem.statusCode()).isEqualTo(429);
    assertThat(Json.mapper().readValue(problem.body(), Map.class).get("code"))
        .isEqualTo("rate.limited");
    assertThat(Long.parseLong(problem.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 30L);

    net.clock.advance(Duration.ofSeconds(30)); // one token back (2 a minute)
    assertThat(send(other, TwoGateways.OTHER_SYSTEM, "").statusCode()).isEqualTo(200);
    assertThat(send(portal, TwoGateways.PORTAL, "").statusCode()).isEqualTo(429);
  }

  @Test
  void aUsedUpDailyQuotaIsRefusedUntilMidnightInVietnam() throws Exception {
    start(
        clients(client(TwoGateways.PORTAL, 100, Duration.ofSeconds(1), 100, Optional.of(3L))),
        RateLimits.none());
    String token = net.token();
    for (int i = 0; i < 3; i++) {
      assertThat(send(token, TwoGateways.PORTAL, "").statusCode()).isEqualTo(200);
    }
    HttpResponse<String> refused = send(token, TwoGateways.PORTAL, "");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("X-Road-Error")).hasValue("Client.QuotaExceeded");
    assertThat(Json.mapper().readValue(refused.body(), Map.class).get("code"))
        .isEqualTo("quota.exhausted");
    Instant now = net.clock.instant();
    Instant midnight =
        LocalDate.ofInstant(now, RateLimits.QUOTA_ZONE)
            .plusDays(1)
            .atStartOfDay(RateLimits.QUOTA_ZONE)
            .toInstant();
    long retry = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retry)
        .isBetween(
            Duration.between(now, midnight).toSeconds() - 5,
            Duration.between(now, midnight).toSeconds() + 1);

    net.clock.advance(Duration.ofSeconds(retry));
    net.republish(); // the directory signed an hour ago has expired by then
    String fresh = net.token();
    for (int i = 0; i < 3; i++) {
      assertThat(send(fresh, TwoGateways.PORTAL, "").statusCode()).isEqualTo(200);
    }
    assertThat(send(fresh, TwoGateways.PORTAL, "").statusCode()).isEqualTo(429);
  }

  @Test
  void theEveryOtherEntryGivesEachUnlistedClientABucketOfItsOwn() throws Exception {
    start(
        clients(
            client(TwoGateways.PORTAL, 3, Duration.ofHours(1), 3, Optional.empty()),
            new RateLimits.ClientLimit(
                "*", new RateLimits.Rate(1, Duration.ofHours(1), 1), Optional.empty())),
        RateLimits.none());
    String portal = net.token();
    String other = net.token("other", TwoGateways.OTHER_SECRET);
    assertThat(send(other, TwoGateways.OTHER_SYSTEM, "").statusCode()).isEqualTo(200);
    assertThat(send(other, TwoGateways.OTHER_SYSTEM, "").statusCode()).isEqualTo(429);
    for (int i = 0; i < 3; i++) {
      assertThat(send(portal, TwoGateways.PORTAL, "").statusCode()).isEqualTo(200);
    }
    assertThat(send(portal, TwoGateways.PORTAL, "").statusCode()).isEqualTo(429);
  }

  /**
   * Three instances' clients call at once through one limiter: Tây Ninh's by its own section (five
   * calls an hour per client, three an hour on the service for all its callers), Lào Cai's by its
   * own empty section (nothing), the Ministry's, which has none, by {@code default}'s.
   */
  @Test
  void eachInstancesClientsAreLimitedByItsOwnSectionElseByTheDefault() throws Exception {
    ClientId tayNinh = ClientId.subsystem("VN-TAYNINH", "GOV", "000.00.00.H53", "DVC");
    ClientId laoCai = ClientId.subsystem("VN-LAOCAI", "GOV", "000.00.00.H29", "DVC");
    ClientId ministry = ClientId.subsystem("VN-BCA", "GOV", "000.00.00.G01", "PORTAL");
    org.openlgsp.core.ServiceId citizens = TwoGateways.CITIZENS;
    RateLimits.ClientLimit everyOther =
        new RateLimits.ClientLimit(
            "*", new RateLimits.Rate(5, Duration.ofHours(1), 5), Optional.empty());
    RateLimits limits =
        new RateLimits(
            Map.of(
                "VN-TAYNINH",
                new RateLimits.TenantLimits(
                    List.of(everyOther),
                    List.of(
                        new RateLimits.ServiceLimit(
                            citizens.toString(), new RateLimits.Rate(3, Duration.ofHours(1), 3)))),
                "VN-LAOCAI",
                new RateLimits.TenantLimits(List.of(), List.of()),
                RateLimits.DEFAULT_TENANT,
                new RateLimits.TenantLimits(
                    List.of(
                        new RateLimits.ClientLimit(
                            "*", new RateLimits.Rate(8, Duration.ofHours(1), 8), Optional.empty())),
                    List.of())));
    RateLimiter limiter = new RateLimiter(limits, java.time.Clock.systemUTC());
    Map<ClientId, List<Optional<org.openlgsp.core.RetryLater>>> clientSide =
        new java.util.concurrent.ConcurrentHashMap<>();
    Map<ClientId, List<Optional<org.openlgsp.core.RetryLater>>> serviceSide =
        new java.util.concurrent.ConcurrentHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 20; i++) {
        for (ClientId c : List.of(tayNinh, laoCai, ministry)) {
          pool.submit(
              () -> {
                clientSide
                    .computeIfAbsent(c, k -> new CopyOnWriteArrayList<>())
                    .add(refusal(() -> limiter.admitClient(c)));
                serviceSide
                    .computeIfAbsent(c, k -> new CopyOnWriteArrayList<>())
                    .add(refusal(() -> limiter.admitService(citizens, c)));
              });
        }
      }
    }
    assertThat(clientSide.get(laoCai)).hasSize(20).allMatch(Optional::isEmpty);
    assertThat(serviceSide.get(laoCai)).allMatch(Optional::isEmpty);
    assertThat(serviceSide.get(ministry)).allMatch(Optional::isEmpty);
    assertThat(clientSide.get(tayNinh)).filteredOn(Optional::isEmpty).hasSize(5);
    assertThat(clientSide.get(ministry)).filteredOn(Optional::isEmpty).hasSize(8);
    assertThat(serviceSide.get(tayNinh)).filteredOn(Optional::isEmpty).hasSize(3);
    for (List<Optional<org.openlgsp.core.RetryLater>> calls :
        List.of(clientSide.get(tayNinh), clientSide.get(ministry), serviceSide.get(tayNinh))) {
      assertThat(calls)
          .filteredOn(Optional::isPresent)
          .isNotEmpty()
          .allSatisfy(
              r -> {
                assertThat(r.orElseThrow().code().code()).isEqualTo("rate.limited");
                // one token every 12, 7.5 or 20 minutes: the next one is at most that far away
                assertThat(r.orElseThrow().retryAfterSeconds()).isBetween(1L, 1200L);
              });
    }
    // the refusals are counted under the section that limited them
    assertThat(limiter.refusals("VN-TAYNINH", RateLimiter.Limit.CLIENT)).isEqualTo(15);
    assertThat(limiter.refusals("VN-TAYNINH", RateLimiter.Limit.SERVICE)).isEqualTo(17);
    assertThat(limiter.refusals(RateLimits.DEFAULT_TENANT, RateLimiter.Limit.CLIENT)).isEqualTo(12);
    assertThat(limiter.refusals("VN-LAOCAI", RateLimiter.Limit.CLIENT)).isZero();
  }

  private static Optional<org.openlgsp.core.RetryLater> refusal(Runnable admit) {
    try {
      admit.run();
      return Optional.empty();
    } catch (org.openlgsp.core.RetryLater e) {
      return Optional.of(e);
    }
  }

  @Test
  void nonsenseLimitsAreRefusedNamingTheKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RateLimits.Rate(0, Duration.ofSeconds(1), 1))
        .hasMessageContaining("rate must be a positive");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RateLimits.Rate(1, Duration.ZERO, 1))
        .hasMessageContaining("period");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RateLimits.Rate(1, Duration.ofSeconds(1), 0))
        .hasMessageContaining("burst");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new RateLimits.ClientLimit(
                    "VN/GOV", new RateLimits.Rate(1, Duration.ofSeconds(1), 1), Optional.empty()))
        .hasMessageContaining("client must be a client id");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new RateLimits.ClientLimit(
                    TwoGateways.PORTAL.toString(),
                    new RateLimits.Rate(1, Duration.ofSeconds(1), 1),
                    Optional.of(0L)))
        .hasMessageContaining("dailyQuota");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RateLimits(Map.of("VN/TAYNINH", RateLimits.TenantLimits.NONE)))
        .hasMessageContaining("tenant VN/TAYNINH is neither an instance name");
    RateLimits.ClientLimit one =
        new RateLimits.ClientLimit(
            "*", new RateLimits.Rate(1, Duration.ofSeconds(1), 1), Optional.empty());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new RateLimits.TenantLimits(List.of(one, one), List.of()))
        .hasMessageContaining("clients lists * twice");
  }

  private HttpResponse<String> send(String token, ClientId client, String accept) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(net.clientHttp() + CITIZENS + "079090001234"))
            .header("Authorization", "Bearer " + token)
            .header("X-Road-Client", client.toString())
            .header("X-Road-Issue", "HS-2026-000123")
            .GET();
    if (!accept.isEmpty()) {
      b.header("Accept", accept);
    }
    return net.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
