package org.openlgsp.procedures;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.AdminApi;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.edge.Route;
import org.openlgsp.storage.Database;

/**
 * The case API (docs/procedures.md "API") on its own edge listener: a case's status and history for
 * {@value #READER} (the portal, for the citizen holding the code); filing, the cases waiting for an
 * operator, retry and cancel for {@value #OPERATOR}, audited by the edge.
 */
final class ProceduresHttp implements AutoCloseable {
  static final String READER = "procedures.reader";
  static final String OPERATOR = "procedures.operator";
  static final String CASES = "/procedures/v1/cases";
  static final String NOTICES = "/procedures/v1/notices";
  private static final int MAX_FILING = 1024 * 1024;
  static final String PAGE = "/tra-cuu";
  // a guesser gets this many wrong lookups per address per window, then 429 until it ends
  static final int LOOKUP_FAILURES = 10;
  static final java.time.Duration LOOKUP_WINDOW = java.time.Duration.ofMinutes(10);
  private static final Map<String, String> PAGE_HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
          "X-Content-Type-Options",
          "nosniff",
          "Referrer-Policy",
          "no-referrer",
          "Cache-Control",
          "no-store");
  private final Procedures procedures;
  private final Database auditDb;
  private final gg.jte.TemplateEngine templates =
      gg.jte.TemplateEngine.createPrecompiled(
          null,
          gg.jte.ContentType.Html,
          ProceduresHttp.class.getClassLoader(),
          "org.openlgsp.procedures.templates");
  private final com.github.benmanes.caffeine.cache.Cache<
          String, java.util.concurrent.atomic.AtomicInteger>
      failures =
          com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
              .expireAfterWrite(LOOKUP_WINDOW)
              .maximumSize(100_000)
              .build();
  private final AdminApi listener;

  /** A filing: the procedure, purpose, officer and dossier (hồ sơ). */
  record Filing(String thuTuc, String mucDich, String canBo, JsonNode hoSo) {
    Filing {
      if (thuTuc == null || mucDich == null || canBo == null || hoSo == null) {
        throw new IllegalArgumentException("thuTuc, mucDich, canBo and hoSo are required");
      }
    }
  }

  ProceduresHttp(Procedures procedures, ProceduresOptions.Api api, String database) {
    this.procedures = procedures;
    this.auditDb = Database.open(database);
    try {
      this.listener =
          AdminApi.builder()
              .routes(routes())
              .token("procedures-reader", api.readerTokenSha256(), Set.of(READER))
              .token("procedures-operator", api.operatorTokenSha256(), Set.of(READER, OPERATOR))
              .auditLog(DatabaseAuditLog.open(auditDb))
              .start(api.host(), api.port());
    } catch (RuntimeException e) {
      auditDb.close();
      throw e;
    }
  }

  private List<Route> routes() {
    return List.of(
        Route.get(PAGE)
            .publicAccess(
                "the citizen's own case page: a case is shown only for its code together with the"
                    + " last four digits of the filer's personal ID, and the page holds no personal"
                    + " data (wrong guesses are throttled per address)")
            .audit(Audit.notAudited("reads a case's progress, which carries no personal data"))
            .handle(this::page),
        Route.post(CASES).roles(OPERATOR).audited("procedures.file").handle(this::file),
        Route.get(CASES + "/{code}")
            .roles(READER)
            .audit(Audit.notAudited("a case's progress carries no personal data"))
            .handle(c -> c.sendJson(200, withNotices(json(find(c))))),
        Route.get("/procedures/v1/waiting")
            .roles(OPERATOR)
            .audit(Audit.notAudited("a case's progress carries no personal data"))
            .handle(
                c ->
                    c.sendJson(
                        200,
                        procedures.waitingForOperator().stream()
                            .map(ProceduresHttp::json)
                            .toList())),
        Route.post(CASES + "/{code}/retry")
            .roles(OPERATOR)
            .audited("procedures.retry")
            .handle(c -> c.sendJson(200, json(procedures.retry(code(c))))),
        Route.post(CASES + "/{code}/cancel")
            .roles(OPERATOR)
            .audited("procedures.cancel")
            .handle(c -> c.sendJson(200, json(procedures.cancel(code(c))))),
        Route.get(NOTICES)
            .roles(OPERATOR)
            .audit(Audit.notAudited("a notice's delivery state carries no personal data"))
            .handle(c -> c.sendJson(200, notices().inState(state(c)))),
        Route.post(NOTICES + "/{id}/retry")
            .roles(OPERATOR)
            .audited("procedures.notice_retry")
            .handle(c -> c.sendJson(200, notices().retry(noticeId(c)))));
  }

  /**
   * The citizen's page ({@value #PAGE}): the form, and with {@code maHoSo} and {@code soCuoi} the
   * case's progress when they match. An unknown code and wrong digits get the same answer.
   */
  private void page(Call c) {
    io.helidon.common.uri.UriQuery q = c.request().query();
    String lang = q.contains("lang") && q.get("lang").equals("en") ? "en" : "vi";
    String code = q.contains("maHoSo") ? q.get("maHoSo").strip() : "";
    String digits = q.contains("soCuoi") ? q.get("soCuoi").strip() : "";
    boolean asked = !code.isEmpty() || !digits.isEmpty();
    Optional<CaseView> view = Optional.empty();
    if (asked) {
      String from = c.request().remotePeer().host();
      java.util.concurrent.atomic.AtomicInteger failed =
          failures.get(from, k -> new java.util.concurrent.atomic.AtomicInteger());
      if (failed.get() >= LOOKUP_FAILURES) {
        c.response().header(io.helidon.http.HeaderNames.RETRY_AFTER, "600");
        throw new LgspException(
            ErrorCode.AUTHENTICATION_THROTTLED,
            "too many lookups that found nothing; try again later");
      }
      view = procedures.findForApplicant(code.length() > 40 ? "" : code, digits);
      if (view.isEmpty()) {
        failed.incrementAndGet();
      }
    }
    gg.jte.output.StringOutput out = new gg.jte.output.StringOutput();
    templates.render(
        "case.jte", new CasePage(lang, code.length() > 40 ? "" : code, asked, view), out);
    PAGE_HEADERS.forEach((k, v) -> c.response().header(io.helidon.http.HeaderNames.create(k), v));
    c.response().header(io.helidon.http.HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
    c.response().status(200).send(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private Notifications notices() {
    return procedures
        .notifications()
        .orElseThrow(
            () -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "notifications are off"));
  }

  private static String state(Call c) {
    io.helidon.common.uri.UriQuery q = c.request().query();
    String s = q.contains("tinhTrang") ? q.get("tinhTrang") : "DEAD";
    if (!Set.of("PENDING", "SENT", "SKIPPED", "DEAD").contains(s)) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "tinhTrang is PENDING, SENT, SKIPPED or DEAD");
    }
    return s;
  }

  private static long noticeId(Call c) {
    String id = c.request().path().pathParameters().get("id");
    if (!id.matches("[0-9]{1,18}")) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "a notice id is a number");
    }
    return Long.parseLong(id);
  }

  /** The case view with its notices' delivery ({@code thongBao}) when notifications are on. */
  private Map<String, Object> withNotices(Map<String, Object> view) {
    procedures
        .notifications()
        .ifPresent(n -> view.put("thongBao", n.of((String) view.get("maHoSo"))));
    return view;
  }

  private void file(Call c) {
    Filing f = c.json(Filing.class, MAX_FILING);
    c.sendJson(201, json(procedures.file(f.thuTuc(), f.mucDich(), f.canBo(), f.hoSo())));
  }

  private static String code(Call c) {
    return c.request().path().pathParameters().get("code");
  }

  private CaseView find(Call c) {
    String code = code(c);
    return procedures
        .find(code)
        .orElseThrow(() -> new LgspException(ErrorCode.CASE_UNKNOWN, "no case " + code));
  }

  /** The wire form: the view's fields, {@code waiting} only when a step waits. */
  static Map<String, Object> json(CaseView v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("maHoSo", v.code());
    m.put("thuTuc", v.procedure());
    m.put("trangThai", v.status().name());
    m.put("ngayTiepNhan", v.filedAt());
    m.put("hanXuLy", v.due());
    m.put("sla", v.sla().name());
    m.put("lichSu", v.history());
    v.waiting().ifPresent(w -> m.put("choXuLy", w));
    return m;
  }

  int port() {
    return listener.port();
  }

  @Override
  public void close() {
    try {
      listener.close();
    } finally {
      auditDb.close();
    }
  }
}
