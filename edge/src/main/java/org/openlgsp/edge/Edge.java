package org.openlgsp.edge;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.edge.spi.AuditLog;
import org.openlgsp.edge.spi.Authenticator;
import org.openlgsp.edge.spi.ErrorResponse;
import org.openlgsp.edge.spi.ErrorWriter;

/**
 * One listener's HTTP edge: its declared routes, how callers authenticate, where audit rows go and
 * how failures are written. {@link #configure} installs it on a Helidon listener, routed requests
 * and Helidon's own refusals before routing alike, with a 404 for unknown paths and a 405 (with
 * {@code Allow}) for a known path called with another method.
 *
 * <p>For each request to a route: a route open to roles authenticates the caller ({@link
 * Authenticator}; its 401 code when that fails) and requires one of the roles ({@code
 * admin.forbidden} otherwise); the handler runs; an audited route writes one row with the outcome,
 * accepted or refused. Failed authentications — refused by the authenticator, or a 401 a handler
 * throws after checking credentials itself — write at most a bounded number of rows per minute (see
 * {@link FailedAuthentications}).
 */
public final class Edge {
  private static final Logger LOG = Logger.getLogger(Edge.class.getName());
  private static final String UNAUTHENTICATED_ACTOR = "unauthenticated";
  private static volatile Optional<Duration> drainOnStop = Optional.empty();
  private static volatile AuthenticationLimits nodeAuthenticationLimits =
      AuthenticationLimits.defaults();
  private static volatile SlowClients slowClients = new SlowClients(ReadLimits.defaults());
  private final List<Route> routes;
  private final List<PathMatcher> matchers;
  private final Optional<Authenticator> authenticator;
  private final Optional<AuditLog> auditLog;
  private final ErrorWriter errorWriter;
  private final long drainOnError;
  private final FailedAuthentications failedAuthentications;
  private final SourceThrottle throttle;
  private final Clock clock;
  private final boolean acceptHttp10;
  private final Map<String, Edge> mounts;

  private Edge(Builder b) {
    this.acceptHttp10 = b.acceptHttp10;
    this.mounts = Map.copyOf(b.mounts);
    this.routes = List.copyOf(b.routes);
    this.matchers = routes.stream().map(r -> PathMatchers.create(r.path())).toList();
    this.authenticator = Optional.ofNullable(b.authenticator);
    this.auditLog = Optional.ofNullable(b.auditLog);
    this.errorWriter = b.errorWriter;
    this.drainOnError = b.drainOnError;
    this.failedAuthentications =
        new FailedAuthentications(b.failedAuthenticationsPerMinute, Duration.ofMinutes(1));
    this.clock = b.clock;
    this.throttle =
        new SourceThrottle(
            Optional.ofNullable(b.authenticationLimits).orElse(nodeAuthenticationLimits), b.clock);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The declared routes, in declaration order: what a test enumerates to check access and audit.
   */
  public List<Route> routes() {
    return routes;
  }

  /**
   * Installs the edge on a listener (or on a {@code WebServer} builder, which is its default
   * listener): its routing and the writers of Helidon's refusals before routing.
   */
  public <B extends ListenerConfig.BuilderBase<B, ?>> B configure(B listener) {
    drainOnStop.ifPresent(listener::shutdownGracePeriod);
    SlowClients slow = slowClients;
    Duration idle = slow.limits().idleTimeout();
    listener
        .idleConnectionTimeout(idle)
        .idleConnectionPeriod(
            idle.dividedBy(4).compareTo(Duration.ofMillis(100)) < 0
                ? Duration.ofMillis(100)
                : idle.dividedBy(4))
        .protocolsDiscoverServices(false);
    io.helidon.webserver.http1.Http1Config http1 =
        io.helidon.webserver.http1.Http1Config.builder()
            .addReceiveListener(slow)
            .addSendListener(slow.sendListener())
            // an HTTP/1.0 request need not name its host (RFC 9112 §3.2)
            .validateRequestHostHeader(!acceptHttp10)
            .build();
    if (acceptHttp10) {
      listener.protocols(List.of()).addConnectionSelector(new Http10Requests(http1));
    } else {
      listener.addProtocol(http1);
    }
    return listener.routing(routing()).directHandlers(directHandlers());
  }

  /**
   * The read limits of every listener configured from now on in this process (docs/protocol.md,
   * "Slow clients"); {@link ReadLimits#defaults()} until set. Nodes run on the defaults, which are
   * not configuration keys; this package's tests lower them to keep slow-client tests short.
   */
  static void readLimits(ReadLimits limits) {
    slowClients = new SlowClients(java.util.Objects.requireNonNull(limits, "limits"));
  }

  /** How many connections the current read limits closed for being slow, in this process. */
  public static long slowConnectionsClosed() {
    return slowClients.closedConnections();
  }

  /**
   * How long every listener configured from now on in this process lets requests in flight finish
   * when it is stopped: stopping closes its socket at once (new connections are refused) and idle
   * connections, then waits up to {@code timeout} for the requests being served. A node sets it
   * once from {@code shutdown.drainTimeout} before it starts its roles; unset, Helidon's short
   * default applies.
   */
  public static void drainOnStop(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative");
    }
    drainOnStop = Optional.of(timeout);
  }

