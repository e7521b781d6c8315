package org.openlgsp.mail;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Sends plain-text UTF-8 mail through one SMTP server: the alerts' {@code smtp} channel and the
 * procedures' citizen notifications both send through it (docs/alerts.md, docs/procedures.md).
 */
public final class MailSender {
  private final Server server;
  private final Session session;

  /**
   * An SMTP server: {@code startTls} requires the upgrade; {@code password} goes with {@code
   * username}; {@code timeout} bounds connecting, reading and writing.
   */
  public record Server(
      String host,
      int port,
      String from,
      Optional<String> username,
      Optional<String> password,
      boolean startTls,
      Duration timeout) {
    public Server {
      Objects.requireNonNull(host, "host");
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port must be from 1 to 65535");
      }
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (username.isPresent() != password.isPresent()) {
        throw new IllegalArgumentException("username and password go together");
      }
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
    }

    /** A server without authentication or TLS, 10 s timeouts. */
    public static Server of(String host, int port, String from) {
      return new Server(
          host, port, from, Optional.empty(), Optional.empty(), false, Duration.ofSeconds(10));
    }

    @Override
    public String toString() { // never the password
      return "Server[host=" + host + ", port=" + port + ", password=(redacted)]";
    }
  }

  public MailSender(Server server) {
    this.server = server;
    Properties p = new Properties();
    p.put("mail.smtp.host", server.host());
    p.put("mail.smtp.port", Integer.toString(server.port()));
    String ms = Long.toString(server.timeout().toMillis());
    p.put("mail.smtp.connectiontimeout", ms);
    p.put("mail.smtp.timeout", ms);
    p.put("mail.smtp.writetimeout", ms);
    if (server.startTls()) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    if (server.username().isEmpty()) {
      session = Session.getInstance(p);
      return;
    }
    p.put("mail.smtp.auth", "true");
    String user = server.username().get();
    String secret = server.password().get();
    session =
        Session.getInstance(
            p,
            new Authenticator() {
              @Override
              protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(user, secret);
              }
            });
  }

  public Server server() {
    return server;
  }

  /**
   * Sends one message from the server's {@code from} address.
   *
   * @param headers extra headers (e.g. {@code X-LGSP-Alert-Id}), in order
   * @throws IOException when the server did not take it (the message names no recipient)
   */
  public void send(List<String> to, String subject, String text, Map<String, String> headers)
      throws IOException {
    if (to.isEmpty()) {
      throw new IllegalArgumentException("no recipient");
    }
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(server.from()));
      for (String address : to) {
        m.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
      }
      m.setSubject(subject, "UTF-8");
      m.setText(text, "UTF-8");
      for (Map.Entry<String, String> h : headers.entrySet()) {
        m.setHeader(h.getKey(), h.getValue());
      }
      Transport.send(m);
    } catch (MessagingException e) {
      throw new IOException("mail not sent: " + e.getClass().getSimpleName(), e);
    }
  }
}
