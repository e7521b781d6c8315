package org.openlgsp.procedures;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.flowable.common.engine.api.delegate.event.FlowableEngineEvent;
import org.flowable.common.engine.api.delegate.event.FlowableEngineEventType;
import org.flowable.common.engine.api.delegate.event.FlowableEntityEvent;
import org.flowable.common.engine.api.delegate.event.FlowableEvent;
import org.flowable.common.engine.api.delegate.event.FlowableEventListener;
import org.flowable.common.engine.api.delegate.event.FlowableEventType;
import org.flowable.common.engine.impl.context.Context;
import org.flowable.common.engine.impl.interceptor.CommandContext;
import org.flowable.engine.history.HistoricProcessInstance;
import org.flowable.engine.impl.persistence.entity.ExecutionEntity;
import org.flowable.engine.impl.util.CommandContextUtil;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.mail.MailSender;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/**
 * Tells the citizen (e-mail to the dossier's {@code lienHe.email}) and the portal (a webhook) when
 * a case's status changes (docs/procedures.md "Notifications"), durably: each status a case reaches
 * is written to the outbox table {@code procedure_notice} in the engine's transaction that changed
 * it (one row per channel, none when the last row of that case and channel already told the same
 * status), and a worker delivers due rows oldest first per case and channel, with exponential
 * backoff and full jitter, until delivered, skipped (a dossier without an address) or dead after
 * the last attempt (an operator sees it and may try again). Rows are claimed with {@code FOR UPDATE
 * SKIP LOCKED}, so several engines on one database deliver each once. Delivery is at least once: a
 * server that took a message but whose answer was lost gets it again.
 */
