package org.openlgsp.procedures;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.Json;

/**
 * Tells the citizen (e-mail to the dossier's {@code lienHe.email}) and the portal (a webhook) when
 * a case's status changes (docs/procedures.md "Notifications"). Sent after the engine's transaction
 * committed, on one thread of its own in commit order, once per status a case reaches in this
 * engine's lifetime (the status when the notice is sent: one passed through quicker is skipped); a
 * failed delivery is logged (without the address) and counted, never retried and never in the way
 * of the case.
 */
final class Notifications implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Notifications.class.getName());

  /** What the webhook receives: no personal data. */
  record StatusChange(String maHoSo, String thuTuc, String trangThai, Instant thoiDiem) {}

  private final ProceduresOptions.Notify options;
  private final Function<String, Optional<CaseView>> find;
  private final Function<String, Optional<JsonNode>> dossier;
  // one thread: notices of a case go out in the order its events committed
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("procedure-notices").factory());
  private final Map<String, CaseView.Status> told = new ConcurrentHashMap<>();
  private final Optional<Session> mail;
  private final HttpClient http;
  private final java.util.concurrent.atomic.AtomicLong failures =
      new java.util.concurrent.atomic.AtomicLong();

  Notifications(
      ProceduresOptions.Notify options,
      Function<String, Optional<CaseView>> find,
      Function<String, Optional<JsonNode>> dossier) {
    this.options = options;
    this.find = find;
    this.dossier = dossier;
    this.mail = options.smtp().map(Notifications::session);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(
                options
                    .webhook()
                    .map(ProceduresOptions.Webhook::timeout)
                    .orElse(java.time.Duration.ofSeconds(10)))
            .build();
  }

  private static Session session(ProceduresOptions.Smtp s) {
    Properties p = new Properties();
    p.put("mail.smtp.host", s.host());
    p.put("mail.smtp.port", Integer.toString(s.port()));
    String ms = Long.toString(s.timeout().toMillis());
    p.put("mail.smtp.connectiontimeout", ms);
    p.put("mail.smtp.timeout", ms);
    p.put("mail.smtp.writetimeout", ms);
    if (s.startTls()) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    if (s.username().isEmpty()) {
      return Session.getInstance(p);
    }
    p.put("mail.smtp.auth", "true");
    String user = s.username().get();
    String secret = s.password().orElseThrow();
    return Session.getInstance(
        p,
        new jakarta.mail.Authenticator() {
          @Override
          protected PasswordAuthentication getPasswordAuthentication() {
            return new PasswordAuthentication(user, secret);
          }
        });
  }

  /** The case {@code code} may have changed status: tell, after the caller's commit. */
  void changed(String code) {
    sender.execute(() -> tell(code));
  }

  /** Runs {@code r} on the notices' thread, after what was queued before. */
  void later(Runnable r) {
    sender.execute(r);
  }

  /** Deliveries that failed since the engine started. */
  long failures() {
    return failures.get();
  }

  /** Tells now, on the notices' thread. */
  void tell(String code) {
    Optional<CaseView> view = find.apply(code);
    if (view.isEmpty()) {
      return;
    }
    CaseView c = view.get();
    if (told.put(code, c.status()) == c.status()) {
      return; // already told this status
    }
    StatusChange change =
        new StatusChange(c.code(), c.procedure(), c.status().name(), Instant.now());
    options.webhook().ifPresent(w -> post(w, change));
    mail.ifPresent(
        session ->
            dossier
                .apply(code)
                .map(d -> d.path("lienHe").path("email").asText(""))
                .filter(a -> !a.isBlank())
                .ifPresent(to -> send(session, to, c)));
  }

  private void post(ProceduresOptions.Webhook w, StatusChange change) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create(w.url()))
                  .timeout(w.timeout())
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + w.token())
                  .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(change)))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 != 2) {
        throw new IOException("webhook answered " + r.statusCode());
      }
    } catch (IOException e) {
      failed("webhook", change.maHoSo(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String subject(CaseView c) {
    return "Hồ sơ " + c.code() + ": " + vietnamese(c.status());
  }

  static String vietnamese(CaseView.Status s) {
    return switch (s) {
      case IN_PROGRESS -> "đang giải quyết";
      case WAITING_FOR_OPERATOR -> "đang chờ cán bộ xử lý";
      case COMPLETED -> "đã có kết quả";
      case COMPENSATED -> "không thực hiện được, các bước đã làm được hoàn tác";
      case CANCELLED -> "đã huỷ";
    };
  }

  private void send(Session session, String to, CaseView c) {
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(options.smtp().orElseThrow().from()));
      m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
      m.setSubject(subject(c), "UTF-8");
      m.setText(
          "Mã hồ sơ: "
              + c.code()
              + "\nThủ tục: "
              + c.procedure()
              + "\nTrạng thái: "
              + vietnamese(c.status())
              + "\nHạn giải quyết: "
              + c.due()
              + "\n",
          "UTF-8");
      m.setHeader("X-LGSP-Case", c.code());
      Transport.send(m);
    } catch (MessagingException e) {
      failed("e-mail", c.code(), e);
    }
  }

  private void failed(String channel, String code, Exception e) {
    failures.incrementAndGet();
    // the case code only: never the citizen's address
    LOG.log(
        Level.WARNING,
        () ->
            channel
                + " notification of case "
                + code
                + " not delivered: "
                + e.getClass().getSimpleName());
  }

  @Override
  public void close() {
    sender.close();
  }
}
