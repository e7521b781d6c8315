package org.openlgsp.console;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Access;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.AuthenticationLimits;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Edge;
import org.openlgsp.edge.Principal;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditLog;

/**
 * What every console listener shares (the registry's {@link Console} and a gateway node's {@link
 * NodeConsole}): the accounts and sessions, the sign-in routes (password, TOTP set-up and code,
 * sign-out), the language switch, the assets, the session check the edge authenticates with, the
 * anti-forgery check of forms and the rendering of pages with the security headers.
 */
final class SignIn {
  static final String PRE_COOKIE = "lgsp_console_pre";
  static final String LANG_COOKIE = "lgsp_lang";
  private static final Map<String, String> STATIC =
      Map.of(
          "htmx.min.js", "META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js",
          "echarts.min.js", "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js",
          "console.js", "org/openlgsp/console/static/console.js",
          "console.css", "org/openlgsp/console/static/console.css");

  final Accounts accounts;
  final Sessions sessions;
  final TemplateEngine templates;
  private final Optional<String> node;
  private final Optional<OidcSignIn> oidc;

  /**
   * {@code node}: the gateway node of a node-local console, or empty on the registry's; {@code
   * oidc}: OpenID Connect sign-in beside the passwords, when configured.
   */
  SignIn(Accounts accounts, Sessions sessions, Optional<String> node, Optional<OidcSignIn> oidc) {
    this.accounts = accounts;
    this.sessions = sessions;
    this.node = node;
    this.oidc = oidc;
    this.templates =
        TemplateEngine.createPrecompiled(
            null,
            ContentType.Html,
            SignIn.class.getClassLoader(),
            "org.openlgsp.console.templates");
  }

  /** The public routes (assets, language, sign-in steps) and the sign-out open to {@code all}. */
  List<Route> routes(Set<ConsoleRole> all) {
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
    r.add(roles(Route.post("/logout"), all).audited("console.logout").handle(this::logout));
    oidc.ifPresent(o -> r.addAll(o.routes(this)));
    return r;
  }

  /**
   * The edge of a console listener: {@code routes}, sessions of this sign-in authenticating them,
   * state changes audited by {@code audit}, failures as the console's HTML error page.
   */
  Edge edge(
      List<Route> routes,
      AuditLog audit,
      java.time.Clock clock,
      Optional<AuthenticationLimits> limits) {
    Edge.Builder b =
        Edge.builder()
            .routes(routes)
            .authenticator(this::authenticate)
            .auditLog(audit)
            .errorWriter(new HtmlErrors(templates))
            .clock(clock);
    limits.ifPresent(b::authenticationLimits);
    return b.build();
  }

  /** {@code edge} listening on the options' host and port. */
  static WebServer serve(Edge edge, ConsoleOptions options) {
    return Edge.start(
        edge.configure(WebServer.builder().host(options.host()).port(options.port())));
  }

  static Route.Builder roles(Route.Builder b, Set<ConsoleRole> roles) {
    return b.access(
        new Access.Roles(roles.stream().map(ConsoleRole::id).collect(Collectors.toSet())));
  }

  // ---- authentication

  Principal authenticate(ServerRequest req) {
    return active(req)
        .map(s -> new Principal(s.account().username(), Set.of(s.account().role().id())))
        .orElseThrow(
            () ->
                new LgspException(
                    ErrorCode.CONSOLE_UNAUTHENTICATED, "sign in to the console first"));
  }

  Optional<Sessions.Session> session(ServerRequest req) {
    return sessions.find(cookie(req, Sessions.COOKIE));
  }

  Optional<Sessions.Session> active(ServerRequest req) {
    return session(req).filter(s -> s.stage() == Sessions.Stage.ACTIVE);
  }

  static Optional<String> cookie(ServerRequest req, String name) {
    return req.headers().cookies().first(name).asOptional();
  }

  /** The signed-in account of a route open to roles (the edge has checked its session). */
  Account account(Call c) {
    return active(c.request()).orElseThrow().account();
  }

  /**
   * The form of a state-changing request, refused without the session's anti-forgery token. Read
   * through Helidon's form support (application/x-www-form-urlencoded).
   */
  Parameters form(Call c, Sessions.Session s) {
    Parameters form = readForm(c);
    if (!s.csrfMatches(form.first("csrf").orElse(null))) {
      throw new LgspException(
          ErrorCode.CONSOLE_CSRF_INVALID, "the form's token is missing or wrong");
    }
    return form;
  }

  static Parameters readForm(Call c) {
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

  static String lang(ServerRequest req) {
    return cookie(req, LANG_COOKIE).filter(l -> l.equals("en")).orElse(View.DEFAULT_LANG);
  }

  View view(Call c, Optional<Sessions.Session> s) {
    return new View(
        lang(c.request()),
        s.filter(x -> x.stage() == Sessions.Stage.ACTIVE).map(Sessions.Session::account),
        s.map(Sessions.Session::csrf).orElse(""),
        c.request().path().rawPath(),
        node);
  }

  View view(Call c) {
    return view(c, active(c.request()));
  }

  void page(Call c, String template, Map<String, Object> params) {
    page(c, Status.OK_200, template, params);
  }

  void page(Call c, Status status, String template, Map<String, Object> params) {
    StringOutput out = new StringOutput();
    templates.render(template, params, out);
    html(c.response(), status).send(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  static ServerResponse html(ServerResponse res, Status status) {
    Console.SECURITY_HEADERS.forEach((k, v) -> res.header(HeaderNames.create(k), v));
    res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
    return res.status(status);
  }

  static void redirect(Call c, String to) {
    Console.SECURITY_HEADERS.forEach((k, v) -> c.response().header(HeaderNames.create(k), v));
    c.response().status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, to).send();
  }

  // ---- public routes

  private void asset(Call c) throws IOException {
    String name = c.request().path().pathParameters().get("name");
    String resource = STATIC.get(name);
    if (resource == null) {
      throw new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such file");
    }
    byte[] body;
    try (InputStream in = SignIn.class.getClassLoader().getResourceAsStream(resource)) {
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
    page(
        c,
        "login.jte",
        Map.of("v", view(c, Optional.empty()), "preToken", pre, "oidc", oidc.isPresent()));
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
    View v =
        new View(lang(c.request()), Optional.empty(), s.csrf(), c.request().path().rawPath(), node);
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
}
