package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

class LedgerTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void appendedRecordsReadBackByteIdentical(String kind) {
    try (Database db = TestDatabases.open(kind, dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      ExchangeRecord r = Records.sample("m-1");
      long idx = ledger.append(r);

      assertThat(idx).isZero();
      LedgerEntry e = ledger.get(0).orElseThrow();
      assertThat(e.record()).isEqualTo(r);
      assertThat(e.record().canonical()).isEqualTo(r.canonical());
      assertThat(e.leafHash()).isEqualTo(r.leafHash());
      assertThat(ledger.byMessageId("m-1")).singleElement().isEqualTo(e);
      assertThat(ledger.get(1)).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void concurrentAppendsGetDenseIndicesInFewCommits(String kind) throws Exception {
    try (Database db = TestDatabases.open(kind, dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      List<Thread> threads = new ArrayList<>();
      List<Long> indices = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 16; t++) {
        int thread = t;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int i = 0; i < 500; i++) {
                        indices.add(ledger.append(Records.sample("t" + thread + "-" + i)));
                      }
                    }));
      }
      for (Thread t : threads) {
        t.join();
      }

      assertThat(indices).hasSize(8000).doesNotHaveDuplicates();
      assertThat(indices)
          .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 8000).boxed().toList());
      assertThat(ledger.size()).isEqualTo(8000);
      assertThat(ledger.commits()).isLessThan(8000);
      assertThat(ledger.range(7990, 100))
          .extracting(LedgerEntry::index)
          .containsExactly(7990L, 7991L, 7992L, 7993L, 7994L, 7995L, 7996L, 7997L, 7998L, 7999L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void reopeningContinuesTheNumbering(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
        ledger.append(Records.sample("a"));
        ledger.append(Records.sample("b"));
      }
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
        assertThat(ledger.size()).isEqualTo(2);
        assertThat(ledger.append(Records.sample("c"))).isEqualTo(2);
      }
    }
  }

  @Test
  void closeCommitsWhatWasQueuedAndRefusesLaterAppends() {
    try (Database db = TestDatabases.sqlite(dir)) {
      Ledger ledger = Ledger.open(db, new LedgerOptions(64, Duration.ofMillis(50), 1000));
      List<CompletableFuture<Long>> pending = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        pending.add(ledger.appendAsync(Records.sample("q" + i)));
      }
      ledger.close();

      assertThat(pending).allSatisfy(f -> assertThat(f).isCompleted());
      assertThat(pending.stream().filter(f -> !f.isCompletedExceptionally()).count())
          .isEqualTo(100);
      assertThatThrownBy(() -> ledger.append(Records.sample("late")))
          .isInstanceOf(LgspException.class)
          .extracting(e -> ((LgspException) e).code())
          .isEqualTo(ErrorCode.LEDGER_UNAVAILABLE);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aFailedCommitFailsItsCallersAndStoresNothingPartial(String kind) {
    try (Database db = TestDatabases.open(kind, dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      ledger.append(Records.sample("before"));
      org.openlgsp.storage.Sql.inTransaction(
          db, h -> h.execute("ALTER TABLE ledger_record RENAME TO gone"));

      assertThatThrownBy(() -> ledger.append(Records.sample("lost")))
          .isInstanceOf(LgspException.class)
          .extracting(e -> ((LgspException) e).code())
          .isEqualTo(ErrorCode.LEDGER_UNAVAILABLE);
      assertThat(ledger.size()).isEqualTo(1);

      org.openlgsp.storage.Sql.inTransaction(
          db, h -> h.execute("ALTER TABLE gone RENAME TO ledger_record"));
      assertThat(ledger.append(Records.sample("after"))).isEqualTo(1);
    }
  }

  @Test
  void fullQueueFailsFastInsteadOfGrowing() {
    try (Database db = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, new LedgerOptions(1, Duration.ZERO, 1))) {
      List<CompletableFuture<Long>> futures = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        futures.add(ledger.appendAsync(Records.sample("f" + i)));
      }
      assertThat(futures)
          .anySatisfy(
              f ->
                  assertThat(f)
                      .failsWithin(Duration.ofSeconds(5))
                      .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                      .withCauseInstanceOf(LgspException.class)
                      .withMessageContaining("queue is full"));
    }
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> new LedgerOptions(0, Duration.ZERO, 10))
        .hasMessageContaining("maxBatch");
    assertThatThrownBy(() -> new LedgerOptions(10, Duration.ofSeconds(5), 10))
        .hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> new LedgerOptions(10, Duration.ZERO, 5))
        .hasMessageContaining("queueCapacity");
    assertThat(LedgerOptions.defaults().maxBatch()).isEqualTo(512);
  }
}
