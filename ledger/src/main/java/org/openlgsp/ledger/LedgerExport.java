package org.openlgsp.ledger;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * Writes a ledger to a folder an auditor can verify offline with {@link LedgerVerifier}: the
 * canonical records ({@code records.bin}: 4-byte big-endian length, then the bytes), the tree's
 * leaf hashes ({@code leaves.bin}: 32 bytes each, in index order), every checkpoint note and
 * time-stamp token ({@code checkpoints/}) and the log's verifier key when known. Writes what is
 * stored, without judging it: a damaged ledger exports as damaged, for the verifier to find.
 */
final class LedgerExport {
  private static final int CHUNK = 10_000;

  private LedgerExport() {}

  /** What was written. */
  public record Summary(long records, long leaves, int checkpoints) {}

  /** Exports straight from a ledger database (read only; no writer is started). */
  public static Summary write(
      Database db, Optional<NoteVerifier> key, Path dir, Consumer<String> progress) {
    db.migrate("ledger");
    long leaves = Sql.read(db, TreeStore::leafCount);
    return write(db, leaves, Checkpoints.readAll(db), key, dir, progress);
  }

  private static Summary write(
      Database db,
      long size,
      List<StoredCheckpoint> checkpoints,
      Optional<NoteVerifier> key,
      Path dir,
      Consumer<String> progress) {
    try {
      Files.createDirectories(dir.resolve(ExportFiles.CHECKPOINTS));
      for (StoredCheckpoint c : checkpoints) {
        Files.writeString(ExportFiles.note(dir, c.size()), c.note().format());
        if (c.timestampToken().isPresent()) {
          Files.write(ExportFiles.timestamp(dir, c.size()), c.timestampToken().get());
        }
      }
      if (key.isPresent()) {
        Files.writeString(dir.resolve(ExportFiles.VKEY), key.get() + "\n");
      }
      long records = 0;
      try (DataOutputStream out = stream(dir.resolve(ExportFiles.RECORDS))) {
        long next = 0;
        for (LedgerArchive.Segment s : LedgerArchive.segments(db)) {
          LedgerArchive.copyRecords(s, out); // records moved out of the database by retention
          records += s.end() - s.first();
          next = s.end();
          progress.accept("exported archive segment " + s.file().getFileName());
        }
        while (true) {
          List<Ledger.Raw> chunk = Ledger.rawRecords(db, next, CHUNK);
          if (chunk.isEmpty()) {
            break;
          }
          for (Ledger.Raw r : chunk) {
            out.writeInt(r.bytes().length);
            out.write(r.bytes());
          }
          records += chunk.size();
          // continue after the last row read: a deleted row must not stop the export
          next = chunk.get(chunk.size() - 1).index() + 1;
          if (records % 1_000_000 < CHUNK) {
            progress.accept("exported " + records + " of " + size + " records");
          }
        }
      }
      long leaves = 0;
      try (OutputStream out = stream(dir.resolve(ExportFiles.LEAVES))) {
        for (long from = 0; from < size; from += CHUNK) {
          for (byte[] h : Ledger.leafHashes(db, from, Math.min(size, from + CHUNK))) {
            out.write(h);
            leaves++;
          }
        }
      }
      String origin = checkpoints.isEmpty() ? "" : checkpoints.get(0).checkpoint().origin();
      Files.writeString(
          dir.resolve(ExportFiles.MANIFEST),
          ExportFiles.FORMAT
              + "\norigin "
              + origin
              + "\nrecords "
              + records
              + "\ncheckpoints "
              + checkpoints.size()
              + "\nexported "
              + Instant.now()
              + "\n",
          StandardCharsets.UTF_8);
      return new Summary(records, leaves, checkpoints.size());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the export to " + dir, e);
    }
  }

  private static DataOutputStream stream(Path file) throws IOException {
    return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
  }
}
