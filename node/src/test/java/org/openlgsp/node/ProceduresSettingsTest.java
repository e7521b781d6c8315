package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/** The {@code procedures:} section of node.yaml, proven through a started node. */
class ProceduresSettingsTest {
  static final String READER = "procedures-reader-token-0123";
  static final String OPERATOR = "procedures-operator-token-0123";
  static final String SECRET = "engine-secret-from-a-file-0123";

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  private Path config(String database, String gatewayUrl, String extra) throws Exception {
    Files.writeString(dir.resolve("engine.secret"), SECRET + "\n");
    Path f = dir.resolve("node.yaml");
    Files.writeString(
        f,
        """
        instance: VN
        procedures:
          database: "%s"
          agency: 000.00.00.H53
          services:
            hoTich: VN/GOV/000.00.00.G12/HOTICH/hotich
            cuTru: VN/GOV/000.00.00.G01/CSDLCUTRU/cutru
            bhxh: VN/GOV/000.00.00.G16/BHXH/bhxh
          gateway:
            url: "%s"
            client: VN/GOV/000.00.00.H53/LIENTHONG
            oauthClientId: lienthong-from-config
            secretFile: engine.secret
          api:
            host: 127.0.0.2
            port: 0
            readerTokenSha256: %s
            operatorTokenSha256: %s
        %s"""
            .formatted(
                database,
                gatewayUrl,
                BearerTokens.hash(READER),
                BearerTokens.hash(OPERATOR),
                extra));
    return f;
  }

  @Test
  void aSqliteDatabaseIsRefusedNamingTheKeyAndWhy() throws Exception {
    Path f = config("jdbc:sqlite:data/procedures.db", "http://127.0.0.1:9", "");
    assertThatThrownBy(() -> NodeConfig.read(f))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("procedures: database must be a PostgreSQL JDBC URL")
        .hasMessageContaining("no SQLite support");
  }

  @Test
  void anUnknownOrInlineSecretKeyIsRefused() throws Exception {
    Path misspelt =
        config("jdbc:postgresql://127.0.0.1/x", "http://127.0.0.1:9", "  jobPol: PT1S\n");
    assertThatThrownBy(() -> NodeConfig.read(misspelt))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("procedures.jobPol: unknown key; valid keys: database, gateway,");
    Path inline =
        config("jdbc:postgresql://127.0.0.1/x", "http://127.0.0.1:9", "")
            .resolveSibling("node.yaml");
    Files.writeString(
        inline, Files.readString(inline).replace("secretFile: engine.secret", "secret: " + SECRET));
    assertThatThrownBy(() -> NodeConfig.read(inline))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining(
            "procedures.gateway.secret: unknown key; valid keys: url, client,"
                + " oauthClientId, secretFile");
  }

  @Test
  void serveCheckShowsTheModuleDefaultsAndRedactsTheTokens() throws Exception {
    Path f = config("jdbc:postgresql://127.0.0.1/x", "http://127.0.0.1:9", "  maxAttempts: 3\n");
    String effective = ConfigCheck.effectiveConfiguration(f);
    assertThat(effective)
        .contains("maxAttempts: 3")
        .contains("retryFirst: \"PT2S\"")
        .contains("retryMax: \"PT5M\"")
        .contains("stepTimeout: \"PT30S\"")
        .contains("jobPoll: \"PT1S\"")
        .contains("slaWarningWorkingDays: 1")
        .contains("readerTokenSha256: \"(redacted)\"")
        .doesNotContain(BearerTokens.hash(READER))
        .doesNotContain(SECRET);
    Files.delete(dir.resolve("engine.secret"));
    assertThatThrownBy(() -> ConfigCheck.effectiveConfiguration(f))
        .hasMessageContaining("procedures.gateway.secretFile");
  }

