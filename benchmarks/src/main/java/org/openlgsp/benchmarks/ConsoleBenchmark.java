package org.openlgsp.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.openlgsp.console.Console;
import org.openlgsp.console.ConsoleClient;
import org.openlgsp.console.ConsoleOptions;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Json;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.edge.ApiLink;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.monitoring.Monitoring;
import org.openlgsp.monitoring.MonitoringOptions;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryOptions;
import org.openlgsp.statistics.Statistics;
import org.openlgsp.statistics.StatisticsOptions;
import org.openlgsp.storage.Database;

/**
 * Page loads of the registry's web console (issue 15: p95 under 300 ms with 1 M operational records
 * and 10,000 grants). Seeds a registry (100 agencies, each with a system and a service; 10,000
 * grants: every system to every service) and a gateway's monitoring and statistics stores (N
 * operational records spread over the last 24 hours, fed to the gateway's own observers, written by
 * their writers, progress printed), opens their operator APIs, starts the console asking them,
 * signs in (password, TOTP) and loads each main page sequentially, HdrHistogram per page; the
 * baseline is the same server's static stylesheet, in the same run.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/lgsp-benchmarks.jar:benchmarks/target/lib/*"
 * org.openlgsp.benchmarks.ConsoleBenchmark [records] [loads per page] [folder]}
 */
public final class ConsoleBenchmark {
  private static final String TOKEN = "console-benchmark-token-0123456789";
  private static final int AGENCIES = 100;
  private static final int CHUNK = 50_000;

  private ConsoleBenchmark() {}

