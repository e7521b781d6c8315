package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * What {@link LedgerVerifier} must refuse once an auditor pins the log key, its origin and its
 * witnesses: checkpoints claiming another origin under this log's key, and histories the witnesses
 * never cosigned (rollback, truncation re-signed by the operator, fork).
 */
class VerifierTrustTest {
  private static final NoteKey KEY = NoteKey.generate("lgsp.test/audit", NoteKey.TYPE_ED25519);
  private static final NoteKey W1 = NoteKey.generate("witness-1.test/w", NoteKey.TYPE_COSIGNATURE);
  private static final NoteKey W2 = NoteKey.generate("witness-2.test/w", NoteKey.TYPE_COSIGNATURE);
  private static final LedgerVerifier.Witnesses BOTH =
      new LedgerVerifier.Witnesses(List.of(W1.verifier(), W2.verifier()), 2);
  private static final LedgerVerifier.Witnesses ONE =
      new LedgerVerifier.Witnesses(List.of(W1.verifier()), 1);

  @TempDir Path dir;

  private static Checkpoints checkpoints(Database db, Ledger ledger, List<Witness> witnesses) {
    List<Checkpoints.WitnessClient> clients = new ArrayList<>();
    for (int i = 0; i < witnesses.size(); i++) {
      clients.add(Checkpoints.WitnessClient.local("w" + i, witnesses.get(i)));
    }
    return new Checkpoints(
        db,
        ledger,
        KEY,
        Timestamper.none(),
        CheckpointPolicy.defaults(),
        clients,
        Clock.systemUTC());
  }

  /** Appends {@code count} records named by {@code name}, publishing a checkpoint every 100. */
  private static void append(Ledger ledger, Checkpoints cps, int from, int count, String prefix) {
    for (int i = from; i < from + count; i++) {
      ledger.append(Records.sample(prefix + i));
      if ((i + 1) % 100 == 0) {
        cps.publish();
      }
    }
  }

  private Witness witness(Database db, NoteKey key) {
    return new Witness(db, key, List.of(KEY.verifier()), Clock.systemUTC());
  }

  private Path export(Database db, String name) {
    Path out = dir.resolve(name);
    LedgerExport.write(db, Optional.of(KEY.verifier()), out, s -> {});
    return out;
  }

  private static LedgerVerifier.Result verify(
      Path export, LedgerVerifier.Witnesses witnesses, List<SignedNote> extra) {
    return LedgerVerifier.verify(
        export, List.of(KEY.verifier()), extra, Optional.empty(), witnesses, s -> {});
  }

  private static List<Path> notes(Path export) throws IOException {
    try (Stream<Path> files = Files.list(export.resolve(ExportFiles.CHECKPOINTS))) {
      return files.filter(p -> p.toString().endsWith(".note")).sorted().toList();
    }
  }

  // --- origin ---

  /** Every checkpoint rewritten to claim {@code origin}, re-signed with this log's own key. */
  private static void claimOrigin(Path export, String origin) throws IOException {
    for (Path p : notes(export)) {
      Checkpoint cp = Checkpoint.parse(SignedNote.parse(Files.readString(p)).text());
      Checkpoint claimed = new Checkpoint(origin, cp.size(), cp.rootHash());
      Files.writeString(p, SignedNote.sign(claimed.text(), KEY).format());
    }
  }

  @Test
  void checkpointsClaimingAnotherLogsOriginUnderThisLogsKeyAreUnsound() throws IOException {
    Path export;
    try (Database db = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      append(ledger, checkpoints(db, ledger, List.of()), 0, 200, "v-");
      export = export(db, "export");
    }
    assertThat(verify(export, LedgerVerifier.Witnesses.none(), List.of()).sound()).isTrue();

    claimOrigin(export, "lgsp.test/other-log");
    // every signature still verifies under the pinned key: only the origin gives it away
    for (Path p : notes(export)) {
      assertThat(SignedNote.parse(Files.readString(p)).verifiedBy(KEY.verifier())).isTrue();
    }
    LedgerVerifier.Result r = verify(export, LedgerVerifier.Witnesses.none(), List.of());
    assertThat(r.sound()).isFalse();
    assertThat(r.problems())
        .anyMatch(p -> p.contains("claims origin lgsp.test/other-log") && p.contains("key of"));

    // editing the (unsigned) manifest to match does not help: the key's name is the origin
    Path manifest = export.resolve(ExportFiles.MANIFEST);
    Files.writeString(
        manifest,
        Files.readString(manifest).replace("origin lgsp.test/audit", "origin lgsp.test/other-log"));
    assertThat(verify(export, LedgerVerifier.Witnesses.none(), List.of()).sound()).isFalse();
    // nor trusting the export's own log.vkey
    assertThat(LedgerVerifier.verify(export, List.of(), List.of(), s -> {}).sound()).isFalse();
  }

