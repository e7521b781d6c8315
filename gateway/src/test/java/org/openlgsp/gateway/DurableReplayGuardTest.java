package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

/** The replay memory kept in the gateway's database, on SQLite and PostgreSQL. */
class DurableReplayGuardTest {
  static final Duration WINDOW = Duration.ofSeconds(60);
  final MutableClock clock = MutableClock.standingAt(Instant.ofEpochMilli(1_000_000));
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aNonceUsedBeforeARestartIsStillARefusedReplay(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      try (ReplayGuard before = ReplayGuard.durable(WINDOW, clock, db)) {
        assertThat(before.firstUse("c", "n-1")).isTrue();
      }
      clock.advance(Duration.ofSeconds(100));
      try (ReplayGuard after = ReplayGuard.durable(WINDOW, clock, db)) {
        assertThat(after.size()).as("nothing in the new process's memory").isZero();
        assertThat(after.firstUse("c", "n-1")).isFalse();
        assertThat(after.firstUse("other-client", "n-1")).isTrue();
        assertThat(after.firstUse("c", "n-2")).isTrue();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aNonceCommittedByTheLedgersWriterIsStillARefusedReplayAfterARestart(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
          ReplayGuard before = ReplayGuard.durable(WINDOW, clock, ledger)) {
        assertThat(before.firstUse("c", "n-1")).isTrue();
        assertThat(before.firstUse("c", "n-1")).isFalse();
      }
      clock.advance(Duration.ofSeconds(100));
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
          ReplayGuard after = ReplayGuard.durable(WINDOW, clock, ledger);
          ReplayGuard otherInstance = ReplayGuard.durable(WINDOW, clock, db)) {
        assertThat(after.size()).as("nothing in the new process's memory").isZero();
        assertThat(after.firstUse("c", "n-1")).isFalse();
        assertThat(after.firstUse("c", "n-2")).isTrue();
        assertThat(otherInstance.firstUse("c", "n-2"))
            .as("shared with the database's users")
            .isFalse();
      }
    }
  }

  @org.junit.jupiter.api.Test
  void aUseTheDatabaseCannotRecordIsRefusedAsLedgerUnavailableAndNotRemembered() {
    try (Database db = TestDatabases.open("sqlite", dir);
        ReplayGuard guard = ReplayGuard.durable(WINDOW, clock, db)) {
      Sql.inTransaction(db, h -> h.execute("DROP TABLE gateway_replay"));

      assertThatThrownBy(() -> guard.firstUse("c", "n-1"))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEDGER_UNAVAILABLE));
      assertThat(guard.size()).as("the genuine message may be retried").isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void instancesSharingTheDatabaseAcceptEachNonceExactlyOnce(String kind) throws Exception {
    try (Database db = TestDatabases.open(kind, dir);
        ReplayGuard a = ReplayGuard.durable(WINDOW, clock, db);
        ReplayGuard b = ReplayGuard.durable(WINDOW, clock, db);
        ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<Boolean>> tries = new ArrayList<>();
      for (int nonce = 0; nonce < 50; nonce++) {
        for (int copy = 0; copy < 4; copy++) {
          ReplayGuard instance = copy % 2 == 0 ? a : b;
          String n = "n-" + nonce;
          tries.add(pool.submit((Callable<Boolean>) () -> instance.firstUse("c", n)));
        }
      }
      int accepted = 0;
      for (Future<Boolean> t : tries) {
        accepted += t.get() ? 1 : 0;
      }
      assertThat(accepted).as("one of four copies of each of 50 nonces").isEqualTo(50);
    }
  }

  @org.junit.jupiter.api.Test
  void inOneBatchOfTheLedgersWriterAPairTheDatabaseRefusesFailsAloneAndTheOthersAreAnswered()
      throws Exception {
    String tooLong = "n".repeat(65); // the column holds 64: PostgreSQL refuses the row
    try (Database db = TestDatabases.open("postgresql", dir)) {
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
          ReplayGuard before = ReplayGuard.durable(WINDOW, clock, ledger)) {
        for (int i = 0; i < 20; i += 2) {
          assertThat(before.firstUse("c", "n-" + i)).isTrue();
        }
      }
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
          ReplayGuard after = ReplayGuard.durable(WINDOW, clock, ledger);
          ExecutorService pool = Executors.newFixedThreadPool(21)) {
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Future<Boolean>> tries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          String n = "n-" + i;
          tries.add(
              pool.submit(
                  (Callable<Boolean>)
                      () -> {
                        go.await();
                        return after.firstUse("c", n);
                      }));
        }
        Future<Boolean> refused =
            pool.submit(
                (Callable<Boolean>)
                    () -> {
                      go.await();
                      return after.firstUse("c", tooLong);
                    });
        go.countDown();
        for (int i = 0; i < 20; i++) {
          assertThat(tries.get(i).get())
              .as("n-%d: used before the restart iff even", i)
              .isEqualTo(i % 2 == 1);
        }
        assertThatThrownBy(refused::get)
            .hasCauseInstanceOf(org.openlgsp.storage.StorageException.class);
        assertThat(rows(db)).isEqualTo(20);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aRowIsLiveForTwiceTheWindowThenReusableAndPurged(String kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      try (ReplayGuard first = ReplayGuard.durable(WINDOW, clock, db)) {
        first.firstUse("c", "n-1");
      }
      clock.advance(WINDOW.multipliedBy(2));
      try (ReplayGuard second = ReplayGuard.durable(WINDOW, clock, db)) {
        assertThat(second.firstUse("c", "n-1")).as("the boundary instant").isFalse();
      }
      clock.advance(Duration.ofMillis(1));
      try (ReplayGuard third = ReplayGuard.durable(WINDOW, clock, db)) {
        assertThat(third.firstUse("c", "n-1")).as("expired: the row is taken over").isTrue();
        clock.advance(WINDOW.multipliedBy(3));
        third.firstUse("c", "n-3"); // the writer purges what expired
      }
      assertThat(rows(db)).isEqualTo(1);
    }
  }

  private static long rows(Database db) {
    return Sql.read(
        db, h -> h.createQuery("SELECT COUNT(*) FROM gateway_replay").mapTo(Long.class).one());
  }
}
