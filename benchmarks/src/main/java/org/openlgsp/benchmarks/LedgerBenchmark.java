package org.openlgsp.benchmarks;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.ledger.Checkpoint;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.ledger.LedgerReader;
import org.openlgsp.ledger.LedgerVerifier;
import org.openlgsp.ledger.Merkle;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.SignedNote;
import org.openlgsp.ledger.TreeHead;
import org.openlgsp.ledger.TreeLoader;
import org.openlgsp.storage.Database;

/**
 * Verifiable-ledger figures with same-run baselines: durable appends/s against plain SQLite
 * inserts, offline verification records/s against raw SHA-256 hashing, and proof latency at a large
 * tree. Usage: {@code LedgerBenchmark [appends] [verifyRecords] [treeLeaves] [workDir]}.
 */
public final class LedgerBenchmark {
  private LedgerBenchmark() {}

  private static final List<String[]> ROWS = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("verify")) {
      verifyOnly(args);
      return;
    }
    int appends = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int verifyRecords = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    long treeLeaves = args.length > 2 ? Long.parseLong(args[2]) : 10_000_000L;
    Path work = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("lgsp-ledger-bench");
    Files.createDirectories(work);
    System.out.printf(
        "ledger benchmark: %d appends, %d records verified, proofs at %d leaves, in %s%n",
        appends, verifyRecords, treeLeaves, work);

    byte[] sample = record("bench-000000000").canonical();
    System.out.printf("canonical record size: %d bytes%n", sample.length);
    sha256Baseline(sample, verifyRecords);
    plainSqliteBaseline(work, appends, sample);
    durableAppends(work, appends, "jdbc:sqlite:" + work.resolve("append.db"));
    String pg = System.getProperty("lgsp.postgres.url", "");
    if (!pg.isEmpty()) {
      durableAppends(work, appends, freshSchema(pg));
    }
    verification(work, verifyRecords);
    proofs(work, treeLeaves);
    printRows();
  }

  /**
   * {@code verify [records] [runs] [workDir]}: only the verifier and its SHA-256 baseline, each run
   * measuring both, for profiling the verifier without the slow append and proof set-ups.
   */
  private static void verifyOnly(String[] args) throws Exception {
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path work = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("lgsp-verify-bench");
    byte[] sample = record("bench-000000000").canonical();
    System.out.printf(
        "verifier benchmark: %d records of %d bytes, %d runs, %d processors, in %s%n",
        n, sample.length, runs, Runtime.getRuntime().availableProcessors(), work);
    for (int run = 0; run < runs; run++) {
      sha256Baseline(sample, n);
      verification(work, n);
    }
    printRows();
  }

  private static void printRows() {
    System.out.println();
    System.out.printf("%-58s %16s %s%n", "measurement", "result", "unit");
    for (String[] r : ROWS) {
      System.out.printf("%-58s %16s %s%n", r[0], r[1], r[2]);
    }
  }

  /** A new, empty schema on the given PostgreSQL, so the run never touches other tables. */
  private static String freshSchema(String url) throws java.sql.SQLException {
    String schema = "lgsp_bench_" + Long.toHexString(System.nanoTime());
    try (Connection c = java.sql.DriverManager.getConnection(url)) {
      c.createStatement().execute("CREATE SCHEMA " + schema);
    }
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  static ExchangeRecord record(String id) {
    Instant t = Instant.parse("2026-11-22T10:15:30.123456789Z");
    return new ExchangeRecord(
        id,
        "req-" + id,
        org.openlgsp.ledger.Side.PROVIDER,
        NodeId.parse("VN/GOV/000.00.00.G01/gw1"),
        ClientId.parse("VN/GOV/000.00.00.H53/DVC"),
        ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens"),
        "GET",
        "/citizens/{subject}",
        200,
        t,
        t.plusMillis(12),
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
        "c2lnbmF0dXJlIG9mIHRoZSByZXF1ZXN0IGJ5IHRoZSBjb25zdW1lcidzIG1lbWJlciBrZXkgRWQyNTUxOQ==",
        "c2lnbmF0dXJlIG9mIHRoZSByZXNwb25zZSBieSB0aGUgcHJvdmlkZXIncyBtZW1iZXIga2V5IEVkMjU1MTk=",
        "VN072090000001",
        "HS-2026-000123",
        "",
        "0gEt2nIjpZoIcjR746TXH5AcDEAB9jAzeQbLXnQtLeQ=");
  }

  private static void row(String name, double value, String unit) {
    ROWS.add(new String[] {name, String.format("%,.0f", value), unit});
  }

  private static void rowMicros(String name, double micros) {
    ROWS.add(new String[] {name, String.format("%,.1f", micros), "µs"});
  }

  /** Baseline: SHA-256 over canonical-sized records, one thread. */
  private static void sha256Baseline(byte[] sample, int n) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = sample.clone();
    for (int warm = 0; warm < 2; warm++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        buf[10] = (byte) i;
        sha.update((byte) 0);
        sha.update(buf);
        sha.digest();
      }
      double s = (System.nanoTime() - t0) / 1e9;
      if (warm == 1) {
        row("baseline: raw SHA-256 of records, 1 thread", n / s, "records/s");
      }
    }
  }

  /** Baseline: plain SQLite inserts of the same bytes, 512 per transaction, synchronous=FULL. */
  private static void plainSqliteBaseline(Path work, int n, byte[] sample) throws Exception {
    try (Database db = Database.sqlite(work.resolve("plain.db"));
        Connection c = db.connection()) {
      c.createStatement().execute("CREATE TABLE plain (idx INTEGER PRIMARY KEY, record BLOB)");
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      try (PreparedStatement p = c.prepareStatement("INSERT INTO plain VALUES (?, ?)")) {
        for (int i = 0; i < n; i++) {
          p.setLong(1, i);
          p.setBytes(2, sample);
          p.addBatch();
          if ((i + 1) % 512 == 0) {
            p.executeBatch();
            c.commit();
          }
        }
        p.executeBatch();
        c.commit();
      }
      double s = (System.nanoTime() - t0) / 1e9;
      row("baseline: plain SQLite inserts, 512/commit, 1 thread", n / s, "rows/s");
    }
  }

  /** The ledger: concurrent callers, each released only after its group commit. */
  private static void durableAppends(Path work, int n, String url) throws Exception {
    String label = url.startsWith("jdbc:sqlite") ? "SQLite" : "PostgreSQL";
    try (Database db = Database.open(url);
        Ledger ledger = Ledger.open(db, LedgerOptions.defaults())) {
      long start = ledger.size();
      int threads = 1024;
      AtomicLong next = new AtomicLong();
      CountDownLatch done = new CountDownLatch(threads);
      Histogram latency = new Histogram(3);
      long t0 = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        Thread.ofVirtual()
            .start(
                () -> {
                  long i;
                  while ((i = next.getAndIncrement()) < n) {
                    long a = System.nanoTime();
                    ledger.append(record(String.format("bench-%09d", i)));
                    synchronized (latency) {
                      latency.recordValue((System.nanoTime() - a) / 1000);
                    }
                  }
                  done.countDown();
                });
      }
      done.await();
      double s = (System.nanoTime() - t0) / 1e9;
      row("ledger: durable appends (" + label + ", 1024 callers, tree)", n / s, "appends/s");
      rowMicros("ledger: append latency p50 (" + label + ")", latency.getValueAtPercentile(50));
      rowMicros("ledger: append latency p99 (" + label + ")", latency.getValueAtPercentile(99));
      if (ledger.size() != start + n) {
        throw new IllegalStateException("lost appends");
      }
    }
  }

  /** Offline verification of a synthetic export of {@code n} records with one checkpoint. */
  private static void verification(Path work, int n) throws IOException {
    Path dir = work.resolve("export");
    Files.createDirectories(dir.resolve("checkpoints"));
    NoteKey key = NoteKey.generate("bench.lgsp/gw1", NoteKey.TYPE_ED25519);
    Deque<byte[]> stack = new ArrayDeque<>();
    try (DataOutputStream records =
            new DataOutputStream(
                new BufferedOutputStream(
                    Files.newOutputStream(dir.resolve("records.bin")), 1 << 20));
        OutputStream leaves =
            new BufferedOutputStream(Files.newOutputStream(dir.resolve("leaves.bin")), 1 << 20)) {
      List<byte[]> levels = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] r = record(String.format("bench-%09d", i)).canonical();
        records.writeInt(r.length);
        records.write(r);
        byte[] leaf = Merkle.leafHash(r);
        leaves.write(leaf);
        byte[] cur = leaf;
        long idx = i;
        int level = 0;
        while ((idx & 1) == 1) {
          cur = Merkle.nodeHash(levels.remove(levels.size() - 1), cur);
          idx >>>= 1;
          level++;
        }
        levels.add(cur);
      }
      stack.addAll(levels);
    }
    List<byte[]> edge = new ArrayList<>(stack);
    byte[] root = edge.get(edge.size() - 1);
    for (int j = edge.size() - 2; j >= 0; j--) {
      root = Merkle.nodeHash(edge.get(j), root);
    }
    Files.writeString(
        dir.resolve(String.format("checkpoints/%020d.note", n)),
        SignedNote.sign(new Checkpoint(key.name(), n, root).text(), key).format());
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    LedgerVerifier.Result r =
        LedgerVerifier.verify(dir, List.of(key.verifier()), List.of(), System.out::println);
    double s = (System.nanoTime() - t0) / 1e9;
    long cpu = os.getProcessCpuTime() - cpu0;
    if (!r.sound()) {
      throw new IllegalStateException("benchmark export did not verify: " + r.problems());
    }
    row("verifier: records recomputed and checked (from files)", n / s, "records/s");
    // CPU time of all the process's threads: less sensitive than wall time to other load
    ROWS.add(
        new String[] {
          "verifier: CPU time per record, all threads",
          String.format("%,.0f", (double) cpu / n),
          "ns/record"
        });
  }

  /** Proof latency in a tree of {@code leaves} leaves built directly in the tree store. */
  private static void proofs(Path work, long leaves) throws Exception {
    Path file = work.resolve("tree-" + leaves + ".db");
    boolean fresh = !Files.exists(file);
    try (Database db = Database.sqlite(file)) {
      if (fresh) {
        long t0 = System.nanoTime();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Iterator<byte[]> gen =
            new Iterator<>() {
              long i;

              @Override
              public boolean hasNext() {
                return i < leaves;
              }

              @Override
              public byte[] next() {
                sha.update((byte) 0);
                sha.update(java.nio.ByteBuffer.allocate(8).putLong(i++).array());
                return sha.digest();
              }
            };
        TreeHead h = TreeLoader.appendLeaves(db, gen, 50_000, System.out::println);
        double s = (System.nanoTime() - t0) / 1e9;
        row("setup: tree nodes bulk-loaded (SQLite)", h.size() / s, "leaves/s");
      }
      LedgerReader reader = LedgerReader.open(db);
      TreeHead head = reader.head();
      Random random = new Random(1);
      Histogram inclusion = new Histogram(3);
      Histogram consistency = new Histogram(3);
      for (int i = 0; i < 22_000; i++) {
        long index = Math.floorMod(random.nextLong(), head.size());
        long a = System.nanoTime();
        List<byte[]> path = reader.inclusionProof(index, head.size());
        long b = System.nanoTime();
        long first = 1 + Math.floorMod(random.nextLong(), head.size() - 1);
        List<byte[]> proof = reader.consistencyProof(first, head.size());
        long c = System.nanoTime();
        if (i >= 2_000) { // after warm-up
          inclusion.recordValue((b - a) / 1000);
          consistency.recordValue((c - b) / 1000);
        }
        if (i % 5_000 == 0) {
          check(reader, head, index, path, first, proof);
        }
      }
      String at = String.format("%,d", head.size());
      rowMicros("inclusion proof at " + at + " leaves, p50", inclusion.getValueAtPercentile(50));
      rowMicros("inclusion proof at " + at + " leaves, p99", inclusion.getValueAtPercentile(99));
      rowMicros(
          "consistency proof at " + at + " leaves, p50", consistency.getValueAtPercentile(50));
      rowMicros(
          "consistency proof at " + at + " leaves, p99", consistency.getValueAtPercentile(99));
    }
  }

  private static void check(
      LedgerReader reader,
      TreeHead head,
      long index,
      List<byte[]> path,
      long first,
      List<byte[]> proof) {
    byte[] leaf = reader.leafHashes(index, index + 1).get(0);
    TreeHead old = reader.headAt(first);
    if (!Merkle.verifyInclusion(index, head.size(), leaf, path, head.rootHash())
        || !Merkle.verifyConsistency(first, head.size(), old.rootHash(), head.rootHash(), proof)) {
      throw new IllegalStateException("a benchmark proof did not verify");
    }
  }
}
