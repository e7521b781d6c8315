package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.alerts.Alerts;
import org.openlgsp.alerts.AlertsOptions;
import org.openlgsp.alerts.AlertsProbe;
import org.openlgsp.alerts.NodeSignals;
import org.openlgsp.gateway.spi.ExchangeObserver;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Each stream rule raised by real exchanges through two real gateways (Tây Ninh's consumer gateway
 * runs the rules), and quiet on normal traffic. The gateways are shared by the tests; each test
 * starts its own alerts with its own rules file.
 */
class AlertingGatewaysTest {
  static final String CITIZENS = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/";
  @TempDir static Path shared;
  static TwoGateways net;
  static final AtomicReference<ExchangeObserver> current = new AtomicReference<>(o -> {});

  /**
   * What the provider's (Bộ Công an's) gateway observes goes here: its leak detectors' findings.
   */
  static final AtomicReference<ExchangeObserver> provider = new AtomicReference<>(o -> {});

  @TempDir Path dir;
  Database db;
  Alerts alerts;
  int sent;

  static String token;

  @BeforeAll
  static void gateways() throws Exception {
    net =
        new TwoGateways(
            shared,
            List.of(o -> current.get().observed(o)),
            List.of(o -> provider.get().observed(o)));
    token = net.token(); // one token for all: a burst must not wait for a token per request
  }

  @AfterAll
  static void stopGateways() {
    net.close();
  }

  @AfterEach
  void stop() {
    current.set(o -> {});
    provider.set(o -> {});
    if (alerts != null) {
      alerts.close();
    }
    if (db != null) {
      db.close();
    }
  }

