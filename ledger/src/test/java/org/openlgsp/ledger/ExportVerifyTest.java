package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.ledger.spi.Timestamper;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

class ExportVerifyTest {
  private static final NoteKey KEY = NoteKey.generate("lgsp.test/audit", NoteKey.TYPE_ED25519);
  @TempDir Path dir;
  Path export;

  @BeforeEach
  void paths() {
    export = dir.resolve("export");
  }

  /** 300 records with checkpoints at 100, 200 and 300. */
  private static void populate(Database db) {
    try (Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      Checkpoints cps = checkpoints(db, ledger);
      for (int i = 0; i < 300; i++) {
        ledger.append(Records.sample("v-" + i));
        if ((i + 1) % 100 == 0) {
          cps.publish();
        }
      }
    }
  }

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

  private LedgerVerifier.Result verify(List<SignedNote> extra) {
    return LedgerVerifier.verify(export, List.of(KEY.verifier()), extra, s -> {});
  }

  private void exportFrom(Database db) {
    LedgerExport.write(db, Optional.of(KEY.verifier()), export, s -> {});
  }

  @Test
  void soundExportVerifies() {
    try (Database db = TestDatabases.sqlite(dir)) {
      populate(db);
      exportFrom(db);
    }
    LedgerVerifier.Result r = verify(List.of());
    assertThat(r.problems()).isEmpty();
    assertThat(r.sound()).isTrue();
    assertThat(r.records()).isEqualTo(300);
    assertThat(r.checkpoints()).isEqualTo(3);
    assertThat(Files.exists(export.resolve("checkpoints/00000000000000000300.note"))).isTrue();
    // the export's own key is used, with a warning, when none is pinned
    LedgerVerifier.Result own = LedgerVerifier.verify(export, List.of(), List.of(), s -> {});
    assertThat(own.sound()).isTrue();
    assertThat(own.warnings()).anyMatch(w -> w.contains("--key"));
  }

