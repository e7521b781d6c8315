package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.CertificateAuthority;

/**
 * The {@code gateway.alerts.smtp} keys beyond host and port change what the running gateway node
 * mails. The node's certificates expire within the hour, so the certificate rule raises two alerts
 * (TLS and signing certificate) at the first poll; {@code medium.yaml} makes them MEDIUM. The mail
 * server is GreenMail, which knows one account and refuses a sign-in with a wrong password; it
 * offers no STARTTLS.
 */
class AlertsSmtpSettingsTest {
  static final String PASSWORD = "smtp-password-from-a-file-0123";
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
  GreenMail smtp;

  @BeforeEach
  void mailServer() throws Exception {
    smtp =
        new GreenMail(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(
                GreenMailConfiguration.aConfig().withUser("lgsp@tayninh.gov.vn", "lgsp", PASSWORD));
    smtp.start();
    Files.writeString(dir.resolve("medium.yaml"), "certificateExpiry: {criticalBefore: PT1M}\n");
    Files.writeString(dir.resolve("smtp.secret"), PASSWORD + "\n");
  }

  @AfterEach
  void stopMailServer() {
    smtp.stop();
  }

  GatewayNode start(String smtpSettings, SimpleMeterRegistry meters) throws Exception {
    Path file =
        GatewayNodeSettingsTest.configWith(
            dir,
            ca,
            "alerts",
            "rulesFile: medium.yaml, delivery: {maxAttempts: 1}, smtp: {"
                + smtpSettings
                + ", from: lgsp@tayninh.gov.vn, to: [soc@tayninh.gov.vn]}");
    return GatewayNode.start(
        NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC(), meters);
  }

  String server() {
    return "host: 127.0.0.1, port: " + smtp.getSmtp().getPort();
  }

  static double count(SimpleMeterRegistry meters, String name) {
    return meters.get(name).functionCounter().count();
  }

  /**
   * username + passwordFile: the node signs in with the password in the file and both alerts are
   * mailed (the default minSeverity MEDIUM lets MEDIUM alerts through); the same account with a
   * wrong inline password is refused by the server, nothing is mailed and both deliveries are
   * counted as failed.
   */
  @Test
  void usernameAndPasswordFileSignInAndAWrongPasswordGetsNothingMailed() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (GatewayNode node =
        start(server() + ", username: lgsp, passwordFile: smtp.secret", meters)) {
      assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
      assertThat(smtp.getReceivedMessages()[0].getSubject()).startsWith("[OpenLGSP MEDIUM]");
      assertThat(count(meters, "lgsp.alerts.delivery.failed")).isZero();
    }
    smtp.reset();
    meters = new SimpleMeterRegistry();
    SimpleMeterRegistry wrong = meters;
    try (GatewayNode node =
        start(server() + ", username: lgsp, password: 'not-the-password-0123'", wrong)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count(wrong, "lgsp.alerts.delivery.failed") == 2);
      assertThat(count(wrong, "lgsp.alerts.delivered")).isZero();
      assertThat(smtp.getReceivedMessages()).isEmpty();
    }
  }

  /**
   * minSeverity HIGH: both MEDIUM alerts are raised but none is mailed; startTls true against a
   * server without STARTTLS: nothing is sent in clear, both deliveries fail.
   */
  @Test
  void minSeverityKeepsLowerAlertsFromTheMailAndStartTlsRefusesAServerWithoutIt() throws Exception {
    SimpleMeterRegistry picky = new SimpleMeterRegistry();
    try (GatewayNode node = start(server() + ", minSeverity: HIGH", picky)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> count(picky, "lgsp.alerts.raised") == 2);
      await()
          .during(Duration.ofMillis(700))
          .atMost(Duration.ofSeconds(5))
          .until(() -> smtp.getReceivedMessages().length == 0);
      assertThat(count(picky, "lgsp.alerts.delivered")).isZero();
      assertThat(count(picky, "lgsp.alerts.delivery.failed")).isZero();
    }
    SimpleMeterRegistry tls = new SimpleMeterRegistry();
    try (GatewayNode node = start(server() + ", startTls: true", tls)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count(tls, "lgsp.alerts.delivery.failed") == 2);
      assertThat(count(tls, "lgsp.alerts.delivered")).isZero();
      assertThat(smtp.getReceivedMessages()).isEmpty();
    }
  }

  /**
   * timeout PT0.5S against a server that accepts the connection and never greets: both deliveries
   * are given up within seconds; with the default (10 s) none is given up in the same time.
   */
  @Test
  void timeoutIsHowLongTheNodeWaitsForASilentMailServer() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread accepter =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!silent.isClosed()) {
                      try {
                        Socket s = silent.accept();
                        synchronized (held) {
                          held.add(s);
                        }
                      } catch (java.io.IOException closed) {
                        return;
                      }
                    }
                  });
      String there = "host: 127.0.0.1, port: " + silent.getLocalPort();
      SimpleMeterRegistry quick = new SimpleMeterRegistry();
      try (GatewayNode node = start(there + ", timeout: PT0.5S", quick)) {
        await()
            .atMost(Duration.ofSeconds(6))
            .until(() -> count(quick, "lgsp.alerts.delivery.failed") == 2);
      }
      SimpleMeterRegistry patient = new SimpleMeterRegistry();
      try (GatewayNode node = start(there, patient)) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> count(patient, "lgsp.alerts.raised") == 2);
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(5))
            .until(() -> count(patient, "lgsp.alerts.delivery.failed") == 0);
      }
      silent.close();
      accepter.join(Duration.ofSeconds(5));
    } finally {
      synchronized (held) {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }
}
