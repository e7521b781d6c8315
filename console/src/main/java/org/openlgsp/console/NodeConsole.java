package org.openlgsp.console;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.AuthenticationLimits;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Edge;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.edge.spi.AuditLog;
import org.openlgsp.statistics.Figures;
import org.openlgsp.storage.Database;

/**
 * A gateway node's own console ({@code gateway.console} in node.yaml, docs/console.md): read-only
 * pages of this node's traffic (the last 24 hours' figures by hour), its operational records, its
 * TLS and signing certificates with their expiry and its ledger checkpoints, read in process from
 * the node ({@link Source}), and the page of its local systems' credentials ({@link
 * CredentialPages}). The accounts, sign-in (password, TOTP, lockout), sessions, anti-forgery
 * tokens, roles, security headers and language switch are the registry console's ({@link SignIn});
 * its accounts live in the gateway's database and its audit rows in the gateway's {@code
 * edge_audit}.
 */
public final class NodeConsole implements AutoCloseable {
  static final Set<ConsoleRole> ALL = EnumSet.allOf(ConsoleRole.class);

  /** What the console reads of the gateway node it runs on. */
  public interface Source {
    /** The node's id, e.g. {@code VN/GOV/000.00.00.H53/gw1}. */
    String node();

    /**
     * The operational records matching {@code query} (the parameters of {@code GET
     * /monitoring/v1/records}) as that API's JSON answer; empty when records are not kept.
     */
    Optional<byte[]> recordsJson(Map<String, String> query);

    /**
     * The statistics' figures of {@code [from, to)} grouped by {@code groupBy} (the API's
     * parameter); empty when statistics are not kept.
     */
    Optional<List<Figures>> figures(Instant from, Instant to, String groupBy);

    /** The certificates the node uses now: its TLS certificate and each member's signing one. */
    List<Certificate> certificates();

    /** The ledger's checkpoints, in any order. */
    List<Checkpoint> checkpoints();

    /** The run-time credentials of the local systems the node serves. */
    SystemCredentials credentials();
  }

  /** A certificate in use: {@code use} names it (e.g. {@code tls}, {@code signing <member>}). */
  public record Certificate(String use, X509Certificate certificate) {
    public Certificate {
      Objects.requireNonNull(use, "use");
      Objects.requireNonNull(certificate, "certificate");
    }
  }

  /**
   * A published ledger checkpoint: the tree's size and root, when it was signed, how many witnesses
   * cosigned it and whether a time-stamp authority stamped it.
   */
  public record Checkpoint(
      long size, byte[] rootHash, Instant createdAt, int cosignatures, boolean timestamped) {
    public Checkpoint {
      Objects.requireNonNull(rootHash, "rootHash");
      Objects.requireNonNull(createdAt, "createdAt");
      rootHash = rootHash.clone();
    }

    public String root() {
      return HexFormat.of().formatHex(rootHash);
    }
  }

  /** A certificate row of the certificates page; {@code soon}: expires within 30 days. */
  public record CertificateRow(
      String use, String subject, String fingerprint, Instant notAfter, boolean soon) {}

  /** One hour of the node's traffic. */
  public record Hour(String hour, long calls, long refused, long failed, long latencyP95) {}

  /** The dashboard: the node, its last 24 hours by hour and totals, its latest checkpoint. */
  public record Dashboard(
      String node,
      boolean statistics,
      List<Hour> hours,
      long calls,
      long refused,
      long failed,
      List<CertificateRow> certificates,
      Optional<Checkpoint> latest) {
    public Dashboard {
      hours = List.copyOf(hours);
      certificates = List.copyOf(certificates);
    }
  }

  private final Source source;
  private final SignIn signIn;
  private final AuditLog audit;
  private final ConsoleOptions options;
  private final Clock clock;
  private final Edge edge;
  private final WebServer server;

  private NodeConsole(
      Source source,
      Database db,
      ConsoleOptions options,
      AuditLog audit,
      Path base,
      Clock clock,
      Optional<AuthenticationLimits> limits) {
    if (!options.gateways().isEmpty()) {
      throw new IllegalArgumentException(
          "gateways: a gateway node's console shows its own node only");
    }
    this.source = source;
    this.options = options;
    this.clock = clock;
    this.audit = audit;
    this.signIn =
        new SignIn(
            new Accounts(db, options, clock),
            new Sessions(options.sessionTimeout(), clock),
            Optional.of(source.node()),
            options.oidc().map(o -> OidcSignIn.of(o, base)));
    this.edge = signIn.edge(declare(), this::audit, clock, limits);
    this.server = SignIn.serve(edge, options);
  }

