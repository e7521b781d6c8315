package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

class CheckpointsTest {
  @TempDir Path dir;

  private static final NoteKey LOG_KEY = NoteKey.generate("lgsp.test/gw1", NoteKey.TYPE_ED25519);

  /** A TSA that always answers (its token: the digest itself). */
  static Timestamper fakeTsa() {
    return new Timestamper() {
      @Override
      public String name() {
        return "recording";
      }

      @Override
      public Optional<byte[]> timestamp(byte[] digest) {
        return Optional.of(digest.clone());
      }
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void checkpointsArePublishedByCountAndTimeAndPersisted(String kind) throws Exception {
    try (Database db = TestDatabases.open(kind, dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
        Checkpoints cps =
            new Checkpoints(
                    db,
                    ledger,
                    LOG_KEY,
                    fakeTsa(),
                    new CheckpointPolicy(Duration.ofMillis(400), 50),
                    List.of(),
                    Clock.systemUTC())
                .start()) {
      for (int i = 0; i < 120; i++) {
        ledger.append(Records.sample("c-" + i));
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> cps.latest().map(StoredCheckpoint::size).orElse(0L) >= 120);
      StoredCheckpoint latest = cps.latest().orElseThrow();
      assertThat(latest.size()).isEqualTo(120);
      assertThat(latest.checkpoint().head()).isEqualTo(ledger.head());
      assertThat(latest.note().verifiedBy(LOG_KEY.verifier())).isTrue();
      assertThat(latest.timestampToken()).isPresent();
      List<StoredCheckpoint> all = cps.all();
      assertThat(all).extracting(StoredCheckpoint::size).isSorted().contains(120L);
      for (StoredCheckpoint c : all) {
        assertThat(c.checkpoint().head()).isEqualTo(ledger.headAt(c.size()));
      }
      assertThat(cps.covering(0)).map(StoredCheckpoint::size).contains(all.get(0).size());
    }
  }

  @Test
  void publishingTwiceWithoutNewRecordsKeepsOneCheckpoint() {
    try (Database db = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      Checkpoints cps = checkpoints(db, ledger, List.of());
      ledger.append(Records.sample("x"));
      StoredCheckpoint a = cps.publish();
      StoredCheckpoint b = cps.publish();
      assertThat(cps.all()).hasSize(1);
      assertThat(b.note().format()).isEqualTo(a.note().format());
      assertThat(a.timestampToken()).isEmpty();
    }
  }

  @Test
  void witnessCosignsConsistentCheckpointsAndRefusesAFork() {
    try (Database witnessDb = TestDatabases.sqlite(dir);
        Database db = TestDatabases.sqlite(dir);
        Database forkDb = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
        Ledger fork = Ledger.open(forkDb, LedgerOptions.defaults())) {
      NoteKey wk = NoteKey.generate("registry.test/witness", NoteKey.TYPE_COSIGNATURE);
      Witness witness = new Witness(witnessDb, wk, List.of(LOG_KEY.verifier()), Clock.systemUTC());
      Checkpoints cps =
          checkpoints(db, ledger, List.of(Checkpoints.WitnessClient.local("w", witness)));
      for (int i = 0; i < 10; i++) {
        ledger.append(Records.sample("r-" + i));
        fork.append(Records.sample(i == 7 ? "rewritten" : "r-" + i));
      }
      StoredCheckpoint first = cps.publish();
      assertThat(first.note().cosignedAt(wk.verifier())).isPresent();
      ledger.append(Records.sample("r-10"));
      StoredCheckpoint second = cps.publish();
      assertThat(second.note().verifiedBy(wk.verifier())).isTrue();
      assertThat(cps.latest().orElseThrow().note().verifiedBy(wk.verifier())).isTrue();

      // the same operator key signs a different history (record 7 rewritten)
      fork.append(Records.sample("r-10"));
      SignedNote forked =
          SignedNote.sign(Checkpoint.of(LOG_KEY.name(), fork.head()).text(), LOG_KEY);
      assertThatThrownBy(() -> witness.cosign(11, List.of(), forked))
          .isInstanceOf(LgspException.class)
          .extracting(e -> ((LgspException) e).code())
          .isEqualTo(ErrorCode.CHECKPOINT_INCONSISTENT);
      fork.append(Records.sample("r-11"));
      SignedNote forkedLater =
          SignedNote.sign(Checkpoint.of(LOG_KEY.name(), fork.head()).text(), LOG_KEY);
      assertThatThrownBy(() -> witness.cosign(11, fork.consistencyProof(11, 12), forkedLater))
          .hasMessageContaining("forked");
      // stale sizes are told the witness's size; rollback is refused
      assertThatThrownBy(() -> witness.cosign(0, List.of(), first.note()))
          .isInstanceOfSatisfying(
              Witness.StaleSize.class, e -> assertThat(e.knownSize()).isEqualTo(11));
      // an unknown key is refused
      NoteKey stranger = NoteKey.generate(LOG_KEY.name(), NoteKey.TYPE_ED25519);
      SignedNote foreign =
          SignedNote.sign(Checkpoint.of(LOG_KEY.name(), ledger.head()).text(), stranger);
      assertThatThrownBy(() -> witness.cosign(11, List.of(), foreign))
          .extracting(e -> ((LgspException) e).code())
          .isEqualTo(ErrorCode.CHECKPOINT_UNVERIFIED);
    }
  }

  @Test
  void publisherCatchesUpWithAWitnessThatKnowsALaterSize() {
    try (Database witnessDb = TestDatabases.sqlite(dir);
        Database db = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      NoteKey wk = NoteKey.generate("w2", NoteKey.TYPE_COSIGNATURE);
      Witness witness = new Witness(witnessDb, wk, List.of(LOG_KEY.verifier()), Clock.systemUTC());
      ledger.append(Records.sample("a"));
      ledger.append(Records.sample("b"));
      checkpoints(db, ledger, List.of(Checkpoints.WitnessClient.local("w", witness))).publish();
      ledger.append(Records.sample("c"));
      // a fresh publisher (e.g. after restart) starts believing the witness saw size 0
      StoredCheckpoint c =
          checkpoints(db, ledger, List.of(Checkpoints.WitnessClient.local("w", witness))).publish();
      assertThat(c.note().verifiedBy(wk.verifier())).isTrue();
    }
  }

  @Test
  void policyIsValidated() {
    assertThatThrownBy(() -> new CheckpointPolicy(Duration.ofMillis(1), 10))
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> new CheckpointPolicy(Duration.ofSeconds(1), 0))
        .hasMessageContaining("everyRecords");
    assertThat(CheckpointPolicy.defaults().due(10_000, Duration.ZERO)).isTrue();
    assertThat(CheckpointPolicy.defaults().due(1, Duration.ofSeconds(11))).isTrue();
    assertThat(CheckpointPolicy.defaults().due(0, Duration.ofHours(1))).isFalse();
  }

  private static Checkpoints checkpoints(
      Database db, Ledger ledger, List<Checkpoints.WitnessClient> witnesses) {
    return new Checkpoints(
        db,
        ledger,
        LOG_KEY,
        Timestamper.none(),
        CheckpointPolicy.defaults(),
        witnesses,
        Clock.systemUTC());
  }
}
