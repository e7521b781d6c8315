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
 * for the nonce, then for the record, as a provider does. Three modes: {@code two writers} (each
 * nonce in a savepoint and a statement of its own, on a writer of its own), {@code one writer, a
 * statement per nonce} (the same on the ledger writer's lane) and {@code one writer, one batch}
 * (the lane with the nonces of a transaction in one prepared batch, {@link GroupCommit#batched}, as
 * the gateway does now). Prints CPU per exchange (the whole process, and the writer threads).
 *
 * <p>Usage: {@code ReplayLaneBenchmark [seconds per round] [workers] [rounds of each]}.
 */
public final class ReplayLaneBenchmark {
  private ReplayLaneBenchmark() {}

  private record Use(String client, String nonce, long now) {}

  /** One way to write the nonces: its ledger and how a nonce is written and waited for. */
  private record Mode(String name, Ledger ledger, java.util.function.Consumer<Use> nonce) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    Path work = Files.createTempDirectory("lgsp-replay-lane");
    List<AutoCloseable> open = new ArrayList<>();
    List<Mode> modes = new ArrayList<>();
    for (String name :
        List.of(
            "two writers, a statement per nonce",
            "one writer, a statement per nonce",
            "one writer, one batch")) {
      Database db = Database.sqlite(work.resolve(modes.size() + ".db"));
      db.migrate("gateway");
      Ledger ledger = Ledger.open(db, LedgerOptions.defaults());
      open.add(db);
      open.add(ledger);
      java.util.function.Consumer<Use> nonce;
      if (name.startsWith("two")) {
        GroupCommit<Use, Boolean> own =
            new GroupCommit<Use, Boolean>(
                    db,
                    "replay",
                    new GroupCommit.Options(512, Duration.ZERO, 65_536),
                    ReplayLaneBenchmark::eachAlone,
                    IllegalStateException::new)
                .start();
        open.add(own);
        nonce = u -> own.submit(u).join();
      } else {
        GroupCommit.Lane<Use, Boolean> lane =
            ledger.writerLane(
                "replay",
                name.endsWith("batch")
                    ? ReplayLaneBenchmark::oneBatch
                    : ReplayLaneBenchmark::eachAlone,
                IllegalStateException::new);
        nonce = u -> lane.submit(u).join();
      }
      modes.add(new Mode(name, ledger, nonce));
    }
    System.out.printf(
        "replay lane benchmark: %d s rounds, %d workers, %d rounds each, JVM %s, %d cores%n",
        seconds, workers, rounds, Runtime.version(), Runtime.getRuntime().availableProcessors());
    for (Mode m : modes) { // warm-up, not measured
      round("warm-up " + m.name(), m.ledger(), m.nonce(), workers, 5);
    }
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= rounds; i++) {
      for (Mode m : modes) {
        lines.add(round(m.name() + ", round " + i, m.ledger(), m.nonce(), workers, seconds));
      }
    }
    System.out.println("| round | exchanges/s | CPU µs/exchange | writer threads µs/exchange |");
    System.out.println("|---|---:|---:|---:|");
    lines.forEach(System.out::println);
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
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

  // The replay memory's statement (ReplayGuard), in key order.
  private static final String INSERT =
      "INSERT INTO gateway_replay (client, nonce, expires_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (client, nonce) DO UPDATE SET expires_at = excluded.expires_at"
          + " WHERE gateway_replay.expires_at <= ?";

  // As main did until perf19: each nonce in a savepoint of its own, a statement each.
  private static List<GroupCommit.Outcome<Boolean>> eachAlone(Handle h, List<Use> uses) {
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
            (c, u) -> {
              var update = c.createUpdate(INSERT);
              bind(update, u);
              return update.execute() == 1;
            });
    List<GroupCommit.Outcome<Boolean>> out =
        new ArrayList<>(java.util.Collections.nCopies(uses.size(), null));
    for (int k = 0; k < order.size(); k++) {
      out.set(order.get(k), byKey.get(k));
    }
    return out;
  }

  // As the gateway does now: one prepared batch in one savepoint (GroupCommit.batched).
  private static List<GroupCommit.Outcome<Boolean>> oneBatch(Handle h, List<Use> uses) {
    return GroupCommit.batched(
            h, uses, Comparator.comparing(Use::nonce), INSERT, ReplayLaneBenchmark::bind)
        .stream()
        .map(count -> count.map(c -> c == 1))
        .toList();
  }

  private static void bind(org.jdbi.v3.core.statement.SqlStatement<?> s, Use u) {
    s.bind(0, u.client()).bind(1, u.nonce()).bind(2, u.now() + 120_001).bind(3, u.now());
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
