package org.openlgsp.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The aggregator never makes the gateway's thread wait, whatever its store does. */
class AggregatorTest {
  static final Instant T0 = Instant.parse("2026-11-30T03:00:00Z");

  @Test
  void aStalledStoreNeitherBlocksTheObserverNorLosesWhatItFinallyTakes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicLong stored = new AtomicLong();
    Aggregator a =
        new Aggregator(
            buckets -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              stored.addAndGet(buckets.values().stream().mapToLong(b -> b.calls).sum());
            },
            10,
            1,
            Duration.ofMillis(10));
    try {
      a.observed(Observations.success(T0, Observations.PORTAL, Observations.CITIZENS, 5, 1, 1));
      await().atMost(Duration.ofSeconds(5)).until(() -> a.queued() == 0); // taken, store stalls

      // 1,000 offers while the store is stalled: all return at once, beyond the queue dropped
      assertTimeoutPreemptively(
          Duration.ofSeconds(2),
          () -> {
            for (int i = 0; i < 1_000; i++) {
              a.observed(
                  Observations.success(
                      T0.plusMillis(i), Observations.PORTAL, Observations.CITIZENS, 5, 1, 1));
            }
          });
      assertThat(a.queued()).isEqualTo(10);
      assertThat(a.dropped()).isEqualTo(990);
    } finally {
      release.countDown();
      a.close();
    }
    assertThat(stored.get()).isEqualTo(11);
    assertThat(a.counted()).isEqualTo(11);
    assertThat(a.lost()).isZero();
  }

  @Test
  void aStoreThatFailsCountsTheObservationsAsLostAndTheNextFlushGoesOn() {
    AtomicLong calls = new AtomicLong();
    AtomicLong stored = new AtomicLong();
    Aggregator a =
        new Aggregator(
            (Map<BucketKey, Bucket> buckets) -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("database unavailable");
              }
              stored.addAndGet(buckets.values().stream().mapToLong(b -> b.calls).sum());
            },
            100,
            3,
            Duration.ofHours(1));
    for (int i = 0; i < 6; i++) {
      a.observed(
          Observations.refusal(T0.plusMillis(i), Observations.PORTAL, Observations.CITIZENS, 2));
      if (i == 2) {
        await().atMost(Duration.ofSeconds(5)).until(() -> a.lost() == 3);
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> a.counted() == 3);
    a.close();
    assertThat(a.lost()).isEqualTo(3);
    assertThat(stored.get()).isEqualTo(3);
  }

  @Test
  void aBucketsAgencyIsTheClientsMemberEncodedForSubsystemsMembersAndAwkwardCharacters() {
    for (org.openlgsp.core.ClientId c :
        java.util.List.of(
            Observations.PORTAL,
            Observations.PORTAL.memberId(),
            org.openlgsp.core.ClientId.subsystem("VN", "COM", "A+(B)=x", "he,thong'1?"))) {
      BucketKey k = Aggregator.keyOf(Observations.success(T0, c, Observations.CITIZENS, 5, 1, 1));
      assertThat(k.agency()).as(c.toString()).isEqualTo(c.memberId().encoded());
      assertThat(k.system()).isEqualTo(c.encoded());
    }
  }
}