  /**
   * One started node proves database, agency, services, gateway.*, api.*, maxAttempts, stepTimeout
   * and holidays (retryFirst, retryMax and jobPoll: the test below): a fake consumer gateway
   * records what the engine sends and fails every step, so the case waits for an operator after the
   * written number of attempts.
   */
  @Test
  @RequiresPeer(Peer.POSTGRES)
  void theEngineRunsOnTheWrittenDatabaseAndCallsTheWrittenGatewayAsTheWrittenClient()
      throws Exception {
    String schema = TestDatabases.postgresSchema();
    String base = TestDatabases.postgresUrl();
    String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    // holidays: the next 14 days in Vietnam, so no working day until after them
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Ho_Chi_Minh"));
    String holidays =
        String.join(
            ", ",
            java.util.stream.IntStream.range(0, 14)
                .mapToObj(i -> today.plusDays(i).toString())
                .toList());
    List<String> tokenForms = new CopyOnWriteArrayList<>();
    List<String> calls = new CopyOnWriteArrayList<>();
    Map<String, String> clients = new ConcurrentHashMap<>();
    HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    gateway.createContext(
        "/token",
        x -> {
          tokenForms.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          answerToken(x);
        });
    gateway.createContext(
        "/r1/",
        x -> {
          x.getRequestBody().readAllBytes();
          calls.add(x.getRequestURI().getPath());
          clients.put(x.getRequestURI().getPath(), x.getRequestHeaders().getFirst("X-Road-Client"));
          try {
            Thread.sleep(1_500); // a slow agency: longer than the written stepTimeout
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          x.sendResponseHeaders(503, -1);
          x.close();
        });
    gateway.start();
    Path f =
        config(
            url,
            "http://127.0.0.1:" + gateway.getAddress().getPort(),
            "  maxAttempts: 2\n  retryFirst: PT0.05S\n  retryMax: PT0.1S\n  jobPoll: PT0.1S\n"
                + "  stepTimeout: PT0.5S\n  holidays: ["
                + holidays
                + "]\n");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<AutoCloseable> running =
        NodeRoles.start(NodeConfig.read(f), dir, new PrintStream(printed, true, "UTF-8"));
    ProceduresNode node = (ProceduresNode) running.get(0);
    int port = node.apiPort().orElseThrow();
    try {
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("case API http://127.0.0.2:" + port)
          .doesNotContain(schema); // the URL's parameters are not printed
      assertThat(NodeRoles.healthChecks(running))
          .extracting(c -> c.run())
          .contains(new HealthCheck.Result("procedures.database", true, "postgresql reachable"));
      // database: the engine's tables are in the written schema
      try (Connection c = DriverManager.getConnection(base);
          ResultSet r =
              c.createStatement()
                  .executeQuery(
                      "SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                          + schema
                          + "' AND table_name = 'act_re_procdef'")) {
        r.next();
        assertThat(r.getInt(1)).isEqualTo(1);
      }
      // api.host: the listener is on the written address only
      assertThatThrownBy(
              () -> call("127.0.0.1", port, "GET", "/procedures/v1/waiting", OPERATOR, ""))
          .isInstanceOf(java.io.IOException.class);
      String filing =
          "{\"thuTuc\":\"lienThongKhaiSinh\",\"mucDich\":\"Liên thông khai sinh\","
              + "\"canBo\":\"VN072090000001\",\"hoSo\":{\"treEm\":{\"hoTen\":\"An\"}}}";
      assertThat(
              call("127.0.0.2", port, "POST", "/procedures/v1/cases", READER, filing).statusCode())
          .isEqualTo(403);
      HttpResponse<String> filed =
          call("127.0.0.2", port, "POST", "/procedures/v1/cases", OPERATOR, filing);
      assertThat(filed.statusCode()).isEqualTo(201);
      // agency: the case code's first part
      String code = filed.body().replaceAll(".*\"maHoSo\":\"([^\"]+)\".*", "$1");
      assertThat(code).startsWith("000.00.00.H53-");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  call("127.0.0.2", port, "GET", "/procedures/v1/cases/" + code, READER, "")
                      .body()
                      .contains("\"trangThai\":\"WAITING_FOR_OPERATOR\""));
      String view =
          call("127.0.0.2", port, "GET", "/procedures/v1/cases/" + code, READER, "").body();
      // stepTimeout PT0.5S: the 1.5 s agency counts as unreachable, not as its late 503
      assertThat(view).contains("unreachable").doesNotContain("answered 503");
      // holidays: due 3 working days after the 14 holidays, not within the week
      java.time.Instant due =
          java.time.Instant.parse(view.replaceAll(".*\"hanXuLy\":\"([^\"]+)\".*", "$1"));
      assertThat(due)
          .isAfter(
              today.plusDays(14).atStartOfDay(java.time.ZoneId.of("Asia/Ho_Chi_Minh")).toInstant());
      // maxAttempts: 2 calls of the first step, then the operator; services: the written service
      assertThat(calls)
          .hasSize(2)
          .allSatisfy(p -> assertThat(p).startsWith("/r1/VN/GOV/000.00.00.G12/HOTICH/hotich"));
      // gateway.client / oauthClientId / secretFile
      assertThat(clients.values()).containsOnly("VN/GOV/000.00.00.H53/LIENTHONG");
      assertThat(tokenForms.get(0))
          .contains("client_id=lienthong-from-config")
          .contains("client_secret=" + SECRET);
    } finally {
      NodeRoles.closeAll(running);
      gateway.stop(0);
    }
    assertThatThrownBy(() -> call("127.0.0.2", port, "GET", "/procedures/v1/waiting", OPERATOR, ""))
        .isInstanceOf(java.io.IOException.class); // stopped with the node
  }

