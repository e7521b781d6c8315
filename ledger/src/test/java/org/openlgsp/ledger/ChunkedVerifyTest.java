package org.openlgsp.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier on exports spanning several {@link RecordChunk}s, where whole aligned chunks are
 * reduced to subtree roots in parallel: checkpoints on a chunk boundary, inside a chunk and after a
 * partial last chunk; the first bad index stays exact wherever the damage is. Checkpoint roots come
 * from the recursive RFC 9162 definition ({@link NaiveTree}), not from the code under test.
 */
class ChunkedVerifyTest {
  private static final NoteKey KEY = NoteKey.generate("lgsp.test/chunks", NoteKey.TYPE_ED25519);
  private static final int C = RecordChunk.SIZE;
  private static final int N = 3 * C + 1000;
  private static final long[] CHECKPOINTS = {C, 10_000, 3L * C, N};
  @TempDir Path dir;

  private static List<byte[]> records() {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      out.add(Records.sample("chunk-" + i).canonical());
    }
    return out;
  }

  /** Writes an export of the genuine log's checkpoints over {@code records} as edited. */
  private Path export(Consumer<List<byte[]>> editRecords, boolean rehashLeaves) throws IOException {
    List<byte[]> genuine = records();
    List<byte[]> genuineLeaves = genuine.stream().map(Merkle::leafHash).toList();
    List<byte[]> edited = new ArrayList<>(genuine);
    editRecords.accept(edited);
    List<byte[]> leaves =
        rehashLeaves ? edited.stream().map(Merkle::leafHash).toList() : genuineLeaves;
    Path export = dir.resolve("export");
    Files.createDirectories(export.resolve("checkpoints"));
    try (DataOutputStream out = stream(export.resolve("records.bin"))) {
      for (byte[] r : edited) {
        out.writeInt(r.length);
        out.write(r);
      }
    }
    try (OutputStream out = stream(export.resolve("leaves.bin"))) {
      for (byte[] h : leaves) {
        out.write(h);
      }
    }
    for (long size : CHECKPOINTS) {
      byte[] root = NaiveTree.mth(genuineLeaves.subList(0, (int) size));
      Files.writeString(
          ExportFiles.note(export, size),
          SignedNote.sign(new Checkpoint(KEY.name(), size, root).text(), KEY).format());
    }
    return export;
  }

  private static DataOutputStream stream(Path file) throws IOException {
    return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
  }

  private static LedgerVerifier.Result verify(Path export) {
    return LedgerVerifier.verify(export, List.of(KEY.verifier()), List.of(), s -> {});
  }

  private static void assertFirstBad(Path export, long index, String why) {
    LedgerVerifier.Result r = verify(export);
    assertThat(r.sound()).isFalse();
    assertThat(r.firstBadIndex()).as(String.join("\n", r.problems())).hasValue(index);
    assertThat(String.join("\n", r.problems())).contains(why);
  }

  @Test
  void soundExportOfSeveralChunksVerifies() throws IOException {
    LedgerVerifier.Result r = verify(export(records -> {}, false));
    assertThat(r.problems()).isEmpty();
    assertThat(r.sound()).isTrue();
    assertThat(r.records()).isEqualTo(N);
    assertThat(r.checkpoints()).isEqualTo(CHECKPOINTS.length);
  }

  @Test
  void editInAWholeChunkIsExact() throws IOException {
    // [2C, 3C) holds no checkpoint: it is reduced to one subtree root, checked at 3C
    Path export = export(r -> r.set(2 * C + 1234, Records.sample("forged").canonical()), false);
    assertFirstBad(export, 2 * C + 1234, "checkpoint at size " + 3 * C);
  }

  @Test
  void editInAChunkWithACheckpointInsideIsExact() throws IOException {
    Path export = export(r -> r.get(C + 5)[40] ^= 1, false);
    assertFirstBad(export, C + 5, "checkpoint at size 10000");
  }

  @Test
  void editInThePartialLastChunkIsExact() throws IOException {
    Path export = export(r -> r.get(N - 1)[40] ^= 1, false);
    assertFirstBad(export, N - 1, "record " + (N - 1));
  }

  @Test
  void deletionAtAChunkStartIsExact() throws IOException {
    Path export = export(r -> r.remove(2 * C), false);
    assertFirstBad(export, 2 * C, "record " + 2 * C);
  }

  @Test
  void rewrittenTreeNarrowsToTheRangeAfterTheLastGoodCheckpoint() throws IOException {
    Path export = export(r -> r.get(2 * C + 7)[40] ^= 1, true);
    assertFirstBad(export, 10_000, "records 10000.." + (3 * C - 1));
  }

  @Test
  void truncationInsideAChunkIsFound() throws IOException {
    Path export = export(r -> r.subList(2 * C + 100, r.size()).clear(), false);
    assertFirstBad(export, 2 * C + 100, "first missing index " + (2 * C + 100));
  }

  @Test
  void aFrameCutInsideItsLengthIsFound() throws IOException {
    Path export = export(r -> {}, false);
    Files.write(
        export.resolve("records.bin"), new byte[] {0, 0}, java.nio.file.StandardOpenOption.APPEND);
    assertFirstBad(export, N, "records.bin ends inside the length of record " + N);
  }
}
