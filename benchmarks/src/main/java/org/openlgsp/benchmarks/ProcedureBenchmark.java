package org.openlgsp.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.Signatures;
import org.openlgsp.procedures.BirthCertificate;
import org.openlgsp.procedures.CaseView;
import org.openlgsp.procedures.Procedures;
import org.openlgsp.procedures.ProceduresOptions;
import org.openlgsp.testkit.AgencyBackends;
import org.openlgsp.testkit.AgencyBackends.Agency;
import org.openlgsp.testkit.Federation;

/**
 * Completed three-step procedures per minute (group 1 of Decree 63/2024: birth registration →
 * permanent residence → child's health-insurance card), end to end through the real gateways of the
 * procedures federation (registry, CA/OCSP, Tây Ninh's consumer gateway, the Ministries' provider
 * gateways, the three sample agencies), on the engine's own PostgreSQL database; next to a baseline
 * measured in the same run: the same three exchanges called one after the other through the
 * consumer gateway by the benchmark itself, without the engine.
 *
 * <p>Each case is filed with the hospital's signed birth certificate (checked against the signed
 * directory at filing). Cases are filed at a fixed rate (open loop: a case's time runs from its
 * scheduled filing, so an engine that falls behind is charged for it); a case is complete when its
 * process instance ended (Flowable's {@code ACT_HI_PROCINST.END_TIME_}). Where the time goes: when
 * each agency first received the case's step (at the backend), the engine's database work per case
 * ({@code pg_stat_database} of a database of its own, {@code pg_stat_user_tables}) and the CPU of
 * its PostgreSQL connections ({@code /proc/<pid>/stat} of those backends).
 *
 * <p>Run (bounded: about 3 minutes with the defaults): {@code ./mvnw -q -pl benchmarks -am package
 * -DskipTests && java -cp "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.ProcedureBenchmark [cases=1200] [cases per second=20] [baseline
 * seconds=15] [baseline workers=8] [engine job threads=8]} with PostgreSQL at {@code
 * -Dlgsp.postgres.url} (default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}; the
 * user must be allowed to create a database, which is dropped at the end).
 */
public final class ProcedureBenchmark {
  private static final String PURPOSE = "Liên thông khai sinh - thường trú - BHYT trẻ em";
  private static final String OFFICER = "VN072090000001";
  private static final String[][] STEPS = {
    {"hoTich", "/dangKyKhaiSinh", "dangKyKhaiSinh"},
    {"cuTru", "/dangKyThuongTru", "dangKyThuongTru"},
    {"bhxh", "/capTheBhytTreEm", "capTheBhyt"}
  };
  private static final Agency[] AGENCIES = {
    Agency.CIVIL_STATUS, Agency.RESIDENCE, Agency.SOCIAL_INSURANCE
  };

  private ProcedureBenchmark() {}

