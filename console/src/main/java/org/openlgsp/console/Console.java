package org.openlgsp.console;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.nio.file.Path;
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
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.AuthenticationLimits;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Edge;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.registry.Enrolments;
import org.openlgsp.registry.GrantPage;
import org.openlgsp.registry.GrantQuery;
import org.openlgsp.registry.Registry;
import org.openlgsp.statistics.Figures;
import org.openlgsp.statistics.FiguresAnswer;
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

  private static final CsvMapper CSV = new CsvMapper();

  static final Set<ConsoleRole> ALERT_HANDLERS =
      EnumSet.of(ConsoleRole.PLATFORM_ADMIN, ConsoleRole.SECURITY_OFFICER);

  private final Registry registry;
  private final Gateways gateways;
  private final SignIn signIn;
  private final Accounts accounts;
  private final ConsoleOptions options;
  private final Clock clock;
  private final Edge edge;
  private final WebServer server;
  private final AdminPages admin;
  private final AuditPages auditPages;
  private final DocumentPages documents;
  private final Optional<RegistryAlerts> ownAlerts;

  private Console(
      Registry registry,
      Database db,
      ConsoleOptions options,
      Path base,
      Clock clock,
      Optional<AuthenticationLimits> limits,
      Optional<Enrolments> enrolments,
      AuditSources sources) {
    this.registry = registry;
    this.gateways = Gateways.of(options.gateways(), base);
    this.options = options;
    this.clock = clock;
    this.accounts = new Accounts(db, options, clock);
    Sessions sessions = new Sessions(options.sessionTimeout(), clock);
    this.signIn =
        new SignIn(
            accounts, sessions, Optional.empty(), options.oidc().map(o -> OidcSignIn.of(o, base)));
    this.admin = new AdminPages(this, registry, enrolments, accounts, sessions, options, clock);
    this.auditPages = new AuditPages(this, db, sources);
    this.documents = new DocumentPages(this, AxisLink.of(options.documents(), base));
    this.ownAlerts = sources.alerts();
    this.edge = signIn.edge(routes(), this::audit, clock, limits);
    this.server = SignIn.serve(edge, options);
  }

  /** Starts the console of {@code registry}, its accounts in {@code db}. */
  public static Console start(Registry registry, Database db, ConsoleOptions options) {
    return start(registry, db, options, Path.of("."));
  }

  /**
   * As above, the token files of {@link ConsoleOptions#gateways} read relative to {@code base} (the
   * configuration's folder); one that cannot be read stops the start.
   */
  public static Console start(Registry registry, Database db, ConsoleOptions options, Path base) {
    return start(registry, db, options, base, Optional.empty(), AuditSources.none());
  }

  /**
   * As above, with the enrolment requests of the registry's built-in CA ({@code enrolments}) to
   * approve or reject on the enrolments page (without it, that page says no CA runs here), and the
   * registry node's consent log, witness and citizen data tracker for the ledger and subject-access
   * pages.
   */
  public static Console start(
      Registry registry,
      Database db,
      ConsoleOptions options,
      Path base,
      Optional<Enrolments> enrolments,
      AuditSources sources) {
    return new Console(
        registry, db, options, base, Clock.systemUTC(), Optional.empty(), enrolments, sources);
  }

  /** As above, with this listener's own failed-authentication limits (tests). */
  static Console start(
      Registry registry,
      Database db,
      ConsoleOptions options,
      Clock clock,
      AuthenticationLimits limits) {
    return start(registry, db, options, clock, limits, Optional.empty(), AuditSources.none());
  }

  /** As above, with the enrolment requests of a built-in CA (tests). */
  static Console start(
      Registry registry,
      Database db,
      ConsoleOptions options,
      Clock clock,
      AuthenticationLimits limits,
      Optional<Enrolments> enrolments) {
    return start(registry, db, options, clock, limits, enrolments, AuditSources.none());
  }

  /** As above, with the audit-side pages' sources (tests). */
  static Console start(
      Registry registry,
      Database db,
      ConsoleOptions options,
      Clock clock,
      AuthenticationLimits limits,
      AuditSources sources) {
    return start(registry, db, options, clock, limits, Optional.empty(), sources);
  }

  /** As above, with both (tests). */
  static Console start(
      Registry registry,
      Database db,
      ConsoleOptions options,
      Clock clock,
      AuthenticationLimits limits,
      Optional<Enrolments> enrolments,
      AuditSources sources) {
    return new Console(
        registry, db, options, Path.of("."), clock, Optional.of(limits), enrolments, sources);
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

  /** Rows per page in lists. */
  int pageSize() {
    return options.pageSize();
  }

  /** The gateways' operator APIs the console asks. */
  Gateways gateways() {
    return gateways;
  }

  Clock clock() {
    return clock;
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
    List<Route> r = new ArrayList<>(signIn.routes(ALL));
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
    r.add(
        roles(Route.post("/grants"), GRANT_WRITERS)
            .audited("console.grant.create")
            .handle(this::createGrant));
    r.add(
        roles(Route.post("/grants/{id}/revoke"), GRANT_WRITERS)
            .audited("console.grant.revoke")
            .handle(this::revokeGrant));
    r.add(
        roles(Route.get("/dashboard/operations.json"), ALL)
            .audit(Audit.notAudited("figures without personal data"))
            .handle(this::operationsChart));
    r.add(
        roles(Route.get("/alerts"), AUDIT_READERS)
            .audit(Audit.notAudited(read))
            .handle(this::alertsPage));
    r.add(
        roles(Route.post("/alerts/{id}/acknowledge"), ALERT_HANDLERS)
            .audited("console.alert.acknowledge")
            .handle(c -> handleAlert(c, "acknowledge")));
    r.add(
        roles(Route.post("/alerts/{id}/resolve"), ALERT_HANDLERS)
            .audited("console.alert.resolve")
            .handle(c -> handleAlert(c, "resolve")));
    r.add(
        roles(Route.get("/statistics"), ALL)
            .audit(Audit.notAudited(read))
            .handle(this::statisticsPage));
    r.add(
        roles(Route.get("/statistics/figures.csv"), ALL)
            .audit(Audit.notAudited("figures without personal data"))
            .handle(this::figuresCsv));
    r.add(
        roles(Route.get("/statistics/report.pdf"), AUDIT_READERS)
            .audit(Audit.notAudited("figures without personal data"))
            .handle(this::reportPdf));
    r.add(
        roles(Route.get("/records"), AUDIT_READERS)
            .audited("console.records.search")
            .handle(this::recordsPage));
    r.add(
        roles(Route.get("/audit"), AUDIT_READERS)
            .audit(Audit.notAudited(read))
            .handle(this::auditPage));
    r.add(
        roles(Route.get("/audit.csv"), AUDIT_READERS)
            .audited("console.audit.export")
            .handle(this::auditCsv));
    // certificates, enrolment requests, trust anchors, accounts (AdminPages)
    r.addAll(admin.routes());
    // ledger, export verification, subject access (issue 15 part B): AuditPages
    r.addAll(auditPages.routes());
    // the document axis: inbox, sent packages, status history (DocumentPages)
    r.addAll(documents.routes());
    return r;
  }

  static Route.Builder roles(Route.Builder b, Set<ConsoleRole> roles) {
    return SignIn.roles(b, roles);
  }

  // ---- authentication, audit

  Optional<Sessions.Session> active(ServerRequest req) {
    return signIn.active(req);
  }

  private void audit(AuditEvent e) {
    String detail = Changes.takeWith(e.detail());
    registry.audit(
        e.actor(),
        e.action(),
        e.target(),
        e.outcome(),
        "from " + e.source() + (detail.isEmpty() ? "" : "; " + detail));
  }

  /** The signed-in account of a route open to roles (the edge has checked its session). */
  private Account account(Call c) {
    return signIn.account(c);
  }

  /** The form of a state-changing request, refused without the session's anti-forgery token. */
  Parameters form(Call c, Sessions.Session s) {
    return signIn.form(c, s);
  }

  // ---- rendering

  private static String lang(ServerRequest req) {
    return SignIn.lang(req);
  }

  View view(Call c) {
    return signIn.view(c);
  }

  void page(Call c, String template, Map<String, Object> params) {
    signIn.page(c, Status.OK_200, template, params);
  }

  void page(Call c, Status status, String template, Map<String, Object> params) {
    signIn.page(c, status, template, params);
  }

  static void redirect(Call c, String to) {
    SignIn.redirect(c, to);
  }

  int pageNumber(Call c) {
    try {
      return Integer.parseInt(c.request().query().first("page").orElse("1"));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  static String query(Call c) {
    String q = c.request().query().first("q").orElse("").strip();
    return q.length() > 200 ? q.substring(0, 200) : q;
  }

  // ---- pages

  private void dashboard(Call c) {
    Scope scope = new Scope(account(c));
    // the directory signed now expires after the registry's validity; not built here (it reads
    // the whole catalogue, every grant with it: ConsoleBenchmark)
    Instant directoryExpiry = clock.instant().plus(registry.options().directoryValidity());
    Instant soon = clock.instant().plus(Duration.ofDays(30));
    List<Pages.Expiry> expiries = new ArrayList<>();
    expiries.add(
        new Pages.Expiry(
            "dashboard.directory",
            registry.serial(),
            "",
            directoryExpiry,
            directoryExpiry.isBefore(soon)));
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
            // counted by the registry's SQL, not by reading every grant
            (int)
                registry
                    .grants(new GrantQuery("", scope.account().agency(), Optional.empty(), 1))
                    .total(),
            expiries,
            operations(scope));
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
    // a page of this account's grants read by the registry after the cursor (keyset paging): the
    // page costs its own rows, not the whole table (ConsoleBenchmark, 10,000 grants)
    String text = query(c);
    GrantPage list =
        registry.grants(
            new GrantQuery(
                text,
                scope.account().agency(),
                c.request().query().first("after").filter(a -> !a.isBlank()),
                options.pageSize()));
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
                text,
                c.request().query().first("after").filter(a -> !a.isBlank()).isPresent(),
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

  // ---- the gateways' operator APIs (monitoring, statistics, alerts)

  /** Where days begin on the console's pages and forms. */
  static final java.time.ZoneId ZONE = java.time.ZoneId.of("Asia/Ho_Chi_Minh");

  private static final int TOP = 5;

  /** The last 24 whole hours, the current one included: what the dashboard shows. */
  private Instant[] lastDay() {
    Instant to = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.HOURS).plusSeconds(3600);
    return new Instant[] {to.minus(Duration.ofHours(24)), to};
  }

  /** The rows of a figures or rankings answer this account may see. */
  private static List<Figures> visible(Scope scope, List<Figures> rows) {
    return rows.stream().filter(r -> seesRow(scope, r)).toList();
  }

  private static boolean seesRow(Scope scope, Figures r) {
    try {
      if (r.agency().isPresent()) {
        return scope.sees(ClientId.parse(r.agency().get()));
      }
      if (r.service().isPresent()) {
        return scope.sees(ServiceId.parse(r.service().get()).provider());
      }
    } catch (RuntimeException unreadable) {
      return false;
    }
    return scope.account().agency().isEmpty(); // a total over every agency
  }

  /** A figures query: {@code groupBy} by agency too for an agency administrator (scoped rows). */
  private static String figuresPath(Scope scope, Instant from, Instant to, String groupBy) {
    String by =
        scope.account().agency().isPresent() && !groupBy.contains("agency")
            ? (groupBy.isEmpty() ? "agency" : "agency," + groupBy)
            : groupBy;
    return "/statistics/v1/figures"
        + Gateways.query(
            new TreeMap<>(Map.of("from", from.toString(), "to", to.toString(), "groupBy", by)));
  }

  private Pages.Operations operations(Scope scope) {
    boolean readsAlerts = AUDIT_READERS.contains(scope.account().role());
    // the registry node's own alerts (the alerts page's "this node" rows) count as well
    Optional<Integer> own =
        readsAlerts
            ? Optional.of(ownAlerts.map(a -> a.inState("open", 1000).size()).orElse(0))
            : Optional.empty();
    if (gateways.remotes().isEmpty()) {
      return Pages.Operations.none(ownAlerts.isPresent() ? own : Optional.empty());
    }
    Instant[] day = lastDay();
    List<String> unavailable = new ArrayList<>();
    List<Pages.Top> agencies = top(scope, day, "agency", unavailable);
    List<Pages.Top> services = top(scope, day, "service", unavailable);
    Optional<Integer> open = Optional.empty();
    if (readsAlerts) {
      int n = own.orElse(0);
      for (Gateways.Answer<Gateways.Alerts> a :
          gateways.askAll(
              Gateways.Remote::alerts,
              "/alerts/v1/alerts?state=open&limit=1000",
              Gateways.Alerts.class)) {
        a.problem().ifPresent(p -> unavailable.add(a.node() + " (alerts: " + p + ")"));
        n += a.value().map(v -> v.alerts().size()).orElse(0);
      }
      open = Optional.of(n);
    }
    return new Pages.Operations(
        true, open, agencies, services, List.copyOf(new LinkedHashSet<>(unavailable)));
  }

  /** The largest {@code by} (agency, service) by calls over every gateway, this account's only. */
  private List<Pages.Top> top(Scope scope, Instant[] range, String by, List<String> unavailable) {
    Map<String, long[]> sums = new TreeMap<>();
    for (Gateways.Answer<FiguresAnswer> a :
        gateways.askAll(
            Gateways.Remote::statistics,
            "/statistics/v1/rankings"
                + Gateways.query(
                    new TreeMap<>(
                        Map.of(
                            "from",
                            range[0].toString(),
                            "to",
                            range[1].toString(),
                            "by",
                            by,
                            "limit",
                            "1000"))),
            FiguresAnswer.class)) {
      a.problem().ifPresent(p -> unavailable.add(a.node() + " (statistics: " + p + ")"));
      for (Figures r : visible(scope, a.value().map(FiguresAnswer::rows).orElse(List.of()))) {
        long[] s =
            sums.computeIfAbsent(
                (by.equals("agency") ? r.agency() : r.service()).orElse(""), k -> new long[2]);
        s[0] += r.calls();
        s[1] += r.errorCalls();
      }
    }
    // the members read once, and only the top rows named (ConsoleBenchmark: a read per row was
    // most of the dashboard's time with 100 agencies)
    List<Pages.Top> top =
        sums.entrySet().stream()
            .map(e -> new Pages.Top(e.getKey(), "", e.getValue()[0], e.getValue()[1]))
            .sorted(
                Comparator.comparingLong(Pages.Top::calls).reversed().thenComparing(Pages.Top::id))
            .limit(TOP)
            .toList();
    Map<String, String> names = new java.util.HashMap<>();
    registry.members().forEach(m -> names.put(m.id().encoded(), m.name()));
    return top.stream()
        .map(t -> new Pages.Top(t.id(), names.getOrDefault(t.id(), ""), t.calls(), t.errors()))
        .toList();
  }

  /**
   * One dashboard chart over the last 24 hours, a series per gateway: {@code kind} {@code traffic}
   * (calls), {@code errors} (refused and failed calls) or {@code latency} (p95, ms).
   */
  private void operationsChart(Call c) {
    Scope scope = new Scope(account(c));
    String kind = c.request().query().first("kind").orElse("traffic");
    if (!List.of("traffic", "errors", "latency").contains(kind)) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "kind is traffic, errors or latency");
    }
    Instant[] day = lastDay();
    Set<String> hours = new java.util.TreeSet<>();
    Map<String, Map<String, Long>> byGateway = new LinkedHashMap<>();
    for (Gateways.Answer<FiguresAnswer> a :
        gateways.askAll(
            Gateways.Remote::statistics,
            figuresPath(scope, day[0], day[1], "hour"),
            FiguresAnswer.class)) {
      Map<String, Long> points = new TreeMap<>();
      for (Figures r : visible(scope, a.value().map(FiguresAnswer::rows).orElse(List.of()))) {
        long value =
            switch (kind) {
              case "errors" -> r.errorCalls();
              case "latency" -> r.latencyP95();
              default -> r.calls();
            };
        hours.add(r.period().orElse(""));
        points.merge(r.period().orElse(""), value, kind.equals("latency") ? Math::max : Long::sum);
      }
      byGateway.put(a.node(), points);
    }
    List<String> labels = List.copyOf(hours);
    List<Map<String, Object>> series = new ArrayList<>();
    byGateway.forEach(
        (node, points) ->
            series.add(
                Map.of(
                    "name",
                    node,
                    "data",
                    labels.stream().map(h -> points.getOrDefault(h, 0L)).toList())));
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    c.sendJson(
        200,
        Map.of(
            "labels", labels, "type", kind.equals("latency") ? "line" : "bar", "series", series));
  }

  private void alertsPage(Call c) {
    Scope scope = new Scope(account(c));
    List<Pages.AlertRow> rows = new ArrayList<>();
    List<String> unavailable = new ArrayList<>();
    for (String state : List.of("open", "acknowledged")) {
      ownAlerts.ifPresent(
          own -> own.inState(state, 1000).forEach(x -> rows.add(new Pages.AlertRow("", x, true))));
      for (Gateways.Answer<Gateways.Alerts> a :
          gateways.askAll(
              Gateways.Remote::alerts,
              "/alerts/v1/alerts?state=" + state + "&limit=1000",
              Gateways.Alerts.class)) {
        a.problem().ifPresent(p -> unavailable.add(a.node() + ": " + p));
        a.value()
            .ifPresent(v -> v.alerts().forEach(x -> rows.add(new Pages.AlertRow(a.node(), x))));
      }
    }
    rows.sort(Comparator.comparing((Pages.AlertRow r) -> r.alert().raisedAt()).reversed());
    Paged<Pages.AlertRow> p =
        Paged.of(
            rows,
            r ->
                String.join(
                    " ",
                    r.node(),
                    r.alert().rule(),
                    r.alert().severity(),
                    r.alert().key(),
                    r.alert().summary(),
                    r.alert().state()),
            query(c),
            pageNumber(c),
            options.pageSize());
    Optional<String> notice =
        c.request()
            .query()
            .first("done")
            .filter(d -> d.equals("acknowledge") || d.equals("resolve"))
            .map(d -> "alerts.done." + d);
    page(
        c,
        "alerts.jte",
        Map.of(
            "v",
            view(c),
            "a",
            new Pages.AlertsPage(
                p,
                ALERT_HANDLERS.contains(scope.account().role()),
                !gateways.remotes().isEmpty(),
                List.copyOf(new LinkedHashSet<>(unavailable)),
                notice)));
  }

  /** Acknowledges or resolves a gateway's alert through its alerts API (the operator token). */
  private void handleAlert(Call c, String action) {
    Sessions.Session s = active(c.request()).orElseThrow();
    Parameters form = form(c, s);
    String id = c.request().path().pathParameters().get("id");
    if (!id.matches("[1-9][0-9]{0,17}")) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "an alert id is a positive number");
    }
    if (form.first("registry").isPresent() && ownAlerts.isPresent()) {
      handleOwnAlert(c, ownAlerts.get(), Long.parseLong(id), action);
      return;
    }
    String node = form.first("node").orElse("");
    Gateways.Endpoint api = gateways.endpoint(node, Gateways.Remote::alerts);
    Gateways.Alert before = gateways.ask(api, "/alerts/v1/alerts/" + id, Gateways.Alert.class);
    Optional<String> refused = gateways.post(api, "/alerts/v1/alerts/" + id + "/" + action);
    if (refused.isPresent()) {
      ErrorCode code =
          switch (refused.get()) {
            case "resource.conflict" -> ErrorCode.RESOURCE_CONFLICT;
            case "resource.not_found" -> ErrorCode.RESOURCE_NOT_FOUND;
            default -> ErrorCode.CONSOLE_GATEWAY_UNAVAILABLE;
          };
      throw new LgspException(code, "the gateway refused: " + refused.get());
    }
    Changes.beforeAfter(
        "alert " + id + " of " + node + " (" + before.rule() + ") " + before.state(),
        action.equals("acknowledge") ? "ACKNOWLEDGED" : "RESOLVED");
    redirect(c, "/alerts?done=" + action);
  }

  /** Acknowledges or resolves one of the registry node's own alerts, as the signed-in account. */
  private void handleOwnAlert(Call c, RegistryAlerts own, long id, String action) {
    Gateways.Alert before =
        own.alert(id)
            .orElseThrow(() -> new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no alert " + id));
    String actor = c.caller().actor();
    String from = c.request().remotePeer().host();
    Gateways.Alert after =
        action.equals("acknowledge")
            ? own.acknowledge(id, actor, from)
            : own.resolve(id, actor, from);
    Changes.beforeAfter(
        "alert " + id + " of the registry (" + before.rule() + ") " + before.state(),
        after.state());
    redirect(c, "/alerts?done=" + action);
  }

  /** The statistics form's range: whole days in {@link #ZONE}, the last 7 by default. */
  private Instant[] range(Call c) {
    java.time.LocalDate today = java.time.LocalDate.now(clock.withZone(ZONE));
    java.time.LocalDate from = date(c, "from").orElse(today.minusDays(6));
    java.time.LocalDate to = date(c, "to").orElse(today);
    if (to.isBefore(from) || from.plusDays(400).isBefore(to)) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID, "from must be at most 400 days before to");
    }
    return new Instant[] {
      from.atStartOfDay(ZONE).toInstant(), to.plusDays(1).atStartOfDay(ZONE).toInstant()
    };
  }

  private static Optional<java.time.LocalDate> date(Call c, String name) {
    Optional<String> v = c.request().query().first(name).filter(x -> !x.isBlank());
    try {
      return v.map(java.time.LocalDate::parse);
    } catch (java.time.format.DateTimeParseException e) {
      throw new LgspException(ErrorCode.QUERY_RANGE_INVALID, name + " must be a date YYYY-MM-DD");
    }
  }

  private void statisticsPage(Call c) {
    Scope scope = new Scope(account(c));
    Instant[] range = range(c);
    List<Pages.GatewayFigures> perGateway = new ArrayList<>();
    for (Gateways.Answer<FiguresAnswer> a :
        gateways.askAll(
            Gateways.Remote::statistics,
            figuresPath(scope, range[0], range[1], "agency"),
            FiguresAnswer.class)) {
      List<Figures> rows = visible(scope, a.value().map(FiguresAnswer::rows).orElse(List.of()));
      perGateway.add(new Pages.GatewayFigures(a.node(), rows, a.problem()));
    }
    java.time.LocalDate fromDay = range[0].atZone(ZONE).toLocalDate();
    java.time.LocalDate toDay = range[1].atZone(ZONE).toLocalDate().minusDays(1);
    page(
        c,
        "statistics.jte",
        Map.of(
            "v",
            view(c),
            "s",
            new Pages.StatisticsPage(
                fromDay.toString(),
                toDay.toString(),
                perGateway,
                !gateways.remotes().isEmpty(),
                AUDIT_READERS.contains(scope.account().role()),
                java.time.YearMonth.from(toDay).toString())));
  }

  /** The statistics page's figures by agency and day as CSV, this account's rows only. */
  private void figuresCsv(Call c) throws IOException {
    Scope scope = new Scope(account(c));
    Instant[] range = range(c);
    String node = c.request().query().first("node").orElse("");
    Gateways.Endpoint api = gateways.endpoint(node, Gateways.Remote::statistics);
    FiguresAnswer f =
        gateways.ask(
            api, figuresPath(scope, range[0], range[1], "agency,day"), FiguresAnswer.class);
    CsvSchema.Builder schema = CsvSchema.builder().addColumn("gateway");
    // the statistics API's own columns, less those this page does not group by or show
    Figures.CSV_COLUMNS.stream()
        .filter(col -> !List.of("system", "service", "latencyP90").contains(col))
        .forEach(schema::addColumn);
    List<List<String>> rows = new ArrayList<>();
    for (Figures r : visible(scope, f.rows())) {
      rows.add(
          List.of(
              cell(node),
              cell(r.agency().orElse("")),
              cell(r.period().orElse("")),
              Long.toString(r.calls()),
              Long.toString(r.successes()),
              Long.toString(r.refused()),
              Long.toString(r.failed()),
              cell(
                  r.errors().entrySet().stream()
                      .map(e -> e.getKey() + "=" + e.getValue())
                      .collect(Collectors.joining(";"))),
              Long.toString(r.bytesIn()),
              Long.toString(r.bytesOut()),
              Long.toString(r.latencyP50()),
              Long.toString(r.latencyP95()),
              Long.toString(r.latencyP99()),
              Long.toString(r.latencyMax())));
    }
    byte[] body = CSV.writer(schema.setUseHeader(true).build()).writeValueAsBytes(rows);
    download(c, "text/csv; charset=utf-8", "thong-ke.csv", body);
  }

  /** A gateway's monthly report as PDF, rendered by its statistics module. */
  private void reportPdf(Call c) {
    String node = c.request().query().first("node").orElse("");
    String month = c.request().query().first("month").orElse("");
    if (!month.matches("[0-9]{4}-(0[1-9]|1[0-2])")) {
      throw new LgspException(ErrorCode.QUERY_RANGE_INVALID, "month must be YYYY-MM");
    }
    String lang = lang(c.request());
    Gateways.Endpoint api = gateways.endpoint(node, Gateways.Remote::statistics);
    byte[] pdf =
        gateways.download(
            api,
            "/statistics/v1/report"
                + Gateways.query(
                    new TreeMap<>(Map.of("month", month, "lang", lang, "format", "pdf"))));
    download(c, "application/pdf", "bao-cao-" + month + ".pdf", pdf);
  }

  private static void download(Call c, String type, String file, byte[] body) {
    c.response().header(HeaderNames.CONTENT_TYPE, type);
    c.response().header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"");
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    c.response().header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
    c.response().send(body);
  }

  /**
   * The operational records search: one gateway's records in a time range (the last hour by
   * default), by service, client and outcome, a page at a time (the API's cursor).
   */
  private void recordsPage(Call c) {
    List<String> nodes =
        gateways.remotes().stream()
            .filter(r -> r.monitoring().isPresent())
            .map(Gateways.Remote::node)
            .toList();
    var q = c.request().query();
    String node =
        q.first("node").filter(nodes::contains).orElse(nodes.isEmpty() ? "" : nodes.get(0));
    Instant now = clock.instant();
    Instant from = instant(q.first("from").asOptional(), now.minus(Duration.ofHours(1)), "from");
    Instant to = instant(q.first("to").asOptional(), now.plusSeconds(60), "to");
    String service = q.first("service").orElse("").strip();
    String client = q.first("client").orElse("").strip();
    String outcome =
        q.first("outcome")
            .filter(o -> List.of("success", "refused", "failed").contains(o))
            .orElse("");
    long after =
        q.first("after").filter(a -> a.matches("[0-9]{1,18}")).map(Long::parseLong).orElse(0L);
    Changes.note("gateway " + node + " from " + from + " to " + to);
    Optional<Gateways.Records> records = Optional.empty();
    if (!node.isEmpty()) {
      Map<String, String> params = new TreeMap<>();
      params.put("from", from.toString());
      params.put("to", to.toString());
      params.put("service", service);
      params.put("client", client);
      params.put("outcome", outcome);
      params.put("limit", Integer.toString(options.pageSize()));
      params.put("after", after == 0 ? "" : Long.toString(after));
      records =
          Optional.of(
              gateways.ask(
                  gateways.endpoint(node, Gateways.Remote::monitoring),
                  "/monitoring/v1/records" + Gateways.query(params),
                  Gateways.Records.class));
    }
    Map<String, String> search = new TreeMap<>();
    search.put("node", node);
    search.put("from", from.toString());
    search.put("to", to.toString());
    search.put("service", service);
    search.put("client", client);
    search.put("outcome", outcome);
    page(
        c,
        "records.jte",
        Map.of(
            "v",
            view(c),
            "r",
            new Pages.RecordsPage(
                nodes,
                search,
                records.map(Gateways.Records::records).orElse(List.of()),
                records
                    .flatMap(x -> Optional.ofNullable(x.next()))
                    .map(n -> "/records" + Gateways.query(withAfter(search, n))))));
  }

  private static Map<String, String> withAfter(Map<String, String> search, long after) {
    Map<String, String> m = new TreeMap<>(search);
    m.put("after", Long.toString(after));
    return m;
  }

  static Instant instant(Optional<String> v, Instant fallback, String name) {
    Optional<String> given = v.filter(x -> !x.isBlank());
    try {
      return given.map(Instant::parse).orElse(fallback);
    } catch (java.time.format.DateTimeParseException e) {
      throw new LgspException(
          ErrorCode.QUERY_RANGE_INVALID,
          name + " must be an ISO-8601 instant (2026-12-07T08:00:00Z)");
    }
  }
}
