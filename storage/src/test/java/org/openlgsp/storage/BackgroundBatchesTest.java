package org.openlgsp.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundBatchesTest {

  @Test
  void withAFlushIntervalItemsGatherUntilTheIntervalPassesOnTheWorkersThread() {
    List<List<Integer>> flushed = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    try (BackgroundBatches<Integer> b =
        new BackgroundBatches<>(
            "test-batches",
            100,
            1_000,
            Duration.ofMillis(300),
            Duration.ZERO,
            Duration.ofSeconds(5),
            "lost %d: %s",
            BackgroundBatches.Sink.<Integer, List<Integer>>gathering(
                ArrayList::new,
                List::add,
                l -> {
                  threads.add(Thread.currentThread().getName());
                  flushed.add(l);
                }))) {
      for (int i = 0; i < 5; i++) {
        b.offer(i);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> b.done() == 5);
      assertThat(flushed).containsExactly(List.of(0, 1, 2, 3, 4));
      assertThat(threads).containsOnly("test-batches");
    }
  }

  @Test
  void aFullQueueDropsAndARefusedFlushIsLostWhileTheWorkerCarriesOn() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    List<Integer> stored = new CopyOnWriteArrayList<>();
    try (BackgroundBatches<Integer> b =
        new BackgroundBatches<>(
            "test-batches",
            2,
            1,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofSeconds(5),
            "lost %d: %s",
            BackgroundBatches.Sink.each(
                i -> {
                  if (i == 0) {
                    hold(hold);
                    throw new IllegalStateException("store is down");
                  }
                  stored.add(i);
                }))) {
      b.offer(0);
      await().atMost(Duration.ofSeconds(5)).until(() -> b.queued() == 0); // held by the sink
      for (int i = 1; i <= 5; i++) {
        b.offer(i);
      }
      assertThat(b.dropped()).isEqualTo(3);
      hold.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> b.done() == 2);
      assertThat(stored).containsExactly(1, 2);
      assertThat(b.lost()).isEqualTo(1);
    }
  }

  private static void hold(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