  public static void main(String[] args) throws Exception {
    int cases = args.length > 0 ? Integer.parseInt(args[0]) : 1200;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Duration baseline = Duration.ofSeconds(args.length > 2 ? Integer.parseInt(args[2]) : 15);
    int workers = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    int threads =
        args.length > 4 ? Integer.parseInt(args[4]) : ProceduresOptions.Executor.DEFAULT.threads();
    // the figures, not every component's start-up and per-case log lines (warnings still show)
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    String server =
        System.getProperty(
            "lgsp.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    System.out.printf(
        "OpenLGSP procedure benchmark: %d cases of %s filed at %d/s (%d/min), baseline %d s with"
            + " %d workers%n",
        cases, Procedures.BIRTH_GROUP, rate, rate * 60, baseline.toSeconds(), workers);
    System.out.printf(
        "JVM %s, %d cores, max heap %d MiB, load average %s%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        loadAverage());
    String dbName = "lgsp_procbench_" + System.currentTimeMillis();
    String database = withDatabase(server, dbName);
    try (Connection admin = DriverManager.getConnection(server);
        Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + dbName);
    }
    Path work = Files.createTempDirectory("lgsp-procbench");
    long t0 = System.nanoTime();
    try (Federation fed = Federation.start(work, Federation.Options.procedures(50))) {
      System.out.printf("federation started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      ProceduresOptions options =
          ProceduresOptions.of(
                  database + "&ApplicationName=lgsp-procbench",
                  new ProceduresOptions.GatewayLink(
                      fed.consumerHttpUrl(),
                      Federation.PROCEDURE_ENGINE,
                      "lienthong",
                      fed.procedureEngineSecret()),
                  AgencyCode.parse("000.00.00.H53"),
                  Federation.PROCEDURE_SERVICES)
              .withDirectory(
                  new ProceduresOptions.DirectorySource(fed.registryUrl(), fed.registrySigners()))
              .withExecutor(
                  new ProceduresOptions.Executor(
                      threads,
                      ProceduresOptions.Executor.DEFAULT.queueSize(),
                      ProceduresOptions.Executor.DEFAULT.filings()));
      System.out.println("engine: " + describe(options));
      MessageSigner hospital =
          Signatures.software(fed.hospitalSigning().key(), fed.hospitalSigning().certificate());
      List<String> mothers = fed.citizenIds();
      try (Procedures engine = Procedures.start(options, Clock.systemUTC());
          Connection db = DriverManager.getConnection(database)) {
        Run warmUp = new Run(engine, fed.agencies(), db, hospital, mothers, "warm-up");
        warmUp.file(Math.min(200, cases), rate, Duration.ofSeconds(60));
        warmUp.report(false);

        List<LoadDriver.Result> base = baseline(fed, hospital, mothers, baseline, workers, rate);
        System.out.println();
        System.out.println(
            "Baseline — the same three exchanges one after the other through the consumer gateway,"
                + " without the engine (calls/s = procedures/s):");
        System.out.print(LoadDriver.table(base));

        Run run = new Run(engine, fed.agencies(), db, hospital, mothers, "measured");
        DbStats before = DbStats.of(db, dbName);
        Map<String, long[]> tablesBefore = tableStats(db);
        long cpu0 = LoadDriver.processCpuNanos();
        long pg0 = postgresCpuNanos(db);
        var threads0 = LoadDriver.threadTimes();
        run.file(cases, rate, Duration.ofSeconds(Math.max(60, cases / Math.max(rate, 1) * 2L)));
        long cpu = LoadDriver.processCpuNanos() - cpu0;
        long pg = postgresCpuNanos(db) - pg0;
        Map<String, Long> byThread = LoadDriver.threadCpuSince(threads0);
        Thread.sleep(1500); // PostgreSQL publishes a connection's counters within a second
        DbStats after = DbStats.of(db, dbName);
        run.report(true);
        long done = Math.max(1, run.completed());
        System.out.printf(
            "CPU per procedure: JVM (engine, gateways, agencies, registry, benchmark) %.1f ms,"
                + " PostgreSQL connections of the engine %.1f ms%n",
            cpu / 1e6 / done, pg / 1e6 / done);
        System.out.println("  JVM CPU ms per procedure by thread: " + perThread(byThread, done));
        System.out.printf(
            "Database per procedure: %.1f commits, %.1f rollbacks, %.1f rows inserted, %.1f"
                + " updated, %.1f deleted, %.1f fetched%n",
            (after.commits - before.commits) / (double) done,
            (after.rollbacks - before.rollbacks) / (double) done,
            (after.inserted - before.inserted) / (double) done,
            (after.updated - before.updated) / (double) done,
            (after.deleted - before.deleted) / (double) done,
            (after.fetched - before.fetched) / (double) done);
        System.out.println("  per table (index scans + sequential scans / writes) per procedure: ");
        Map<String, long[]> tablesAfter = tableStats(db);
        tablesAfter.forEach(
            (t, v) -> {
              long[] b = tablesBefore.getOrDefault(t, new long[4]);
              double scans = (v[0] - b[0] + v[1] - b[1]) / (double) done;
              double writes = (v[2] - b[2] + v[3] - b[3]) / (double) done;
              if (scans + writes >= 0.5) {
                System.out.printf("    %-24s %5.1f / %5.1f%n", t, scans, writes);
              }
            });
      }
    } finally {
      try (Connection admin = DriverManager.getConnection(server);
          Statement s = admin.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)");
      }
    }
    System.out.printf("load average at the end %s%n", loadAverage());
  }

  /** Cases filed at a fixed rate, and when each was filed, reached each agency and ended. */
  private static final class Run {
    private final Procedures engine;
    private final AgencyBackends agencies;
    private final Connection db;
    private final MessageSigner hospital;
    private final List<String> mothers;
    private final String name;
    private final Map<String, Instant> filed = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final Histogram filing = new Histogram(3);
    private Instant firstFiled = Instant.MAX;
    private Instant filingEnded = Instant.MIN;
    private final Map<String, Instant> ended = new LinkedHashMap<>();

    Run(
        Procedures engine,
        AgencyBackends agencies,
        Connection db,
        MessageSigner hospital,
        List<String> mothers,
        String name) {
      this.engine = engine;
      this.agencies = agencies;
      this.db = db;
      this.hospital = hospital;
      this.mothers = mothers;
      this.name = name;
    }