final class Notifications implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Notifications.class.getName());
  static final String WEBHOOK = "webhook";
  static final String EMAIL = "email";

  /** What the webhook receives: no personal data. */
  record StatusChange(String maHoSo, String thuTuc, String trangThai, Instant thoiDiem) {}

  /**
   * One notice as an operator and the case view show it: the channel, the status it tells, where
   * its delivery is ({@code PENDING}, {@code SENT}, {@code SKIPPED}, {@code DEAD}), its attempts
   * and the last failure's kind (never an address).
   */
  record Notice(
      long id,
      String maHoSo,
      String kenh,
      String trangThai,
      String tinhTrang,
      int soLanGui,
      String loi,
      Instant thoiDiem) {}

  private final ProceduresOptions.Notify options;
  private final Database db;
  private final Clock clock;
  private final Function<String, Optional<CaseView>> find;
  private final Function<String, Optional<JsonNode>> dossier;
  private final Optional<MailSender> mail;
  private final WebClient http;
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofVirtual().name("procedure-notices").factory());
  private volatile boolean closed;

  Notifications(
      ProceduresOptions.Notify options,
      String database,
      Duration poll,
      Clock clock,
      Function<String, Optional<CaseView>> find,
      Function<String, Optional<JsonNode>> dossier) {
    this.options = options;
    this.clock = clock;
    this.find = find;
    this.dossier = dossier;
    this.mail = options.smtp().map(MailSender::new);
    this.http =
        WebClient.builder()
            .followRedirects(false)
            .connectTimeout(
                options
                    .webhook()
                    .map(ProceduresOptions.Webhook::timeout)
                    .orElse(Duration.ofSeconds(10)))
            .build();
    this.db = Database.open(database);
    try {
      db.migrate("procedures");
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    long ms = Math.max(poll.toMillis(), 10);
    worker.scheduleWithFixedDelay(this::deliverDue, 0, ms, TimeUnit.MILLISECONDS);
  }

  /** The channels a status change is written for. */
  static List<String> channels(ProceduresOptions.Notify n) {
    List<String> c = new ArrayList<>();
    n.webhook().ifPresent(w -> c.add(WEBHOOK));
    n.smtp().ifPresent(s -> c.add(EMAIL));
    return List.copyOf(c);
  }

  /**
   * Writes the notices of a status change on {@code c}, the connection of the transaction that
   * changed it; a channel whose last notice of the case told the same status gets none.
   */
  static void record(
      Connection c,
      List<String> channels,
      String code,
      String procedure,
      CaseView.Status status,
      Instant at)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO procedure_notice (case_code, procedure_key, status, channel, changed_at,"
                + " next_at) SELECT ?, ?, ?, ?, ?, ? WHERE COALESCE((SELECT status FROM"
                + " procedure_notice WHERE case_code = ? AND channel = ? ORDER BY id DESC LIMIT"
                + " 1), '') <> ?")) {
      for (String channel : channels) {
        st.setString(1, code);
        st.setString(2, procedure);
        st.setString(3, status.name());
        st.setString(4, channel);
        st.setLong(5, at.toEpochMilli());
        st.setLong(6, at.toEpochMilli());
        st.setString(7, code);
        st.setString(8, channel);
        st.setString(9, status.name());
        st.executeUpdate();
      }
    }
  }

  /**
   * Writes the notices of a status change inside the running Flowable command (its connection, so
   * they commit or roll back with it).
   */
  static void recordInCommand(
      CommandContext ctx,
      List<String> channels,
      String code,
      String procedure,
      CaseView.Status status,
      Instant at) {
    try {
      record(
          CommandContextUtil.getDbSqlSession(ctx).getSqlSession().getConnection(),
          channels,
          code,
          procedure,
          status,
          at);
    } catch (SQLException e) {
      throw new IllegalStateException("notice outbox not written", e);
    }
  }

  /** One due row, claimed. */
  private record Due(
      long id, String code, String procedure, String status, String channel, long at, int tries) {}

  /** Delivers what is due, one row per transaction, until nothing is. */
  private void deliverDue() {
    try {
      while (!closed && deliverOne()) {
        // next
      }
    } catch (RuntimeException e) {
      // the database is away: the next round tries again
      LOG.log(Level.WARNING, () -> "notice outbox: " + e.getClass().getSimpleName());
    }
  }

  private boolean deliverOne() {
    return Sql.inTransaction(
        db,
        h -> {
          Optional<Due> due =
              h.createQuery(
                      "SELECT id, case_code, procedure_key, status, channel, changed_at, attempts"
                          + " FROM procedure_notice n WHERE state = 'PENDING' AND next_at <= ?"
                          + " AND NOT EXISTS (SELECT 1 FROM procedure_notice o WHERE"
                          + " o.case_code = n.case_code AND o.channel = n.channel AND o.state ="
                          + " 'PENDING' AND o.id < n.id) ORDER BY id LIMIT 1 FOR UPDATE SKIP"
                          + " LOCKED")
                  .bind(0, clock.millis())
                  .map(
                      (r, x) ->
                          new Due(
                              r.getLong(1),
                              r.getString(2),
                              r.getString(3),
                              r.getString(4),
                              r.getString(5),
                              r.getLong(6),
                              r.getInt(7)))
                  .findOne();
          if (due.isEmpty()) {
            return false;
          }
          Due d = due.get();
          String state;
          String error = null;
          long next = clock.millis();
          try {
            state = deliver(d) ? "SENT" : "SKIPPED";
          } catch (IOException | RuntimeException e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int tries = d.tries() + 1;
            if (tries >= options.delivery().maxAttempts()) {
              state = "DEAD";
              LOG.warning(
                  () ->
                      d.channel()
                          + " notice of case "
                          + d.code()
                          + " dead after "
                          + tries
                          + " attempts");
            } else {
              state = "PENDING";
              long ceiling = options.delivery().ceiling(tries).toMillis();
              next += ThreadLocalRandom.current().nextLong(ceiling + 1);
            }
          }
          h.createUpdate(
                  "UPDATE procedure_notice SET state = ?, attempts = attempts + 1, next_at = ?,"
                      + " last_error = COALESCE(?, last_error), done_at = ? WHERE id = ?")
              .bind(0, state)
              .bind(1, next)
              .bind(2, error)
              .bind(3, state.equals("PENDING") ? null : (Long) clock.millis())
              .bind(4, d.id())
              .execute();
          return true;
        });
  }

  /**
   * Sends one notice.
   *
   * @return false when there is nobody to tell (a dossier without an address)
   */
  private boolean deliver(Due d) throws IOException {
    CaseView.Status status = CaseView.Status.valueOf(d.status());
    if (d.channel().equals(WEBHOOK)) {
      ProceduresOptions.Webhook w = options.webhook().orElseThrow();
      byte[] body =
          Json.write(
              new StatusChange(d.code(), d.procedure(), d.status(), Instant.ofEpochMilli(d.at())));
      int answer;
      try (HttpClientResponse r =
          http.post(w.url())
              .readTimeout(w.timeout())
              .header(HeaderNames.CONTENT_TYPE, "application/json")
              .header(HeaderNames.AUTHORIZATION, "Bearer " + w.token())
              .submit(body)) {
        answer = r.status().code();
      } catch (RuntimeException e) { // WebClient: refused, timed out, TLS
        throw new IOException("webhook unreachable: " + e.getClass().getSimpleName(), e);
      }
      if (answer / 100 != 2) {
        throw new IOException("webhook answered " + answer);
      }
      return true;
    }
    Optional<String> to =
        dossier
            .apply(d.code())
            .map(x -> x.path("lienHe").path("email").asText(""))
            .filter(a -> !a.isBlank());
    if (to.isEmpty()) {
      return false;
    }
    String due = find.apply(d.code()).map(c -> c.due().toString()).orElse("");
    mail.orElseThrow()
        .send(
            List.of(to.get()),
            "Hồ sơ " + d.code() + ": " + vietnamese(status),
            "Mã hồ sơ: "
                + d.code()
                + "\nThủ tục: "
                + d.procedure()
                + "\nTrạng thái: "
                + vietnamese(status)
                + "\nHạn giải quyết: "
                + due
                + "\n",
            Map.of("X-LGSP-Case", d.code()));
    return true;
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

  private static final String NOTICE_COLUMNS =
      "SELECT id, case_code, channel, status, state, attempts, COALESCE(last_error, ''),"
          + " changed_at FROM procedure_notice ";

  private static Notice notice(java.sql.ResultSet r) throws SQLException {
    return new Notice(
        r.getLong(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getInt(6),
        r.getString(7),
        Instant.ofEpochMilli(r.getLong(8)));
  }

  /** The notices of a case, oldest first. */
  List<Notice> of(String code) {
    return Sql.read(
        db,
        h ->
            h.createQuery(NOTICE_COLUMNS + "WHERE case_code = ? ORDER BY id")
                .bind(0, code)
                .map((r, x) -> notice(r))
                .list());
  }

  /** Notices in a delivery state ({@code PENDING}, {@code SENT}, {@code SKIPPED}, {@code DEAD}). */
  List<Notice> inState(String state) {
    return Sql.read(
        db,
        h ->
            h.createQuery(NOTICE_COLUMNS + "WHERE state = ? ORDER BY id LIMIT 1000")
                .bind(0, state)
                .map((r, x) -> notice(r))
                .list());
  }

  /**
   * An operator sends a dead notice again, with a fresh set of attempts.
   *
   * @throws LgspException {@code resource.not_found}, or {@code procedure.case_state} when the
   *     notice is not dead
   */
  Notice retry(long id) {
    int changed =
        Sql.inTransaction(
            db,
            h ->
                h.createUpdate(
                        "UPDATE procedure_notice SET state = 'PENDING', attempts = 0, next_at = ?"
                            + " WHERE id = ? AND state = 'DEAD'")
                    .bind(0, clock.millis())
                    .bind(1, id)
                    .execute());
    Optional<Notice> n =
        Sql.read(
            db,
            h ->
                h.createQuery(NOTICE_COLUMNS + "WHERE id = ?")
                    .bind(0, id)
                    .map((r, x) -> notice(r))
                    .findOne());
    if (n.isEmpty()) {
      throw new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no notice " + id);
    }
    if (changed == 0) {
      throw new LgspException(ErrorCode.CASE_STATE_CONFLICT, "notice " + id + " is not dead");
    }
    LOG.info(() -> "notice " + id + " of case " + n.get().maHoSo() + " retried by an operator");
    return n.get();
  }

  @Override
  public void close() {
    closed = true;
    worker.shutdown();
    try {
      worker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      db.close();
    }
  }

  /**
   * Flowable's events that change a case's status — started, ended (completed or compensated),
   * cancelled, a step moved to the dead letters — written to the outbox inside the transaction that
   * fired them (an operator's retry is written by {@link Procedures#retry} in its command).
   */
  static final class Listener implements FlowableEventListener {
    private final List<String> channels;
    private final Clock clock;

    Listener(List<String> channels, Clock clock) {
      this.channels = channels;
      this.clock = clock;
    }

    @Override
    public void onEvent(FlowableEvent event) {
      if (!(event instanceof FlowableEngineEvent e) || e.getProcessInstanceId() == null) {
        return;
      }
      CommandContext ctx = Context.getCommandContext();
      if (ctx == null) {
        return;
      }
      HistoricProcessInstance pi =
          CommandContextUtil.getHistoricProcessInstanceEntityManager(ctx)
              .findById(e.getProcessInstanceId());
      if (pi == null || pi.getBusinessKey() == null) {
        return;
      }
      CaseView.Status status =
          switch ((FlowableEngineEventType) e.getType()) {
            case PROCESS_STARTED -> CaseView.Status.IN_PROGRESS;
            case JOB_MOVED_TO_DEADLETTER -> CaseView.Status.WAITING_FOR_OPERATOR;
            case PROCESS_CANCELLED -> CaseView.Status.CANCELLED;
            default -> failed(e, ctx) ? CaseView.Status.COMPENSATED : CaseView.Status.COMPLETED;
          };
      recordInCommand(
          ctx,
          channels,
          pi.getBusinessKey(),
          pi.getProcessDefinitionKey(),
          status,
          clock.instant());
    }

    /** Whether a step was refused for good (the case ends compensated). */
    private static boolean failed(FlowableEngineEvent e, CommandContext ctx) {
      ExecutionEntity x =
          e instanceof FlowableEntityEvent ee && ee.getEntity() instanceof ExecutionEntity ex
              ? ex
              : CommandContextUtil.getExecutionEntityManager(ctx)
                  .findById(e.getProcessInstanceId());
      return x != null && x.getVariable(ExchangeStep.FAILED_STEP) != null;
    }

    @Override
    public Collection<? extends FlowableEventType> getTypes() {
      return List.of(
          FlowableEngineEventType.PROCESS_STARTED,
          FlowableEngineEventType.PROCESS_COMPLETED,
          FlowableEngineEventType.PROCESS_COMPLETED_WITH_ERROR_END_EVENT,
          FlowableEngineEventType.PROCESS_CANCELLED,
          FlowableEngineEventType.JOB_MOVED_TO_DEADLETTER);
    }

    @Override
    public boolean isFailOnException() {
      return true; // no status change without its notices
    }

    @Override
    public boolean isFireOnTransactionLifecycleEvent() {
      return false;
    }

    @Override
    public String getOnTransaction() {
      return null;
    }
  }
}
