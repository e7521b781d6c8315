package org.openlgsp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openlgsp.gateway.spi.ExchangeObservation;

class OperationalRecordWriterTest {
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  static ExchangeObservation sample(int i) {
    return Observations.success(
        T0.plusMillis(i), Observations.PORTAL, Observations.CITIZENS, 5, 1, 1);
  }

  @Test
  void observationsAreWrittenInBatchesOnTheWritersThread() {
    List<List<OperationalRecord>> batches = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    CountDownLatch hold = new CountDownLatch(1);
    try (OperationalRecordWriter w =
        new OperationalRecordWriter(
            records -> {
              threads.add(Thread.currentThread().getName());
              hold(hold);
              batches.add(records);
            },
            100,
            4)) {
      w.observed(sample(0)); // taken at once; the store holds it while the rest queue up
      await().atMost(Duration.ofSeconds(5)).until(() -> w.queued() == 0 && threads.size() == 1);
      for (int i = 1; i <= 9; i++) {
        w.observed(sample(i));
      }
      hold.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> w.written() == 10);
      assertThat(batches.stream().map(List::size).toList()).containsExactly(1, 4, 4, 1);
      assertThat(threads).containsOnly("opmon-writer");
      assertThat(w.dropped()).isZero();
    }
  }

  @Test
  void aPartBatchWaitsForCompanyButAFullOneAndClosingDoNot() {
    List<List<OperationalRecord>> batches = new CopyOnWriteArrayList<>();
    OperationalRecordWriter w =
        new OperationalRecordWriter(batches::add, 100, 3, Duration.ofSeconds(30));
    w.observed(sample(0));
    w.observed(sample(1));
    // two records are not a batch: they wait (here up to 30 s) for a third
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(batches::isEmpty);
    w.observed(sample(2));
    w.observed(sample(3));
    w.observed(sample(4));
    w.observed(sample(5));
    w.observed(sample(6));
    long start = System.nanoTime();
    w.close(); // writes the rest at once rather than after the linger
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
    assertThat(batches.stream().map(List::size).toList()).containsExactly(3, 3, 1);
    assertThat(w.written()).isEqualTo(7);
  }

  @Test
  void aFullQueueDropsAndCountsWithoutMakingTheCallerWait() {
    CountDownLatch hold = new CountDownLatch(1);
    try (OperationalRecordWriter w = new OperationalRecordWriter(records -> hold(hold), 3, 1)) {
      w.observed(sample(0));
      await().atMost(Duration.ofSeconds(5)).until(() -> w.queued() == 0); // in the store's hands
      long start = System.nanoTime();
      for (int i = 1; i <= 10; i++) {
        w.observed(sample(i));
      }
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(w.queued()).isEqualTo(3);
      assertThat(w.dropped()).isEqualTo(7);
      assertThat(tookMillis).isLessThan(1_000); // the store is still blocked: nobody waited on it
      hold.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> w.written() == 4);
    }
  }

  @Test
  void aFailingStoreLosesTheBatchCountsItAndTheWriterCarriesOn() {
    List<OperationalRecord> stored = new CopyOnWriteArrayList<>();
    try (OperationalRecordWriter w =
        new OperationalRecordWriter(
            records -> {
              if (records.getFirst().monitoringDataTs() == T0.toEpochMilli()) {
                throw new IllegalStateException("database is down");
              }
              stored.addAll(records);
            },
            10,
            1)) {
      w.observed(sample(0)); // refused by the store, without an exception reaching the caller
      await().atMost(Duration.ofSeconds(5)).until(() -> w.lost() == 1);
      w.observed(sample(1));
      await().atMost(Duration.ofSeconds(5)).until(() -> stored.size() == 1);
      assertThat(w.written()).isEqualTo(1);
      assertThat(w.dropped()).isZero();
    }
  }

  @Test
  void closingWritesWhatIsQueuedAndThenDropsNewObservations() {
    List<OperationalRecord> stored = new CopyOnWriteArrayList<>();
    OperationalRecordWriter w = new OperationalRecordWriter(stored::addAll, 100, 10);
    for (int i = 0; i < 25; i++) {
      w.observed(sample(i));
    }
    w.close();
    assertThat(stored).hasSize(25);
    w.observed(sample(99));
    assertThat(w.dropped()).isEqualTo(1);
  }

  private static void hold(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
