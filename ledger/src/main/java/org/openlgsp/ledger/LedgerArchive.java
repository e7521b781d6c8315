package org.openlgsp.ledger;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.openlgsp.core.Digests;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * Retention: moves old records out of the database into gzip-compressed segment files (the export's
 * {@code records.bin} framing) and deletes them from the database. Only records covered by a
 * published checkpoint are archived; the tree keeps every node, so inclusion and consistency proofs
 * still work, and exports read the segments back so offline verification covers archived records
 * too. A segment is checked against the tree's leaf hashes before any row is deleted.
 */
public final class LedgerArchive {
  private static final int CHUNK = 10_000;

  private LedgerArchive() {}

  /** One archived segment: records {@code [first, end)}. */
  public record Segment(long first, long end, Path file, String sha256) {}

  /**
   * Archives every record below {@code upTo} still in the database into one segment under {@code
   * dir}; returns it, or nothing when there was nothing to archive.
   */
  public static Optional<Segment> archive(
      Database db, Path dir, long upTo, Consumer<String> progress) {
    db.migrate("ledger");
    long signed =
        Checkpoints.query(db, "ORDER BY tree_size DESC LIMIT 1", -1).stream()
            .findFirst()
            .map(StoredCheckpoint::size)
            .orElse(0L);
    if (upTo > signed) {
      throw new IllegalArgumentException(
          "only records covered by a checkpoint can be archived (latest checkpoint: "
              + signed
              + ")");
    }
    long first = segments(db).stream().mapToLong(Segment::end).max().orElse(0);
    if (upTo <= first) {
      return Optional.empty();
    }
    Path file = dir.resolve(String.format("segment-%020d-%020d.bin.gz", first, upTo));
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      try (DataOutputStream out =
          new DataOutputStream(
              new BufferedOutputStream(
                  new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)))) {
        for (long next = first; next < upTo; ) {
          List<Ledger.Raw> rows = Ledger.rawRecords(db, next, (int) Math.min(CHUNK, upTo - next));
          if (rows.isEmpty() || rows.get(0).index() != next) {
            throw new IllegalStateException("record " + next + " is missing; not archiving");
          }
          for (Ledger.Raw r : rows) {
            if (r.index() != next || r.index() >= upTo) {
              throw new IllegalStateException("record " + next + " is missing; not archiving");
            }
            out.writeInt(r.bytes().length);
            out.write(r.bytes());
            next++;
          }
          progress.accept("archived " + (next - first) + " of " + (upTo - first) + " records");
        }
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      String sha = checkAgainstTree(db, file, first, upTo);
      Segment segment = new Segment(first, upTo, file.toAbsolutePath(), sha);
      Sql.inTransaction(
          db,
          h -> {
            h.createUpdate(
                    "INSERT INTO ledger_archive (first_idx, end_idx, file, sha256, created_at)"
                        + " VALUES (?, ?, ?, ?, ?)")
                .bind(0, first)
                .bind(1, upTo)
                .bind(2, segment.file().toString())
                .bind(3, sha)
                .bind(4, System.currentTimeMillis())
                .execute();
            h.createUpdate(
                    "INSERT INTO ledger_archived_subject (subject_hash, idx) SELECT subject_hash,"
                        + " idx FROM ledger_record WHERE idx >= ? AND idx < ? AND subject_hash <>"
                        + " ''")
                .bind(0, first)
                .bind(1, upTo)
                .execute();
            return h.createUpdate("DELETE FROM ledger_record WHERE idx >= ? AND idx < ?")
                .bind(0, first)
                .bind(1, upTo)
                .execute();
          });
      return Optional.of(segment);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write archive segment " + file, e);
    }
  }

  /** Re-reads a written segment and compares every record with the tree's leaf hash. */
  private static String checkAgainstTree(Database db, Path file, long first, long end)
      throws IOException {
    MessageDigest whole = Digests.sha256();
    long index = first;
    try (DataInputStream in =
        new DataInputStream(
            new GZIPInputStream(
                new DigestInputStream(Files.newInputStream(file), whole), 1 << 16))) {
      while (index < end) {
        List<byte[]> leaves = Ledger.leafHashes(db, index, Math.min(end, index + CHUNK));
        for (byte[] leaf : leaves) {
          byte[] r = in.readNBytes(in.readInt());
          if (!Arrays.equals(Merkle.leafHash(r), leaf)) {
            throw new IllegalStateException("archive check failed at record " + index);
          }
          index++;
        }
      }
      if (in.read() != -1) {
        throw new IllegalStateException("archive segment has trailing data");
      }
    }
    return Digests.hex(whole.digest());
  }

  /** The archived segments, oldest first. */
  static List<Segment> segments(Database db) {
    return Sql.read(
        db,
        h ->
            h.createQuery(
                    "SELECT first_idx, end_idx, file, sha256 FROM ledger_archive ORDER BY first_idx")
                .map(
                    (r, ctx) ->
                        new Segment(
                            r.getLong(1), r.getLong(2), Path.of(r.getString(3)), r.getString(4)))
                .list());
  }

  /** Copies a segment's framed records to {@code out} (as in {@code records.bin}). */
  static long copyRecords(Segment s, OutputStream out) throws IOException {
    long n = 0;
    try (InputStream in =
        new GZIPInputStream(new BufferedInputStream(Files.newInputStream(s.file()), 1 << 16))) {
      n = in.transferTo(out);
    }
    return n;
  }

  /** The canonical bytes of an archived record, read from its segment. */
  static Optional<byte[]> find(Database db, long index) {
    for (Segment s : segments(db)) {
      if (index >= s.first() && index < s.end()) {
        try (DataInputStream in =
            new DataInputStream(
                new GZIPInputStream(
                    new BufferedInputStream(Files.newInputStream(s.file()), 1 << 16)))) {
          for (long i = s.first(); ; i++) {
            byte[] r = in.readNBytes(in.readInt());
            if (i == index) {
              return Optional.of(r);
            }
          }
        } catch (EOFException e) {
          return Optional.empty();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read archive " + s.file(), e);
        }
      }
    }
    return Optional.empty();
  }
}
