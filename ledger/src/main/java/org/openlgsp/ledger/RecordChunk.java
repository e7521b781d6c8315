package org.openlgsp.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.openlgsp.core.Digests;

/**
 * Up to {@link #SIZE} consecutive records of an export, with the export's stored leaf hashes for
 * them, for {@link LedgerVerifier}. {@link #hash} re-hashes the records on all cores into one flat
 * array (no per-record objects) and, when the chunk is a whole perfect subtree of the tree (full
 * and aligned), also reduces it to that subtree's root in parallel, so the verifier's serial work
 * per chunk is one frontier append instead of one per record.
 */
final class RecordChunk {
  /**
   * Records per chunk: a power of two, so a full chunk at a multiple of it is a perfect subtree.
   */
  static final int SIZE = 8192;

  static final int LEVEL = Integer.numberOfTrailingZeros(SIZE);
  private static final int PART = 512; // records per parallel task; a power of two
  private static final int H = Merkle.HASH_SIZE;
  private static final int MAX_RECORD = 4 * 1024 * 1024;
  private static final int WINDOW = 8 * 1024 * 1024; // first mapping size; doubled when short

  final long first;
  private ByteBuffer data; // read-only mapping of records.bin from this chunk's first frame
  private final int[] starts = new int[SIZE]; // record j is data[starts[j], starts[j] + lengths[j])
  private final int[] lengths = new int[SIZE];
  private final byte[] leaves = new byte[SIZE * H];
  private final byte[] stored = new byte[SIZE * H];
  int count;
  private int storedCount;
  String readProblem;

  /** Whether records.bin ends with this chunk (or is damaged in it). */
  boolean last;

  /** Where in records.bin the next chunk starts. */
  long next;

  /** After {@link #hash}: the first index whose record does not hash to its stored leaf, or -1. */
  long firstMismatch = -1;

  /** After {@link #hash} with {@code subtree}: the root of the chunk's perfect subtree. */
  byte[] root;

  private RecordChunk(long first) {
    this.first = first;
  }

  /**
   * Maps up to a chunk of records of {@code records.bin} from byte {@code position} (a damaged
   * frame ends it with {@link #readProblem}) and reads as many stored leaf hashes for them as
   * {@code leaves} (null when there are none) still has. Mapping, rather than reading, lets the
   * hashing threads read the page cache directly: no copy of the records is made.
   */
  static RecordChunk read(FileChannel records, long position, InputStream leaves, long first)
      throws IOException {
    RecordChunk c = new RecordChunk(first);
    long remaining = records.size() - position;
    int window = (int) Math.min(remaining, WINDOW);
    while (!c.map(records, position, window, window == remaining)) {
      window = (int) Math.min(Math.min(remaining, 2L * window), Integer.MAX_VALUE);
    }
    if (leaves != null) {
      c.storedCount = leaves.readNBytes(c.stored, 0, c.count * H) / H;
    }
    return c;
  }

  /**
   * Parses frames in a window; false when a frame runs past a window that is not the file's end.
   */
  private boolean map(FileChannel records, long position, int window, boolean toEnd)
      throws IOException {
    data = records.map(FileChannel.MapMode.READ_ONLY, position, window);
    count = 0;
    int at = 0;
    while (count < SIZE) {
      long index = first + count;
      if (at + 4 > window) {
        if (!toEnd) {
          return false;
        }
        if (at < window) {
          readProblem = "records.bin ends inside the length of record " + index;
        }
        last = true;
        break;
      }
      int length = data.getInt(at);
      if (length < 0 || length > MAX_RECORD) {
        readProblem = "record " + index + " has an impossible length " + length;
        last = true;
        break;
      }
      if ((long) at + 4 + length > window) {
        if (!toEnd) {
          return false;
        }
        readProblem = "records.bin ends inside record " + index;
        last = true;
        break;
      }
      starts[count] = at + 4;
      lengths[count] = length;
      count++;
      at += 4 + length;
    }
    next = position + at;
    return true;
  }

  /** Whether the stored leaves ran out within this chunk. */
  boolean storedShort() {
    return storedCount < count;
  }

  /** The recomputed leaf hash of record {@code first + j}. */
  byte[] leaf(int j) {
    return Arrays.copyOfRange(leaves, j * H, j * H + H);
  }

  /**
   * Re-hashes every record (RFC 9162 leaf hash), compares each with its stored leaf hash where
   * there is one, and with {@code subtree} (a full chunk starting at a multiple of {@link #SIZE})
   * computes the chunk's subtree root.
   */
  void hash(boolean subtree) {
    int parts = (count + PART - 1) / PART;
    long[] mismatch = new long[parts];
    byte[] partRoots = new byte[parts * H];
    IntStream.range(0, parts)
        .parallel()
        .forEach(
            p -> {
              MessageDigest sha = Digests.sha256();
              ByteBuffer view = data.duplicate(); // own position and limit for this task
              int from = p * PART;
              int to = Math.min(count, from + PART);
              mismatch[p] = -1;
              for (int j = from; j < to; j++) {
                sha.update((byte) 0);
                view.clear().position(starts[j]).limit(starts[j] + lengths[j]);
                sha.update(view);
                finish(sha, leaves, j * H);
                if (mismatch[p] < 0
                    && j < storedCount
                    && !Arrays.equals(leaves, j * H, j * H + H, stored, j * H, j * H + H)) {
                  mismatch[p] = first + j;
                }
              }
              if (subtree) {
                byte[] level = Arrays.copyOfRange(leaves, from * H, to * H);
                System.arraycopy(reduce(sha, level, PART), 0, partRoots, p * H, H);
              }
            });
    firstMismatch = Arrays.stream(mismatch).filter(m -> m >= 0).findFirst().orElse(-1);
    if (subtree) {
      root = reduce(Digests.sha256(), partRoots, parts);
    }
  }

  /** Root of the perfect tree over {@code n} (a power of two) hashes in {@code level}, in place. */
  private static byte[] reduce(MessageDigest sha, byte[] level, int n) {
    for (int width = n; width > 1; width /= 2) {
      for (int k = 0; k < width / 2; k++) {
        sha.update((byte) 1);
        sha.update(level, 2 * k * H, 2 * H); // left ‖ right, read before the result overwrites
        finish(sha, level, k * H);
      }
    }
    return Arrays.copyOf(level, H);
  }

  private static void finish(MessageDigest sha, byte[] out, int offset) {
    try {
      sha.digest(out, offset, H);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 output does not fit", e);
    }
  }
}