    long completed() {
      return ended.size();
    }

    /** Files {@code n} cases at {@code rate}/s, then waits at most {@code drain} for them. */
    void file(int n, int rate, Duration drain) throws Exception {
      List<JsonNode> dossiers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        dossiers.add(signedDossier(mothers.get(i % mothers.size()), hospital));
      }
      System.out.printf("%s: filing %d cases at %d/s%n", name, n, rate);
      long periodNanos = 1_000_000_000L / rate;
      long start = System.nanoTime();
      Instant startWall = Instant.now();
      firstFiled = startWall;
      AtomicLong next = new AtomicLong();
      var filers = Executors.newVirtualThreadPerTaskExecutor();
      ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
      ticks.scheduleAtFixedRate(
          () -> {
            // every due filing starts now, each on its own thread (open loop)
            long due = (System.nanoTime() - start) / periodNanos + 1;
            for (long k = next.get(); k < Math.min(due, n); k = next.incrementAndGet()) {
              int i = (int) k;
              Instant scheduled = startWall.plusNanos(periodNanos * i);
              filers.submit(() -> fileOne(dossiers.get(i), scheduled));
            }
          },
          0,
          Math.max(1, periodNanos / 4),
          TimeUnit.NANOSECONDS);
      long lastPrint = System.nanoTime();
      long cpuAtPrint = LoadDriver.processCpuNanos();
      Instant deadline = null;
      while (true) {
        Thread.sleep(500);
        if (next.get() >= n && deadline == null) {
          ticks.shutdown();
          filers.shutdown();
          filers.awaitTermination(60, TimeUnit.SECONDS);
          filingEnded = Instant.now();
          deadline = filingEnded.plus(drain);
        }
        pollEnded();
        long now = System.nanoTime();
        if (now - lastPrint >= 5_000_000_000L) {
          long cpu = LoadDriver.processCpuNanos();
          System.out.printf(
              "  %5.1f s: filed %d, completed %d, in progress %d, jobs queued %d, JVM CPU %.0f %%,"
                  + " load %s%n",
              (now - start) / 1e9,
              filed.size(),
              ended.size(),
              filed.size() - ended.size(),
              count("select count(*) from act_ru_job"),
              (cpu - cpuAtPrint) * 100.0 / (now - lastPrint),
              loadAverage());
          lastPrint = now;
          cpuAtPrint = cpu;
        }
        if (deadline != null
            && (ended.size() + failures.get() >= n || Instant.now().isAfter(deadline))) {
          break;
        }
      }
    }

    private void fileOne(JsonNode dossier, Instant scheduled) {
      try {
        CaseView c = engine.file(Procedures.BIRTH_GROUP, PURPOSE, OFFICER, dossier);
        filed.put(c.code(), scheduled);
        synchronized (filing) {
          filing.recordValue(Math.max(0, Duration.between(scheduled, Instant.now()).toNanos()));
        }
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        System.out.println("  filing failed: " + e.getMessage());
      }
    }

    /** The cases of this run that ended since the last poll, with when they ended. */
    private void pollEnded() throws SQLException {
      try (Statement s = db.createStatement();
          ResultSet r =
              s.executeQuery(
                  "select business_key_, end_time_ from act_hi_procinst where end_time_ is not"
                      + " null")) {
        while (r.next()) {
          String code = r.getString(1);
          if (filed.containsKey(code) && !ended.containsKey(code)) {
            ended.put(code, r.getTimestamp(2).toInstant());
          }
        }
      }
    }

    private long count(String sql) {
      try (Statement s = db.createStatement();
          ResultSet r = s.executeQuery(sql)) {
        r.next();
        return r.getLong(1);
      } catch (SQLException e) {
        return -1;
      }
    }

