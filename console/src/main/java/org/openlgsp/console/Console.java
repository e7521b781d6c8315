package org.openlgsp.console;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.OpenApiDocument;
import org.openlgsp.core.ServiceId;
import org.openlgsp.edge.Access;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.AuthenticationLimits;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Edge;
import org.openlgsp.edge.Principal;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.registry.Registry;
import org.openlgsp.storage.Database;

/**
 * The registry's web console (docs/console.md): server-rendered pages (JTE templates compiled at
 * build time), htmx and ECharts served from this listener, built on the {@link Edge} like every
 * listener. Each route declares its roles; anything else is refused. State changes need the
 * session's anti-forgery token and are audited into the registry's audit trail with the account,
 * the source address and the state before and after.
 */
public final class Console implements AutoCloseable {
  static final Set<ConsoleRole> ALL = EnumSet.allOf(ConsoleRole.class);
  static final Set<ConsoleRole> AUDIT_READERS =
      EnumSet.of(ConsoleRole.PLATFORM_ADMIN, ConsoleRole.SECURITY_OFFICER, ConsoleRole.AUDITOR);
  static final Set<ConsoleRole> GRANT_WRITERS =
      EnumSet.of(ConsoleRole.PLATFORM_ADMIN, ConsoleRole.AGENCY_ADMIN);