  /**
   * Starts the console of the gateway node {@code source}, its accounts in {@code db} (the
   * gateway's database), its state changes (sign-in steps, sign-out, records searches) audited in
   * {@code audit}.
   */
  public static NodeConsole start(
      Source source, Database db, ConsoleOptions options, AuditLog audit) {
    return start(source, db, options, audit, Path.of("."));
  }

  /** As above, the OpenID Connect client secret file read relative to {@code base}. */
  public static NodeConsole start(
      Source source, Database db, ConsoleOptions options, AuditLog audit, Path base) {
    return new NodeConsole(source, db, options, audit, base, Clock.systemUTC(), Optional.empty());
  }

  /** As above, with this listener's own failed-authentication limits (tests). */
  static NodeConsole start(
      Source source,
      Database db,
      ConsoleOptions options,
      AuditLog audit,
      Clock clock,
      AuthenticationLimits limits) {
    return new NodeConsole(source, db, options, audit, Path.of("."), clock, Optional.of(limits));
  }

  public int port() {
    return server.port();
  }

  /** The console's address, e.g. {@code http://127.0.0.1:8481/}. */
  public String url() {
    return "http://" + options.host() + ":" + port() + "/";
  }

  public Accounts accounts() {
    return signIn.accounts;
  }

  /** The declared routes: what the route-by-route authorization test enumerates. */
  public List<Route> routes() {
    return edge.routes();
  }

  @Override
  public void close() {
    server.stop();
  }

  private List<Route> declare() {
    List<Route> r = new ArrayList<>(signIn.routes(ALL));
    String read = "a page read";
    r.add(SignIn.roles(Route.get("/"), ALL).audit(Audit.notAudited(read)).handle(this::dashboard));
    r.add(
        SignIn.roles(Route.get("/traffic.json"), ALL)
            .audit(Audit.notAudited("figures without personal data"))
            .handle(this::traffic));
    r.add(
        SignIn.roles(Route.get("/certificates"), ALL)
            .audit(Audit.notAudited(read))
            .handle(this::certificates));
    r.add(
        SignIn.roles(Route.get("/checkpoints"), ALL)
            .audit(Audit.notAudited(read))
            .handle(this::checkpoints));
    r.add(
        SignIn.roles(Route.get("/records"), Console.AUDIT_READERS)
            .audited("console.records.search")
            .handle(this::records));
    r.addAll(new CredentialPages(signIn, source.credentials(), options.pageSize()).routes());
    return r;
  }

  private void audit(AuditEvent e) {
    String detail = Changes.takeWith(e.detail());
    audit.record(
        new AuditEvent(e.actor(), e.action(), e.target(), e.outcome(), detail, e.source(), e.at()));
  }

  // ---- pages

  /** The last 24 whole hours' figures by hour, oldest first; empty without statistics. */
  private Optional<List<Hour>> hours() {
    Instant to = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    return source
        .figures(to.minus(Duration.ofHours(24)), to, "hour")
        .map(
            rows ->
                rows.stream()
                    .map(
                        f ->
                            new Hour(
                                f.period().orElse(""),
                                f.calls(),
                                f.refused(),
                                f.failed(),
                                f.latencyP95()))
                    .sorted(Comparator.comparing(Hour::hour))
                    .toList());
  }

  private List<CertificateRow> certificateRows() {
    Instant soon = clock.instant().plus(Duration.ofDays(30));
    return source.certificates().stream()
        .map(
            c -> {
              Instant until = c.certificate().getNotAfter().toInstant();
              return new CertificateRow(
                  c.use(),
                  c.certificate().getSubjectX500Principal().getName(),
                  Certificates.fingerprint(c.certificate()),
                  until,
                  until.isBefore(soon));
            })
        .sorted(Comparator.comparing(CertificateRow::notAfter))
        .toList();
  }

  private List<Checkpoint> newestFirst() {
    return source.checkpoints().stream()
        .sorted(Comparator.comparingLong(Checkpoint::size).reversed())
        .toList();
  }

  private void dashboard(Call c) {
    Optional<List<Hour>> figures = hours();
    List<Hour> hours = figures.orElse(List.of());
    Dashboard d =
        new Dashboard(
            source.node(),
            figures.isPresent(),
            hours,
            hours.stream().mapToLong(Hour::calls).sum(),
            hours.stream().mapToLong(Hour::refused).sum(),
            hours.stream().mapToLong(Hour::failed).sum(),
            certificateRows(),
            newestFirst().stream().findFirst());
    signIn.page(c, "node-dashboard.jte", Map.of("v", signIn.view(c), "d", d));
  }