  @Test
  void aManifestDeclaringAnotherOriginMakesTheExportUnsound() throws IOException {
    Path export;
    try (Database db = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      append(ledger, checkpoints(db, ledger, List.of()), 0, 100, "v-");
      export = export(db, "export");
    }
    Path manifest = export.resolve(ExportFiles.MANIFEST);
    assertThat(Files.readString(manifest)).contains("origin lgsp.test/audit\n");
    Files.writeString(
        manifest, Files.readString(manifest).replace("lgsp.test/audit", "lgsp.test/elsewhere"));
    LedgerVerifier.Result r = verify(export, LedgerVerifier.Witnesses.none(), List.of());
    assertThat(r.sound()).isFalse();
    assertThat(r.problems()).anyMatch(p -> p.contains("manifest declares lgsp.test/elsewhere"));
  }

  // --- witnesses ---

  @Test
  void aCosignedExportIsSoundWithTheRequiredCosignatures() {
    Path export;
    try (Database w1 = TestDatabases.sqlite(dir);
        Database w2 = TestDatabases.sqlite(dir);
        Database db = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      Checkpoints cps = checkpoints(db, ledger, List.of(witness(w1, W1), witness(w2, W2)));
      append(ledger, cps, 0, 300, "v-");
      export = export(db, "export");
    }
    LedgerVerifier.Result r = verify(export, BOTH, List.of());
    assertThat(r.problems()).isEmpty();
    assertThat(r.sound()).isTrue();
    assertThat(r.cosignatures()).isEqualTo(2);
    // a witness the auditor does not pin counts for nothing
    NoteKey unknown = NoteKey.generate("witness-3.test/w", NoteKey.TYPE_COSIGNATURE);
    LedgerVerifier.Result strangers =
        verify(export, new LedgerVerifier.Witnesses(List.of(unknown.verifier()), 1), List.of());
    assertThat(strangers.sound()).isFalse();
    assertThat(strangers.cosignatures()).isZero();
  }

  @Test
  void aTruncatedExportReSignedByTheOperatorIsCaughtOnlyWhenCosignaturesAreRequired()
      throws IOException {
    Path export;
    try (Database w1 = TestDatabases.sqlite(dir);
        Database db = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      append(ledger, checkpoints(db, ledger, List.of(witness(w1, W1))), 0, 300, "v-");
      export = export(db, "export");
    }
    // the operator drops records 250..299 and checkpoint 300, and signs a checkpoint at 250
    List<byte[]> leaves = new ArrayList<>();
    byte[] all = Files.readAllBytes(export.resolve(ExportFiles.LEAVES));
    for (int i = 0; i < 250; i++) {
      leaves.add(Arrays.copyOfRange(all, i * 32, i * 32 + 32));
    }
    Files.write(export.resolve(ExportFiles.LEAVES), Arrays.copyOf(all, 250 * 32));
    byte[] records = Files.readAllBytes(export.resolve(ExportFiles.RECORDS));
    int offset = 0;
    for (int i = 0; i < 250; i++) {
      offset += 4 + java.nio.ByteBuffer.wrap(records, offset, 4).getInt();
    }
    Files.write(export.resolve(ExportFiles.RECORDS), Arrays.copyOf(records, offset));
    Files.delete(ExportFiles.note(export, 300));
    Checkpoint resigned = new Checkpoint(KEY.name(), 250, NaiveTree.mth(leaves));
    Files.writeString(
        ExportFiles.note(export, 250), SignedNote.sign(resigned.text(), KEY).format());

    assertThat(verify(export, LedgerVerifier.Witnesses.none(), List.of()).sound())
        .as("without witnesses the forgery passes: the operator holds the log key")
        .isTrue();
    LedgerVerifier.Result r = verify(export, ONE, List.of());
    assertThat(r.sound()).isFalse();
    assertThat(r.problems())
        .anyMatch(
            p ->
                p.contains("latest checkpoint (size 250) carries 0 of the 1 required")
                    && p.contains("latest sufficiently cosigned checkpoint is at size 200"));
    assertThat(r.firstBadIndex()).hasValue(200);
  }