  /** Sent with every page: no inline script or style, nothing from elsewhere, no framing. */
  static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
              + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
          "X-Content-Type-Options",
          "nosniff",
          "X-Frame-Options",
          "DENY",
          "Referrer-Policy",
          "no-referrer",
          "Cache-Control",
          "no-store");

  private static final String PRE_COOKIE = "lgsp_console_pre";
  private static final String LANG_COOKIE = "lgsp_lang";
  private static final CsvMapper CSV = new CsvMapper();
  private static final Map<String, String> STATIC =
      Map.of(
          "htmx.min.js", "META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js",
          "echarts.min.js", "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js",
          "console.js", "org/openlgsp/console/static/console.js",
          "console.css", "org/openlgsp/console/static/console.css");

  private final Registry registry;
  private final Accounts accounts;
  private final Sessions sessions;
  private final ConsoleOptions options;
  private final Clock clock;
  private final TemplateEngine templates;
  private final Edge edge;
  private final WebServer server;

  private Console(
      Registry registry,
      Database db,
      ConsoleOptions options,
      Clock clock,
      Optional<AuthenticationLimits> limits) {
    this.registry = registry;
    this.options = options;
    this.clock = clock;
    this.accounts = new Accounts(db, options, clock);
    this.sessions = new Sessions(options.sessionTimeout(), clock);
    this.templates =
        TemplateEngine.createPrecompiled(
            null,
            ContentType.Html,
            Console.class.getClassLoader(),
            "org.openlgsp.console.templates");
    Edge.Builder b =
        Edge.builder()
            .routes(routes())
            .authenticator(this::authenticate)
            .auditLog(this::audit)
            .errorWriter(new HtmlErrors(templates))
            .clock(clock);
    limits.ifPresent(b::authenticationLimits);
    this.edge = b.build();
    this.server =
        Edge.start(edge.configure(WebServer.builder().host(options.host()).port(options.port())));
  }

  /** Starts the console of {@code registry}, its accounts in {@code db}. */
  public static Console start(Registry registry, Database db, ConsoleOptions options) {
    return new Console(registry, db, options, Clock.systemUTC(), Optional.empty());
  }

  /** As above, with this listener's own failed-authentication limits (tests). */
  static Console start(
      Registry registry,
      Database db,
      ConsoleOptions options,
      Clock clock,
      AuthenticationLimits limits) {
    return new Console(registry, db, options, clock, Optional.of(limits));
  }

  public int port() {
    return server.port();
  }

  /** The console's address, e.g. {@code http://127.0.0.1:8480/}. */
  public String url() {
    return "http://" + options.host() + ":" + port() + "/";
  }

  public Accounts accounts() {
    return accounts;
  }

  /** The declared routes: what the route-by-route authorization test enumerates. */
  public List<Route> routes() {
    return edge == null ? declare() : edge.routes();
  }

  @Override
  public void close() {
    server.stop();
  }

  // ---- routes

  private List<Route> declare() {
    List<Route> r = new ArrayList<>();
    String notSecret = "serves the console's own scripts and styles, nothing secret";
    r.add(
        Route.get("/static/{name}")
            .publicAccess(notSecret)
            .audit(Audit.notAudited(notSecret))
            .handle(this::asset));
    r.add(
        Route.get("/lang")
            .publicAccess("sets the language cookie, a preference")
            .audit(Audit.notAudited("a display preference"))
            .handle(this::language));
    r.add(
        Route.get("/login")
            .publicAccess("the sign-in form")
            .audit(Audit.notAudited("a form"))
            .handle(this::loginForm));
    r.add(
        Route.post("/login")
            .publicAccess("checks the password itself; failures are throttled by the edge")
            .audited("console.login")
            .auditTarget(req -> "/login")
            .handle(this::login));
    r.add(
        Route.get("/login/totp")
            .publicAccess("the second-factor form of a session past its password")
            .audit(Audit.notAudited("a form"))
            .handle(c -> secondFactorForm(c, Sessions.Stage.TOTP)));
    r.add(
        Route.post("/login/totp")
            .publicAccess("checks the session and its TOTP code itself")
            .audited("console.login.totp")
            .handle(this::totp));
    r.add(
        Route.get("/login/enrol")
            .publicAccess("the TOTP set-up form of a session past its password")
            .audit(Audit.notAudited("a form"))
            .handle(c -> secondFactorForm(c, Sessions.Stage.ENROL)));
    r.add(
        Route.post("/login/enrol")
            .publicAccess("checks the session and the first TOTP code itself")
            .audited("console.login.enrol")
            .handle(this::enrol));
    r.add(roles(Route.post("/logout"), ALL).audited("console.logout").handle(this::logout));
    String read = "a page read";
    r.add(roles(Route.get("/"), ALL).audit(Audit.notAudited(read)).handle(this::dashboard));
    r.add(
        roles(Route.get("/dashboard/chart.json"), ALL)
            .audit(Audit.notAudited(read))
            .handle(this::chart));
    r.add(roles(Route.get("/agencies"), ALL).audit(Audit.notAudited(read)).handle(this::agencies));
    r.add(roles(Route.get("/systems"), ALL).audit(Audit.notAudited(read)).handle(this::systems));
    r.add(roles(Route.get("/services"), ALL).audit(Audit.notAudited(read)).handle(this::services));
    r.add(roles(Route.get("/service"), ALL).audit(Audit.notAudited(read)).handle(this::service));
    r.add(roles(Route.get("/grants"), ALL).audit(Audit.notAudited(read)).handle(this::grants));
    r.add(roles(Route.get("/nodes"), ALL).audit(Audit.notAudited(read)).handle(this::nodes));
    r.add(roles(Route.get("/anchors"), ALL).audit(Audit.notAudited(read)).handle(this::anchors));
    r.add(
        roles(Route.post("/grants"), GRANT_WRITERS)
            .audited("console.grant.create")
            .handle(this::createGrant));
    r.add(
        roles(Route.post("/grants/{id}/revoke"), GRANT_WRITERS)
            .audited("console.grant.revoke")
            .handle(this::revokeGrant));
    r.add(
        roles(Route.get("/audit"), AUDIT_READERS)
            .audit(Audit.notAudited(read))
            .handle(this::auditPage));
    r.add(
        roles(Route.get("/audit.csv"), AUDIT_READERS)
            .audited("console.audit.export")
            .handle(this::auditCsv));
    return r;
  }

  private static Route.Builder roles(Route.Builder b, Set<ConsoleRole> roles) {
    return b.access(
        new Access.Roles(roles.stream().map(ConsoleRole::id).collect(Collectors.toSet())));
  }

  // ---- authentication, audit

  private Principal authenticate(ServerRequest req) {
    return active(req)
        .map(s -> new Principal(s.account().username(), Set.of(s.account().role().id())))
        .orElseThrow(
            () ->
                new LgspException(
                    ErrorCode.CONSOLE_UNAUTHENTICATED, "sign in to the console first"));
  }

  private Optional<Sessions.Session> session(ServerRequest req) {
    return sessions.find(cookie(req, Sessions.COOKIE));
  }

  private Optional<Sessions.Session> active(ServerRequest req) {
    return session(req).filter(s -> s.stage() == Sessions.Stage.ACTIVE);
  }

  private static Optional<String> cookie(ServerRequest req, String name) {
    return req.headers().cookies().first(name).asOptional();
  }

  private void audit(AuditEvent e) {
    String note = Changes.take().map(n -> "; " + n).orElse("");
    String detail = e.detail().isEmpty() ? "" : "; " + e.detail();
    registry.audit(
        e.actor(), e.action(), e.target(), e.outcome(), "from " + e.source() + note + detail);
  }

  /** The signed-in account of a route open to roles (the edge has checked its session). */
  private Account account(Call c) {
    return active(c.request()).orElseThrow().account();
  }

  /**
   * The form of a state-changing request, refused without the session's anti-forgery token. Read
   * through Helidon's form support (application/x-www-form-urlencoded).
   */
  private Parameters form(Call c, Sessions.Session s) {
    Parameters form = readForm(c);
    if (!s.csrfMatches(form.first("csrf").orElse(null))) {
      throw new LgspException(
          ErrorCode.CONSOLE_CSRF_INVALID, "the form's token is missing or wrong");
    }
    return form;
  }

  private static Parameters readForm(Call c) {
    if (!c.request().content().hasEntity()) {
      return Parameters.empty("form");
    }
    try {
      return c.request().content().as(Parameters.class);
    } catch (RuntimeException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "the form could not be read");
    }
  }

  // ---- rendering

  private String lang(ServerRequest req) {
    return cookie(req, LANG_COOKIE).filter(l -> l.equals("en")).orElse(View.DEFAULT_LANG);
  }

  private View view(Call c, Optional<Sessions.Session> s) {
    return new View(
        lang(c.request()),
        s.filter(x -> x.stage() == Sessions.Stage.ACTIVE).map(Sessions.Session::account),
        s.map(Sessions.Session::csrf).orElse(""),
        c.request().path().rawPath());
  }

  private View view(Call c) {
    return view(c, active(c.request()));
  }

  private void page(Call c, String template, Map<String, Object> params) {
    StringOutput out = new StringOutput();
    templates.render(template, params, out);
    html(c.response(), Status.OK_200).send(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static ServerResponse html(ServerResponse res, Status status) {
    SECURITY_HEADERS.forEach((k, v) -> res.header(HeaderNames.create(k), v));
    res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
    return res.status(status);
  }

  private static void redirect(Call c, String to) {
    SECURITY_HEADERS.forEach((k, v) -> c.response().header(HeaderNames.create(k), v));
    c.response().status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, to).send();
  }

  private int pageNumber(Call c) {
    try {
      return Integer.parseInt(c.request().query().first("page").orElse("1"));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static String query(Call c) {
    String q = c.request().query().first("q").orElse("").strip();
    return q.length() > 200 ? q.substring(0, 200) : q;
  }

  // ---- public routes

  private void asset(Call c) throws IOException {
    String name = c.request().path().pathParameters().get("name");
    String resource = STATIC.get(name);
    if (resource == null) {
      throw new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such file");
    }
    byte[] body;
    try (InputStream in = Console.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      body = in.readAllBytes();
    }
    String type =
        name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    c.response().header(HeaderNames.CONTENT_TYPE, type);
    c.response().header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
    c.response().header(HeaderNames.CACHE_CONTROL, "max-age=3600");
    c.response().send(body);
  }

  private void language(Call c) {
    String to = c.request().query().first("to").filter(l -> l.equals("en")).orElse("vi");
    String back = c.request().query().first("back").orElse("/");
    // only a path of this console: never another site (no open redirect)
    if (!back.startsWith("/") || back.startsWith("//") || back.contains("\\")) {
      back = "/";
    }
    c.response()
        .header(
            HeaderNames.SET_COOKIE,
            LANG_COOKIE + "=" + to + "; Path=/; Max-Age=31536000; Secure; SameSite=Strict");
    redirect(c, back);
  }

  private void loginForm(Call c) {
    String pre = Sessions.randomToken();
    c.response()
        .header(
            HeaderNames.SET_COOKIE,
            PRE_COOKIE + "=" + pre + "; Path=/login; Secure; HttpOnly; SameSite=Strict");
    page(c, "login.jte", Map.of("v", view(c, Optional.empty()), "preToken", pre));
  }

  private void login(Call c) {
    Parameters form = readForm(c);
    String pre = cookie(c.request(), PRE_COOKIE).orElse("");
    String sent = form.first("csrf").orElse("");
    if (pre.isEmpty()
        || !MessageDigest.isEqual(
            pre.getBytes(StandardCharsets.US_ASCII), sent.getBytes(StandardCharsets.US_ASCII))) {
      throw new LgspException(
          ErrorCode.CONSOLE_CSRF_INVALID, "the form's token is missing or wrong");
    }
    String username = form.first("username").orElse("");
    Changes.note("account " + (username.matches("[a-z0-9._-]{1,64}") ? username : "(malformed)"));
    Account account =
        accounts
            .checkPassword(username, form.first("password").orElse(""))
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.CONSOLE_UNAUTHENTICATED, "wrong username or password"));
    Sessions.Stage next = account.totpEnrolled() ? Sessions.Stage.TOTP : Sessions.Stage.ENROL;
    Sessions.Session s =
        sessions.start(
            account,
            next,
            next == Sessions.Stage.ENROL ? Optional.of(Totp.newSecret()) : Optional.empty());
    c.response().header(HeaderNames.SET_COOKIE, Sessions.cookie(s.id()));
    redirect(c, next == Sessions.Stage.TOTP ? "/login/totp" : "/login/enrol");
  }

  private Sessions.Session pending(Call c, Sessions.Stage stage) {
    return session(c.request())
        .filter(s -> s.stage() == stage)
        .orElseThrow(
            () ->
                new LgspException(
                    ErrorCode.CONSOLE_UNAUTHENTICATED, "sign in to the console first"));
  }

  private void secondFactorForm(Call c, Sessions.Stage stage) {
    Sessions.Session s = pending(c, stage);
    View v = new View(lang(c.request()), Optional.empty(), s.csrf(), c.request().path().rawPath());
    if (stage == Sessions.Stage.TOTP) {
      page(c, "totp.jte", Map.of("v", v));
      return;
    }
    String secret = Totp.base32(s.pendingSecret().orElseThrow());
    String uri =
        "otpauth://totp/OpenLGSP:"
            + s.account().username()
            + "?secret="
            + secret
            + "&issuer=OpenLGSP&algorithm=SHA1&digits=6&period=30";
    page(c, "enrol.jte", Map.of("v", v, "secret", secret, "uri", uri));
  }

  private void totp(Call c) {
    Sessions.Session s = pending(c, Sessions.Stage.TOTP);
    Parameters form = form(c, s);
    Changes.note("account " + s.account().username());
    if (!accounts.checkTotp(s.account().username(), form.first("code").orElse(""))) {
      throw new LgspException(ErrorCode.CONSOLE_UNAUTHENTICATED, "wrong code");
    }
    signedIn(c, s);
  }

  private void enrol(Call c) {
    Sessions.Session s = pending(c, Sessions.Stage.ENROL);
    Parameters form = form(c, s);
    Changes.note("account " + s.account().username());
    if (!accounts.enrolTotp(
        s.account().username(), s.pendingSecret().orElseThrow(), form.first("code").orElse(""))) {
      throw new LgspException(ErrorCode.CONSOLE_UNAUTHENTICATED, "wrong code");
    }
    signedIn(c, s);
  }

  private void signedIn(Call c, Sessions.Session from) {
    Sessions.Session active = sessions.advance(from, Sessions.Stage.ACTIVE);
    c.response().header(HeaderNames.SET_COOKIE, Sessions.cookie(active.id()));
    redirect(c, "/");
  }

  private void logout(Call c) {
    Sessions.Session s = active(c.request()).orElseThrow();
    form(c, s);
    sessions.end(s.id());
    c.response().header(HeaderNames.SET_COOKIE, Sessions.expiredCookie());
    redirect(c, "/login");
  }

  // ---- pages

  private void dashboard(Call c) {
    Scope scope = new Scope(account(c));
    Directory d = registry.directory();
    Instant soon = clock.instant().plus(Duration.ofDays(30));
    List<Pages.Expiry> expiries = new ArrayList<>();
    expiries.add(
        new Pages.Expiry(
            "dashboard.directory", d.serial(), "", d.expiresAt(), d.expiresAt().isBefore(soon)));
    X509Certificate signing = registry.directoryCertificate();
    expiries.add(expiry("dashboard.signing", signing, soon));
    registry.trustAnchors().forEach(a -> expiries.add(expiry("dashboard.anchor", a, soon)));
    for (Directory.Node n : registry.nodes()) {
      if (scope.sees(n.id().owner())) {
        for (String cert : n.tlsCertificates()) {
          Pages.Expiry e = expiry("dashboard.nodeTls", Certificates.fromBase64(cert), soon);
          expiries.add(new Pages.Expiry(e.kind(), "", n.id().toString(), e.until(), e.soon()));
        }
      }
    }
    expiries.sort(Comparator.comparing(Pages.Expiry::until));
    Pages.Dashboard model =
        new Pages.Dashboard(
            (int) registry.members().stream().filter(m -> scope.sees(m.id())).count(),
            (int) registry.systems().stream().filter(s -> scope.sees(s.id())).count(),
            (int) registry.services().stream().filter(s -> scope.sees(s.id().provider())).count(),
            (int) registry.grants().stream().filter(g -> scope.sees(g.grant())).count(),
            expiries);
    page(c, "dashboard.jte", Map.of("v", view(c), "d", model));
  }

  private static Pages.Expiry expiry(String kind, X509Certificate cert, Instant soon) {
    Instant until = cert.getNotAfter().toInstant();
    return new Pages.Expiry(
        kind, "", cert.getSubjectX500Principal().getName(), until, until.isBefore(soon));
  }

  /** Per visible agency: how many services it provides and how many grants open them. */
  private void chart(Call c) {
    Scope scope = new Scope(account(c));
    Map<ClientId, String> names = new TreeMap<>(Comparator.comparing(ClientId::encoded));
    registry.members().stream()
        .filter(m -> scope.sees(m.id()))
        .forEach(m -> names.put(m.id(), m.name()));
    Map<ClientId, Long> services =
        registry.services().stream()
            .collect(
                Collectors.groupingBy(s -> s.id().provider().memberId(), Collectors.counting()));
    Map<ClientId, Long> grants =
        registry.grants().stream()
            .collect(
                Collectors.groupingBy(
                    g -> g.grant().service().provider().memberId(), Collectors.counting()));
    List<String> labels = new ArrayList<>();
    List<Long> s = new ArrayList<>();
    List<Long> g = new ArrayList<>();
    names.forEach(
        (id, name) -> {
          labels.add(name);
          s.add(services.getOrDefault(id, 0L));
          g.add(grants.getOrDefault(id, 0L));
        });
    View v = view(c);
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    c.sendJson(
        200,
        Map.of(
            "labels",
            labels,
            "series",
            List.of(
                Map.of("name", v.t("dashboard.services"), "data", s),
                Map.of("name", v.t("dashboard.grants"), "data", g))));
  }

  private void agencies(Call c) {
    Scope scope = new Scope(account(c));
    list(
        c,
        "agencies.jte",
        registry.members().stream().filter(m -> scope.sees(m.id())).toList(),
        m -> m.id().encoded() + " " + m.name());
  }

  private void systems(Call c) {
    Scope scope = new Scope(account(c));
    list(
        c,
        "systems.jte",
        registry.systems().stream().filter(s -> scope.sees(s.id())).toList(),
        s -> s.id().encoded() + " " + s.name() + " " + s.node());
  }

  private void services(Call c) {
    Scope scope = new Scope(account(c));
    list(
        c,
        "services.jte",
        registry.services().stream().filter(s -> scope.sees(s.id().provider())).toList(),
        s -> s.id().encoded());
  }

  private void nodes(Call c) {
    Scope scope = new Scope(account(c));
    Instant soon = clock.instant().plus(Duration.ofDays(30));
    List<Pages.NodeRow> rows = new ArrayList<>();
    for (Directory.Node n : registry.nodes()) {
      if (scope.sees(n.id().owner())) {
        Optional<Instant> first =
            n.tlsCertificates().stream()
                .map(b -> Certificates.fromBase64(b).getNotAfter().toInstant())
                .min(Comparator.naturalOrder());
        rows.add(new Pages.NodeRow(n, first, first.filter(t -> t.isBefore(soon)).isPresent()));
      }
    }
    list(c, "nodes.jte", rows, n -> n.node().id() + " " + n.node().address());
  }

  private void anchors(Call c) {
    Instant soon = clock.instant().plus(Duration.ofDays(30));
    List<Pages.CertificateRow> rows =
        registry.trustAnchors().stream()
            .map(
                a ->
                    new Pages.CertificateRow(
                        a.getSubjectX500Principal().getName(),
                        Certificates.fingerprint(a),
                        a.getNotAfter().toInstant(),
                        a.getNotAfter().toInstant().isBefore(soon)))
            .toList();
    list(c, "anchors.jte", rows, a -> a.subject() + " " + a.fingerprint());
  }

  /** A searchable, paged list page of {@code visible}, searched in the text {@code text} gives. */
  private <T> void list(
      Call c, String template, List<T> visible, java.util.function.Function<T, String> text) {
    page(
        c,
        template,
        Map.of(
            "v",
            view(c),
            "p",
            Paged.of(visible, text, query(c), pageNumber(c), options.pageSize())));
  }

  private void service(Call c) {
    Scope scope = new Scope(account(c));
    String raw = c.request().query().first("id").orElse("");
    Optional<ServiceId> id;
    try {
      id = Optional.of(ServiceId.parse(raw));
    } catch (RuntimeException e) {
      id = Optional.empty();
    }
    // another agency's service is as absent as one that does not exist
    Directory.Service s =
        id.flatMap(
                sid ->
                    registry.services().stream()
                        .filter(x -> x.id().equals(sid) && scope.sees(sid.provider()))
                        .findFirst())
            .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such service"));
    Optional<String> doc = registry.openApi(s.id());
    List<OpenApiDocument.Endpoint> endpoints =
        doc.map(text -> OpenApiDocument.parse(text).endpoints()).orElse(List.of());
    Optional<String> pretty = doc.map(Console::pretty);
    page(c, "service.jte", Map.of("v", view(c), "s", new Pages.ServicePage(s, pretty, endpoints)));
  }

  private static String pretty(String doc) {
    try {
      return Json.mapper()
          .writerWithDefaultPrettyPrinter()
          .writeValueAsString(Json.mapper().readTree(doc));
    } catch (IOException | RuntimeException notJson) {
      return doc; // a YAML document is shown as written
    }
  }

  private void grants(Call c) {
    grantsPage(
        c,
        c.request()
            .query()
            .first("done")
            .filter(d -> d.equals("created") || d.equals("revoked"))
            .map(d -> "grants." + d));
  }

  private void grantsPage(Call c, Optional<String> notice) {
    Scope scope = new Scope(account(c));
    List<Registry.GrantEntry> visible =
        registry.grants().stream().filter(g -> scope.sees(g.grant())).toList();
    Paged<Registry.GrantEntry> list =
        Paged.of(
            visible,
            g -> g.grant().client().encoded() + " " + g.grant().service().encoded(),
            query(c),
            pageNumber(c),
            options.pageSize());
    // the matrix of the listed page's grants: at most one page of rows and columns
    Set<String> clients = new LinkedHashSet<>();
    Set<String> services = new LinkedHashSet<>();
    Map<String, String> cells = new LinkedHashMap<>();
    for (Registry.GrantEntry e : list.items()) {
      String client = e.grant().client().encoded();
      String service = e.grant().service().encoded();
      clients.add(client);
      services.add(service);
      cells.merge(
          client + " " + service, String.join(",", e.grant().methods()), (a, b) -> a + "; " + b);
    }
    List<Directory.Service> own =
        scope.mayChangeGrants()
            ? registry.services().stream().filter(s -> scope.sees(s.id().provider())).toList()
            : List.of();
    page(
        c,
        "grants.jte",
        Map.of(
            "v",
            view(c),
            "g",
            new Pages.GrantsPage(
                List.copyOf(clients),
                List.copyOf(services),
                cells,
                list,
                registry.systems(),
                own,
                scope,
                notice)));
  }

  private void createGrant(Call c) {
    Sessions.Session s = active(c.request()).orElseThrow();
    Parameters form = form(c, s);
    Scope scope = new Scope(s.account());
    ClientId client;
    ServiceId service;
    try {
      client = ClientId.parse(form.first("client").orElse(""));
      service = ServiceId.parse(form.first("service").orElse(""));
    } catch (RuntimeException e) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "client and service must be identifiers");
    }
    // a service of another agency is as absent as one that does not exist
    if (!scope.sees(service.provider())
        || registry.services().stream().noneMatch(x -> x.id().equals(service))) {
      throw new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such service");
    }
    List<String> methods = split(form.first("methods").orElse(""), "[,\\s]+");
    List<String> paths = split(form.first("paths").orElse(""), "[,\\s]+");
    if (methods.isEmpty() || paths.isEmpty()) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "methods and paths are required");
    }
    String id = registry.grant(client, service, methods, paths);
    Changes.beforeAfter(
        "no grant",
        "grant "
            + id
            + ": "
            + client.encoded()
            + " may call "
            + service.encoded()
            + " "
            + methods
            + " "
            + paths);
    redirect(c, "/grants?done=created");
  }

  private void revokeGrant(Call c) {
    Sessions.Session s = active(c.request()).orElseThrow();
    form(c, s);
    Scope scope = new Scope(s.account());
    String id = c.request().path().pathParameters().get("id");
    Registry.GrantEntry entry =
        registry.grants().stream()
            .filter(g -> g.id().equals(id) && scope.mayChangeGrant(g.grant()))
            .findFirst()
            // another agency's grant is as absent as one that does not exist
            .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such grant"));
    registry.revokeGrant(id);
    Directory.Grant g = entry.grant();
    Changes.beforeAfter(
        "grant "
            + id
            + ": "
            + g.client().encoded()
            + " may call "
            + g.service().encoded()
            + " "
            + g.methods()
            + " "
            + g.pathPatterns(),
        "revoked");
    redirect(c, "/grants?done=revoked");
  }

  private static List<String> split(String s, String regex) {
    return java.util.Arrays.stream(s.strip().split(regex)).filter(x -> !x.isBlank()).toList();
  }

  private void auditPage(Call c) {
    String q = query(c);
    long total = registry.auditCount(q);
    int size = options.pageSize();
    int pages = (int) Math.max(1, (total + size - 1) / size);
    int page = Math.min(Math.max(1, pageNumber(c)), pages);
    List<Registry.AuditEntry> rows = registry.auditLog(q, (long) (page - 1) * size, size);
    page(c, "audit.jte", Map.of("v", view(c), "p", new Paged<>(rows, page, pages, total, q)));
  }

  /**
   * A text cell a spreadsheet will not run as a formula: one starting with {@code = + - @}, tab or
   * carriage return gets a leading apostrophe (OWASP's advice against CSV injection).
   */
  static String cell(String text) {
    return !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
  }

  /** The audit log's entries matching the search, newest first, as CSV (at most 100,000 rows). */
  private void auditCsv(Call c) throws IOException {
    String q = query(c);
    CsvSchema schema =
        CsvSchema.builder()
            .addColumn("id")
            .addColumn("at")
            .addColumn("actor")
            .addColumn("action")
            .addColumn("target")
            .addColumn("outcome")
            .addColumn("detail")
            .setUseHeader(true)
            .build();
    List<List<String>> rows = new ArrayList<>();
    for (Registry.AuditEntry e : registry.auditLog(q, 0, 100_000)) {
      rows.add(
          List.of(
              Long.toString(e.id()),
              e.at().toString(),
              cell(e.actor()),
              cell(e.action()),
              cell(e.target()),
              cell(e.outcome()),
              cell(e.detail())));
    }
    byte[] body = CSV.writer(schema).writeValueAsBytes(rows);
    c.response().header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
    c.response().header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\"");
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    c.response().send(body);
  }
}
