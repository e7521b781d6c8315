package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

class ArchiveTest {
  private static final NoteKey KEY = NoteKey.generate("lgsp.test/archive", NoteKey.TYPE_ED25519);
  @TempDir Path dir;

  private static Checkpoints checkpoints(Database db, Ledger ledger) {
    return new Checkpoints(
        db,
        ledger,
        KEY,
        Timestamper.none(),
        CheckpointPolicy.defaults(),
        List.of(),
        Clock.systemUTC());
  }

  private static long rows(Database db) {
    return Sql.read(
        db, h -> h.createQuery("SELECT COUNT(*) FROM ledger_record").mapTo(Long.class).one());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void archivedRecordsLeaveTheDatabaseButProofsExportAndVerificationKeepWorking(String kind)
      throws Exception {
    Path archive = dir.resolve("archive");
    Path export = dir.resolve("export");
    try (Database db = TestDatabases.open(kind, dir)) {
      try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
        Checkpoints cps = checkpoints(db, ledger);
        for (int i = 0; i < 300; i++) {
          ledger.append(Records.sample("a-" + i));
          if ((i + 1) % 100 == 0) {
            cps.publish();
          }
        }
        ledger.append(Records.sample("unsigned"));
        assertThatThrownBy(() -> LedgerArchive.archive(db, archive, 301, s -> {}))
            .hasMessageContaining("checkpoint");

        LedgerArchive.Segment seg = LedgerArchive.archive(db, archive, 200, s -> {}).orElseThrow();
        assertThat(seg.first()).isZero();
        assertThat(seg.end()).isEqualTo(200);
        assertThat(Files.size(seg.file())).isLessThan(200L * 558);
        assertThat(rows(db)).isEqualTo(101);
        assertThat(LedgerArchive.archive(db, archive, 150, s -> {})).isEmpty();

        LedgerReader reader = LedgerReader.open(db);
        assertThat(reader.get(50).orElseThrow().record()).isEqualTo(Records.sample("a-50"));
        StoredCheckpoint cp = reader.latestCheckpoint().orElseThrow();
        assertThat(
                Merkle.verifyInclusion(
                    50,
                    cp.size(),
                    Records.sample("a-50").leafHash(),
                    reader.inclusionProof(50, cp.size()),
                    cp.checkpoint().rootHash()))
            .isTrue();
      }
      try (Ledger reopened = Ledger.open(db, LedgerOptions.defaults())) {
        assertThat(reopened.size()).isEqualTo(301);
        assertThat(reopened.append(Records.sample("after"))).isEqualTo(301);
        checkpoints(db, reopened).publish();
      }
      LedgerArchive.archive(db, archive, 302, s -> {}).orElseThrow();
      assertThat(rows(db)).isZero();
      try (Ledger reopened = Ledger.open(db, LedgerOptions.defaults())) {
        assertThat(reopened.size()).isEqualTo(302);
      }
      LedgerExport.write(db, Optional.of(KEY.verifier()), export, s -> {});
      LedgerVerifier.Result r =
          LedgerVerifier.verify(export, List.of(KEY.verifier()), List.of(), s -> {});
      assertThat(r.problems()).isEmpty();
      assertThat(r.records()).isEqualTo(302);

      // an edited archive segment is caught like an edited database row
      Path segment = LedgerArchive.segments(db).get(0).file();
      List<byte[]> frames = new ArrayList<>();
      try (DataInputStream in =
          new DataInputStream(new GZIPInputStream(Files.newInputStream(segment)))) {
        for (int i = 0; i < 200; i++) {
          frames.add(in.readNBytes(in.readInt()));
        }
      }
      frames.set(120, Records.sample("rewritten").canonical());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
        for (byte[] f : frames) {
          out.writeInt(f.length);
          out.write(f);
        }
      }
      Files.write(segment, bytes.toByteArray());
      Path again = dir.resolve("export2");
      LedgerExport.write(db, Optional.of(KEY.verifier()), again, s -> {});
      LedgerVerifier.Result tampered =
          LedgerVerifier.verify(again, List.of(KEY.verifier()), List.of(), s -> {});
      assertThat(tampered.sound()).isFalse();
      assertThat(tampered.firstBadIndex()).hasValue(120);
    }
  }
}
