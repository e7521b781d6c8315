package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.gateway.MutableClock;
import org.openlgsp.gateway.spi.ExchangeObservation;
import org.openlgsp.gateway.spi.Observed;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.registry.Agreement;
import org.openlgsp.registry.DailySummary;
import org.openlgsp.registry.Selector;
import org.openlgsp.registry.SignedAgreement;
import org.openlgsp.registry.SummaryReporter;
import org.openlgsp.statistics.Statistics;
import org.openlgsp.statistics.StatisticsOptions;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;
import org.openlgsp.storage.TestDatabases;

/**
 * {@code registry.federation.peers[].summaries} (docs/statistics.md, "Reported upward"): a
 * province's registry node sends its daily summary to the national registry node by itself, made
 * from its gateways' real statistics APIs, at the configured time of day in the configured zone,
 * catching up missed days up to {@code catchUp}, trying again {@code retry} after a failure, once
 * per day across restarts. Two registry nodes started from their files share a clock the test
 * moves.
 */
class SummariesScheduleSettingsTest {
  static final ZoneId HCM = ZoneId.of("Asia/Ho_Chi_Minh");
  static final ClientId PORTAL = ClientId.parse("VN-TAYNINH/GOV/000.00.00.H53/DVC");
  static final ClientId CLINIC = ClientId.parse("VN-TAYNINH/GOV/000.00.00.H99/HIS");
  static final ServiceId CITIZENS = ServiceId.parse("VN-NDXP/GOV/000.00.00.G01/CSDLQGDC/citizens");
  static final String REPORTER = "reporter-token-tay-ninh";
  static final String STATS_TOKEN = "statistics-token-0123456789";

  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(30));
  final Credentials ndxpSigner = signer("registry VN-NDXP");
  final Credentials tnSigner = signer("registry VN-TAYNINH");

  /** Day D: three days ahead, inside every certificate's and the agreement's validity. */
  final LocalDate d = LocalDate.now(HCM).plusDays(3);

  final MutableClock clock = MutableClock.standingAt(at(d, 0, 5, HCM));
  final List<AutoCloseable> open = new ArrayList<>();
  Statistics gw1;
  Statistics gw2;

  static Instant at(LocalDate day, int hour, int minute, ZoneId zone) {
    return day.atTime(LocalTime.of(hour, minute)).atZone(zone).toInstant();
  }

  @BeforeEach
  void gateways() throws Exception {
    Files.writeString(dir.resolve("stats.token"), STATS_TOKEN + "\n");
    Files.writeString(dir.resolve("reporter.token"), REPORTER + "\n");
    Files.writeString(dir.resolve("wrong.token"), "not-the-reporter-token\n");
    gw1 = statistics("gw1");
    gw2 = statistics("gw2");
    // D-2 10:00 in Hồ Chí Minh: two calls by gateway 1, one by gateway 2 (another agency)
    observe(gw1, at(d.minusDays(2), 10, 0, HCM), PORTAL, 2);
    observe(gw2, at(d.minusDays(2), 10, 0, HCM), CLINIC, 1);
    // D-1 10:00 in Hồ Chí Minh: one call
    observe(gw1, at(d.minusDays(1), 10, 0, HCM), PORTAL, 1);
    // D-2 20:00 UTC = D-1 03:00 in Hồ Chí Minh: four calls, on a different day by zone
    observe(gw1, at(d.minusDays(2), 20, 0, ZoneOffset.UTC), PORTAL, 4);
    await().atMost(Duration.ofSeconds(10)).until(() -> counted(gw1) == 7 && counted(gw2) == 1);
    writeInstance("ndxp", ndxpSigner);
    writeInstance("tn", tnSigner);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  @Test
  void atAndZoneInHoChiMinhSendTheDayBeforeYesterdayUntilTenPastMidnightThenYesterday()
      throws Exception {
    RegistryNode ndxp = national(0);
    RegistryNode tn =
        province(ndxp.port(), "          at: \"00:10\"\n          zone: Asia/Ho_Chi_Minh\n");
    // 00:05 on day D: yesterday's time has not come, the day before's has
    await().atMost(Duration.ofSeconds(10)).until(() -> held(ndxp).containsKey(d.minusDays(2)));
    DailySummary first = held(ndxp).get(d.minusDays(2));
    assertThat(first.zone()).isEqualTo("Asia/Ho_Chi_Minh");
    // both gateways' figures, added up per agency and service (statistics: two gateways)
    assertThat(calls(first, PORTAL)).isEqualTo(2);
    assertThat(calls(first, CLINIC)).isEqualTo(1);
    clock.set(at(d, 0, 9, HCM));
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> held(ndxp).keySet().equals(java.util.Set.of(d.minusDays(2))));
    clock.set(at(d, 0, 10, HCM));
    await().atMost(Duration.ofSeconds(10)).until(() -> held(ndxp).containsKey(d.minusDays(1)));
    // D-1 in Hồ Chí Minh: 10:00 and 03:00 (20:00 UTC the day before)
    assertThat(calls(held(ndxp).get(d.minusDays(1)), PORTAL)).isEqualTo(5);
    assertThat(reporter(tn).sent()).isEqualTo(2);
    assertThat(reporter(tn).lastSentDay()).contains(d.minusDays(1));
  }

  @Test
  void zoneUtcCutsTheDaysAtUtcMidnight() throws Exception {
    RegistryNode ndxp = national(0);
    province(ndxp.port(), "          at: \"00:10\"\n          zone: UTC\n");
    // D 00:05 in Hồ Chí Minh is D-1 17:05 UTC: D-2 is the latest due day, cut at UTC midnight
    await().atMost(Duration.ofSeconds(10)).until(() -> held(ndxp).containsKey(d.minusDays(2)));
    DailySummary s = held(ndxp).get(d.minusDays(2));
    assertThat(s.zone()).isEqualTo("UTC");
    // 10:00 in Hồ Chí Minh (03:00 UTC) and 20:00 UTC of D-2
    assertThat(calls(s, PORTAL)).isEqualTo(6);
  }

  @Test
  void aFailedSendIsTriedAgainAfterRetryAndIsLoggedWithoutTheToken() throws Exception {
    List<LogRecord> logged = capture();
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // the national registry is not running yet
    RegistryNode tn = province(port, "          retry: PT10M\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> reporter(tn).failed() == 1);
    RegistryNode ndxp = national(port);
    clock.advance(Duration.ofMinutes(9));
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> reporter(tn).failed() == 1 && reporter(tn).sent() == 0);
    assertThat(held(ndxp)).isEmpty();
    // 00:15: the day that failed, and yesterday, whose time has come meanwhile
    clock.advance(Duration.ofMinutes(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> held(ndxp).keySet().equals(java.util.Set.of(d.minusDays(2), d.minusDays(1))));
    assertThat(reporter(tn).failed()).isEqualTo(1);
    assertThat(logged)
        .anySatisfy(
            r ->
                assertThat(r.getMessage())
                    .contains("summary of VN-TAYNINH " + d.minusDays(2) + " not sent to VN-NDXP")
                    .contains("next attempt at"))
        .anySatisfy(
            r ->
                assertThat(r.getMessage())
                    .contains("summary of VN-TAYNINH " + d.minusDays(2) + " sent to VN-NDXP"))
        .noneSatisfy(r -> assertThat(r.getMessage()).contains(REPORTER));
  }

  @Test
  void tokenFileIsTheTokenSentAnUnknownOneIsRefusedAndCountedAsFailed() throws Exception {
    List<LogRecord> logged = capture();
    RegistryNode ndxp = national(0);
    RegistryNode tn = province(ndxp.port(), "          retry: PT1M\n", "wrong.token");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    tn.bindMetrics(meters, "VN-TAYNINH");
    await().atMost(Duration.ofSeconds(10)).until(() -> reporter(tn).failed() >= 1);
    assertThat(held(ndxp)).isEmpty();
    assertThat(
            meters
                .get("lgsp.federation.summaries.failed")
                .tag("peer", "VN-NDXP")
                .functionCounter()
                .count())
        .isGreaterThanOrEqualTo(1);
    assertThat(logged)
        .anySatisfy(r -> assertThat(r.getMessage()).contains("admin.unauthenticated"));
  }

  @Test
  void catchUpBoundsTheMissedDaysAndARestartSendsNoDayTwice() throws Exception {
    RegistryNode ndxp = national(0);
    RegistryNode tn = province(ndxp.port(), "          catchUp: 3\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> held(ndxp).containsKey(d.minusDays(2)));
    long issued = issuedAt(ndxp, d.minusDays(2));
    tn.close();
    open.remove(tn);
    // five days later, at 00:15: D-1 to D+4 are due, six days; catchUp 3 sends the last three
    clock.set(at(d.plusDays(5), 0, 15, HCM));
    RegistryNode again = province(ndxp.port(), "          catchUp: 3\n");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    again.bindMetrics(meters, "VN-TAYNINH");
    await().atMost(Duration.ofSeconds(10)).until(() -> held(ndxp).containsKey(d.plusDays(4)));
    assertThat(held(ndxp).keySet())
        .containsExactly(d.minusDays(2), d.plusDays(2), d.plusDays(3), d.plusDays(4));
    // D-2 was not sent again: the one held is the first
    assertThat(issuedAt(ndxp, d.minusDays(2))).isEqualTo(issued);
    assertThat(
            meters
                .get("lgsp.federation.summaries.sent")
                .tag("peer", "VN-NDXP")
                .functionCounter()
                .count())
        .isEqualTo(3.0);
    assertThat(meters.get("lgsp.federation.summaries.last.sent").gauge().value())
        .isEqualTo((double) clock.instant().getEpochSecond());
  }

  @Test
  void sendFalseKeepsTheSectionAndSendsNothing() throws Exception {
    RegistryNode ndxp = national(0);
    RegistryNode tn = province(ndxp.port(), "          send: false\n");
    assertThat(tn.registry().summaryReporters()).isEmpty();
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> held(ndxp).isEmpty());
  }

  @Test
  void malformedSummariesStopTheReadingOfTheFile() throws Exception {
    for (String bad :
        List.of(
            "          at: \"25:00\"\n",
            "          zone: Mars/Olympus\n",
            "          catchUp: 0\n",
            "          retry: PT0S\n")) {
      Path file = provinceFile(1, bad, "reporter.token");
      assertThatThrownBy(() -> NodeConfig.read(file)).hasMessageContaining("summaries");
    }
    Path noStatistics = provinceFile(1, "", "reporter.token");
    String text = Files.readString(noStatistics);
    Files.writeString(noStatistics, text.substring(0, text.indexOf("          statistics:")));
    assertThatThrownBy(() -> NodeConfig.read(noStatistics))
        .hasMessageContaining("summaries.statistics");
  }

  // ---- the two registries

  private RegistryNode national(int port) throws Exception {
    Path base = dir.resolve("ndxp");
    Files.writeString(
        base.resolve("node.yaml"),
        "instance: VN-NDXP\nregistry:\n  port: "
            + port
            + "\n  database: jdbc:sqlite:data/registry.db\n  adminTokenSha256: "
            + Digests.hex(Digests.sha256("admin".getBytes()))
            + "\n  signing: {certificate: registry-signing.pem, key: registry-signing.key}\n"
            + "  federation:\n    peers:\n      - agreement: agreement.json\n"
            + "        registryUrl: http://127.0.0.1:1\n"
            + "    reporters:\n      - name: tayninh\n        tokenSha256: "
            + Digests.hex(Digests.sha256(REPORTER.getBytes()))
            + "\n");
    return start(base, "VN-NDXP");
  }

  private RegistryNode province(int nationalPort, String settings) throws Exception {
    return province(nationalPort, settings, "reporter.token");
  }

  private RegistryNode province(int nationalPort, String settings, String tokenFile)
      throws Exception {
    provinceFile(nationalPort, settings, tokenFile);
    return start(dir.resolve("tn"), "VN-TAYNINH");
  }

  private Path provinceFile(int nationalPort, String settings, String tokenFile) throws Exception {
    Path base = dir.resolve("tn");
    Path file = base.resolve("node.yaml");
    Files.writeString(
        file,
        "instance: VN-TAYNINH\nregistry:\n  port: 0\n  database: jdbc:sqlite:data/registry.db\n"
            + "  adminTokenSha256: "
            + Digests.hex(Digests.sha256("admin".getBytes()))
            + "\n  signing: {certificate: registry-signing.pem, key: registry-signing.key}\n"
            + "  federation:\n    refresh: PT0.2S\n    peers:\n"
            + "      - agreement: agreement.json\n"
            + "        registryUrl: http://127.0.0.1:"
            + nationalPort
            + "\n        summaries:\n"
            + settings
            + "          tokenFile: ../"
            + tokenFile
            + "\n          statistics:\n"
            + "            - {url: \"http://127.0.0.1:"
            + gw1.apiPort().orElseThrow()
            + "\", tokenFile: ../stats.token}\n"
            + "            - {url: \"http://127.0.0.1:"
            + gw2.apiPort().orElseThrow()
            + "\", tokenFile: ../stats.token}\n");
    return file;
  }

  private RegistryNode start(Path base, String instance) {
    RegistryNode node =
        RegistryNode.start(
            instance,
            NodeConfig.read(base.resolve("node.yaml")).registry().orElseThrow(),
            base,
            new PrintStream(OutputStream.nullOutputStream()),
            List.of(),
            clock);
    open.add(node);
    return node;
  }

  private void writeInstance(String name, Credentials signing) throws Exception {
    Path base = Files.createDirectories(dir.resolve(name));
    GatewayNodeSettingsTest.write(base, "registry-signing", signing);
    Agreement a =
        new Agreement(
            "ndxp-tayninh",
            Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(20)),
            List.of(
                new Agreement.Party("VN-NDXP", Certificates.base64(ndxpSigner.certificate())),
                new Agreement.Party("VN-TAYNINH", Certificates.base64(tnSigner.certificate()))),
            List.of(
                new Agreement.Export(
                    "VN-NDXP", "VN-TAYNINH", List.of(Selector.memberClass("GOV")), List.of())));
    Files.write(
        base.resolve("agreement.json"),
        SignedAgreement.sign(a, "VN-NDXP", ndxpSigner.signer())
            .countersign("VN-TAYNINH", tnSigner.signer())
            .toJson());
  }

  /** The summaries the national registry holds, by day, read from its database. */
  private static Map<LocalDate, DailySummary> held(RegistryNode ndxp) {
    Map<LocalDate, DailySummary> held = new TreeMap<>();
    for (byte[] raw :
        Sql.read(
            ndxp.database(),
            h ->
                h.createQuery(
                        "SELECT signed FROM registry_federation_summary WHERE instance ="
                            + " 'VN-TAYNINH'")
                    .mapTo(byte[].class)
                    .list())) {
      SignedDocument signed = SignedDocument.parse(raw, DailySummary.SIGNED);
      DailySummary s =
          Json.read(Digests.fromBase64("payload", signed.payload()), DailySummary.class);
      held.put(s.day(), s);
    }
    return held;
  }

  private static long issuedAt(RegistryNode ndxp, LocalDate day) {
    return Sql.read(
        ndxp.database(),
        h ->
            h.createQuery("SELECT issued_at FROM registry_federation_summary WHERE day = ?")
                .bind(0, day.toString())
                .mapTo(Long.class)
                .one());
  }

  private static long calls(DailySummary s, ClientId system) {
    return s.rows().stream()
        .filter(f -> f.agency().orElseThrow().equals(system.memberId().toString()))
        .mapToLong(org.openlgsp.statistics.Figures::calls)
        .sum();
  }

  private static SummaryReporter reporter(RegistryNode node) {
    return node.registry().summaryReporters().getFirst();
  }

  // ---- the gateways' statistics

  private Statistics statistics(String name) {
    Database db = TestDatabases.sqlite(dir.resolve(name));
    StatisticsOptions o = StatisticsOptions.defaults();
    Statistics s =
        Statistics.start(
            db,
            new StatisticsOptions(
                true,
                o.queueSize(),
                o.batchSize(),
                Duration.ofMillis(50),
                HCM,
                o.maxRange(),
                o.retention(),
                o.purgeInterval(),
                Optional.of(0),
                Optional.of(BearerTokens.hash(STATS_TOKEN))),
            new SimpleMeterRegistry(),
            "127.0.0.1");
    open.add(db);
    open.add(s);
    return s;
  }

  private static void observe(Statistics s, Instant at, ClientId client, int times) {
    for (int i = 0; i < times; i++) {
      ExchangeObservation o =
          Observed.at(at.plusSeconds(i), client, CITIZENS).messageId("m-" + at + i).build();
      s.observers().getFirst().observed(o);
    }
  }

  private static long counted(Statistics s) {
    LocalDate d = LocalDate.now(HCM).plusDays(3);
    return s
        .figures(at(d.minusDays(4), 0, 0, ZoneOffset.UTC), at(d, 0, 0, ZoneOffset.UTC), "agency")
        .stream()
        .flatMap(List::stream)
        .mapToLong(org.openlgsp.statistics.Figures::calls)
        .sum();
  }

  private Credentials signer(String cn) {
    return ca.issueCredentials(
        CertificateProfile.DIRECTORY_SIGNING, cn, "Test", List.of(), Duration.ofDays(20));
  }

  private List<LogRecord> capture() {
    List<LogRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());
    Logger logger = Logger.getLogger(SummaryReporter.class.getName());
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(h);
    open.add(() -> logger.removeHandler(h));
    return records;
  }
}
