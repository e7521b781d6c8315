package org.openlgsp.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** Each delivery channel against a real receiver on loopback, which checks what it got. */
class DeliveryTest {
  static final String SECRET = "webhook-secret-0123456789";

  /** A receiver's check of the signature header, with Bouncy Castle's HMAC (not the sender's). */
  static boolean verifies(String header, byte[] body, String secret, Instant now) {
    Matcher m = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})").matcher(header);
    if (!m.matches()) {
      return false;
    }
    long t = Long.parseLong(m.group(1));
    if (Math.abs(now.getEpochSecond() - t) > 300) {
      return false; // a receiver refuses old signatures, so a captured call cannot be replayed
    }
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(secret.getBytes(StandardCharsets.UTF_8)));
    byte[] signed = (t + ".").getBytes(StandardCharsets.US_ASCII);
    mac.update(signed, 0, signed.length);
    mac.update(body, 0, body.length);
    byte[] out = new byte[32];
    mac.doFinal(out, 0);
    return java.security.MessageDigest.isEqual(out, HexFormat.of().parseHex(m.group(2)));
  }

  record Received(String signature, byte[] body) {}

  @Test
  void aWebhookIsRetriedWithBackoffAndArrivesSignedSoTheReceiverCanVerifyIt() throws Exception {
    List<Received> got = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        x -> {
          byte[] body = x.getRequestBody().readAllBytes();
          // the first two attempts fail, as a receiver being restarted would
          int status = calls.incrementAndGet() <= 2 ? 503 : 204;
          if (status == 204) {
            got.add(new Received(x.getRequestHeaders().getFirst("X-LGSP-Signature"), body));
          }
          x.sendResponseHeaders(status, -1);
          x.close();
        });
    server.start();
    try (Dispatcher d =
        new Dispatcher(
            List.of(
                new Channel.Webhook(
                    AlertsOptions.Webhook.of(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
                        SECRET),
                    SECRET,
                    Clock.systemUTC())),
            new AlertsOptions.Delivery(3, Duration.ofMillis(50), Duration.ofMillis(100)))) {
      d.deliver(Samples.alert(42));
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
      assertThat(calls.get()).isEqualTo(3);
      Received r = got.getFirst();
      assertThat(verifies(r.signature(), r.body(), SECRET, Instant.now())).isTrue();
      assertThat(verifies(r.signature(), r.body(), "another-secret-0123456", Instant.now()))
          .isFalse();
      byte[] tampered = r.body().clone();
      tampered[tampered.length - 2] ^= 1;
      assertThat(verifies(r.signature(), tampered, SECRET, Instant.now())).isFalse();
      JsonNode json = Codec.JSON.readTree(r.body());
      assertThat(json.get("id").asLong()).isEqualTo(42);
      assertThat(json.get("rule").asText()).isEqualTo("refusalBurst");
      assertThat(json.get("evidence").get("ledgerIndexes").toString()).isEqualTo("[7,8,9]");
      assertThat(d.delivered()).isEqualTo(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aWebhookThatNeverAnswersWellIsGivenUpAfterMaxAttempts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        x -> {
          x.getRequestBody().readAllBytes();
          calls.incrementAndGet();
          x.sendResponseHeaders(500, -1);
          x.close();
        });
    server.start();
    AlertsOptions.Delivery policy =
        new AlertsOptions.Delivery(3, Duration.ofMillis(20), Duration.ofMillis(30));
    try (Dispatcher d =
        new Dispatcher(
            List.of(
                new Channel.Webhook(
                    AlertsOptions.Webhook.of(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
                        SECRET),
                    SECRET,
                    Clock.systemUTC())),
            policy)) {
      d.deliver(Samples.alert(1));
      await().atMost(Duration.ofSeconds(10)).until(() -> d.failed() == 1);
      assertThat(calls.get()).isEqualTo(3);
      assertThat(d.backoff(1)).isEqualTo(Duration.ofMillis(20));
      assertThat(d.backoff(2)).isEqualTo(Duration.ofMillis(30)); // capped
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anEmailReachesARealSmtpServerWithTheEvidence() throws Exception {
    GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    try {
      Channel.Mail mail =
          new Channel.Mail(
              AlertsOptions.Smtp.of(
                  "127.0.0.1",
                  smtp.getSmtp().getPort(),
                  "lgsp@tayninh.gov.vn",
                  List.of("soc@tayninh.gov.vn", "duty@tayninh.gov.vn")),
              Optional.empty());
      mail.send(Samples.alert(42));
      assertThat(smtp.waitForIncomingEmail(5_000, 2)).isTrue();
      MimeMessage m = smtp.getReceivedMessages()[0];
      assertThat(m.getSubject()).startsWith("[OpenLGSP HIGH] refusalBurst: 3 refusals");
      assertThat(m.getSubject()).contains("Cổng dịch vụ công");
      assertThat(m.getFrom()[0].toString()).isEqualTo("lgsp@tayninh.gov.vn");
      assertThat(m.getHeader("X-LGSP-Alert-Id")[0]).isEqualTo("42");
      String text = (String) m.getContent();
      assertThat(text).contains("Ledger:     [7, 8, 9]").contains("count.access.denied: 3");
      assertThat(java.util.Arrays.stream(m.getAllRecipients()).map(Object::toString))
          .containsExactly("soc@tayninh.gov.vn", "duty@tayninh.gov.vn");
    } finally {
      smtp.stop();
    }
  }

  @Test
  void anSmtpServerThatIsNotThereIsAFailedSend() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Channel.Mail mail =
        new Channel.Mail(
            AlertsOptions.Smtp.of("127.0.0.1", port, "lgsp@x.vn", List.of("soc@x.vn")),
            Optional.empty());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> mail.send(Samples.alert(1)))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("mail not sent");
  }

  // RFC 5424 section 6: HEADER = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP
  // MSGID
  static final Pattern RFC5424 =
      Pattern.compile(
          "<(\\d{1,3})>1 (\\S+) ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32})"
              + " (-|\\[.+\\]) \uFEFF(.*)",
          Pattern.DOTALL);

  /** Checks a syslog message strictly and answers the CEF fields: 7 header fields, extensions. */
  static Map<String, String> parse(byte[] raw, int expectedPri) {
    String s = new String(raw, StandardCharsets.UTF_8);
    Matcher m = RFC5424.matcher(s);
    assertThat(m.matches()).as(s).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isEqualTo(expectedPri);
    assertThat(Instant.parse(m.group(2))).isEqualTo(Samples.AT);
    assertThat(m.group(4)).isEqualTo("openlgsp");
    assertThat(m.group(6)).isEqualTo("refusalBurst");
    String cef = m.group(8);
    assertThat(cef).doesNotContain("\n");
    List<String> header = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    for (; i < cef.length() && header.size() < 7; i++) {
      char c = cef.charAt(i);
      if (c == '\\') {
        field.append(cef.charAt(++i));
      } else if (c == '|') {
        header.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    assertThat(header)
        .containsExactly(
            "CEF:0",
            "OpenLGSP",
            "gateway",
            Cef.VERSION,
            "refusalBurst",
            "3 refusals | a=b \\ c for Cổng dịch vụ công",
            "8");
    Map<String, String> ext = new LinkedHashMap<>();
    Matcher e =
        Pattern.compile("(\\w+)=((?:[^=\\\\]|\\\\.)*?)(?= \\w+=|$)").matcher(cef.substring(i));
    while (e.find()) {
      ext.put(e.group(1), e.group(2).replace("\\=", "=").replace("\\\\", "\\"));
    }
    return ext;
  }

  static void assertExtensions(Map<String, String> ext) {
    assertThat(ext)
        .containsEntry("externalId", "42")
        .containsEntry("rt", "" + Samples.AT.toEpochMilli())
        .containsEntry("start", "" + Samples.AT.minusSeconds(30).toEpochMilli())
        .containsEntry("cnt", "3")
        .containsEntry("cs1", "7,8,9")
        .containsEntry("cs2", "VN/GOV/000.00.00.H53/DVC")
        .containsEntry("cs3", "client:VN/GOV/000.00.00.H53/DVC;count.access.denied:3");
  }

  @Test
  void syslogOverUdpIsOneRfc5424DatagramWithACefEvent() throws Exception {
    try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      receiver.setSoTimeout(5_000);
      new Channel.Syslog(
              new AlertsOptions.Syslog(
                  "127.0.0.1", receiver.getLocalPort(), null, null, null, null),
              "gw1.tayninh")
          .send(Samples.alert(42));
      DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
      receiver.receive(p);
      byte[] raw = java.util.Arrays.copyOf(p.getData(), p.getLength());
      assertExtensions(parse(raw, 10 * 8 + 3)); // authpriv, error
    }
  }

  @Test
  void syslogOverTcpIsOctetCountedPerRfc6587() throws Exception {
    try (ServerSocket receiver = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      receiver.setSoTimeout(5_000);
      Channel.Syslog syslog =
          new Channel.Syslog(
              new AlertsOptions.Syslog(
                  "127.0.0.1",
                  receiver.getLocalPort(),
                  AlertsOptions.Syslog.Transport.TCP,
                  null,
                  4,
                  null),
              "gw1.tayninh");
      syslog.send(Samples.alert(42));
      try (Socket s = receiver.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        ByteArrayOutputStream len = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != ' ') {
          assertThat(c).isBetween((int) '0', (int) '9');
          len.write(c);
        }
        byte[] frame = new byte[Integer.parseInt(len.toString(StandardCharsets.US_ASCII))];
        in.readFully(frame);
        assertThat(in.read()).isEqualTo(-1); // nothing after the counted frame
        assertExtensions(parse(frame, 4 * 8 + 3));
      }
    }
  }

  @Test
  void channelsBelowTheirMinimumSeverityAreSkipped() throws Exception {
    try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Dispatcher d =
            new Dispatcher(
                List.of(
                    new Channel.Syslog(
                        new AlertsOptions.Syslog(
                            "127.0.0.1",
                            receiver.getLocalPort(),
                            null,
                            null,
                            null,
                            Severity.CRITICAL),
                        "gw")),
                new AlertsOptions.Delivery(null, null, null))) {
      receiver.setSoTimeout(5_000);
      d.deliver(Samples.alert(1)); // HIGH: skipped
      Alert critical = Samples.alert(2);
      d.deliver(
          new Alert(
              2,
              critical.rule(),
              Severity.CRITICAL,
              critical.key(),
              critical.summary(),
              critical.evidence(),
              critical.raisedAt(),
              critical.lastSeenAt(),
              1,
              Alert.State.OPEN,
              java.util.Optional.empty(),
              java.util.Optional.empty()));
      DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
      receiver.receive(p);
      String got = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
      assertThat(got).contains("externalId=2 ").startsWith("<82>1 ");
      await().atMost(Duration.ofSeconds(5)).until(() -> d.delivered() == 1);
      assertThat(d.failed()).isZero();
    }
  }
}
