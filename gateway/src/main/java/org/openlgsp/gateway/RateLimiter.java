package org.openlgsp.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.RetryLater;
import org.openlgsp.core.ServiceId;

/**
 * Applies {@link RateLimits}: a Bucket4j token bucket per client (consumer side) and per service
 * (provider side), and a daily quota per client as a bucket refilled whole at each midnight of
 * {@link RateLimits#QUOTA_ZONE}. Buckets read time from the gateway's clock, are held in a bounded
 * Caffeine cache (a bucket idle for two days is full again anyway, so dropping it changes nothing)
 * and refuse with {@link RetryLater}: {@code rate.limited} or {@code quota.exhausted}, with the
 * wait Bucket4j computes until a token is back.
 */
final class RateLimiter {
  /** What a refusal was for: the label of {@code lgsp.ratelimit.refusals}. */
  enum Limit {
    CLIENT,
    QUOTA,
    SERVICE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private record Key(String tenant, Limit limit, String id) {}

  private final RateLimits limits;
  private final Clock clock;
  private final TimeMeter time;
  private final Cache<Key, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofDays(2)).build();
  private final Map<String, AtomicLong> refusals = new LinkedHashMap<>();

  RateLimiter(RateLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
    this.time =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            Instant now = clock.instant();
            return Math.addExact(
                Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
          }

          @Override
          public boolean isWallClockBased() {
            return true;
          }
        };
    java.util.Set<String> tenants = new java.util.TreeSet<>(limits.tenants().keySet());
    tenants.add(RateLimits.DEFAULT_TENANT);
    for (String tenant : tenants) {
      for (Limit l : Limit.values()) {
        refusals.put(counterKey(tenant, l), new AtomicLong());
      }
    }
  }

  /**
   * Takes one call of {@code client}'s bucket and daily quota (consumer gateway), or refuses it
   * with {@code quota.exhausted} or {@code rate.limited}. A client without an entry (nor a {@code
   * *} one) is not limited.
   */
  void admitClient(ClientId client) {
    if (limits.isEmpty()) {
      return;
    }
    String tenant = limits.tenantOf(client);
    Optional<RateLimits.ClientLimit> entry = limits.tenant(tenant).client(client);
    if (entry.isEmpty()) {
      return;
    }
    RateLimits.ClientLimit limit = entry.get();
    String id = client.toString();
    Optional<Bucket> quota =
        limit.dailyQuota().map(q -> bucket(new Key(tenant, Limit.QUOTA, id), () -> daily(q)));
    if (quota.isPresent() && quota.get().getAvailableTokens() < 1) {
      throw quotaExhausted(
          tenant, client, limit, quota.get().estimateAbilityToConsume(1).getNanosToWaitForRefill());
    }
    take(
        bucket(new Key(tenant, Limit.CLIENT, id), () -> bucketOf(limit.bucket())),
        tenant,
        Limit.CLIENT,
        "client " + client,
        limit.bucket());
    if (quota.isPresent()) {
      ConsumptionProbe probe = quota.get().tryConsumeAndReturnRemaining(1);
      if (!probe.isConsumed()) {
        throw quotaExhausted(tenant, client, limit, probe.getNanosToWaitForRefill());
      }
    }
  }

  /**
   * Takes one call of {@code service}'s bucket (provider gateway) for {@code client}'s tenant,
   * shared by all callers of that tenant (all callers limited by {@link RateLimits#DEFAULT_TENANT}
   * share one), or refuses it with {@code rate.limited}.
   */
  void admitService(ServiceId service, ClientId client) {
    if (limits.isEmpty()) {
      return;
    }
    String tenant = limits.tenantOf(client);
    Optional<RateLimits.ServiceLimit> entry = limits.tenant(tenant).service(service);
    if (entry.isEmpty()) {
      return;
    }
    RateLimits.Rate rate = entry.get().bucket();
    take(
        bucket(new Key(tenant, Limit.SERVICE, service.toString()), () -> bucketOf(rate)),
        tenant,
        Limit.SERVICE,
        "service " + service,
        rate);
  }

  private void take(Bucket bucket, String tenant, Limit limit, String who, RateLimits.Rate rate) {
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      count(tenant, limit);
      throw new RetryLater(
          ErrorCode.RATE_LIMITED,
          who
              + " is over its rate limit of "
              + rate.rate()
              + " calls per "
              + rate.period()
              + " (burst "
              + rate.burst()
              + ")",
          Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
  }

  private RetryLater quotaExhausted(
      String tenant, ClientId client, RateLimits.ClientLimit limit, long nanos) {
    count(tenant, Limit.QUOTA);
    return new RetryLater(
        ErrorCode.QUOTA_EXHAUSTED,
        "client "
            + client
            + " has used its daily quota of "
            + limit.dailyQuota().orElseThrow()
            + " calls; it is renewed at midnight ("
            + RateLimits.QUOTA_ZONE
            + ")",
        Duration.ofNanos(nanos));
  }

  private Bucket bucket(Key key, java.util.function.Supplier<Bucket> make) {
    return buckets.get(key, k -> make.get());
  }

  private Bucket bucketOf(RateLimits.Rate rate) {
    return Bucket.builder()
        .withCustomTimePrecision(time)
        .addLimit(
            Bandwidth.builder()
                .capacity(rate.burst())
                .refillGreedy(rate.rate(), rate.period())
                .build())
        .build();
  }

  /** Full now, refilled whole at each next midnight of the quota zone. */
  private Bucket daily(long quota) {
    Instant midnight =
        LocalDate.ofInstant(clock.instant(), RateLimits.QUOTA_ZONE)
            .plusDays(1)
            .atStartOfDay(RateLimits.QUOTA_ZONE)
            .toInstant();
    return Bucket.builder()
        .withCustomTimePrecision(time)
        .addLimit(
            Bandwidth.builder()
                .capacity(quota)
                .refillIntervallyAligned(quota, Duration.ofDays(1), midnight)
                .build())
        .build();
  }

  private void count(String tenant, Limit limit) {
    AtomicLong n = refusals.get(counterKey(tenant, limit));
    if (n != null) {
      n.incrementAndGet();
    }
  }

  /** Calls refused for {@code limit} in {@code tenant} since start. */
  long refusals(String tenant, Limit limit) {
    AtomicLong n = refusals.get(counterKey(tenant, limit));
    return n == null ? 0 : n.get();
  }

  private static String counterKey(String tenant, Limit limit) {
    return tenant + "\n" + limit.label();
  }

  /**
   * Registers {@code lgsp.ratelimit.refusals} (counter) per tenant and {@code limit} ({@code
   * client}, {@code quota}: consumer side; {@code service}: provider side).
   */
  void bindTo(MeterRegistry registry) {
    refusals.forEach(
        (key, n) -> {
          String[] parts = key.split("\n", 2);
          FunctionCounter.builder("lgsp.ratelimit.refusals", n, AtomicLong::get)
              .description("calls refused with rate.limited or quota.exhausted (429)")
              .tag("tenant", parts[0])
              .tag("limit", parts[1])
              .register(registry);
        });
  }
}
