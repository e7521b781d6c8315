package org.openlgsp.alerts;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
    private final HttpClient http;
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
          HttpClient.newBuilder()
              .connectTimeout(target.timeout())
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
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
      HttpRequest.Builder b =
          HttpRequest.newBuilder(target.url())
              .timeout(target.timeout())
              .header("Content-Type", "application/json")
              .header("X-LGSP-Alert-Id", Long.toString(a.id()));
      secret.ifPresent(s -> b.header(SIGNATURE, signature(s, now, body)));
      signing.ifPresent(k -> b.header(WebhookSigning.HEADER, k.header(now, body)));
      HttpRequest req = b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      try {
        HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 != 2) {
          throw new IOException("webhook answered " + r.statusCode());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  /** A plain-text e-mail through SMTP (Jakarta Mail). */
  final class Mail implements Channel {
    private final AlertsOptions.Smtp target;
    private final Session session;

    Mail(AlertsOptions.Smtp target, Optional<String> password) {
      this.target = target;
      Properties p = new Properties();
      p.put("mail.smtp.host", target.host());
      p.put("mail.smtp.port", Integer.toString(target.port()));
      String ms = Long.toString(target.timeout().toMillis());
      p.put("mail.smtp.connectiontimeout", ms);
      p.put("mail.smtp.timeout", ms);
      p.put("mail.smtp.writetimeout", ms);
      if (target.startTls()) {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
      }
      if (target.username().isPresent()) {
        p.put("mail.smtp.auth", "true");
        String user = target.username().get();
        String secret = password.orElseThrow();
        session =
            Session.getInstance(
                p,
                new jakarta.mail.Authenticator() {
                  @Override
                  protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, secret);
                  }
                });
      } else {
        session = Session.getInstance(p);
      }
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
      try {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(target.from()));
        for (String to : target.to()) {
          m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
        }
        m.setSubject(subject(a), "UTF-8");
        m.setText(text(a), "UTF-8");
        m.setHeader("X-LGSP-Alert-Id", Long.toString(a.id()));
        Transport.send(m);
      } catch (MessagingException e) {
        throw new IOException("mail not sent: " + e.getMessage(), e);
      }
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