  @Test
  void aRolledBackLogWhoseNewCheckpointsTheWitnessRefusedIsUnsound() {
    Path export;
    SignedNote witnessed;
    try (Database w1 = TestDatabases.sqlite(dir);
        Database db = TestDatabases.sqlite(dir);
        Database restored = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
        Ledger rolledBack = Ledger.open(restored, LedgerOptions.defaults())) {
      Witness witness = witness(w1, W1);
      append(ledger, checkpoints(db, ledger, List.of(witness)), 0, 300, "v-");
      // the operator restores a backup taken at 150 records and carries on from there
      Checkpoints again = checkpoints(restored, rolledBack, List.of(witness));
      append(rolledBack, again, 0, 150, "v-");
      append(rolledBack, again, 150, 100, "after-restore-");
      export = export(restored, "export");
      witnessed = witness.latest(KEY.name()).orElseThrow();
    }
    assertThat(verify(export, LedgerVerifier.Witnesses.none(), List.of()).sound()).isTrue();
    LedgerVerifier.Result r = verify(export, ONE, List.of());
    assertThat(r.sound()).isFalse();
    assertThat(r.problems())
        .anyMatch(p -> p.contains("no checkpoint in the export is sufficiently"));
    // with the witness's own latest checkpoint the divergence is located as well
    LedgerVerifier.Result located = verify(export, ONE, List.of(witnessed));
    assertThat(located.sound()).isFalse();
    assertThat(located.cosignatures()).isEqualTo(1);
    assertThat(located.problems()).isNotEmpty();
  }

  @Test
  void aForkWithoutCosignaturesIsUnsoundEvenWithTheGenuineCosignaturesGraftedOn()
      throws IOException {
    Path forkExport;
    SignedNote genuine300;
    try (Database w1 = TestDatabases.sqlite(dir);
        Database db = TestDatabases.sqlite(dir);
        Database forkDb = TestDatabases.sqlite(dir);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
        Ledger fork = Ledger.open(forkDb, LedgerOptions.defaults())) {
      Witness witness = witness(w1, W1);
      Checkpoints cps = checkpoints(db, ledger, List.of(witness));
      append(ledger, cps, 0, 300, "v-");
      genuine300 = cps.latest().orElseThrow().note();
      // the same key signs a second history where record 77 differs; the witness refuses it
      Checkpoints forked = checkpoints(forkDb, fork, List.of(witness));
      for (int i = 0; i < 300; i++) {
        fork.append(Records.sample(i == 77 ? "other-history" : "v-" + i));
        if ((i + 1) % 100 == 0) {
          forked.publish();
        }
      }
      forkExport = export(forkDb, "fork");
    }
    assertThat(verify(forkExport, LedgerVerifier.Witnesses.none(), List.of()).sound()).isTrue();
    assertThat(verify(forkExport, ONE, List.of()).sound()).isFalse();

    // copying the witness's cosignature line of the genuine checkpoint 300 onto the fork's
    Path note300 = ExportFiles.note(forkExport, 300);
    SignedNote forkNote = SignedNote.parse(Files.readString(note300));
    SignedNote.Line cosignature =
        genuine300.signatures().stream()
            .filter(l -> l.name().equals(W1.name()))
            .findFirst()
            .orElseThrow();
    Files.writeString(note300, forkNote.with(cosignature).format());
    LedgerVerifier.Result r = verify(forkExport, ONE, List.of());
    assertThat(r.sound()).isFalse();
    assertThat(r.cosignatures()).isZero();
  }

  @Test
  void witnessPoliciesThatCannotBeMetAreRefused() {
    assertThatThrownBy(() -> new LedgerVerifier.Witnesses(List.of(KEY.verifier()), 1))
        .hasMessageContaining("type 0x04");
    assertThatThrownBy(() -> new LedgerVerifier.Witnesses(List.of(W1.verifier()), 2))
        .hasMessageContaining("between 0 and");
    assertThatThrownBy(() -> new LedgerVerifier.Witnesses(List.of(), -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LedgerVerifier.Witnesses(List.of(W1.verifier(), W1.verifier()), 1))
        .hasMessageContaining("share a name");
  }
}