  /**
   * The failed-authentication limits of every edge built from now on in this process whose builder
   * sets none; {@link AuthenticationLimits#defaults()} until set. A node sets them once from its
   * {@code authentication} section before it starts its roles.
   */
  public static void authenticationLimits(AuthenticationLimits limits) {
    nodeAuthenticationLimits = java.util.Objects.requireNonNull(limits, "limits");
  }

  /**
   * Builds and starts a server whose listeners the edge configured. Helidon only logs a listener
   * that cannot bind and leaves the server stopped; this throws instead, naming the address and,
   * when it is taken, saying so.
   *
   * @throws IllegalStateException "cannot listen on 127.0.0.1:8080 (Address already in use); ..."
   */
  public static WebServer start(WebServerConfig.Builder server) {
    WebServer started = server.build().start();
    if (started.isRunning()) {
      return started;
    }
    String address = server.host() + ":" + server.port();
    String why;
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(server.host(), server.port()));
      why = "the listener did not start";
    } catch (IOException e) {
      why = e.getMessage();
    }
    throw new IllegalStateException(
        "cannot listen on "
            + address
            + " ("
            + why
            + "); stop what listens there or choose another port in the configuration");
  }

  /**
   * Adds only the declared routes to rules a listener not yet on the edge builds itself. Such a
   * listener keeps its own answers for unknown paths and for Helidon's refusals; prefer {@link
   * #configure}.
   */
  public void addTo(HttpRules rules) {
    routes.forEach(r -> rules.route(r.method(), r.path(), serve(r)));
  }

  private HttpRouting.Builder routing() {
    HttpRouting.Builder routing = HttpRouting.builder();
    routing.addFilter(Edge::closeWhenAsked);
    addTo(routing);
    mounts.forEach((prefix, mounted) -> routing.register(prefix, mounted::addTo));
    routing.any(this::unmatched);
    routing.error(
        Throwable.class, (req, res, t) -> fail(req, res, Optional.empty(), Failures.map(t)));
    return routing;
  }

  /**
   * Helidon 4 marks an answer {@code Connection: close} when the request (or the answer) asks for
   * it, then keeps reading the connection until the client closes it or the idle timeout: a client
   * that waits for the server's close, as HTTP/1.0-style clients do, would hang that long. The
   * connection is closed once such an answer has been sent.
   */
  private static void closeWhenAsked(
      io.helidon.webserver.http.FilterChain chain,
      io.helidon.webserver.http.RoutingRequest req,
      io.helidon.webserver.http.RoutingResponse res) {
    chain.proceed();
    if (res.isSent()
        && (req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
            || res.headers().containsToken(HeaderValues.CONNECTION_CLOSE))) {
      throw new CloseConnectionException("the request or its answer asked to close the connection");
    }
  }

  private DirectHandlers directHandlers() {
    DirectHandlers.Builder handlers = DirectHandlers.builder();
    DirectHandler handler = new RefusalWriter(errorWriter);
    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
      handlers.addHandler(type, handler);
    }
    return handlers.build();
  }

  private io.helidon.webserver.http.Handler serve(Route route) {
    return (req, res) -> {
      long started = System.nanoTime();
      String requestId =
          RequestLog.begin(req.headers().first(HeaderNames.create(RequestLog.HEADER)));
      res.header(HeaderNames.create(RequestLog.HEADER), requestId);
      try {
        serve(route, req, res);
      } finally {
        if (LOG.isLoggable(Level.FINE)) {
          // the route's template, never the path: paths can carry personal IDs
          LOG.fine(
              route.method().text()
                  + " "
                  + route.path()
                  + " answered "
                  + res.status().code()
                  + " in "
                  + (System.nanoTime() - started) / 1_000_000
                  + " ms");
        }
        RequestLog.end();
      }
    };
  }

  private void serve(Route route, ServerRequest req, ServerResponse res) {
    String source = source(req);
    if (source.equals(CALLER_GONE)) {
      // Nobody is left to answer, and nothing was acknowledged: serving it would only act blind.
      LOG.fine(
          () -> route.method().text() + " " + route.path() + ": the caller left before service");
      return;
    }
    if (checksCredentials(route)) {
      Optional<Duration> wait = throttle.waitFor(source);
      if (wait.isPresent()) {
        // no audit row: the failures that led here were counted, this is not another guess
        long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
        res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
        fail(
            req,
            res,
            Optional.empty(),
            new LgspException(
                ErrorCode.AUTHENTICATION_THROTTLED,
                "too many failed authentications from this address; retry after "
                    + seconds
                    + " s"));
        return;
      }
    }
    Principal caller;
    try {
      caller = authenticate(route, req);
    } catch (Throwable t) {
      LgspException e = Failures.map(t);
      refusedAuthentication(route, req, e);
      fail(req, res, Optional.empty(), e);
      return;
    }
    Call call = new Call(req, res, caller, slowClients);
    AuditRow row = new AuditRow(route, req, caller.actor());
    if (route.auditAction().isPresent()) { // not on the exchange path: the ledger records those
      // written before the answer leaves, so a caller that sees the answer finds the row
      res.beforeSend(() -> row.write(outcomeOf(res.status()), ""));
    }
    try {
      if (route.access() instanceof Access.Roles roles && !caller.holdsAnyOf(roles.names())) {
        throw new LgspException(
            ErrorCode.ADMIN_FORBIDDEN, "the caller holds none of the roles this route requires");
      }
      route.handler().handle(call);
      row.write(AuditEvent.OK, "");
    } catch (Throwable t) {
      LgspException e = Failures.map(t);
      if (e.code().httpStatus() == 401) {
        // credentials a public route's handler checked itself (e.g. OAuth2 client credentials):
        // a failed authentication like any other, so it is bounded the same way
        row.skip();
        refusedAuthentication(route, req, e);
      } else {
        row.write(e.code().code(), e.detail());
      }
      fail(req, res, call.openedBody(), e);
    }
  }

  /** The outcome of an answer a handler sent itself: ok, or its status (e.g. a 409 it chose). */
  private static String outcomeOf(Status status) {
    return status.code() < 400 ? AuditEvent.OK : "http." + status.code();
  }

  /** The one audit row of a request, written by whichever comes first: the answer or a failure. */
  private final class AuditRow {
    private final Route route;
    private final ServerRequest req;
    private final String actor;
    private boolean written;

    AuditRow(Route route, ServerRequest req, String actor) {
      this.route = route;
      this.req = req;
      this.actor = actor;
    }

    /** No row after all: the request is counted as a failed authentication instead. */
    void skip() {
      written = true;
    }

    void write(String outcome, String detail) {
      if (!written) {
        written = true;
        audit(route, req, actor, outcome, detail);
      }
    }
  }

  private Principal authenticate(Route route, ServerRequest req) {
    return route.access() instanceof Access.Roles
        ? authenticator.orElseThrow().authenticate(req)
        : Principal.anonymous();
  }

  /**
   * Routes where a caller can guess credentials: open to roles, or audited public routes whose
   * handler checks credentials itself (a 401 from it counts as a failed authentication).
   */
  private static boolean checksCredentials(Route route) {
    return route.access() instanceof Access.Roles || route.auditAction().isPresent();
  }

  /**
   * The caller's address. Helidon reads it lazily from the socket, which no longer has one once the
   * client has gone (under overload a request may wait that long): then {@link #CALLER_GONE}.
   */
  static String source(ServerRequest req) {
    try {
      return req.remotePeer().host();
    } catch (RuntimeException socketClosed) {
      return CALLER_GONE;
    }
  }

  static final String CALLER_GONE = "(connection closed)";

  /**
   * Counted per source ({@link SourceThrottle}); audit rows bounded ({@link
   * FailedAuthentications}).
   */
  private void refusedAuthentication(Route route, ServerRequest req, LgspException e) {
    if (checksCredentials(route)) {
      String source = source(req);
      if (!source.equals(CALLER_GONE)) {
        throttle.failed(source);
      }
    }
    if (route.auditAction().isEmpty()) {
      return;
    }
    FailedAuthentications.Verdict v = failedAuthentications.failure(clock.instant());
    v.closed().ifPresent(this::writeSummary);
    if (v.ownRow()) {
      write(route, req, UNAUTHENTICATED_ACTOR, e.code().code(), e.detail());
    }
  }

  private void audit(Route route, ServerRequest req, String actor, String outcome, String detail) {
    if (route.auditAction().isEmpty()) {
      return;
    }
    failedAuthentications.closed(clock.instant()).ifPresent(this::writeSummary);
    write(route, req, actor, outcome, detail);
  }

  private void write(Route route, ServerRequest req, String actor, String outcome, String detail) {
    try {
      auditLog
          .orElseThrow()
          .record(
              new AuditEvent(
                  actor,
                  route.auditAction().orElseThrow(),
                  route.auditTarget().apply(req),
                  outcome,
                  detail,
                  source(req),
                  clock.instant()));
    } catch (RuntimeException failure) {
      LOG.log(Level.SEVERE, "audit log write failed", failure);
    }
  }

  private void writeSummary(FailedAuthentications.Summary s) {
    try {
      auditLog
          .orElseThrow()
          .record(
              new AuditEvent(
                  UNAUTHENTICATED_ACTOR,
                  "authentication.failures",
                  "",
                  "suppressed",
                  s.count()
                      + " further failed authentications between "
                      + s.from()
                      + " and "
                      + s.to()
                      + " not audited one by one",
                  "",
                  clock.instant()));
    } catch (RuntimeException failure) {
      LOG.log(Level.SEVERE, "audit log write failed", failure);
    }
  }

  /** No route for the path and method: 405 with the methods the path has, or 404. */
  private void unmatched(ServerRequest req, ServerResponse res) {
    Set<String> allowed = new TreeSet<>();
    for (int i = 0; i < routes.size(); i++) {
      if (matchers.get(i).match(req.path()).accepted()) {
        allowed.add(routes.get(i).method().text());
      }
    }
    if (allowed.isEmpty()) {
      fail(
          req,
          res,
          Optional.empty(),
          new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such endpoint"));
      return;
    }
    res.header(HeaderNames.ALLOW, String.join(", ", allowed));
    fail(
        req,
        res,
        Optional.empty(),
        new LgspException(
            ErrorCode.METHOD_NOT_ALLOWED, "this path answers " + String.join(", ", allowed)));
  }

  /**
   * Writes the failure unless the answer has already started (then there is nobody to tell). When
   * the listener drains, what is left of the body is read first so that a client still sending sees
   * the answer; a body too long to drain closes the connection, announced in the answer.
   */
  private void fail(
      ServerRequest req, ServerResponse res, Optional<InputStream> opened, LgspException e) {
    if (res.isSent()) {
      LOG.log(Level.FINE, "failure after the answer was sent: " + e.code().code());
      return;
    }
    ErrorResponse r = errorWriter.render(e, req.path().rawPath(), accept(req.headers()));
    res.status(Status.create(r.status()));
    r.headers().forEach((name, value) -> res.header(HeaderNames.create(name), value));
    if (drainOnError > 0 ? !drained(req, opened) : opened.isPresent() && !consumed(req)) {
      // what is left of the body cannot be told from a next request: close after the answer
      res.header(HeaderNames.CONNECTION, "close");
    }
    res.send(r.body());
  }

  /** The request's {@code Accept} values joined by commas, {@code ""} without one. */
  static String accept(io.helidon.http.Headers headers) {
    return headers.contains(HeaderNames.ACCEPT)
        ? String.join(",", headers.get(HeaderNames.ACCEPT).allValues())
        : "";
  }

  private static boolean consumed(ServerRequest req) {
    try {
      return req.content().consumed();
    } catch (RuntimeException unreadable) {
      return false;
    }
  }

  private boolean drained(ServerRequest req, Optional<InputStream> opened) {
    byte[] buffer = new byte[64 * 1024];
    long read = 0;
    try {
      InputStream body =
          opened.isPresent()
              ? opened.get()
              : req.content().consumed()
                  ? InputStream.nullInputStream()
                  : slowClients.watch(req.content().inputStream());
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        read += n;
        if (read > drainOnError) {
          return false;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false; // the body could not be read to its end: the connection cannot be reused
    }
  }

  /** Declares a listener's edge. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private Authenticator authenticator;
    private AuditLog auditLog;
    private ErrorWriter errorWriter = ProblemWriter.standard();
    private long drainOnError;
    private int failedAuthenticationsPerMinute = 20;
    private AuthenticationLimits authenticationLimits; // unset: the node's
    private Clock clock = Clock.systemUTC();
    private boolean acceptHttp10;
    private final Map<String, Edge> mounts = new java.util.LinkedHashMap<>();

    private Builder() {}

    /**
     * Serves {@code mounted}'s routes under {@code prefix} (e.g. {@code /tenants/bca}) on this
     * listener: they are authenticated, audited and answered by {@code mounted} (its authenticator,
     * audit log and error writer), never by this edge's. A path under the prefix that none of them
     * matches is this edge's unknown path.
     */
    public Builder mount(String prefix, Edge mounted) {
      if (!prefix.matches("(/[a-z0-9][a-z0-9-]*)+")) {
        throw new IllegalArgumentException("a mount prefix is /segment[/segment…]: " + prefix);
      }
      if (mounts.putIfAbsent(prefix, java.util.Objects.requireNonNull(mounted, "mounted"))
          != null) {
        throw new IllegalStateException("prefix mounted twice: " + prefix);
      }
      return this;
    }

    /**
     * Also accept HTTP/1.0 requests (answered in HTTP/1.1, the connection closed after the answer;
     * no {@code Host} header required): for listeners whose clients in the field speak only
     * HTTP/1.0, such as OCSP and time-stamp clients. Other listeners refuse HTTP/1.0 with 505.
     */
    public Builder acceptHttp10() {
      this.acceptHttp10 = true;
      return this;
    }

    public Builder route(Route route) {
      routes.add(java.util.Objects.requireNonNull(route, "route"));
      return this;
    }

    public Builder routes(Collection<Route> more) {
      more.forEach(this::route);
      return this;
    }

    /** Required when a route is open to roles. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = java.util.Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** Required when a route is audited. */
    public Builder auditLog(AuditLog auditLog) {
      this.auditLog = java.util.Objects.requireNonNull(auditLog, "auditLog");
      return this;
    }

    /** The listener's error format; RFC 9457 problem details by default. */
    public Builder errorWriter(ErrorWriter errorWriter) {
      this.errorWriter = java.util.Objects.requireNonNull(errorWriter, "errorWriter");
      return this;
    }

    /**
     * Before answering a failure, read up to {@code bytes} of what is left of the request body (0,
     * the default: do not). For listeners taking large bodies, whose clients would otherwise see a
     * reset instead of the answer.
     */
    public Builder drainOnError(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes must be >= 0");
      }
      this.drainOnError = bytes;
      return this;
    }

    /** How many failed authentications a minute get an audit row each (20 by default). */
    public Builder failedAuthenticationsPerMinute(int rows) {
      if (rows < 0) {
        throw new IllegalArgumentException("rows must be >= 0");
      }
      this.failedAuthenticationsPerMinute = rows;
      return this;
    }

    /**
     * Failed authentications per source before 429; unset, the node's ({@link
     * #authenticationLimits(AuthenticationLimits)}).
     */
    public Builder authenticationLimits(AuthenticationLimits limits) {
      this.authenticationLimits = java.util.Objects.requireNonNull(limits, "limits");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = java.util.Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Edge build() {
      Set<String> seen = new HashSet<>();
      for (Route r : routes) {
        if (!seen.add(r.method().text() + " " + r.path())) {
          throw new IllegalStateException(
              "route declared twice: " + r.method().text() + " " + r.path());
        }
        if (r.access() instanceof Access.Roles && authenticator == null) {
          throw new IllegalStateException(
              r.path() + " is open to roles: configure an authenticator");
        }
        if (r.audit() instanceof Audit.Action && auditLog == null) {
          throw new IllegalStateException(r.path() + " is audited: configure an audit log");
        }
      }
      return new Edge(this);
    }
  }
}