  public static void main(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int loads = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path folder = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("lgsp-console");
    System.out.printf(
        "OpenLGSP console benchmark: %,d operational records, %,d grants, %d loads per page, %d"
            + " cores, in %s%n",
        records, AGENCIES * AGENCIES, loads, Runtime.getRuntime().availableProcessors(), folder);
    CertificateAuthority ca = CertificateAuthority.createRoot("Benchmark CA", Duration.ofDays(30));
    try (Database registryDb = Database.sqlite(folder.resolve("registry.db"));
        Database gatewayDb = Database.sqlite(folder.resolve("gateway-observers.db"))) {
      long t0 = System.nanoTime();
      Registry registry =
          new Registry(
              registryDb,
              RegistryOptions.defaults("VN"),
              ca.issueCredentials(
                      CertificateProfile.DIRECTORY_SIGNING,
                      "registry",
                      "benchmark",
                      List.of(),
                      Duration.ofDays(30))
                  .signer(),
              Clock.systemUTC());
      registry.addTrustAnchor(ca.certificate());
      ClientId[] systems = new ClientId[AGENCIES];
      ServiceId[] services = new ServiceId[AGENCIES];
      NodeId node = NodeId.parse("VN/GOV/000.00.00.H00/gw1");
      for (int i = 0; i < AGENCIES; i++) {
        ClientId member = ClientId.parse(String.format("VN/GOV/000.00.00.H%02d", i));
        registry.addMember(member, "Sở số " + i);
        if (i == 0) {
          registry.addNode(
              node,
              "https://127.0.0.1:5500",
              List.of(
                  ca.issueCredentials(
                          CertificateProfile.NODE_TLS,
                          "gw1",
                          "benchmark",
                          List.of("localhost"),
                          Duration.ofDays(30))
                      .certificate()));
        }
        systems[i] = ClientId.parse(member.encoded() + "/SYS");
        registry.addSystem(systems[i], "Hệ thống " + i, node);
        services[i] = new ServiceId(systems[i], "service" + i);
        registry.addService(services[i], "http://127.0.0.1:9090/api", "", Optional.empty());
      }
      for (int c = 0; c < AGENCIES; c++) {
        for (int s = 0; s < AGENCIES; s++) {
          registry.grant(systems[c], services[s], List.of("GET"), List.of("/*"));
        }
        if ((c + 1) % 10 == 0) {
          System.out.printf(
              "  %,d grants (%.1f s)%n", (c + 1) * AGENCIES, (System.nanoTime() - t0) / 1e9);
        }
      }

      // the gateway: monitoring and statistics with their APIs, fed as its exchanges feed them
      MonitoringOptions m = MonitoringOptions.defaults();
      StatisticsOptions st = StatisticsOptions.defaults();
      String hash = BearerTokens.hash(TOKEN);
      try (Monitoring monitoring =
              Monitoring.start(
                  gatewayDb,
                  new MonitoringOptions(
                      true,
                      2 * CHUNK,
                      m.batchSize(),
                      m.retention(),
                      m.purgeInterval(),
                      m.healthPeriod(),
                      m.maxPageSize(),
                      Optional.of(0),
                      Optional.of(hash)),
                  new SimpleMeterRegistry(),
                  Optional::empty,
                  "127.0.0.1",
                  Clock.systemUTC());
          Statistics statistics =
              Statistics.start(
                  gatewayDb,
                  new StatisticsOptions(
                      true,
                      2 * CHUNK,
                      CHUNK,
                      Duration.ofSeconds(1),
                      st.zone(),
                      st.maxRange(),
                      st.retention(),
                      st.purgeInterval(),
                      Optional.of(0),
                      Optional.of(hash)),
                  new SimpleMeterRegistry(),
                  "127.0.0.1")) {
        HttpClient http = HttpClient.newHttpClient();
        String monitoringUrl = "http://127.0.0.1:" + monitoring.apiPort().orElseThrow();
        String statisticsUrl = "http://127.0.0.1:" + statistics.apiPort().orElseThrow();
        List<ExchangeObserver> observers = new ArrayList<>(monitoring.observers());
        observers.addAll(statistics.observers());
        Instant end = Instant.now();
        long dayMillis = Duration.ofDays(1).toMillis();
        SplittableRandom random = new SplittableRandom(15);
        long feed = System.nanoTime();
        for (long n = 0; n < records; n++) {
          Instant at = end.minusMillis(dayMillis - n * dayMillis / records);
          int c = random.nextInt(AGENCIES);
          boolean refused = random.nextInt(50) == 0;
          long ms = 5 + (long) Math.exp(random.nextDouble() * 6);
          var o =
              StatisticsBenchmark.observation(
                  at, systems[c], services[random.nextInt(AGENCIES)], ms, refused, n);
          for (ExchangeObserver observer : observers) {
            observer.observed(o);
          }
          if ((n + 1) % CHUNK == 0) {
            long fed = n + 1;
            while (written(http, monitoringUrl) < fed) {
              Thread.sleep(20);
            }
            if (fed % 100_000 == 0) {
              System.out.printf(
                  "  %,d operational records written (%.1f s)%n",
                  fed, (System.nanoTime() - feed) / 1e9);
            }
          }
        }
        while (written(http, monitoringUrl) < records
            || status(http, statisticsUrl + "/statistics/v1/status", "counted") < records) {
          Thread.sleep(50);
        }
        System.out.printf(
            "seeded in %.1f s: %,d grants, %,d records (monitoring dropped %d), databases %,d +"
                + " %,d bytes%n",
            (System.nanoTime() - t0) / 1e9,
            registry.grants().size(),
            records,
            monitoring.dropped(),
            Files.size(folder.resolve("registry.db")),
            Files.size(folder.resolve("gateway-observers.db")));

        Files.writeString(folder.resolve("gw.token"), TOKEN + "\n");
        ConsoleOptions options =
            ConsoleOptions.defaults()
                .listening("127.0.0.1", 0)
                .withGateways(
                    List.of(
                        new ConsoleOptions.Gateway(
                            node.toString(),
                            Optional.of(new ApiLink(monitoringUrl, "gw.token")),
                            Optional.of(new ApiLink(statisticsUrl, "gw.token")),
                            Optional.empty())));
        try (Console console = Console.start(registry, registryDb, options, folder)) {
          String base = "http://127.0.0.1:" + console.port();
          // the console's own test client signs in as a browser does (password, TOTP set-up)
          ConsoleClient s = new ConsoleClient(base);
          HttpResponse<String> in =
              s.signIn(
                  "admin",
                  console.accounts().create("admin", ConsoleRole.PLATFORM_ADMIN, Optional.empty()),
                  console.accounts());
          if (in.statusCode() != 303) {
            throw new IllegalStateException("sign-in refused: HTTP " + in.statusCode());
          }
          Map<String, String> pages = new LinkedHashMap<>();
          pages.put("baseline: static stylesheet", "/static/console.css");
          pages.put("dashboard", "/");
          pages.put("dashboard chart (traffic JSON)", "/dashboard/operations.json?kind=traffic");
          pages.put("records search (last hour, first page)", "/records");
          pages.put(
              "records search (one client, refused)",
              "/records?node="
                  + enc(node.toString())
                  + "&client="
                  + enc(systems[7].encoded())
                  + "&outcome=refused&from="
                  + enc(end.minus(Duration.ofHours(24)).toString()));
          pages.put("grants matrix (first page)", "/grants");
          // the grants list is keyset-paged: page 3 is the one the second page's link names
          pages.put("grants matrix (searched, page 3)", next(s, next(s, "/grants?q=H42")));
          pages.put("services", "/services");
          pages.put("statistics (last 7 days)", "/statistics");
          System.out.println();
          System.out.printf(
              "| page | loads | p50 ms | p95 ms | p99 ms | max ms | bytes | p95 < 300 ms |%n");
          System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
          for (Map.Entry<String, String> p : pages.entrySet()) {
            int bytes = 0;
            for (int i = 0; i < Math.max(5, loads / 10); i++) {
              load(s, p.getValue()); // warm-up
            }
            Histogram h = new Histogram(60_000_000_000L, 3);
            for (int i = 0; i < loads; i++) {
              long t = System.nanoTime();
              bytes = load(s, p.getValue());
              h.recordValue(System.nanoTime() - t);
            }
            double p95 = h.getValueAtPercentile(95) / 1e6;
            System.out.printf(
                "| %s | %d | %.1f | %.1f | %.1f | %.1f | %,d | %s |%n",
                p.getKey(),
                loads,
                h.getValueAtPercentile(50) / 1e6,
                p95,
                h.getValueAtPercentile(99) / 1e6,
                h.getMaxValue() / 1e6,
                bytes,
                p95 < 300 ? "yes" : "**no**");
          }
        }
      }
    }
  }

  /** Loads {@code path}; its size, or the failure. */
  private static int load(ConsoleClient c, String path) throws Exception {
    HttpResponse<String> r = c.get(path);
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body().length();
  }

  /** The page the {@code rel="next"} link of {@code path}'s page names. */
  private static String next(ConsoleClient c, String path) throws Exception {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("rel=\"next\" href=\"([^\"]+)\"")
            .matcher(c.get(path).body());
    if (!m.find()) {
      throw new IllegalStateException(path + " has no next page");
    }
    return m.group(1).replace("&amp;", "&");
  }

  private static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  /** The monitoring writer's written records. */
  private static long written(HttpClient http, String base) throws Exception {
    return status(http, base + "/monitoring/v1/status", "written");
  }

  /** {@code field} of an operator API's status, refusing a writer that dropped or lost any. */
  private static long status(HttpClient http, String url, String field) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    var status = Json.mapper().readTree(r.body());
    if (status.get("dropped").asLong() > 0 || status.get("lost").asLong() > 0) {
      throw new IllegalStateException("observations dropped or lost: " + r.body());
    }
    return status.get(field).asLong();
  }
}