  /** The dashboard's chart: calls, refused and failed calls per hour over the last 24 hours. */
  private void traffic(Call c) {
    List<Hour> hours = hours().orElse(List.of());
    View v = signIn.view(c);
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    c.sendJson(
        200,
        Map.of(
            "labels",
            hours.stream().map(Hour::hour).toList(),
            "series",
            List.of(
                Map.of("name", v.t("col.calls"), "data", hours.stream().map(Hour::calls).toList()),
                Map.of(
                    "name",
                    v.t("records.outcome.refused"),
                    "data",
                    hours.stream().map(Hour::refused).toList()),
                Map.of(
                    "name",
                    v.t("records.outcome.failed"),
                    "data",
                    hours.stream().map(Hour::failed).toList()))));
  }

  private void certificates(Call c) {
    page(c, "node-certificates.jte", certificateRows(), x -> x.use() + " " + x.subject());
  }

  private void checkpoints(Call c) {
    page(c, "node-checkpoints.jte", newestFirst(), x -> x.size() + " " + x.root());
  }

  private <T> void page(
      Call c, String template, List<T> rows, java.util.function.Function<T, String> text) {
    signIn.page(
        c, template, Map.of("v", signIn.view(c), "p", paged(c, rows, text, options.pageSize())));
  }

  /** The page of {@code rows} the request's {@code q} and {@code page} ask for. */
  static <T> Paged<T> paged(
      Call c, List<T> rows, java.util.function.Function<T, String> text, int pageSize) {
    String q = c.request().query().first("q").orElse("").strip();
    int page;
    try {
      page = Integer.parseInt(c.request().query().first("page").orElse("1"));
    } catch (NumberFormatException e) {
      page = 1;
    }
    return Paged.of(rows, text, q.length() > 200 ? q.substring(0, 200) : q, page, pageSize);
  }

  /**
   * This node's operational records in a time range (the last hour by default), by service, client
   * and outcome, a page at a time (the monitoring store's cursor): the registry console's records
   * page, with this node as its only gateway.
   */
  private void records(Call c) throws IOException {
    var q = c.request().query();
    Instant now = clock.instant();
    Instant from =
        Console.instant(q.first("from").asOptional(), now.minus(Duration.ofHours(1)), "from");
    Instant to = Console.instant(q.first("to").asOptional(), now.plusSeconds(60), "to");
    String service = q.first("service").orElse("").strip();
    String client = q.first("client").orElse("").strip();
    String outcome =
        q.first("outcome")
            .filter(o -> List.of("success", "refused", "failed").contains(o))
            .orElse("");
    long after =
        q.first("after").filter(a -> a.matches("[0-9]{1,18}")).map(Long::parseLong).orElse(0L);
    Changes.note("from " + from + " to " + to);
    Map<String, String> params = new TreeMap<>();
    params.put("from", from.toString());
    params.put("to", to.toString());
    params.put("limit", Integer.toString(options.pageSize()));
    if (!service.isEmpty()) {
      params.put("service", service);
    }
    if (!client.isEmpty()) {
      params.put("client", client);
    }
    if (!outcome.isEmpty()) {
      params.put("outcome", outcome);
    }
    if (after > 0) {
      params.put("after", Long.toString(after));
    }
    Optional<byte[]> json = source.recordsJson(params);
    if (json.isEmpty()) {
      throw new LgspException(
          ErrorCode.RESOURCE_NOT_FOUND, "this node keeps no operational records");
    }
    Gateways.Records records = Gateways.read(json.get(), Gateways.Records.class);
    Map<String, String> search = new TreeMap<>();
    search.put("node", source.node());
    search.put("from", from.toString());
    search.put("to", to.toString());
    search.put("service", service);
    search.put("client", client);
    search.put("outcome", outcome);
    Optional<String> next =
        Optional.ofNullable(records.next())
            .map(
                n -> {
                  Map<String, String> m = new TreeMap<>(search);
                  m.put("after", Long.toString(n));
                  return "/records" + Gateways.query(m);
                });
    signIn.page(
        c,
        "records.jte",
        Map.of(
            "v",
            signIn.view(c),
            "r",
            new Pages.RecordsPage(List.of(source.node()), search, records.records(), next)));
  }
}
