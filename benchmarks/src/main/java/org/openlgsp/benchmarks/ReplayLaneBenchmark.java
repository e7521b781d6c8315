package org.openlgsp.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Handle;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.GroupCommit;

/**
 * The provider gateway's two durable writes per exchange — the replay memory's nonce before the
 * backend is called, the ledger record before the answer — with the nonce on a writer of its own
 * ({@code two writers}, as before) or on a lane of the ledger's writer ({@code one writer}, the
 * gateway now), rounds of each alternating in one process on SQLite files in one directory, so the
 * machine's other load falls on both alike. The nonce insert is the replay memory's statement on
 * its own table ({@code gateway_replay}, migrated from the gateway's scripts); each exchange waits
 * for the nonce, then for the record, as a provider does. Prints CPU per exchange (the whole
 * process, and the writer threads).
 *
 * <p>Usage: {@code ReplayLaneBenchmark [seconds per round] [workers] [rounds of each]}.
 */
public final class ReplayLaneBenchmark {
  private ReplayLaneBenchmark() {}

  private record Use(String client, String nonce, long now) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    Path work = Files.createTempDirectory("lgsp-replay-lane");
    Database twoDb = Database.sqlite(work.resolve("two.db"));
    Database oneDb = Database.sqlite(work.resolve("one.db"));
    twoDb.migrate("gateway");
    oneDb.migrate("gateway");
    Ledger twoLedger = Ledger.open(twoDb, LedgerOptions.defaults());
    Ledger oneLedger = Ledger.open(oneDb, LedgerOptions.defaults());
    GroupCommit<Use, Boolean> ownWriter =
        new GroupCommit<Use, Boolean>(
                twoDb,
                "replay",
                new GroupCommit.Options(512, Duration.ZERO, 65_536),
                ReplayLaneBenchmark::insert,
                IllegalStateException::new)
            .start();
    GroupCommit.Lane<Use, Boolean> lane =
        oneLedger.writerLane("replay", ReplayLaneBenchmark::insert, IllegalStateException::new);
    System.out.printf(
        "replay lane benchmark: %d s rounds, %d workers, %d rounds each, JVM %s, %d cores%n",
        seconds, workers, rounds, Runtime.version(), Runtime.getRuntime().availableProcessors());
    // warm-up: both paths, not measured
    round("warm-up two writers", twoLedger, u -> ownWriter.submit(u).join(), workers, 5);
    round("warm-up one writer", oneLedger, u -> lane.submit(u).join(), workers, 5);
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= rounds; i++) {
      lines.add(
          round(
              "two writers, round " + i,
              twoLedger,
              u -> ownWriter.submit(u).join(),
              workers,
              seconds));
      lines.add(
          round("one writer, round " + i, oneLedger, u -> lane.submit(u).join(), workers, seconds));
    }
    System.out.println("| round | exchanges/s | CPU µs/exchange | writer threads µs/exchange |");
    System.out.println("|---|---:|---:|---:|");
    lines.forEach(System.out::println);
    ownWriter.close();
    twoLedger.close();
    oneLedger.close();
    twoDb.close();
    oneDb.close();
  }

  private static String round(
      String name, Ledger ledger, java.util.function.Consumer<Use> nonce, int workers, int seconds)
      throws Exception {
    LongAdder done = new LongAdder();
    AtomicBoolean running = new AtomicBoolean(true);
    Map<Long, LoadDriver.ThreadTime> threads = LoadDriver.threadTimes();
    long cpu0 = processCpu();
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < workers; w++) {
        pool.submit(
            () -> {
              while (running.get()) {
                String id = UUID.randomUUID().toString();
                nonce.accept(new Use("VN/GOV/000.00.00.H53/DVC", id, System.currentTimeMillis()));
                ledger.append(LedgerBenchmark.record(id));
                done.increment();
              }
              return null;
            });
      }
      Thread.sleep(seconds * 1000L);
      running.set(false);
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    long n = Math.max(1, done.sum());
    long cpu = processCpu() - cpu0;
    long writers =
        LoadDriver.threadCpuSince(threads).entrySet().stream()
            .filter(e -> e.getKey().endsWith("-writer"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    return String.format(
        "| %s | %,.0f | %,d | %,d |", name, n / wall, cpu / 1000 / n, writers / 1000 / n);
  }

  // The replay memory's statement (ReplayGuard), each nonce in a savepoint, in key order.
  private static List<GroupCommit.Outcome<Boolean>> insert(Handle h, List<Use> uses) {
    List<Integer> order =
        java.util.stream.IntStream.range(0, uses.size())
            .boxed()
            .sorted(Comparator.comparing(i -> uses.get(i).nonce()))
            .toList();
    List<Use> sorted = order.stream().map(uses::get).toList();
    List<GroupCommit.Outcome<Boolean>> byKey =
        GroupCommit.isolated(
            h,
            sorted,
            (c, u) ->
                c.createUpdate(
                            "INSERT INTO gateway_replay (client, nonce, expires_at) VALUES (?, ?, ?)"
                                + " ON CONFLICT (client, nonce) DO UPDATE SET expires_at ="
                                + " excluded.expires_at WHERE gateway_replay.expires_at <= ?")
                        .bind(0, u.client())
                        .bind(1, u.nonce())
                        .bind(2, u.now() + 120_001)
                        .bind(3, u.now())
                        .execute()
                    == 1);
    List<GroupCommit.Outcome<Boolean>> out =
        new ArrayList<>(java.util.Collections.nCopies(uses.size(), null));
    for (int k = 0; k < order.size(); k++) {
      out.set(order.get(k), byKey.get(k));
    }
    return out;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
