package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/** What the ledger's meters and checkpoint health report (docs/ops.md), from real appends. */
class LedgerMetersTest {
  @TempDir Path dir;

  private static final NoteKey LOG_KEY = NoteKey.generate("lgsp.test/gw1", NoteKey.TYPE_ED25519);

  @Test
  void appendsShowAsAppendTimesBatchSizesAndRecords() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    LedgerOptions options = new LedgerOptions(64, Duration.ofMillis(20), 1000);
    try (Database db = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, options)) {
      ledger.bindTo(meters);
      assertThat(meters.get("lgsp.ledger.append").timer().count()).isZero();
      List<CompletableFuture<Long>> queued =
          java.util.stream.IntStream.range(0, 10)
              .mapToObj(i -> ledger.appendAsync(Records.sample("m-" + i)))
              .toList();
      queued.forEach(CompletableFuture::join);

      assertThat(meters.get("lgsp.ledger.append").timer().count()).isEqualTo(10);
      assertThat(meters.get("lgsp.ledger.append").timer().totalTime(TimeUnit.NANOSECONDS))
          .isPositive();
      // ten records queued at once are committed in fewer transactions than records
      assertThat(meters.get("lgsp.ledger.batch.size").summary().totalAmount()).isEqualTo(10);
      assertThat(meters.get("lgsp.ledger.batch.size").summary().count()).isLessThan(10);
      assertThat(meters.get("lgsp.ledger.records").gauge().value()).isEqualTo(10);
      assertThat(meters.get("lgsp.ledger.queue.depth").gauge().value()).isZero();
      assertThat(meters.get("lgsp.ledger.queue.capacity").gauge().value()).isEqualTo(1000);
    }
  }

  @Test
  void aFailingTsaAndAWitnessThatDoesNotCosignAreCountedAndLeaveTheirAgesUnknown() {
    try (Database db = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      Checkpoints cps = checkpoints(db, ledger, failingTsa(), List.of(failingWitness()));
      assertThat(cps.health().published()).isEmpty();
      ledger.append(Records.sample("x"));
      cps.publish();

      Checkpoints.Health h = cps.health();
      assertThat(h.published()).isPresent();
      assertThat(h.timestampFailures()).isEqualTo(1);
      assertThat(h.witnessFailures()).isEqualTo(1);
      assertThat(h.timestamped()).isEmpty();
      assertThat(h.cosigned()).isEmpty();
      assertThat(h.witnesses()).isEqualTo(1);
    }
  }

  @Test
  void aTimestampedAndCosignedCheckpointSetsBothTimes() {
    try (Database witnessDb = TestDatabases.sqlite(dir);
        Database db = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      NoteKey wk = NoteKey.generate("registry.test/witness", NoteKey.TYPE_COSIGNATURE);
      Witness witness = new Witness(witnessDb, wk, List.of(LOG_KEY.verifier()), Clock.systemUTC());
      Checkpoints cps =
          checkpoints(
              db,
              ledger,
              CheckpointsTest.fakeTsa(),
              List.of(Checkpoints.WitnessClient.local("w", witness)));
      ledger.append(Records.sample("x"));
      java.time.Instant published =
          cps.publish().createdAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

      Checkpoints.Health h = cps.health();
      assertThat(h.published()).contains(published);
      assertThat(h.timestamped()).contains(published);
      assertThat(h.cosigned()).contains(published);
      assertThat(h.timestampFailures()).isZero();
      assertThat(h.witnessFailures()).isZero();
    }
  }

  private static Checkpoints checkpoints(
      Database db, Ledger ledger, Timestamper tsa, List<Checkpoints.WitnessClient> witnesses) {
    return new Checkpoints(
        db, ledger, LOG_KEY, tsa, CheckpointPolicy.defaults(), witnesses, Clock.systemUTC());
  }

  private static Timestamper failingTsa() {
    return new Timestamper() {
      @Override
      public String name() {
        return "down";
      }

      @Override
      public Optional<byte[]> timestamp(byte[] digest) {
        throw new LgspException(ErrorCode.TIMESTAMP_UNAVAILABLE, "TSA down");
      }
    };
  }

  private static Checkpoints.WitnessClient failingWitness() {
    return new Checkpoints.WitnessClient() {
      @Override
      public String name() {
        return "unreachable";
      }

      @Override
      public SignedNote.Line cosign(long oldSize, List<byte[]> proof, SignedNote note) {
        throw new IllegalStateException("connection refused");
      }
    };
  }
}