  /**
   * slaWarningWorkingDays, and the alerts wiring: in a node running a gateway with alerts and the
   * engine, a fresh case (3 working days left) is at risk, and raised as {@code procedureAtRisk},
   * when the file says 3 days; with the default (1) nothing is raised.
   */
  @Test
  @RequiresPeer(Peer.POSTGRES)
  void slaWarningWorkingDaysDecidesWhenAFreshCaseIsRaisedAsAtRisk() throws Exception {
    org.openlgsp.pki.CertificateAuthority ca =
        org.openlgsp.pki.CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
    assertThat(atRiskAlerts(ca, "  slaWarningWorkingDays: 3\n")).isEqualTo(1);
    assertThat(atRiskAlerts(ca, "")).isZero();
  }

  private int atRiskAlerts(org.openlgsp.pki.CertificateAuthority ca, String extra)
      throws Exception {
    String schema = TestDatabases.postgresSchema();
    String base = TestDatabases.postgresUrl();
    String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    String reader = "alerts-reader-token-0123456789";
    Path gw =
        GatewayNodeSettingsTest.configWith(
            dir,
            ca,
            "alerts",
            "pollInterval: PT0.2S, api: {port: 0, readerTokenSha256: "
                + BearerTokens.hash(reader)
                + ", operatorTokenSha256: "
                + BearerTokens.hash("alerts-operator-token-0123")
                + "}");
    String gateway = Files.readString(gw);
    Path procedures = config(url, "http://127.0.0.1:9", extra);
    String section = Files.readString(procedures).replace("instance: VN\n", "");
    Files.writeString(gw, gateway + section);
    List<AutoCloseable> running =
        NodeRoles.start(NodeConfig.read(gw), dir, new PrintStream(new ByteArrayOutputStream()));
    try {
      GatewayNode node = (GatewayNode) running.get(0);
      ProceduresNode engine = (ProceduresNode) running.get(1);
      String filing =
          "{\"thuTuc\":\"lienThongKhaiSinh\",\"mucDich\":\"Liên thông khai sinh\","
              + "\"canBo\":\"VN072090000001\",\"hoSo\":{}}";
      int port = engine.apiPort().orElseThrow();
      assertThat(
              call("127.0.0.2", port, "POST", "/procedures/v1/cases", OPERATOR, filing)
                  .statusCode())
          .isEqualTo(201);
      HttpRequest list =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:"
                          + node.alerts().apiPort().orElseThrow()
                          + "/alerts/v1/alerts?rule=procedureAtRisk"))
              .header("Authorization", "Bearer " + reader)
              .build();
      // polled every 0.2 s: two seconds is ten polls
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> true);
      String body = http.send(list, HttpResponse.BodyHandlers.ofString()).body();
      return body.split("\"rule\":\"procedureAtRisk\"", -1).length - 1;
    } finally {
      NodeRoles.closeAll(running);
    }
  }

  /**
   * retryFirst, retryMax and jobPoll: a gateway answering 503 at once, the time of each answer
   * recorded, and a PostgreSQL trigger in the test's schema copying every retry timer job's due
   * date as the engine writes it, so no retry is missed however fast it is taken.
   *
   * <p>Small: retryFirst PT0.01S, retryMax PT0.1S, 14 attempts. Each of the 13 waits (due date
   * minus the failed answer) is in [0, 0.1 s + 2 s slack for the engine's own handling]; without
   * the cap, attempts 9 to 13 would draw from [0, 2.56 s] up to [0, 41 s] (0.01 s doubled each
   * time), all five under 2.1 s only about 1 in 2,800. jobPoll PT0.1S: each due retry is taken and
   * called again within 2.5 s.
   *
   * <p>Large: retryFirst = retryMax = P30D. The first wait is uniform in [0, 30 days], so it is
   * more than 10 s but for a 1 in 259,200 chance (10 s / 30 days). jobPoll PT30S: a due job would
   * wait up to 30 s for the next look, whose phase the test cannot know, so instead of timing it
   * the test reads the running engine's acquisition waits through Flowable's public {@code
   * ProcessEngines} registry and {@code AsyncExecutor} getters: 30000 ms for both timer and async
   * jobs (and 100 ms in the small node).
   */
  @Test
  @RequiresPeer(Peer.POSTGRES)
  void retryFirstRetryMaxAndJobPollShapeWhenAFailedStepIsTriedAgain() throws Exception {
    Retried small =
        retried(
            "  maxAttempts: 14\n  retryFirst: PT0.01S\n  retryMax: PT0.1S\n  jobPoll: PT0.1S\n",
            14,
            13);
    assertThat(small.waits()).hasSize(13);
    assertThat(small.waits())
        .allSatisfy(
            w ->
                assertThat(w)
                    .isGreaterThanOrEqualTo(Duration.ZERO)
                    .isLessThanOrEqualTo(Duration.ofMillis(2_100)));
    assertThat(small.gaps()).allSatisfy(g -> assertThat(g).isLessThan(Duration.ofMillis(2_500)));
    assertThat(small.acquireWaits()).containsExactly(100, 100);

    Retried large =
        retried("  maxAttempts: 2\n  retryFirst: P30D\n  retryMax: P30D\n  jobPoll: PT30S\n", 1, 1);
    assertThat(large.waits()).hasSize(1);
    assertThat(large.waits().get(0))
        .isGreaterThan(Duration.ofSeconds(10))
        .isLessThanOrEqualTo(Duration.ofDays(30).plusSeconds(5));
    assertThat(large.acquireWaits()).containsExactly(30_000, 30_000);
  }

  /** What a node with the given retry settings did with a step failing at once. */
  private record Retried(List<Duration> waits, List<Duration> gaps, List<Integer> acquireWaits) {}

  private Retried retried(String extra, int expectedCalls, int expectedRetries) throws Exception {
    String schema = TestDatabases.postgresSchema();
    String base = TestDatabases.postgresUrl();
    String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    List<java.time.Instant> called = new CopyOnWriteArrayList<>();
    List<java.time.Instant> answered = new CopyOnWriteArrayList<>();
    HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext(
        "/token",
        x -> {
          x.getRequestBody().readAllBytes();
          answerToken(x);
        });
    gateway.createContext(
        "/r1/",
        x -> {
          called.add(java.time.Instant.now());
          x.getRequestBody().readAllBytes();
          answered.add(java.time.Instant.now()); // the engine sees the failure after this
          x.sendResponseHeaders(503, -1);
          x.close();
        });
    gateway.start();
    Path f = config(url, "http://127.0.0.1:" + gateway.getAddress().getPort(), extra);
    List<AutoCloseable> running =
        NodeRoles.start(NodeConfig.read(f), dir, new PrintStream(new ByteArrayOutputStream()));
    try (Connection db = DriverManager.getConnection(base)) {
      db.createStatement()
          .execute(
              ("CREATE TABLE %1$s.retry_log (n serial PRIMARY KEY, due timestamp);"
                      + " CREATE FUNCTION %1$s.log_retry() RETURNS trigger LANGUAGE plpgsql AS"
                      + " $$ BEGIN INSERT INTO %1$s.retry_log (due) VALUES (NEW.duedate_);"
                      + " RETURN NEW; END $$;"
                      + " CREATE TRIGGER log_retry AFTER INSERT ON %1$s.act_ru_timer_job"
                      + " FOR EACH ROW EXECUTE FUNCTION %1$s.log_retry();")
                  .formatted(schema));
      int port = ((ProceduresNode) running.get(0)).apiPort().orElseThrow();
      String filing =
          "{\"thuTuc\":\"lienThongKhaiSinh\",\"mucDich\":\"Liên thông khai sinh\","
              + "\"canBo\":\"VN072090000001\",\"hoSo\":{}}";
      assertThat(
              call("127.0.0.2", port, "POST", "/procedures/v1/cases", OPERATOR, filing)
                  .statusCode())
          .isEqualTo(201);
      List<java.time.Instant> dues = new java.util.ArrayList<>();
      await()
          .pollInterval(Duration.ofMillis(200))
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                dues.clear();
                try (ResultSet r =
                    db.createStatement()
                        .executeQuery("SELECT due FROM " + schema + ".retry_log ORDER BY n")) {
                  while (r.next()) {
                    dues.add(r.getTimestamp(1).toInstant());
                  }
                }
                return called.size() == expectedCalls && dues.size() == expectedRetries;
              });
      List<Duration> waits = new java.util.ArrayList<>();
      for (int i = 0; i < dues.size(); i++) {
        waits.add(Duration.between(answered.get(i), dues.get(i)));
      }
      List<Duration> gaps = new java.util.ArrayList<>();
      for (int i = 0; i + 1 < called.size(); i++) {
        gaps.add(Duration.between(dues.get(i), called.get(i + 1)));
      }
      org.flowable.job.service.impl.asyncexecutor.AsyncExecutor executor =
          org.flowable.engine.ProcessEngines.getProcessEngine("lgsp-procedures-" + schema)
              .getProcessEngineConfiguration()
              .getAsyncExecutor();
      return new Retried(
          waits,
          gaps,
          List.of(
              executor.getDefaultTimerJobAcquireWaitTimeInMillis(),
              executor.getDefaultAsyncJobAcquireWaitTimeInMillis()));
    } finally {
      NodeRoles.closeAll(running);
      gateway.stop(0);
    }
  }

  /** The fake gateway's token endpoint: a five-minute token for any client. */
  private static void answerToken(com.sun.net.httpserver.HttpExchange x)
      throws java.io.IOException {
    byte[] b = "{\"access_token\":\"t\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(200, b.length);
    x.getResponseBody().write(b);
    x.close();
  }

  private HttpResponse<String> call(
      String host, int port, String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (!token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
