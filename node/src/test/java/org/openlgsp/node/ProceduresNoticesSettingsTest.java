package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * The {@code procedures.notices} keys, proven through started nodes: the citizen's e-mail and the
 * portal's webhook are written to the outbox in the engine's transaction and delivered with retries
 * ({@link ProceduresNodeFixture}: two statuses per case, so two notices per channel).
 */
@RequiresPeer(Peer.POSTGRES)
class ProceduresNoticesSettingsTest extends ProceduresNodeFixture {
  static List<MimeMessage> mailsOf(GreenMail smtp, String code) {
    return Arrays.stream(smtp.getReceivedMessages())
        .filter(
            m -> {
              try {
                String[] h = m.getHeader("X-LGSP-Case");
                return h != null && h[0].equals(code);
              } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  static GreenMail greenMail(int port) {
    return greenMail(port, SMTP_PASSWORD);
  }

  /** A mail server on {@code port} knowing the account lienthong with {@code password}. */
  static GreenMail greenMail(int port, String password) {
    GreenMail g =
        new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
            .withConfiguration(
                GreenMailConfiguration.aConfig()
                    .withUser("lienthong@tayninh.gov.vn", "lienthong", password));
    g.start();
    return g;
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * serve --check prints the notices' defaults (ProceduresOptions.Notify.DELIVERY,
   * MailSender.Server.of, ProceduresOptions.Webhook.of) without the password or the token, and
   * needs their files; an inline password is an unknown key.
   */
  @Test
  void serveCheckShowsTheNoticesDefaultsAndNeedsTheirFiles() throws Exception {
    Path f =
        config(
            "  notices:\n    smtp: {host: 127.0.0.1, port: 25, from: a@tayninh.gov.vn, username: u,"
                + " passwordFile: smtp.secret}\n    webhook: {url: \"http://127.0.0.1:9/x\","
                + " tokenFile: hook.token}\n");
    assertThat(ConfigCheck.effectiveConfiguration(f))
        .contains("maxAttempts: 10")
        .contains("retryFirst: \"PT5S\"")
        .contains("retryMax: \"PT30M\"")
        .contains("startTls: false")
        .contains("timeout: \"PT10S\"")
        .doesNotContain(SMTP_PASSWORD)
        .doesNotContain(HOOK_TOKEN);
    Files.delete(dir.resolve("hook.token"));
    assertThatThrownBy(() -> ConfigCheck.effectiveConfiguration(f))
        .hasMessageContaining("hook.token");
    Path inline =
        config(
            "  notices:\n    smtp: {host: 127.0.0.1, port: 25, from: a@tayninh.gov.vn, username: u,"
                + " password: secret}\n");
    assertThatThrownBy(() -> NodeConfig.read(inline))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("procedures.notices.smtp.password: unknown key");
  }

  /**
   * smtp.host / port / from / username / passwordFile, and delivery retried: the mail server is
   * down when the case is filed (its notices fail and are retried from the outbox), then comes up
   * on the written port: the citizen gets exactly one mail per status — {@code đang giải quyết},
   * {@code đang chờ cán bộ xử lý} — from the written sender, signed in with the password in the
   * file; the case view shows both notices {@code SENT} after more than one attempt for the first.
   */
  @Test
  void theCitizenIsMailedOncePerStatusThroughTheWrittenServerEvenWhenItWasDownAtFirst()
      throws Exception {
    int smtpPort = freePort();
    Path f =
        config(
            "  notices:\n    retryFirst: PT0.2S\n    retryMax: PT0.4S\n    smtp: {host: 127.0.0.1,"
                + " port: "
                + smtpPort
                + ", from: lienthong@tayninh.gov.vn, username: lienthong, passwordFile:"
                + " smtp.secret, timeout: PT2S}\n");
    List<AutoCloseable> running = start(f);
    GreenMail smtp = null;
    try {
      int port = apiPort(running);
      String code = file(port, WITH_ADDRESS);
      // the server is down: the first notice fails at least twice
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> notices(port, code).stream().anyMatch(n -> n.matches(".* [2-9]")));
      smtp = greenMail(smtpPort);
      GreenMail server = smtp;
      await().atMost(Duration.ofSeconds(20)).until(() -> mailsOf(server, code).size() == 2);
      // no third mail comes later: the count stays at 2 for 2 s
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> mailsOf(server, code).size() == 2);
      List<MimeMessage> mails = mailsOf(server, code);
      assertThat(mails)
          .extracting(MimeMessage::getSubject)
          .containsExactly(
              "Hồ sơ " + code + ": đang giải quyết", "Hồ sơ " + code + ": đang chờ cán bộ xử lý");
      assertThat(mails.get(0).getFrom()[0].toString()).isEqualTo("lienthong@tayninh.gov.vn");
      assertThat(mails.get(0).getAllRecipients()[0].toString()).isEqualTo(CITIZEN);
      List<String> notices = notices(port, code);
      assertThat(notices).hasSize(2);
      assertThat(notices.get(0)).matches("email IN_PROGRESS SENT [3-9]"); // 2+ failed, 1 sent
      assertThat(notices.get(1)).isEqualTo("email WAITING_FOR_OPERATOR SENT 1");
      assertThat(caseView(port, code)).doesNotContain(CITIZEN); // never the address
    } finally {
      NodeRoles.closeAll(running);
      if (smtp != null) {
        smtp.stop();
      }
    }
  }

  /**
   * notices.maxAttempts, the dead state and the operator's routes: a wrong password in the file is
   * refused by the server; after the written 2 attempts each notice is {@code DEAD}, listed for the
   * operator ({@code GET /procedures/v1/notices}, refused to the reader) and in the case view; with
   * the password corrected on the server the operator's retry delivers it.
   */
  @Test
  void aNoticeFailingMaxAttemptsTimesIsDeadForTheOperatorWhoMayRetryIt() throws Exception {
    int smtpPort = freePort();
    GreenMail smtp = greenMail(smtpPort);
    Files.writeString(dir.resolve("smtp.secret"), "not-the-password-0123\n");
    Path f =
        config(
            "  notices:\n    maxAttempts: 2\n    retryFirst: PT0.05S\n    retryMax: PT0.1S\n"
                + "    smtp: {host: 127.0.0.1, port: "
                + smtpPort
                + ", from: lienthong@tayninh.gov.vn, username: lienthong, passwordFile:"
                + " smtp.secret}\n");
    List<AutoCloseable> running = start(f);
    try {
      int port = apiPort(running);
      String code = file(port, WITH_ADDRESS);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  notices(port, code)
                      .equals(
                          List.of(
                              "email IN_PROGRESS DEAD 2", "email WAITING_FOR_OPERATOR DEAD 2")));
      assertThat(mailsOf(smtp, code)).isEmpty();
      assertThat(call(port, "GET", "/procedures/v1/notices", READER, "").statusCode())
          .isEqualTo(403);
      HttpResponse<String> dead = call(port, "GET", "/procedures/v1/notices", OPERATOR, "");
      assertThat(dead.statusCode()).isEqualTo(200);
      assertThat(dead.body()).contains(code).doesNotContain(CITIZEN);
      long id =
          org.openlgsp.core.Json.mapper()
              .readTree(dead.body())
              .findValues("id")
              .getFirst()
              .asLong(); // the IN_PROGRESS notice, the older
      // the server now takes the password the node has
      smtp.stop();
      smtp = greenMail(smtpPort, "not-the-password-0123");
      GreenMail server = smtp;
      HttpResponse<String> retried =
          call(port, "POST", "/procedures/v1/notices/" + id + "/retry", OPERATOR, "");
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).until(() -> mailsOf(server, code).size() == 1);
      // a notice that is not dead is not retried
      assertThat(
              call(port, "POST", "/procedures/v1/notices/" + id + "/retry", OPERATOR, "")
                  .statusCode())
          .isEqualTo(409);
    } finally {
      NodeRoles.closeAll(running);
      smtp.stop();
    }
  }

  /**
   * smtp.timeout and smtp.startTls: a server that accepts connections and never speaks fails each
   * attempt after the written PT0.3S, so both attempts are spent within seconds (the default 10 s
   * would take 20 s); GreenMail offers no STARTTLS, so {@code startTls: true} never delivers.
   */
  @Test
  void smtpTimeoutAndStartTlsDecideWhetherAndHowSoonAnAttemptFails() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread.ofVirtual()
          .start(
              () -> {
                List<java.net.Socket> kept = new CopyOnWriteArrayList<>();
                while (!silent.isClosed()) {
                  try {
                    kept.add(silent.accept());
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
      Path f =
          config(
              "  notices:\n    maxAttempts: 2\n    retryFirst: PT0.05S\n    retryMax: PT0.1S\n"
                  + "    smtp: {host: 127.0.0.1, port: "
                  + silent.getLocalPort()
                  + ", from: lienthong@tayninh.gov.vn, timeout: PT0.3S}\n");
      List<AutoCloseable> running = start(f);
      try {
        int port = apiPort(running);
        Instant filed = Instant.now();
        String code = file(port, WITH_ADDRESS);
        await()
            .atMost(Duration.ofSeconds(8))
            .until(() -> caseView(port, code).contains("\"tinhTrang\":\"DEAD\""));
        assertThat(Duration.between(filed, Instant.now())).isLessThan(Duration.ofSeconds(8));
      } finally {
        NodeRoles.closeAll(running);
      }
    }
    int smtpPort = freePort();
    GreenMail smtp = greenMail(smtpPort);
    Path f =
        config(
            "  notices:\n    maxAttempts: 1\n    smtp: {host: 127.0.0.1, port: "
                + smtpPort
                + ", from: lienthong@tayninh.gov.vn, startTls: true}\n");
    List<AutoCloseable> running = start(f);
    try {
      int port = apiPort(running);
      String code = file(port, WITH_ADDRESS);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> caseView(port, code).contains("\"tinhTrang\":\"DEAD\""));
      assertThat(mailsOf(smtp, code)).isEmpty();
    } finally {
      NodeRoles.closeAll(running);
      smtp.stop();
    }
  }

  /**
   * webhook.url / tokenFile / timeout, retryFirst/retryMax: the portal's first answer is 500 after
   * 1.5 s, its second 500, then 200: each status is delivered exactly once (one 200 per status),
   * with the token from the file; with the written timeout PT0.5S the second try comes before the
   * slow first answer would have (within 1.4 s of it), the retries within the written retryMax
   * PT0.2S.
   */
  @Test
  void theWebhookIsRetriedAfter500sAndDeliveredOncePerStatusWithTheTokenFromItsFile()
      throws Exception {
    AtomicInteger requests = new AtomicInteger();
    List<Instant> at = new CopyOnWriteArrayList<>();
    List<String> delivered = new CopyOnWriteArrayList<>();
    HttpServer portal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    portal.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    portal.createContext(
        "/dvc/thongBao",
        x -> {
          String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          int n = requests.incrementAndGet();
          at.add(Instant.now());
          if (n == 1) {
            try {
              Thread.sleep(1_500);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          if (n <= 2) {
            x.sendResponseHeaders(500, -1);
          } else {
            delivered.add(x.getRequestHeaders().getFirst("Authorization") + " " + body);
            x.sendResponseHeaders(204, -1);
          }
          x.close();
        });
    portal.start();
    Path f =
        config(
            "  notices:\n    retryFirst: PT0.1S\n    retryMax: PT0.2S\n    webhook: {url:"
                + " \"http://127.0.0.1:"
                + portal.getAddress().getPort()
                + "/dvc/thongBao\", tokenFile: hook.token, timeout: PT0.5S}\n");
    List<AutoCloseable> running = start(f);
    try {
      int port = apiPort(running);
      String code = file(port, "{}");
      await().atMost(Duration.ofSeconds(20)).until(() -> delivered.size() == 2);
      // and stays there: no third delivery
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> delivered.size() == 2);
      assertThat(delivered).hasSize(2);
      assertThat(delivered.get(0))
          .startsWith("Bearer " + HOOK_TOKEN + " ")
          .contains("\"maHoSo\":\"" + code + "\"")
          .contains("\"trangThai\":\"IN_PROGRESS\"");
      assertThat(delivered.get(1)).contains("\"trangThai\":\"WAITING_FOR_OPERATOR\"");
      assertThat(Duration.between(at.get(0), at.get(1))).isLessThan(Duration.ofMillis(1_400));
      assertThat(notices(port, code))
          .containsExactly("webhook IN_PROGRESS SENT 3", "webhook WAITING_FOR_OPERATOR SENT 1");
    } finally {
      NodeRoles.closeAll(running);
      portal.stop(0);
    }
  }

  /**
   * The outbox survives the node: the portal answers 500 while the first node runs (notices
   * pending); the node stops, the portal recovers, a second node on the same database delivers each
   * status once without the case changing again.
   */
  @Test
  void noticesPendingWhenTheNodeStopsAreDeliveredByTheNextNode() throws Exception {
    List<String> delivered = new CopyOnWriteArrayList<>();
    AtomicInteger failing = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
    HttpServer portal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    portal.createContext(
        "/dvc/thongBao",
        x -> {
          String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          if (up.get()) {
            delivered.add(body);
            x.sendResponseHeaders(204, -1);
          } else {
            failing.incrementAndGet();
            x.sendResponseHeaders(500, -1);
          }
          x.close();
        });
    portal.start();
    Path f =
        config(
            "  notices:\n    retryFirst: PT0.1S\n    retryMax: PT0.2S\n    webhook: {url:"
                + " \"http://127.0.0.1:"
                + portal.getAddress().getPort()
                + "/dvc/thongBao\", tokenFile: hook.token}\n");
    String code;
    List<AutoCloseable> first = start(f);
    try {
      int port = apiPort(first);
      code = file(port, "{}");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> caseView(port, code).contains("WAITING_FOR_OPERATOR") && failing.get() > 2);
    } finally {
      NodeRoles.closeAll(first);
    }
    assertThat(delivered).isEmpty();
    up.set(true);
    List<AutoCloseable> second = start(f);
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> delivered.size() == 2);
      // and stays there: no third delivery
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(4))
          .until(() -> delivered.size() == 2);
      assertThat(delivered)
          .hasSize(2)
          .allSatisfy(b -> assertThat(b).contains(code))
          .satisfiesExactly(
              b -> assertThat(b).contains("IN_PROGRESS"),
              b -> assertThat(b).contains("WAITING_FOR_OPERATOR"));
    } finally {
      NodeRoles.closeAll(second);
      portal.stop(0);
    }
  }
}
