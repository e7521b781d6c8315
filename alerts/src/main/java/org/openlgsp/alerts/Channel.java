package org.openlgsp.alerts;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openlgsp.mail.MailSender;

/** Where alerts are delivered; {@link #send} throws when the alert did not get there. */
sealed interface Channel {
  String name();

  Severity minSeverity();

  void send(Alert a) throws IOException;

  /** A signed HTTP POST of the alert's JSON (docs/alerts.md "Webhooks"). */
  final class Webhook implements Channel {
    static final String SIGNATURE = "X-LGSP-Signature";
    private final AlertsOptions.Webhook target;
    private final Optional<String> secret;
    private final Optional<WebhookSigning> signing;
    private final WebClient http;
    private final Clock clock;

    Webhook(AlertsOptions.Webhook target, String secret, Clock clock) {
      this(target, Optional.of(secret), Optional.empty(), clock);
    }

    Webhook(
        AlertsOptions.Webhook target,
        Optional<String> secret,
        Optional<WebhookSigning> signing,
        Clock clock) {
      if (secret.isEmpty() && signing.isEmpty()) {
        throw new IllegalArgumentException("a webhook is signed with a secret, a key or both");
      }
      this.target = target;
      this.secret = secret;
      this.signing = signing;
      this.clock = clock;
      this.http =
          WebClient.builder().connectTimeout(target.timeout()).followRedirects(false).build();
    }

    @Override
    public String name() {
      return "webhook " + target.url();
    }

    @Override
    public Severity minSeverity() {
      return target.minSeverity();
    }

    /** {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>}. */
    static String signature(String secret, long unixSeconds, byte[] body) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HMAC-SHA256 unavailable", e);
      }
    }

    @Override
    public void send(Alert a) throws IOException {
      byte[] body = Codec.bytes(a);
      long now = clock.instant().getEpochSecond();
      HttpClientRequest r =
          http.post(target.url().toString())
              .readTimeout(target.timeout())
              .header(HeaderNames.CONTENT_TYPE, "application/json")
              .header(HeaderNames.create("X-LGSP-Alert-Id"), Long.toString(a.id()));
      secret.ifPresent(s -> r.header(HeaderNames.create(SIGNATURE), signature(s, now, body)));
      signing.ifPresent(
          k -> r.header(HeaderNames.create(WebhookSigning.HEADER), k.header(now, body)));
      int status;
      try (HttpClientResponse res = r.submit(body)) {
        status = res.status().code();
      } catch (RuntimeException e) { // WebClient: connection refused, timeout, TLS
        throw new IOException("webhook unreachable: " + e.getClass().getSimpleName(), e);
      }
      if (status / 100 != 2) {
        throw new IOException("webhook answered " + status);
      }
    }
  }

  /** A plain-text e-mail through SMTP (Jakarta Mail). */
  final class Mail implements Channel {
    private final AlertsOptions.Smtp target;
    private final MailSender sender;

    Mail(AlertsOptions.Smtp target, Optional<String> password) {
      this.target = target;
      this.sender =
          new MailSender(
              new MailSender.Server(
                  target.host(),
                  target.port(),
                  target.from(),
                  target.username(),
                  target.username().isPresent() ? password : Optional.empty(),
                  target.startTls(),
                  target.timeout()));
    }

    @Override
    public String name() {
      return "smtp " + target.host() + ":" + target.port();
    }

    @Override
    public Severity minSeverity() {
      return target.minSeverity();
    }

    static String subject(Alert a) {
      return "[OpenLGSP " + a.severity() + "] " + a.rule() + ": " + a.summary();
    }

    static String text(Alert a) {
      StringBuilder b = new StringBuilder();
      b.append(a.summary()).append("\n\n");
      b.append("Alert:      ").append(a.id()).append('\n');
      b.append("Rule:       ").append(a.rule()).append('\n');
      b.append("Severity:   ").append(a.severity()).append('\n');
      b.append("Raised at:  ").append(a.raisedAt()).append('\n');
      Evidence e = a.evidence();
      b.append("Evidence:   ").append(e.from()).append(" .. ").append(e.to()).append('\n');
      b.append("Count:      ").append(e.count()).append('\n');
      b.append("Ledger:     ").append(e.ledgerIndexes()).append('\n');
      e.facts().forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
      return b.toString();
    }

    @Override
    public void send(Alert a) throws IOException {
      sender.send(
          List.copyOf(target.to()),
          subject(a),
          text(a),
          Map.of("X-LGSP-Alert-Id", Long.toString(a.id())));
    }
  }

  /** RFC 5424 syslog with a CEF message, over UDP or TCP with octet counting (RFC 6587). */
  final class Syslog implements Channel {
    private final AlertsOptions.Syslog target;
    private final String hostname;

    Syslog(AlertsOptions.Syslog target, String hostname) {
      this.target = target;
      this.hostname = hostname;
    }

    @Override
    public String name() {
      return "syslog " + target.transport() + " " + target.host() + ":" + target.port();
    }

    @Override
    public Severity minSeverity() {
      return target.minSeverity();
    }

    @Override
    public void send(Alert a) throws IOException {
      byte[] msg = Cef.syslog(a, target.facility(), hostname, target.appName());
      InetSocketAddress to = new InetSocketAddress(target.host(), target.port());
      if (target.transport() == AlertsOptions.Syslog.Transport.UDP) {
        try (DatagramSocket s = new DatagramSocket()) {
          s.send(new DatagramPacket(msg, msg.length, to));
        }
        return;
      }
      // one connection per alert: alerts are rare, and a dropped connection cannot lose a queue
      try (Socket s = new Socket()) {
        s.connect(to, 5_000);
        s.setSoTimeout(5_000);
        OutputStream out = s.getOutputStream();
        out.write((msg.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.write(msg);
        out.flush();
      }
    }
  }
}