  /** Starts alerts with {@code rules} (YAML) on the consumer gateway. */
  Alerts start(String rules) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, rules);
    db = TestDatabases.sqlite(dir);
    alerts =
        Alerts.start(
            db,
            AlertsOptions.defaults().withRulesFile("rules.yaml"),
            dir,
            NodeSignals.none(),
            "127.0.0.1",
            Clock.systemUTC());
    current.set(alerts.observer());
    sent = 0;
    return alerts;
  }

  HttpRequest request(String id, String officer) throws Exception {
    return HttpRequest.newBuilder(URI.create(net.clientHttp() + CITIZENS + id))
        .header("Authorization", "Bearer " + token)
        .header("X-Road-Client", TwoGateways.PORTAL.toString())
        .header("X-Road-Issue", "HS-2026-000123")
        .header("X-Road-UserId", officer)
        .header("Accept", "application/problem+json") // OpenLGSP's statuses
        .GET()
        .build();
  }

  int exchange(HttpClient http, String id) throws Exception {
    sent++;
    return http.send(request(id, "VN-officer-7"), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  int exchange(String id) throws Exception {
    return exchange(net.http, id);
  }

  /** Waits until the rules have taken every exchange sent, then answers what they raised. */
  List<AlertsProbe.Seen> settled() {
    await().atMost(Duration.ofSeconds(10)).until(() -> AlertsProbe.processed(alerts) == sent);
    return AlertsProbe.alerts(alerts);
  }

  List<AlertsProbe.Seen> raised(String rule) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> AlertsProbe.alerts(alerts).stream().anyMatch(a -> a.rule().equals(rule)));
    return AlertsProbe.alerts(alerts).stream().filter(a -> a.rule().equals(rule)).toList();
  }

  static String citizen(int n) {
    return String.format("0790900%05d", n);
  }

  @Test
  void manyDistinctSubjectsByOneOfficerRaiseEnumerationWithTheLedgerIndexes() throws Exception {
    start("subjectEnumeration: {distinctSubjects: 5, window: PT1M}\n");
    for (int i = 0; i < 5; i++) {
      assertThat(exchange(citizen(i))).isEqualTo(200);
    }
    List<AlertsProbe.Seen> found = raised("subjectEnumeration");
    assertThat(found).hasSize(1);
    AlertsProbe.Seen a = found.getFirst();
    assertThat(a.severity()).isEqualTo("HIGH");
    assertThat(a.count()).isEqualTo(5);
    assertThat(a.facts()).containsEntry("officer", "VN-officer-7");
    assertThat(a.ledgerIndexes()).hasSize(5).allMatch(i -> i < net.tnLedger.size());
    assertThat(a.toString()).doesNotContain(citizen(1));
  }

  @Test
  void oneSubjectLookedUpAgainAndAgainIsNoEnumeration() throws Exception {
    start("subjectEnumeration: {distinctSubjects: 5, window: PT1M}\n");
    for (int i = 0; i < 6; i++) {
      assertThat(exchange(citizen(1))).isEqualTo(200);
    }
    assertThat(settled()).isEmpty();
  }

  @Test
  void personalDataOutsideWorkingDaysRaisesOffHoursAccess() throws Exception {
    DayOfWeek today = Instant.now().atZone(ZoneOffset.UTC).getDayOfWeek();
    String otherDays =
        java.util.Arrays.stream(DayOfWeek.values())
            .filter(d -> d != today && d != today.plus(1) && d != today.minus(1))
            .map(DayOfWeek::name)
            .collect(Collectors.joining(", "));
    start("offHoursPersonalData: {threshold: 3, zone: UTC, workDays: [" + otherDays + "]}\n");
    for (int i = 0; i < 3; i++) {
      assertThat(exchange(citizen(i))).isEqualTo(200);
    }
    AlertsProbe.Seen a = raised("offHoursPersonalData").getFirst();
    assertThat(a.count()).isEqualTo(3);
    assertThat(a.facts()).containsEntry("client", TwoGateways.PORTAL.encoded());
  }

  @Test
  void personalDataWithinWorkingHoursRaisesNothing() throws Exception {
    start(
        "offHoursPersonalData: {threshold: 3, zone: UTC, workStart: '00:00',"
            + " workEnd: '23:59:59.999999999',"
            + " workDays: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY]}\n");
    for (int i = 0; i < 4; i++) {
      assertThat(exchange(citizen(i))).isEqualTo(200);
    }
    assertThat(settled()).isEmpty();
  }

  @Test
  void aBurstOfAccessDeniedRaisesARefusalBurstCountedByCode() throws Exception {
    start("refusalBurst: {threshold: 3, window: PT1M}\n");
    List<org.openlgsp.core.Directory.Grant> saved = new ArrayList<>(net.grants);
    net.grants.clear();
    net.republish();
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(exchange(citizen(i))).isEqualTo(403);
      }
    } finally {
      net.grants.addAll(saved);
      net.republish();
    }
    AlertsProbe.Seen a = raised("refusalBurst").getFirst();
    assertThat(a.count()).isEqualTo(3);
    assertThat(a.facts()).containsEntry("count.access.denied", "3");
    assertThat(a.key()).isEqualTo(TwoGateways.PORTAL.encoded());
  }

  @Test
  void successfulTrafficAndAFewRefusalsRaiseNoBurst() throws Exception {
    start("refusalBurst: {threshold: 3, window: PT1M}\n");
    for (int i = 0; i < 5; i++) {
      assertThat(exchange(citizen(i))).isEqualTo(200);
    }
    HttpResponse<Void> mismatch =
        net.http.send(
            HttpRequest.newBuilder(URI.create(net.clientHttp() + CITIZENS + citizen(1)))
                .header("Authorization", "Bearer " + net.token())
                .header("X-Road-Client", TwoGateways.OTHER_SYSTEM.toString())
                .header("X-Road-Issue", "HS-2026-000123")
                .header("Accept", "application/problem+json")
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(mismatch.statusCode()).isEqualTo(403);
    // a refusal before the client is known leaves no ledger record to observe; count only what is
    await()
        .pollDelay(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(10))
        .until(() -> AlertsProbe.processed(alerts) >= sent);
    assertThat(AlertsProbe.alerts(alerts)).isEmpty();
  }

  @Test
  void aClientCallingFromANewAddressIsRaisedOnce() throws Exception {
    start("newSourceAddress: {learning: PT0S}\n");
    assertThat(exchange(citizen(1))).isEqualTo(200); // learns 127.0.0.1
    HttpClient elsewhere =
        HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build();
    assertThat(exchange(elsewhere, citizen(2))).isEqualTo(200);
    assertThat(exchange(elsewhere, citizen(3))).isEqualTo(200);
    List<AlertsProbe.Seen> found = raised("newSourceAddress");
    settled();
    found = AlertsProbe.alerts(alerts);
    assertThat(found).hasSize(1);
    assertThat(found.getFirst().facts()).containsEntry("sourceAddress", "127.0.0.2");
  }

  @Test
  void aClientAtItsUsualAddressRaisesNothing() throws Exception {
    start("newSourceAddress: {learning: PT0S}\n");
    for (int i = 0; i < 4; i++) {
      assertThat(exchange(citizen(i))).isEqualTo(200);
    }
    assertThat(settled()).isEmpty();
  }

  @Test
  void aSlowExchangeRaisesSlowExchangeWithItsTime() throws Exception {
    start("slowExchange: {count: 1, responseTime: PT1S}\n");
    sent++;
    CompletableFuture<HttpResponse<Void>> held =
        net.http.sendAsync(request("held", "VN-officer-7"), HttpResponse.BodyHandlers.discarding());
    assertThat(net.heldArrivals.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    Instant arrived = Instant.now();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Duration.between(arrived, Instant.now()).toMillis() > 1200);
    net.heldRelease.countDown();
    assertThat(held.get().statusCode()).isEqualTo(200);
    AlertsProbe.Seen a = raised("slowExchange").getFirst();
    assertThat(Long.parseLong(a.facts().get("maxResponseMs"))).isGreaterThan(1000);
    assertThat(a.key()).isEqualTo(TwoGateways.CITIZENS.encoded());
  }

  @Test
  void normalExchangesAreNotSlow() throws Exception {
    start("slowExchange: {count: 1, responseTime: PT1S}\n");
    for (int i = 0; i < 4; i++) {
      assertThat(exchange(citizen(i))).isEqualTo(200);
    }
    assertThat(settled()).isEmpty();
  }

  /** Sends {@code n} exchanges at once, all within one window of the spike rule. */
  void burst(int n) {
    sent += n;
    List<CompletableFuture<HttpResponse<Void>>> all =
        IntStream.range(0, n)
            .mapToObj(
                i -> {
                  try {
                    return net.http.sendAsync(
                        request(citizen(i), "VN-officer-7"),
                        HttpResponse.BodyHandlers.discarding());
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .toList();
    all.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
  }

  /** Waits for the start of the next window of {@code ms}. */
  static void nextWindow(long ms) {
    long now = System.currentTimeMillis();
    long next = (now / ms + 1) * ms;
    await().atMost(Duration.ofMillis(ms * 2)).until(() -> System.currentTimeMillis() >= next);
  }

  @Test
  void requestsFarAboveTheClientsOwnBaselineRaiseASpike() throws Exception {
    start("requestSpike: {window: PT1S, baselineWindows: 2, factor: 3, minRequests: 8}\n");
    nextWindow(1000);
    assertThat(exchange(citizen(1))).isEqualTo(200); // the client's baseline: one a window
    nextWindow(1000);
    assertThat(exchange(citizen(1))).isEqualTo(200);
    nextWindow(1000);
    burst(10);
    AlertsProbe.Seen a = raised("requestSpike").getFirst();
    assertThat(a.count()).isEqualTo(9);
    assertThat(Double.parseDouble(a.facts().get("baseline"))).isLessThan(1.5);
  }

  @Test
  void aClientBusyAtItsUsualLevelIsNoSpike() throws Exception {
    // 3 s windows: on a loaded machine a burst of 10 through both gateways can take over a second,
    // and a window it then missed would be a baseline of 0 (a spike the traffic never made)
    start("requestSpike: {window: PT3S, baselineWindows: 2, factor: 3, minRequests: 8}\n");
    nextWindow(3000);
    burst(10);
    nextWindow(3000);
    burst(10);
    nextWindow(3000);
    burst(10);
    assertThat(settled()).isEmpty();
  }

  @Test
  void theSameFindingWithinTheSuppressionWindowIsOneAlertWithMoreOccurrences() throws Exception {
    start("subjectEnumeration: {distinctSubjects: 2, window: PT1M}\n");
    for (int i = 0; i < 6; i++) {
      assertThat(exchange(citizen(i))).isEqualTo(200);
    }
    List<AlertsProbe.Seen> found = settled();
    assertThat(found).hasSize(1);
    assertThat(found.getFirst().occurrences()).isEqualTo(3);
  }

  @Test
  void anAlertStoreThatFailsNeverFailsAnExchange() throws Exception {
    start("subjectEnumeration: {distinctSubjects: 2, window: PT1M}\n");
    db.close(); // every alert write fails from now on
    for (int i = 0; i < 4; i++) {
      assertThat(exchange(citizen(i))).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> AlertsProbe.processed(alerts) == sent);
    assertThat(alerts.dropped()).isZero();
  }

  static final String CANNED = "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/canned/x";

  /**
   * Runs {@code body} with the portal's grant carrying a response policy whose detectors alert on a
   * CCCD and block a classification mark (docs/privacy.md), the provider's backend answering {@code
   * answer}, and the rules watching the provider's gateway, where the detectors run.
   */
  void withLeakDetectors(String answer, java.util.concurrent.Callable<Void> body) throws Exception {
    start("dataLeak: {severity: CRITICAL}\n");
    current.set(o -> {});
    provider.set(alerts.observer());
    List<org.openlgsp.core.Directory.Grant> saved = new ArrayList<>(net.grants);
    byte[] savedBody = net.cannedBody;
    net.grants.clear();
    net.grants.add(
        TwoGateways.portalGrantWithLeaks(
            new org.openlgsp.core.PrivacyPolicy.LeakRule(
                "cccd", org.openlgsp.core.PrivacyPolicy.LeakAction.ALERT),
            new org.openlgsp.core.PrivacyPolicy.LeakRule(
                "classification", org.openlgsp.core.PrivacyPolicy.LeakAction.BLOCK)));
    net.republish();
    net.cannedBody = answer.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      body.call();
    } finally {
      net.cannedBody = savedBody;
      net.grants.clear();
      net.grants.addAll(saved);
      net.republish();
    }
  }

  HttpResponse<String> canned() throws Exception {
    sent++;
    return net.http.send(
        HttpRequest.newBuilder(URI.create(net.clientHttp() + CANNED))
            .header("Authorization", "Bearer " + token)
            .header("X-Road-Client", TwoGateways.PORTAL.toString())
            .header("X-Road-Issue", "HS-2026-000123")
            .header("Accept", "application/problem+json")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aResponseHoldingAnIdentifierOrAClassificationMarkRaisesDataLeakWithItsLedgerIndex()
      throws Exception {
    withLeakDetectors(
        "{\"hoSo\":\"HS-1\",\"ghiChu\":\"CCCD 079090001234\"}",
        () -> {
          HttpResponse<String> passed = canned();
          assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200); // alert: passed on
          assertThat(passed.body()).contains("079090001234");
          List<AlertsProbe.Seen> found = raised("dataLeak");
          assertThat(found).hasSize(1);
          AlertsProbe.Seen a = found.getFirst();
          assertThat(a.severity()).isEqualTo("CRITICAL");
          assertThat(a.count()).isEqualTo(1);
          assertThat(a.facts())
              .containsEntry("client", TwoGateways.PORTAL.encoded())
              .containsEntry("service", TwoGateways.CITIZENS.encoded())
              .containsEntry("findings", "cccd:alert");
          assertThat(a.ledgerIndexes()).hasSize(1).allMatch(i -> i < net.mpsLedger.size());
          assertThat(a.toString()).doesNotContain("079090001234"); // the finding, not the value

          net.cannedBody =
              "{\"hoSo\":\"HS-2\",\"doMat\":\"TỐI MẬT\"}"
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          HttpResponse<String> blocked = canned();
          assertThat(blocked.body()).contains("privacy.leak_blocked").doesNotContain("MẬT");
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> AlertsProbe.alerts(alerts).size() == 2);
          assertThat(settled())
              .filteredOn(x -> x.facts().get("findings").contains("classification:block"))
              .singleElement()
              .satisfies(x -> assertThat(x.rule()).isEqualTo("dataLeak"));
          return null;
        });
  }

  @Test
  void responsesWithoutIdentifiersOrMarksUnderTheSameDetectorsRaiseNothing() throws Exception {
    withLeakDetectors(
        "{\"hoSo\":\"HS-1\",\"ghiChu\":\"Hồ sơ đã tiếp nhận\",\"so\":[1,2,3]}",
        () -> {
          for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = canned();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          }
          assertThat(settled()).isEmpty();
          return null;
        });
  }
}
