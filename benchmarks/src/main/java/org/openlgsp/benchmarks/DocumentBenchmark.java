package org.openlgsp.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.AxisOptions;
import org.openlgsp.documents.DocumentAxis;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.Packages;
import org.openlgsp.documents.RemoteDelivery;
import org.openlgsp.documents.SignedPackages;
import org.openlgsp.documents.SignerTrust;
import org.openlgsp.documents.SigningKey;
import org.openlgsp.pki.Pem;
import org.openlgsp.storage.Database;
import org.openlgsp.testkit.Federation;

/**
 * Document axis throughput: signed 50 KB documents per second end to end (province axis → its
 * gateway → Government Office gateway → its axis → the recipient's webhook), and MB/s for one large
 * attachment, each next to a baseline measured in the same run: the same bytes POSTed to a plain
 * HTTP sink that only drains them. Group commit is measured against commit-per-document on a lone
 * axis in the same run, alternating, three rounds each.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.DocumentBenchmark [documents] [workers] [largeMiB | package file]}
 */
public final class DocumentBenchmark {
  private DocumentBenchmark() {}

  public static void main(String[] args) throws Exception {
    int documents = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    // a number: build a package with an attachment of that many MiB here; a file: use that package
    // (built by BuildLargePackage in another JVM, so this heap measures only the axis path)
    String large = args.length > 2 ? args[2] : "75";
    Path prebuilt = Path.of(large);
    int largeMiB = Files.isRegularFile(prebuilt) ? 0 : Integer.parseInt(large);
    System.out.printf(
        "OpenLGSP document axis benchmark: %d documents of 50 KB, %d workers, large package: %s%n",
        documents, workers, largeMiB > 0 ? largeMiB + " MiB attachment" : prebuilt.toString());
    System.out.printf(
        "JVM %s, %d cores, max heap %d MiB%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    Path work = Files.createTempDirectory("lgsp-edoc-bench");
    AtomicLong arrived = new AtomicLong();
    AtomicLong sinkBytes = new AtomicLong();
    HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    sink.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    sink.createContext(
        "/",
        ex -> {
          try (InputStream in = ex.getRequestBody()) {
            sinkBytes.addAndGet(in.transferTo(java.io.OutputStream.nullOutputStream()));
          }
          if (ex.getRequestURI().getPath().startsWith("/webhook")) {
            arrived.incrementAndGet();
          }
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    sink.start();
    String sinkUrl = "http://127.0.0.1:" + sink.getAddress().getPort();
    WebClient http =
        WebClient.builder()
            .connectionCacheSize(workers * 2)
            .followRedirects(false)
            .sendExpectContinue(false)
            .build();
    // A package built by BuildLargePackage was signed under that JVM's CA, written beside it.
    Path prebuiltCa = Path.of(large + ".ca.pem");
    List<java.security.cert.X509Certificate> extraAnchors =
        largeMiB == 0 && Files.isRegularFile(prebuiltCa)
            ? Pem.certificates(Files.readString(prebuiltCa))
            : List.of();
    try (Federation fed =
        Federation.start(
            work,
            Federation.Options.documents()
                .withOut(System.out)
                .withExtraSignerAnchors(extraAnchors))) {
      AxisClient province = new AxisClient(fed.provinceAxisUrl(), fed.provinceToken());
      AxisClient government = new AxisClient(fed.governmentAxisUrl(), fed.governmentToken());
      government.webhook(sinkUrl + "/webhook");
      SigningKey key = fed.provinceKey();

      System.out.println("signing " + (documents + 200) + " documents of 50 KB (not timed)…");
      List<byte[]> warm = sign(key, 200, 0, 50 * 1024);
      List<byte[]> docs = sign(key, documents, 1_000_000, 50 * 1024);

      System.out.println("warm-up…");
      run(warm, workers, b -> province.send(b));
      awaitArrivals(arrived, warm.size());
      run(warm, workers, b -> post(http, sinkUrl + "/sink", b));

      long c0 = cpuNanos();
      long t0 = System.nanoTime();
      run(docs, workers, b -> post(http, sinkUrl + "/sink", b));
      double baseline = docs.size() / seconds(t0);
      double baselineCpu = (cpuNanos() - c0) / 1e6 / docs.size();

      arrived.set(0);
      long c1 = cpuNanos();
      long t1 = System.nanoTime();
      run(docs, workers, b -> province.send(b));
      double accepted = docs.size() / seconds(t1);
      awaitArrivals(arrived, docs.size());
      double endToEnd = docs.size() / seconds(t1);
      double endToEndCpu = (cpuNanos() - c1) / 1e6 / docs.size();

      System.out.println();
      System.out.println(
          "| 50 KB signed documents, " + workers + " workers | documents/s | CPU ms/document |");
      System.out.println("|---|---:|---:|");
      System.out.printf(
          "| baseline: same bytes POSTed to a draining HTTP sink | %.0f | %.2f |%n",
          baseline, baselineCpu);
      System.out.printf(
          "| accepted by the sending axis (parsed, signature verified, validated, fsync'd, receipt) | %.0f | |%n",
          accepted);
      System.out.printf(
          "| end to end: receipt → 2 gateways (signed exchange, 2 ledgers) → receiving axis stored → webhook | %.0f | %.2f |%n",
          endToEnd, endToEndCpu);

      System.out.println();
      System.out.println(
          "| sending axis alone (no gateway, outbox idle), same "
              + Math.min(500, docs.size())
              + " documents, "
              + workers
              + " workers | accepted documents/s | transactions | CPU ms/document |");
      System.out.println("|---|---:|---:|---:|");
      List<byte[]> part = docs.subList(0, Math.min(500, docs.size()));
      for (int round = 1; round <= 3; round++) {
        for (int batch : new int[] {1, AxisOptions.DEFAULT_WRITE_BATCH}) {
          long[] commits = new long[2];
          double rate =
              acceptLocally(
                  part, workers, batch, fed, work.resolve("alone-" + round + "-" + batch), commits);
          System.out.printf(
              "| round %d, %s | %.0f | %d | %.2f |%n",
              round,
              batch == 1
                  ? "one commit per document (before)"
                  : "group commit (writeBatch " + batch + ")",
              rate,
              commits[0],
              commits[1] / 1e6 / part.size());
        }
      }
      docs = null;
      warm = null;
      part = null;
      System.out.println();
      Path largeFile = prebuilt;
      if (largeMiB > 0) {
        System.out.println(
            "building a package with one " + largeMiB + " MiB attachment (not timed)…");
        largeFile = work.resolve("large.edxml");
        BuildLargePackage.write(largeFile, largeMiB, key);
      }
      long size = Files.size(largeFile);
      double mib = size / 1048576.0;
      System.gc();
      resetPeaks();
      long b0 = System.nanoTime();
      post(http, sinkUrl + "/sink", largeFile);
      double baselineMbs = mib / seconds(b0);
      long sinkHeap = peakHeap();
      System.gc();
      resetPeaks();
      arrived.set(0);
      long l0 = System.nanoTime();
      province.send(largeFile);
      double acceptSeconds = seconds(l0);
      awaitArrivals(arrived, 1);
      double e2eMbs = mib / seconds(l0);
      long axisHeap = peakHeap();
      System.out.println();
      System.out.printf(
          "| one %.0f MiB package (attachment in base64) | MiB/s | peak heap MiB |%n", mib);
      System.out.println("|---|---:|---:|");
      System.out.printf(
          "| baseline: POST to a draining HTTP sink | %.1f | %d |%n", baselineMbs, sinkHeap >> 20);
      System.out.printf(
          "| end to end through both axis nodes and gateways (accepted in %.1f s) | %.1f | %d |%n",
          acceptSeconds, e2eMbs, axisHeap >> 20);
      long[] ledgers = fed.ledgerSizes();
      System.out.printf(
          "%nledger records: Nghệ An gateway %d, Government Office gateway %d%n",
          ledgers[0], ledgers[1]);
    } finally {
      sink.stop(0);
    }
  }

  /**
   * Documents/s accepted by a lone axis on its own SQLite file: spool, parse, verify, check the
   * signer, validate, fsync the file, commit, receipt — with at most {@code writeBatch} packages
   * per transaction. {@code commits[0]} receives the number of transactions, {@code commits[1]} the
   * process's CPU nanoseconds.
   */
  private static double acceptLocally(
      List<byte[]> bodies, int workers, int writeBatch, Federation fed, Path dir, long[] commits)
      throws Exception {
    List<java.security.cert.X509Certificate> anchors =
        Pem.certificates(Files.readString(fed.workDir().resolve("pki/document-signers-ca.pem")));
    try (Database db = Database.sqlite(dir.resolve("axis.db"));
        DocumentAxis axis =
            new DocumentAxis(
                db,
                AxisOptions.defaults(dir.resolve("files")).withWriteBatch(writeBatch),
                SignerTrust.anchoredAt(anchors, Clock.systemUTC()).requiringSenderMatch(true),
                Set.of(Federation.PROVINCE),
                RemoteDelivery.NONE,
                Clock.systemUTC())) {
      long c = cpuNanos();
      long t = System.nanoTime();
      run(bodies, workers, b -> axis.submit(Federation.PROVINCE, new ByteArrayInputStream(b)));
      double rate = bodies.size() / seconds(t);
      commits[0] = axis.commits();
      commits[1] = cpuNanos() - c;
      return rate;
    }
  }

  private static DocumentPackage document(SigningKey key, int number) {
    return Packages.document(
        new Packages.NewDocument(
            Federation.PROVINCE,
            "UBND tỉnh Nghệ An",
            List.of(AgencyCode.parse(Federation.GOVERNMENT_OFFICE.value())),
            String.valueOf(number),
            "UBND-BENCH",
            LocalDate.now(),
            "Văn bản đo hiệu năng " + number,
            "Nội dung",
            "Người ký"),
        Instant.now());
  }

  private static List<byte[]> sign(SigningKey key, int n, int offset, int attachmentBytes) {
    byte[] attachment = new byte[attachmentBytes * 3 / 4];
    new Random(7).nextBytes(attachment);
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      DocumentPackage d = document(key, offset + i);
      Packages.attach(d, "van-ban.pdf", "application/pdf", attachment);
      out.add(SignedPackages.sign(d, key));
    }
    return out;
  }

  interface Sender {
    void send(byte[] body) throws Exception;
  }

  private static void run(List<byte[]> bodies, int workers, Sender sender) throws Exception {
    AtomicLong next = new AtomicLong();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> all = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        all.add(
            pool.submit(
                () -> {
                  for (long i = next.getAndIncrement();
                      i < bodies.size();
                      i = next.getAndIncrement()) {
                    sender.send(bodies.get((int) i));
                  }
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get();
      }
    }
  }

  private static void post(WebClient http, String url, byte[] body) {
    try (HttpClientResponse r = http.post(url).submit(body)) {
      requireNoContent(r);
    }
  }

  /** Streams the file, as the axis's outbox does, so the baseline holds no package in memory. */
  private static void post(WebClient http, String url, Path file) throws IOException {
    try (HttpClientResponse r =
        http.post(url)
            .header(HeaderNames.CONTENT_LENGTH, Long.toString(Files.size(file)))
            .outputStream(
                out -> {
                  try (out) {
                    Files.copy(file, out);
                  }
                })) {
      requireNoContent(r);
    }
  }

  private static void requireNoContent(HttpClientResponse r) {
    if (r.status().code() != 204) {
      throw new IllegalStateException("sink answered " + r.status().code());
    }
  }

  private static void awaitArrivals(AtomicLong arrived, long expected) throws InterruptedException {
    long last = -1;
    long lastChange = System.nanoTime();
    while (arrived.get() < expected) {
      if (arrived.get() != last) {
        last = arrived.get();
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > 120_000_000_000L) {
        throw new IllegalStateException(
            "no progress for 120 s: " + last + "/" + expected + " arrived");
      }
      Thread.sleep(5);
    }
  }

  /** CPU time of this whole process (all threads, GC and JIT included). */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
