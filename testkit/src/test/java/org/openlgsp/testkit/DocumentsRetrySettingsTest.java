package org.openlgsp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.gateway.MutableClock;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Pem;

/**
 * {@code documents.retryBase}, {@code retryMax} and {@code maxAttempts} reach the running axis:
 * with its gateway down, a package for a remote agency is attempted again after retryBase, then
 * twice as long each time up to retryMax, and given up (outbox entry {@code dead}, delivery {@code
 * failed}) at the maxAttempts-th failure. The waits are read from the outbox's {@code
 * next_attempt_at}, against the axis's clock, which the test moves on instead of waiting.
 */
class DocumentsRetrySettingsTest {
  @TempDir Path dir;

  final String token = "province-token";

  @Test
  void attemptsFollowRetryBaseUpToRetryMaxAndStopAtMaxAttempts() throws Exception {
    int port = AxisFiles.freePort();
    Files.writeString(
        dir.resolve("agency-ca.pem"),
        Pem.write(CertificateAuthority.createRoot("Agency CA", Duration.ofDays(1)).certificate()));
    Files.writeString(dir.resolve("axis.secret"), "axis-secret\n");
    String settings =
        "trustAnchors: [agency-ca.pem]\n"
            + "  signatureRequired: false\n"
            + "  retryBase: PT10S\n"
            + "  retryMax: PT40S\n"
            + "  maxAttempts: 5\n"
            + "  gateway: {url: \"http://127.0.0.1:"
            + AxisFiles.freePort() // nothing listens: the gateway is down
            + "\", client: "
            + Federation.NA_AXIS
            + ", oauthClientId: na-axis, secretFile: axis.secret}";
    MutableClock clock = new MutableClock();
    try (DocumentsNode axis = AxisFiles.start(dir, port, token, settings, clock)) {
      io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      axis.bindMetrics(meters);
      byte[] pkg =
          EdxmlCodec.write(Federation.sampleDocument("31", List.of(Federation.GOVERNMENT_OFFICE)));
      long before = clock.millis();
      new AxisClient("http://127.0.0.1:" + port, token).send(pkg);

      // after failure n the entry waits backoff(n): 10 s, 20 s, 40 s, then 40 s (retryMax)
      List<Duration> waits =
          List.of(
              Duration.ofSeconds(10),
              Duration.ofSeconds(20),
              Duration.ofSeconds(40),
              Duration.ofSeconds(40));
      Duration move = Duration.ZERO; // the first attempt is due at once
      for (int n = 1; n <= waits.size(); n++) {
        clock.advance(move);
        Outbox row = awaitAttempts(n);
        long after = clock.millis();
        assertThat(row.state()).isEqualTo("pending");
        // failure n happened between before + move and after, by the axis's clock
        assertThat(waits.get(n - 1).toMillis())
            .as("wait after failure %d", n)
            .isBetween(row.nextAttemptAt() - after, row.nextAttemptAt() - before - move.toMillis());
        move = waits.get(n - 1);
        before = clock.millis();
      }
      clock.advance(move);
      Outbox last = awaitAttempts(5);
      assertThat(last.state()).isEqualTo("dead");
      assertThat(last.lastError()).isNotEmpty();
      assertThat(deliveryState()).isEqualTo("failed");
      // the meters (docs/ops.md) saw every failed attempt and the delivery given up
      assertThat(meters.get("lgsp.documents.delivery.retries").functionCounter().count())
          .isEqualTo(5);
      assertThat(meters.get("lgsp.documents.delivery.dead").functionCounter().count()).isEqualTo(1);
      assertThat(meters.get("lgsp.documents.outbox").tag("state", "dead").gauge().value())
          .isEqualTo(1);
      assertThat(meters.get("lgsp.documents.outbox").tag("state", "pending").gauge().value())
          .isZero();

      clock.advance(Duration.ofHours(1)); // long past any retry time: no sixth attempt
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(10))
          .until(() -> outbox().attempts() == 5);
    }
  }

  private record Outbox(int attempts, long nextAttemptAt, String state, String lastError) {}

  private Outbox awaitAttempts(int n) {
    return await().atMost(Duration.ofSeconds(30)).until(this::outbox, r -> r.attempts() >= n);
  }

  private Outbox outbox() throws SQLException {
    try (Connection c = database();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT attempts, next_attempt_at, state, last_error FROM edoc_outbox"
                    + " WHERE kind = 'forward'")) {
      if (!r.next()) {
        return new Outbox(0, 0, "none", "");
      }
      Outbox row =
          new Outbox(
              r.getInt(1),
              r.getLong(2),
              r.getString(3),
              r.getString(4) == null ? "" : r.getString(4));
      assertThat(r.next()).as("one forward entry").isFalse();
      return row;
    }
  }

  private String deliveryState() throws SQLException {
    try (Connection c = database();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT state FROM edoc_delivery WHERE recipient = '"
                    + Federation.GOVERNMENT_OFFICE.value()
                    + "'")) {
      assertThat(r.next()).isTrue();
      return r.getString(1);
    }
  }

  private Connection database() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/axis.db"));
  }
}