    void report(boolean detailed) {
      Instant lastEnd = ended.values().stream().max(Instant::compareTo).orElse(firstFiled);
      double span = Math.max(1, Duration.between(firstFiled, lastEnd).toMillis()) / 1000.0;
      Histogram total = new Histogram(3);
      Histogram[] stage = {new Histogram(3), new Histogram(3), new Histogram(3), new Histogram(3)};
      long compensated = 0;
      for (var e : ended.entrySet()) {
        Instant start = filed.get(e.getKey());
        total.recordValue(Math.max(0, Duration.between(start, e.getValue()).toNanos()));
        Instant prev = start;
        for (int i = 0; i < 3; i++) {
          var asked = agencies.firstAsked(AGENCIES[i], e.getKey() + "/" + STEPS[i][2]);
          if (asked.isEmpty()) {
            compensated++;
            prev = null;
            break;
          }
          stage[i].recordValue(Math.max(0, Duration.between(prev, asked.get()).toNanos()));
          prev = asked.get();
        }
        if (prev != null) {
          stage[3].recordValue(Math.max(0, Duration.between(prev, e.getValue()).toNanos()));
        }
      }
      // the steady part: cases ended while cases were still being filed, after the first 10 s
      Instant from = firstFiled.plusSeconds(10);
      long steady =
          ended.values().stream().filter(t -> t.isAfter(from) && t.isBefore(filingEnded)).count();
      double steadySeconds = Math.max(0, Duration.between(from, filingEnded).toMillis()) / 1000.0;
      System.out.println();
      System.out.printf(
          "%s: %d filed, %d completed (%d failed to file, %d without all three steps), %d not"
              + " finished in time%n",
          name,
          filed.size(),
          ended.size(),
          failures.get(),
          compensated,
          filed.size() - ended.size());
      System.out.printf(
          "  completed procedures per minute: %.0f overall (first filing to last completion, %.1f"
              + " s)%s%n",
          ended.size() / span * 60,
          span,
          steadySeconds >= 10
              ? String.format(
                  ", %.0f while filing (after the first 10 s, %.1f s)",
                  steady / steadySeconds * 60, steadySeconds)
              : "");
      System.out.printf(
          "  filing to completion ms: p50 %.0f, p90 %.0f, p99 %.0f, max %.0f; filing call ms: p50"
              + " %.1f, p99 %.1f%n",
          total.getValueAtPercentile(50) / 1e6,
          total.getValueAtPercentile(90) / 1e6,
          total.getValueAtPercentile(99) / 1e6,
          total.getMaxValue() / 1e6,
          filing.getValueAtPercentile(50) / 1e6,
          filing.getValueAtPercentile(99) / 1e6);
      if (detailed) {
        String[] names = {
          "filed → civil status asked",
          "civil status asked → residence asked",
          "residence asked → insurance asked",
          "insurance asked → case ended"
        };
        System.out.println("  where a case's time goes (ms, p50 / p90 / p99):");
        for (int i = 0; i < 4; i++) {
          System.out.printf(
              "    %-40s %7.1f / %7.1f / %7.1f%n",
              names[i],
              stage[i].getValueAtPercentile(50) / 1e6,
              stage[i].getValueAtPercentile(90) / 1e6,
              stage[i].getValueAtPercentile(99) / 1e6);
        }
      }
    }
  }

  /** The three exchanges of a case called one after the other, without the engine. */
  private static List<LoadDriver.Result> baseline(
      Federation fed,
      MessageSigner hospital,
      List<String> mothers,
      Duration duration,
      int workers,
      int rate)
      throws Exception {
    WebClient client =
        WebClient.builder().connectionCacheSize(workers * 2).followRedirects(false).build();
    String token = engineToken(client, fed);
    List<JsonNode> dossiers = new ArrayList<>();
    for (String m : mothers) {
      dossiers.add(signedDossier(m, hospital));
    }
    String run = Long.toString(System.currentTimeMillis(), 36);
    LoadDriver.Call threeSteps =
        seq -> {
          String code = "BASELINE-" + run + "-" + seq;
          ObjectNode results = Json.mapper().createObjectNode();
          for (String[] step : STEPS) {
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("maHoSo", code);
            body.set("hoSo", dossiers.get((int) (seq % dossiers.size())));
            body.set("ketQua", results);
            ServiceId service = Federation.PROCEDURE_SERVICES.get(step[0]);
            try (HttpClientResponse r =
                client
                    .post(fed.consumerHttpUrl() + "/r1/" + service.encoded() + step[1])
                    .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
                    .header(
                        HeaderNames.create("X-Road-Client"), Federation.PROCEDURE_ENGINE.toString())
                    .header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                    .header(HeaderNames.create("Idempotency-Key"), code + "/" + step[2])
                    .header(
                        HeaderNames.create("X-Road-Issue"),
                        code + " " + URLEncoder.encode(PURPOSE, StandardCharsets.UTF_8))
                    .header(HeaderNames.create("X-Road-UserId"), OFFICER)
                    .submit(Json.write(body))) {
              byte[] answer = r.as(byte[].class);
              if (r.status().code() != 200) {
                throw new IllegalStateException(step[2] + " answered " + r.status().code());
              }
              results.set(step[2], Json.read(answer, JsonNode.class));
            }
          }
        };
    LoadDriver.closedLoop("warm-up baseline", threeSteps, workers, Duration.ofSeconds(3));
    return List.of(
        LoadDriver.closedLoop(
            "baseline: 3 exchanges, " + workers + " workers", threeSteps, workers, duration),
        LoadDriver.openLoop(
            "baseline: 3 exchanges, " + rate + "/s fixed", threeSteps, rate, duration));
  }

  private static String engineToken(WebClient client, Federation fed) {
    String form =
        "grant_type=client_credentials&client_id=lienthong&client_secret="
            + URLEncoder.encode(fed.procedureEngineSecret(), StandardCharsets.UTF_8);
    try (HttpClientResponse r =
        client
            .post(fed.consumerHttpUrl() + "/token")
            .header(HeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
            .submit(form.getBytes(StandardCharsets.UTF_8))) {
      return Json.read(r.as(byte[].class), JsonNode.class).path("access_token").asText();
    }
  }

  /** A dossier of {@code mother}'s newborn with the hospital's signed birth certificate. */
  private static JsonNode signedDossier(String mother, MessageSigner hospital) {
    ObjectNode dossier = (ObjectNode) AgencyBackends.birthDossier(mother, 5);
    JsonNode child = dossier.path("treEm");
    BirthCertificate c =
        new BirthCertificate(
            "BVDKTN-2026-" + mother.substring(mother.length() - 6),
            Federation.HOSPITAL.toString(),
            child.path("hoTen").asText(),
            child.path("ngaySinh").asText(),
            child.path("gioiTinh").asText(),
            child.path("noiSinh").asText(),
            dossier.path("me").path("hoTen").asText(),
            mother,
            child.path("ngaySinh").asText());
    dossier.set("giayChungSinh", Json.mapper().valueToTree(c.sign(hospital)));
    return dossier;
  }

  private static String describe(ProceduresOptions o) {
    return String.format(
        "%d job threads, %d queued at most, %d filings at once, up to %d database connections, job"
            + " poll %d ms, step timeout %d s, %d tries",
        o.executor().threads(),
        o.executor().queueSize(),
        o.executor().filings(),
        o.executor().connections(),
        o.jobPoll().toMillis(),
        o.stepTimeout().toSeconds(),
        o.retries().maxAttempts());
  }

  /** The server URL with its database name replaced by {@code name}. */
  static String withDatabase(String url, String name) {
    int q = url.indexOf('?');
    String head = q < 0 ? url : url.substring(0, q);
    String tail = q < 0 ? "?" : url.substring(q);
    return head.substring(0, head.lastIndexOf('/') + 1) + name + tail;
  }

  private record DbStats(
      long commits, long rollbacks, long inserted, long updated, long deleted, long fetched) {
    static DbStats of(Connection db, String name) throws SQLException {
      try (Statement s = db.createStatement();
          ResultSet r =
              s.executeQuery(
                  "select xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted,"
                      + " tup_fetched from pg_stat_database where datname = '"
                      + name
                      + "'")) {
        r.next();
        return new DbStats(
            r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6));
      }
    }
  }

  /**
   * Per table of the engine: index scans, sequential scans, rows inserted, rows updated+deleted.
   */
  private static Map<String, long[]> tableStats(Connection db) throws SQLException {
    Map<String, long[]> t = new java.util.TreeMap<>();
    try (Statement s = db.createStatement();
        ResultSet r =
            s.executeQuery(
                "select relname, coalesce(idx_scan, 0), seq_scan, n_tup_ins, n_tup_upd + n_tup_del"
                    + " from pg_stat_user_tables")) {
      while (r.next()) {
        t.put(r.getString(1), new long[] {r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5)});
      }
    }
    return t;
  }

  /** CPU time of the PostgreSQL server processes serving the engine's connections (Linux). */
  private static long postgresCpuNanos(Connection db) throws SQLException {
    long ticks = 0;
    try (Statement s = db.createStatement();
        ResultSet r =
            s.executeQuery(
                "select pid from pg_stat_activity where application_name = 'lgsp-procbench'")) {
      while (r.next()) {
        try {
          String stat = Files.readString(Path.of("/proc/" + r.getInt(1) + "/stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        } catch (java.io.IOException | RuntimeException e) {
          // a server on another host, or the connection closed meanwhile
        }
      }
    }
    return ticks * 10_000_000L; // USER_HZ = 100
  }

  private static String perThread(Map<String, Long> byThread, long n) {
    StringBuilder b = new StringBuilder();
    byThread.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .filter(e -> e.getValue() / 1e6 / n >= 0.1)
        .forEach(
            e ->
                b.append(b.isEmpty() ? "" : ", ")
                    .append(e.getKey())
                    .append(String.format(" %.1f", e.getValue() / 1e6 / n)));
    return b.toString();
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
