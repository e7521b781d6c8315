package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;

/** One node witnesses another's checkpoints over HTTP and refuses a fork. */
class WitnessHttpTest {
  @TempDir Path dir;

  @Test
  void logGetsCosignaturesOverHttpAndAForkIsRefused() {
    NoteKey logKey = NoteKey.generate("VN/GOV/000.00.00.H53/gw1", NoteKey.TYPE_ED25519);
    NoteKey witnessKey =
        NoteKey.generate("VN/GOV/000.00.00.G01/gw1/witness", NoteKey.TYPE_COSIGNATURE);
    try (Database witnessDb = Database.sqlite(dir.resolve("witness.db"));
        Database logDb = Database.sqlite(dir.resolve("log.db"));
        Database forkDb = Database.sqlite(dir.resolve("fork.db"));
        Ledger log = Ledger.open(logDb, LedgerOptions.defaults());
        Ledger fork = Ledger.open(forkDb, LedgerOptions.defaults())) {
      Witness witness =
          new Witness(witnessDb, witnessKey, List.of(logKey.verifier()), Clock.systemUTC());
      LedgerHttp http =
          LedgerHttp.builder(
                  LedgerReader.open(witnessDb),
                  witnessKey.verifier(),
                  new SubjectAccess(
                      LedgerReader.open(witnessDb), new SubjectHasher(new byte[32]), id -> ""))
              .auditorToken(
                  org.openlgsp.core.Digests.hex(org.openlgsp.core.Digests.sha256(new byte[] {'t'})))
              .auditLog(e -> {})
              .witness(witness)
              .start("127.0.0.1", 0);
      try {
        Checkpoints.WitnessClient client =
            WitnessHttp.client("mps", "http://127.0.0.1:" + http.port());
        Checkpoints cps =
            new Checkpoints(
                logDb,
                log,
                logKey,
                Timestamper.none(),
                CheckpointPolicy.defaults(),
                List.of(client),
                Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
          log.append(Records.sample("a" + i));
          fork.append(Records.sample(i == 2 ? "rewritten" : "a" + i));
        }
        StoredCheckpoint first = cps.publish();
        assertThat(first.note().verifiedBy(witnessKey.verifier())).isTrue();
        log.append(Records.sample("a5"));
        // a restarted publisher does not know the witness's size: it learns it (409) and retries
        StoredCheckpoint second =
            new Checkpoints(
                    logDb,
                    log,
                    logKey,
                    Timestamper.none(),
                    CheckpointPolicy.defaults(),
                    List.of(client),
                    Clock.systemUTC())
                .publish();
        assertThat(second.note().cosignedAt(witnessKey.verifier())).isPresent();
        assertThat(LedgerReader.open(logDb).latestCheckpoint().orElseThrow().note().format())
            .isEqualTo(second.note().format());

        fork.append(Records.sample("a5"));
        fork.append(Records.sample("a6"));
        SignedNote forked =
            SignedNote.sign(Checkpoint.of(logKey.name(), fork.head()).text(), logKey);
        assertThatThrownBy(() -> client.cosign(6, fork.consistencyProof(6, 7), forked))
            .isInstanceOfSatisfying(
                LgspException.class,
                e ->
                    assertThat(e.code())
                        .as(e.detail())
                        .isEqualTo(ErrorCode.CHECKPOINT_INCONSISTENT));
        NoteKey stranger = NoteKey.generate(logKey.name(), NoteKey.TYPE_ED25519);
        assertThatThrownBy(
                () ->
                    client.cosign(
                        6,
                        List.of(),
                        SignedNote.sign(Checkpoint.of(logKey.name(), log.head()).text(), stranger)))
            .isInstanceOfSatisfying(
                LgspException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CHECKPOINT_UNVERIFIED));
      } finally {
        http.close();
      }
    }
  }
}