  private List<byte[]> frames() throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (DataInputStream in =
        new DataInputStream(Files.newInputStream(export.resolve("records.bin")))) {
      while (in.available() > 0) {
        out.add(in.readNBytes(in.readInt()));
      }
    }
    return out;
  }

  private void writeFrames(List<byte[]> frames) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (byte[] f : frames) {
      out.writeInt(f.length);
      out.write(f);
    }
    Files.write(export.resolve("records.bin"), bytes.toByteArray());
  }

  private void editExport(Consumer<List<byte[]>> edit) throws IOException {
    try (Database db = TestDatabases.sqlite(dir)) {
      populate(db);
      exportFrom(db);
    }
    List<byte[]> frames = frames();
    edit.accept(frames);
    writeFrames(frames);
  }

  private void assertFirstBad(long index, String why) {
    LedgerVerifier.Result r = verify(List.of());
    assertThat(r.sound()).isFalse();
    assertThat(r.firstBadIndex()).hasValue(index);
    assertThat(String.join("\n", r.problems())).contains(why);
  }

  @Test
  void editedRecordInExportIsFound() throws IOException {
    editExport(f -> f.set(150, Records.sample("forged").canonical()));
    assertFirstBad(150, "record 150");
  }

  @Test
  void flippedByteInExportIsFound() throws IOException {
    editExport(f -> f.get(42)[30] ^= 1);
    assertFirstBad(42, "record 42");
  }

  @Test
  void deletedRecordInExportIsFound() throws IOException {
    editExport(f -> f.remove(150));
    assertFirstBad(150, "record 150");
  }

  @Test
  void reorderedRecordsInExportAreFound() throws IOException {
    editExport(f -> Collections.swap(f, 150, 151));
    assertFirstBad(150, "record 150");
  }

  @Test
  void insertedRecordInExportIsFound() throws IOException {
    editExport(f -> f.add(150, Records.sample("inserted").canonical()));
    assertFirstBad(150, "record 150");
  }

  @Test
  void truncatedExportIsFound() throws IOException {
    editExport(f -> f.subList(250, f.size()).clear());
    assertFirstBad(250, "truncated");
  }

  @Test
  void rewrittenLeafHashesStillFailAndNarrowTheRange() throws IOException {
    editExport(f -> f.set(150, Records.sample("forged").canonical()));
    byte[] leaves = Files.readAllBytes(export.resolve("leaves.bin"));
    System.arraycopy(Records.sample("forged").leafHash(), 0, leaves, 150 * 32, 32);
    Files.write(export.resolve("leaves.bin"), leaves);
    assertFirstBad(100, "records 100..199");
  }

  @Test
  void editedCheckpointIsRejected() throws IOException {
    try (Database db = TestDatabases.sqlite(dir)) {
      populate(db);
      exportFrom(db);
    }
    Path note = export.resolve("checkpoints/00000000000000000200.note");
    Files.writeString(note, Files.readString(note).replace("\n200\n", "\n201\n"));
    LedgerVerifier.Result r = verify(List.of());
    assertThat(r.sound()).isFalse();
    assertThat(r.problems()).anyMatch(p -> p.contains("no valid signature"));
  }

  @Test
  void forkedCheckpointIsDetected() {
    SignedNote forked;
    try (Database db = TestDatabases.sqlite(dir);
        Database other = TestDatabases.sqlite(dir)) {
      populate(db);
      exportFrom(db);
      // the same operator key signs a second history where record 77 differs
      try (Ledger fork = Ledger.open(other, LedgerOptions.defaults())) {
        for (int i = 0; i < 250; i++) {
          fork.append(Records.sample(i == 77 ? "other-history" : "v-" + i));
        }
        forked = checkpoints(other, fork).publish().note();
      }
    }
    LedgerVerifier.Result r = verify(List.of(forked));
    assertThat(r.sound()).isFalse();
    assertThat(r.problems()).anyMatch(p -> p.contains("forked checkpoint"));
    assertThat(r.firstBadIndex()).hasValue(200);

    // and a second note of an already-signed size with another root is a fork too
    try (Database other = TestDatabases.sqlite(dir);
        Ledger fork = Ledger.open(other, LedgerOptions.defaults())) {
      for (int i = 0; i < 200; i++) {
        fork.append(Records.sample(i == 5 ? "x" : "v-" + i));
      }
      SignedNote same = checkpoints(other, fork).publish().note();
      assertThat(verify(List.of(same)).problems()).anyMatch(p -> p.contains("forked checkpoint"));
    }
  }

  private void tamperDatabase(String kind, Sql.Work<Object> edit, long firstBad, String why) {
    try (Database db = TestDatabases.open(kind, dir)) {
      populate(db);
      Sql.inTransaction(db, edit);
      exportFrom(db);
    }
    assertFirstBad(firstBad, why);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void editedRecordInDatabaseIsFound(String kind) {
    tamperDatabase(
        kind,
        h ->
            h.execute(
                "UPDATE ledger_record SET record = ? WHERE idx = 150",
                Records.sample("forged").canonical()),
        150,
        "record 150");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void deletedRecordInDatabaseIsFound(String kind) {
    tamperDatabase(
        kind, h -> h.execute("DELETE FROM ledger_record WHERE idx = 150"), 150, "record 150");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void reorderedRecordsInDatabaseAreFound(String kind) {
    tamperDatabase(
        kind,
        h -> {
          h.execute("UPDATE ledger_record SET idx = -1 WHERE idx = 150");
          h.execute("UPDATE ledger_record SET idx = 150 WHERE idx = 151");
          return h.execute("UPDATE ledger_record SET idx = 151 WHERE idx = -1");
        },
        150,
        "record 150");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void insertedRecordInDatabaseIsFound(String kind) {
    tamperDatabase(
        kind,
        h -> {
          h.execute("UPDATE ledger_record SET idx = -idx - 1000 WHERE idx >= 150");
          h.execute("UPDATE ledger_record SET idx = -idx - 999 WHERE idx < -1000");
          return h.execute(
              "INSERT INTO ledger_record (idx, message_id, side, client_id, service_id,"
                  + " status, recorded_at, record, leaf_hash) SELECT 150, 'x', side,"
                  + " client_id, service_id, status, recorded_at, ?, leaf_hash FROM"
                  + " ledger_record WHERE idx = 149",
              Records.sample("inserted").canonical());
        },
        150,
        "record 150");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void truncatedDatabaseIsFound(String kind) {
    tamperDatabase(
        kind,
        h -> {
          h.execute("DELETE FROM ledger_record WHERE idx >= 250");
          return h.execute("DELETE FROM ledger_node WHERE id >= 500");
        },
        250,
        "truncated");
  }
}
