package org.openlgsp.ledger;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.openlgsp.ledger.spi.TimestampChecker;

/**
 * Recomputes a ledger export from scratch and checks it against its signed checkpoints (and any
 * checkpoints the auditor obtained elsewhere, e.g. from a witness). Every record is re-hashed; the
 * Merkle tree is rebuilt and its root compared with each checkpoint at that size.
 *
 * <p>The first bad index is exact when the export's leaf hashes still match the signed checkpoint
 * (then they are trustworthy, and the first record whose hash differs from its leaf is the
 * culprit). When the tree hashes were rewritten too, the damage is narrowed to the range between
 * the last good checkpoint and the first bad one.
 */
public final class LedgerVerifier {
  private static final long PROGRESS_EVERY = 1_000_000;

  private LedgerVerifier() {}

  /**
   * The verdict. {@code firstBadIndex} is set whenever {@code sound} is false because of data.
   * {@code cosignatures} counts the pinned witnesses that validly cosigned the latest checkpoint.
   */
  public record Result(
      boolean sound,
      long records,
      int checkpoints,
      OptionalLong firstBadIndex,
      List<String> problems,
      List<String> warnings,
      int timestampsVerified,
      Optional<Instant> latestTimestamp,
      int cosignatures) {
    public Result {
      problems = List.copyOf(problems);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The witnesses an auditor trusts (C2SP tlog-cosignature keys, type 0x04) and how many of them
   * must have cosigned the latest checkpoint. A witness cosigns a checkpoint only when it is
   * consistent with every earlier one it cosigned for that origin, so a log that rolled back, was
   * truncated and re-signed, or forked cannot show {@code minimum} cosignatures on the result
   * unless that many witnesses collude.
   */
  public record Witnesses(List<NoteVerifier> keys, int minimum) {
    public Witnesses {
      keys = List.copyOf(keys);
      if (keys.stream().anyMatch(k -> k.type() != NoteKey.TYPE_COSIGNATURE)) {
        throw new IllegalArgumentException(
            "a witness key must be a cosignature key (type 0x04, C2SP tlog-cosignature)");
      }
      if (keys.stream().map(NoteVerifier::name).distinct().count() != keys.size()) {
        throw new IllegalArgumentException("two witness keys share a name");
      }
      if (minimum < 0 || minimum > keys.size()) {
        throw new IllegalArgumentException(
            "minimum cosignatures must be between 0 and the number of witness keys ("
                + keys.size()
                + ")");
      }
    }

    /** No witness required (the log's own signature is all that is checked). */
    public static Witnesses none() {
      return new Witnesses(List.of(), 0);
    }

    /** The pinned witnesses whose valid cosignature the note carries. */
    java.util.Set<String> cosigners(SignedNote note) {
      java.util.Set<String> names = new java.util.TreeSet<>();
      for (NoteVerifier w : keys) {
        if (note.cosignedAt(w).isPresent()) {
          names.add(w.name());
        }
      }
      return names;
    }
  }

  private static final class Findings {
    final List<String> problems = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    long firstBad = -1;
    int timestamps;
    Instant latestTimestamp;
    int cosignatures;

    void bad(long index, String problem) {
      problems.add(problem);
      if (index >= 0 && (firstBad < 0 || index < firstBad)) {
        firstBad = index;
      }
    }
  }

  /**
   * Verifies an export folder.
   *
   * @param keys trusted log keys; when empty, the export's own {@code log.vkey} is used (and a
   *     warning given, since whoever edited the export could have replaced it)
   * @param extra further checkpoints to check against the same records (e.g. cosigned ones kept by
   *     a witness or from an earlier audit)
   */
  public static Result verify(
      Path dir, List<NoteVerifier> keys, List<SignedNote> extra, Consumer<String> progress) {
    return verify(dir, keys, extra, Optional.empty(), progress);
  }

  /**
   * As {@link #verify(Path, List, List, Consumer)}, and with {@code timestamps} every checkpoint's
   * RFC 3161 token ({@code checkpoints/<size>.tsr}) is checked against the checkpoint's text; a
   * token that does not match or is not signed by a trusted TSA makes the export unsound. Without
   * it, tokens are left unchecked (with a warning).
   */
  public static Result verify(
      Path dir,
      List<NoteVerifier> keys,
      List<SignedNote> extra,
      Optional<TimestampChecker> timestamps,
      Consumer<String> progress) {
    return verify(dir, keys, extra, timestamps, Witnesses.none(), progress);
  }

  /**
   * As {@link #verify(Path, List, List, Optional, Consumer)}, and the latest checkpoint (of the
   * export or of {@code extra}) must carry valid cosignatures by at least {@code
   * witnesses.minimum()} of the pinned witnesses.
   */
  public static Result verify(
      Path dir,
      List<NoteVerifier> keys,
      List<SignedNote> extra,
      Optional<TimestampChecker> timestamps,
      Witnesses witnesses,
      Consumer<String> progress) {
    Findings f = new Findings();
    List<NoteVerifier> trusted = new ArrayList<>(keys);
    if (trusted.isEmpty()) {
      Path vkey = dir.resolve(ExportFiles.VKEY);
      if (!Files.exists(vkey)) {
        f.problems.add("no log key: pass --key or include log.vkey in the export");
        return result(f, 0, 0);
      }
      try {
        trusted.add(NoteVerifier.parse(Files.readString(vkey)));
      } catch (IOException | IllegalArgumentException e) {
        f.problems.add("log.vkey is unreadable: " + e.getMessage());
        return result(f, 0, 0);
      }
      f.warnings.add("log key taken from the export itself; pin it with --key for a real audit");
    }
    java.util.Set<Long> extraSizes = new java.util.HashSet<>();
    TreeMap<Long, java.util.Set<String>> cosigned = new TreeMap<>();
    TreeMap<Long, byte[]> roots =
        checkpoints(dir, trusted, extra, witnesses, f, extraSizes, cosigned);
    if (roots.isEmpty()) {
      f.problems.add("no verifiable checkpoint in the export");
      return result(f, 0, 0);
    }
    checkCosignatures(roots.lastKey(), cosigned, witnesses, f);
    long records = recompute(dir, roots, f, progress, extraSizes);
    checkTimestamps(dir, trusted, timestamps, f);
    return result(f, records, roots.size());
  }

  private static Result result(Findings f, long records, int checkpoints) {
    return new Result(
        f.problems.isEmpty(),
        records,
        checkpoints,
        f.firstBad < 0 ? OptionalLong.empty() : OptionalLong.of(f.firstBad),
        f.problems,
        f.warnings,
        f.timestamps,
        Optional.ofNullable(f.latestTimestamp),
        f.cosignatures);
  }

  /**
   * The latest checkpoint must be cosigned by {@code minimum} pinned witnesses. Earlier ones need
   * not be (a witness may have been unreachable): the records they cover are covered by the latest
   * one too, whose root this verifier recomputes from the records.
   */
  private static void checkCosignatures(
      long latest, TreeMap<Long, java.util.Set<String>> cosigned, Witnesses w, Findings f) {
    f.cosignatures = cosigned.getOrDefault(latest, java.util.Set.of()).size();
    if (w.minimum() == 0) {
      if (!w.keys().isEmpty() && f.cosignatures == 0) {
        f.warnings.add("the latest checkpoint (size " + latest + ") has no witness cosignature");
      }
      return;
    }
    if (f.cosignatures >= w.minimum()) {
      return;
    }
    long witnessed = 0;
    for (var e : cosigned.descendingMap().entrySet()) {
      if (e.getValue().size() >= w.minimum()) {
        witnessed = e.getKey();
        break;
      }
    }
    f.bad(
        witnessed,
        "the latest checkpoint (size "
            + latest
            + ") carries "
            + f.cosignatures
            + " of the "
            + w.minimum()
            + " required witness cosignatures: nothing shows this history is the one the"
            + " witnesses saw (a rollback, a truncated export re-signed by the operator, or a fork"
            + " look exactly like this); "
            + (witnessed == 0
                ? "no checkpoint in the export is sufficiently cosigned"
                : "the latest sufficiently cosigned checkpoint is at size " + witnessed));
  }

  /** The {@code origin} line of the export's manifest, when it names one. */
  private static Optional<String> manifestOrigin(Path dir, Findings f) {
    Path manifest = dir.resolve(ExportFiles.MANIFEST);
    if (!Files.exists(manifest)) {
      f.warnings.add("the export has no " + ExportFiles.MANIFEST + "; its origin is not checked");
      return Optional.empty();
    }
    try {
      for (String line : Files.readAllLines(manifest)) {
        if (line.startsWith("origin ") && line.length() > "origin ".length()) {
          return Optional.of(line.substring("origin ".length()));
        }
      }
    } catch (IOException e) {
      f.problems.add(ExportFiles.MANIFEST + " is unreadable: " + e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * Checks each checkpoint's time-stamp token against SHA-256 of that checkpoint's text. Only
   * checkpoints signed by a trusted key count: a token over a forged checkpoint proves nothing.
   * Checkpoints without a token (e.g. published while the TSA was unreachable) are covered by the
   * next time-stamped one, since it commits to every earlier record.
   */
  private static void checkTimestamps(
      Path dir, List<NoteVerifier> keys, Optional<TimestampChecker> checker, Findings f) {
    Path folder = dir.resolve(ExportFiles.CHECKPOINTS);
    if (!Files.isDirectory(folder)) {
      return;
    }
    List<Path> notes;
    List<Path> tokens;
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> all = files.sorted().toList();
      notes = all.stream().filter(p -> p.toString().endsWith(".note")).toList();
      tokens = all.stream().filter(p -> p.toString().endsWith(".tsr")).toList();
    } catch (IOException e) {
      f.problems.add("cannot list checkpoints: " + e.getMessage());
      return;
    }
    if (checker.isEmpty()) {
      if (!tokens.isEmpty()) {
        f.warnings.add(
            tokens.size()
                + " checkpoint time-stamp tokens not checked; pass --tsa-cert to check them");
      }
      return;
    }
    int missing = 0;
    for (Path notePath : notes) {
      String name = notePath.getFileName().toString();
      Path tokenPath = folder.resolve(name.substring(0, name.length() - 5) + ".tsr");
      SignedNote note;
      try {
        note = SignedNote.parse(Files.readString(notePath));
      } catch (IOException | IllegalArgumentException e) {
        continue; // reported as malformed already
      }
      if (keys.stream().noneMatch(note::verifiedBy)) {
        continue; // reported as unsigned already
      }
      if (!Files.exists(tokenPath)) {
        missing++;
        continue;
      }
      String what = "time-stamp token of checkpoint " + name;
      try {
        Instant t =
            checker
                .get()
                .check(
                    Files.readAllBytes(tokenPath),
                    org.openlgsp.core.Digests.sha256(
                        note.text().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        f.timestamps++;
        if (f.latestTimestamp == null || t.isAfter(f.latestTimestamp)) {
          f.latestTimestamp = t;
        }
      } catch (IOException e) {
        f.problems.add(what + " is unreadable: " + e.getMessage());
      } catch (RuntimeException e) {
        f.problems.add(what + " does not verify: " + e.getMessage());
      }
    }
    for (Path tokenPath : tokens) {
      String name = tokenPath.getFileName().toString();
      if (!Files.exists(folder.resolve(name.substring(0, name.length() - 4) + ".note"))) {
        f.problems.add("time-stamp token " + name + " has no checkpoint beside it");
      }
    }
    if (tokens.isEmpty() && !notes.isEmpty()) {
      f.problems.add(
          "a TSA certificate was given but no checkpoint in the export carries a time-stamp token");
    } else if (missing > 0) {
      f.warnings.add(
          missing
              + " checkpoints have no time-stamp token; the records they sign are time-stamped by"
              + " the next checkpoint that has one");
    }
  }

  /**
   * Signature-checked checkpoint roots by size; a second root for one size is a fork. A checkpoint
   * counts only when its origin line is the name of the trusted key that signed it and the origin
   * the export's manifest declares: a log key's signature vouches for its own log only.
   */
  private static TreeMap<Long, byte[]> checkpoints(
      Path dir,
      List<NoteVerifier> keys,
      List<SignedNote> extra,
      Witnesses witnesses,
      Findings f,
      java.util.Set<Long> extraSizes,
      TreeMap<Long, java.util.Set<String>> cosigned) {
    Optional<String> declared = manifestOrigin(dir, f);
    List<SignedNote> notes = new ArrayList<>();
    Path folder = dir.resolve(ExportFiles.CHECKPOINTS);
    if (Files.isDirectory(folder)) {
      try (Stream<Path> files = Files.list(folder)) {
        for (Path p : files.filter(p -> p.toString().endsWith(".note")).sorted().toList()) {
          try {
            notes.add(SignedNote.parse(Files.readString(p)));
          } catch (IOException | IllegalArgumentException e) {
            f.problems.add("checkpoint " + p.getFileName() + " is malformed: " + e.getMessage());
          }
        }
      } catch (IOException e) {
        f.problems.add("cannot list checkpoints: " + e.getMessage());
      }
    }
    notes.addAll(extra);
    TreeMap<Long, byte[]> roots = new TreeMap<>();
    String origin = null;
    for (SignedNote note : notes) {
      Checkpoint cp;
      try {
        cp = Checkpoint.parse(note.text());
      } catch (IllegalArgumentException e) {
        f.problems.add("not a checkpoint: " + e.getMessage());
        continue;
      }
      Optional<NoteVerifier> signer = keys.stream().filter(note::verifiedBy).findFirst();
      if (signer.isEmpty()) {
        f.bad(-1, "checkpoint at size " + cp.size() + " has no valid signature by a trusted key");
        continue;
      }
      String bound =
          !cp.origin().equals(signer.get().name())
              ? "is signed by the key of "
                  + signer.get().name()
                  + ": a log key vouches for its own origin only"
              : declared
                  .filter(d -> !d.equals(cp.origin()))
                  .map(d -> "the export's manifest declares " + d)
                  .orElse("");
      if (!bound.isEmpty()) {
        f.bad(
            -1,
            "checkpoint at size " + cp.size() + " claims origin " + cp.origin() + " but " + bound);
        continue;
      }
      if (origin != null && !origin.equals(cp.origin())) {
        f.problems.add("checkpoints of two logs mixed: " + origin + " and " + cp.origin());
        continue;
      }
      origin = cp.origin();
      if (extra.contains(note) && !roots.containsKey(cp.size())) {
        extraSizes.add(cp.size());
      }
      byte[] seen = roots.putIfAbsent(cp.size(), cp.rootHash());
      if (seen != null && !MessageDigest.isEqual(seen, cp.rootHash())) {
        f.problems.add(
            "forked checkpoint: two validly signed checkpoints of size "
                + cp.size()
                + " with different roots");
      } else { // cosignatures count for the root they sign, never for another of the same size
        cosigned
            .computeIfAbsent(cp.size(), k -> new java.util.TreeSet<>())
            .addAll(witnesses.cosigners(note));
      }
    }
    return roots;
  }

  private static long recompute(
      Path dir,
      TreeMap<Long, byte[]> roots,
      Findings f,
      Consumer<String> progress,
      java.util.Set<Long> extraSizes) {
    Rebuild tree = new Rebuild(dir, roots, f, extraSizes);
    List<Frontier.Node> sink = new NodeSink();
    long total = roots.lastKey();
    long started = System.nanoTime();
    long i = 0;
    try (ChunkReader chunks = new ChunkReader(dir)) {
      while (true) {
        RecordChunk chunk = chunks.next();
        long end = chunk.first + chunk.count;
        // a full, aligned chunk with no checkpoint inside is one perfect subtree: hashed whole
        boolean subtree =
            chunk.count == RecordChunk.SIZE
                && chunk.first % RecordChunk.SIZE == 0
                && roots.subMap(chunk.first, false, end, false).isEmpty();
        chunk.hash(subtree);
        if (subtree) {
          tree.leafMismatch(chunk.firstMismatch);
          tree.frontier.appendPerfect(chunk.root, RecordChunk.LEVEL);
          i = end;
          if (tree.failsAt(i)) {
            return i;
          }
        } else {
          for (int j = 0; j < chunk.count; j++) {
            if (chunk.first + j == chunk.firstMismatch) {
              tree.leafMismatch(chunk.firstMismatch);
            }
            tree.frontier.append(chunk.leaf(j), sink);
            i++;
            if (tree.failsAt(i)) {
              return i;
            }
          }
        }
        if (i / PROGRESS_EVERY > chunk.first / PROGRESS_EVERY) {
          double seconds = (System.nanoTime() - started) / 1e9;
          progress.accept(
              String.format(
                  "verified %,d of %,d signed records (%,.0f records/s)", i, total, i / seconds));
        }
        if (chunk.readProblem != null) {
          f.bad(i, chunk.readProblem);
          return i;
        }
        if (chunk.last) {
          break;
        }
      }
    } catch (IOException e) {
      f.bad(i, "cannot read the export at record " + i + ": " + e.getMessage());
      return i;
    }
    if (i < total) {
      f.bad(
          i,
          "truncated: the export holds "
              + i
              + " records but a checkpoint signs "
              + total
              + "; first missing index "
              + i);
    } else if (i > total) {
      f.warnings.add(
          (i - total)
              + " records after the latest checkpoint (size "
              + total
              + ") are not signed yet");
    }
    return i;
  }

  /** The tree rebuilt from the records, checked against each checkpoint as its size is reached. */
  private static final class Rebuild {
    final Frontier frontier = Frontier.empty();
    private final Path dir;
    private final TreeMap<Long, byte[]> roots;
    private final Findings f;
    private final java.util.Set<Long> extraSizes;
    private long lastGood;
    private long firstLeafMismatch = -1;

    Rebuild(Path dir, TreeMap<Long, byte[]> roots, Findings f, java.util.Set<Long> extraSizes) {
      this.dir = dir;
      this.roots = roots;
      this.f = f;
      this.extraSizes = extraSizes;
    }

    /** A record (the first so far, if {@code index >= 0}) differs from its stored leaf hash. */
    void leafMismatch(long index) {
      if (firstLeafMismatch < 0) {
        firstLeafMismatch = index;
      }
    }

    /** Compares with the checkpoint at {@code size}, if any; true when it does not match. */
    boolean failsAt(long size) throws IOException {
      byte[] expected = roots.get(size);
      if (expected == null) {
        return false;
      }
      byte[] root = frontier.root();
      if (MessageDigest.isEqual(root, expected)) {
        lastGood = size;
        return false;
      }
      Optional<byte[]> leavesRoot = leavesRoot(dir, size);
      if (extraSizes.contains(size)
          && leavesRoot.isPresent()
          && MessageDigest.isEqual(leavesRoot.get(), root)) {
        f.bad(
            lastGood,
            "forked checkpoint: the supplied checkpoint at size "
                + size
                + " is validly signed but contradicts this export, whose own checkpoints"
                + " verify; the log has shown two histories (first divergence at or after "
                + lastGood
                + ")");
      } else {
        mismatch(f, size, lastGood, expected, leavesRoot, firstLeafMismatch);
      }
      return true;
    }
  }

  /** Maps chunks ahead on another thread, so that parsing frames overlaps hashing. */
  private static final class ChunkReader implements AutoCloseable {
    private final java.util.concurrent.BlockingQueue<Object> queue =
        new java.util.concurrent.ArrayBlockingQueue<>(2);
    private final java.nio.channels.FileChannel records;
    private final InputStream leaves;
    private final Thread thread;

    ChunkReader(Path dir) throws IOException {
      records = java.nio.channels.FileChannel.open(dir.resolve(ExportFiles.RECORDS));
      leaves = openOptional(dir.resolve(ExportFiles.LEAVES));
      thread = Thread.ofPlatform().name("ledger-verify-reader").daemon(true).start(this::run);
    }

    private void run() {
      try {
        long first = 0;
        long position = 0;
        InputStream stored = leaves;
        while (true) {
          RecordChunk c = RecordChunk.read(records, position, stored, first);
          if (c.storedShort()) {
            stored = null; // the stored leaves ran out: compare no further
          }
          queue.put(c);
          if (c.last) {
            return;
          }
          first += c.count;
          position = c.next;
        }
      } catch (IOException e) {
        try {
          queue.put(e);
        } catch (InterruptedException closed) {
          // the verifier has stopped reading
        }
      } catch (InterruptedException closed) {
        // the verifier has stopped reading
      }
    }

    RecordChunk next() throws IOException {
      Object o;
      try {
        o = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while verifying");
      }
      if (o instanceof IOException e) {
        throw e;
      }
      return (RecordChunk) o;
    }

    @Override
    public void close() throws IOException {
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try (records;
          InputStream l = leaves) {
        // closed in this order
      }
    }
  }

  /** The root over the export's first {@code size} stored leaf hashes, if it has that many. */
  private static Optional<byte[]> leavesRoot(Path dir, long size) throws IOException {
    Path file = dir.resolve(ExportFiles.LEAVES);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Frontier f = Frontier.empty();
    List<Frontier.Node> sink = new NodeSink();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      byte[] h = new byte[Merkle.HASH_SIZE];
      for (long k = 0; k < size; k++) {
        if (in.readNBytes(h, 0, h.length) != h.length) {
          return Optional.empty();
        }
        f.append(h.clone(), sink);
      }
    }
    return Optional.of(f.root());
  }

  private static void mismatch(
      Findings f,
      long size,
      long lastGood,
      byte[] expected,
      Optional<byte[]> leavesRoot,
      long leafMismatch) {
    boolean leavesTrusted =
        leavesRoot.isPresent() && MessageDigest.isEqual(leavesRoot.get(), expected);
    if (leavesTrusted && leafMismatch >= 0) {
      f.bad(
          leafMismatch,
          "record "
              + leafMismatch
              + " does not hash to the leaf the signed checkpoint at size "
              + size
              + " commits to (edited, deleted, inserted or reordered)");
    } else {
      f.bad(
          lastGood,
          "records "
              + lastGood
              + ".."
              + (size - 1)
              + " do not match the signed checkpoint at size "
              + size
              + " and the tree's own hashes were altered too; first bad index is in that range");
    }
  }

  private static InputStream openOptional(Path file) throws IOException {
    return Files.exists(file) ? new BufferedInputStream(Files.newInputStream(file), 1 << 20) : null;
  }

  /** Discards the completed subtrees a verification frontier reports. */
  private static final class NodeSink extends java.util.AbstractList<Frontier.Node> {
    @Override
    public boolean add(Frontier.Node n) {
      return true;
    }

    @Override
    public Frontier.Node get(int index) {
      throw new IndexOutOfBoundsException();
    }

    @Override
    public int size() {
      return 0;
    }
  }
}
