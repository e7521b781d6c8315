package org.openlgsp.registry;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Edge;
import org.openlgsp.edge.ProblemWriter;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditEvent;
import org.openlgsp.edge.spi.Authenticator;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.PkiException;

/**
 * The registry's HTTP face: the public signed directory at {@code GET /directory} and the admin API
 * under {@code /api/v1/}, put together by the {@link Edge}. Every admin route requires the {@value
 * #ADMIN_ROLE} role and is audited, accepted or refused; anything not declared is a 404 problem.
 */
public final class RegistryServer implements AutoCloseable {
  /** The role every admin route requires. */
  public static final String ADMIN_ROLE = "registry.admin";

  /**
   * The role that may keep the breach register besides {@value #ADMIN_ROLE} (e.g. the data
   * protection officer's token): it opens the {@code /api/v1/breaches} routes and nothing else.
   */
  public static final String BREACH_ROLE = "registry.breaches";

  /**
   * The role of a federated instance's reporting token besides {@value #ADMIN_ROLE}: it opens the
   * {@code /api/v1/federation/} statistics routes (sending daily summaries, reading the national
   * ranking) and nothing else (docs/statistics.md, "Reported upward").
   */
  public static final String FEDERATION_STATISTICS_ROLE = "federation.statistics";

  private static final int MAX_BODY = 4 * 1024 * 1024;
  private final Registry registry;
  private final Optional<Enrolments> enrolments;
  private final Optional<java.util.function.Function<String, byte[]>> pdf;
  private final Edge edge;
  private final Optional<WebServer> server;

  private RegistryServer(
      Registry registry,
      Authenticator admins,
      Optional<java.net.InetSocketAddress> listen,
      Optional<Enrolments> enrolments,
      List<Route> moreRoutes,
      Optional<java.util.function.Function<String, byte[]>> pdf,
      java.util.Map<String, RegistryServer> mounted) {
    this.registry = registry;
    this.enrolments = enrolments;
    this.pdf = pdf;
    Edge.Builder b =
        Edge.builder()
            .routes(moreRoutes)
            .routes(declared())
            .authenticator(admins)
            .auditLog(this::audit)
            .errorWriter(ProblemWriter.withXRoadError());
    mounted.forEach((prefix, m) -> b.mount(prefix, m.edge));
    this.edge = b.build();
    this.server =
        listen.map(
            a ->
                Edge.start(
                    edge.configure(
                        WebServer.builder()
                            .host(a.getHostString())
                            .port(a.getPort())
                            .maxPayloadSize(MAX_BODY))));
  }

  /**
   * Starts the registry's HTTP listener.
   *
   * @param adminTokenSha256Hex SHA-256 of the admin token, hex; the token itself is never stored.
   *     Its audit actor is {@code admin}.
   */
  public static RegistryServer start(
      Registry registry, String adminTokenSha256Hex, String host, int port) {
    return start(registry, adminTokenSha256Hex, host, port, Optional.empty());
  }

  /** As {@link #start(Registry, String, String, int)}, with enrolment through a built-in CA. */
  public static RegistryServer start(
      Registry registry,
      String adminTokenSha256Hex,
      String host,
      int port,
      Optional<Enrolments> enrolments) {
    return start(registry, adminTokenSha256Hex, host, port, enrolments, List.of());
  }

  /**
   * As above, with further declared routes served on the same listener (e.g. the checkpoint witness
   * the server module adds); the edge authenticates, audits and answers their failures like the
   * registry's own.
   */
  public static RegistryServer start(
      Registry registry,
      String adminTokenSha256Hex,
      String host,
      int port,
      Optional<Enrolments> enrolments,
      List<Route> moreRoutes) {
    return start(registry, adminToken(adminTokenSha256Hex), host, port, enrolments, moreRoutes);
  }

  /**
   * As above, with administrators authenticated by {@code admins} (e.g. several named tokens); a
   * principal needs the {@value #ADMIN_ROLE} role.
   */
  public static RegistryServer start(
      Registry registry,
      Authenticator admins,
      String host,
      int port,
      Optional<Enrolments> enrolments,
      List<Route> moreRoutes) {
    return start(registry, admins, host, port, enrolments, moreRoutes, Optional.empty());
  }

  /**
   * As above, with {@code pdf} rendering an HTML page as PDF (the node's {@code
   * statistics.PdfDocuments}), so that the breach report is served as PDF too.
   */
  public static RegistryServer start(
      Registry registry,
      Authenticator admins,
      String host,
      int port,
      Optional<Enrolments> enrolments,
      List<Route> moreRoutes,
      Optional<java.util.function.Function<String, byte[]>> pdf) {
    return start(registry, admins, host, port, enrolments, moreRoutes, pdf, java.util.Map.of());
  }

  /**
   * As above, with further registries served on the same listener, each under its prefix (e.g.
   * {@code /tenants/bca}: docs/federation.md, "LGSP as a Service"); each answers, authenticates and
   * audits its own routes.
   */
  public static RegistryServer start(
      Registry registry,
      Authenticator admins,
      String host,
      int port,
      Optional<Enrolments> enrolments,
      List<Route> moreRoutes,
      Optional<java.util.function.Function<String, byte[]>> pdf,
      java.util.Map<String, RegistryServer> mounted) {
    return new RegistryServer(
        registry,
        admins,
        Optional.of(java.net.InetSocketAddress.createUnresolved(host, port)),
        enrolments,
        moreRoutes,
        pdf,
        mounted);
  }

  /**
   * A registry's routes with no listener of their own, authenticated by {@code admins} and audited
   * in {@code registry}'s trail, for another registry's listener to serve under a prefix ({@link
   * #start(Registry, Authenticator, String, int, Optional, List, Optional, java.util.Map)}).
   */
  public static RegistryServer mountable(Registry registry, Authenticator admins) {
    return new RegistryServer(
        registry,
        admins,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        java.util.Map.of());
  }

  /** The single configured admin token, audited as {@code admin}. */
  private static Authenticator adminToken(String sha256Hex) {
    return BearerTokens.builder(ErrorCode.ADMIN_UNAUTHENTICATED)
        .token("admin", sha256Hex, Set.of(ADMIN_ROLE))
        .build();
  }

  /** The hex SHA-256 of an admin token, as configuration stores it. */
  public static String hashToken(String token) {
    return BearerTokens.hash(token);
  }

  /** The listener's port; a {@link #mountable} registry has none. */
  public int port() {
    return server.orElseThrow(() -> new IllegalStateException("a mounted registry")).port();
  }

  /** Every route this listener serves, as declared. */
  public List<Route> routes() {
    return edge.routes();
  }

  /** The registry's audit table keeps no source column: the source address ends the detail. */
  private void audit(AuditEvent e) {
    String from = "from " + e.source();
    registry.audit(
        e.actor(),
        e.action(),
        e.target(),
        e.outcome(),
        e.detail().isEmpty() ? from : e.detail() + " (" + from + ")");
  }

  private static Route.Builder admin(Route.Builder route, String action) {
    return route.roles(ADMIN_ROLE).audited(action);
  }

  private static Route.Builder breach(Route.Builder route, String action) {
    return route.roles(ADMIN_ROLE, BREACH_ROLE).audited(action);
  }

  private List<Route> declared() {
    List<Route> routes = new java.util.ArrayList<>(registryRoutes());
    routes.addAll(breachRoutes());
    routes.addAll(summaryRoutes());
    return List.copyOf(routes);
  }

  private List<Route> breachRoutes() {
    Breaches b = registry.breaches();
    return List.of(
        breach(Route.post("/api/v1/breaches"), "breach.record")
            .handle(
                c ->
                    c.sendJson(
                        201,
                        b.record(
                            c.json(AdminRequests.BreachRecord.class, MAX_BODY).toNew(),
                            c.caller().actor()))),
        breach(Route.get("/api/v1/breaches"), "breach.list")
            .handle(
                c ->
                    c.sendJson(
                        200,
                        b.list(
                            c.request().query().contains("status")
                                ? Optional.of(
                                    Breach.Status.fromLabel(c.request().query().get("status")))
                                : Optional.empty()))),
        breach(Route.get("/api/v1/breaches/{id}"), "breach.show")
            .handle(c -> c.sendJson(200, b.get(c.uuidParameter("id", "breach id")))),
        breach(Route.post("/api/v1/breaches/{id}/timeline"), "breach.note")
            .handle(
                c ->
                    c.sendJson(
                        200,
                        b.note(
                            c.uuidParameter("id", "breach id"),
                            c.caller().actor(),
                            c.json(AdminRequests.BreachNote.class, MAX_BODY).text()))),
        breach(Route.post("/api/v1/breaches/{id}/notify"), "breach.notify")
            .handle(
                c ->
                    c.sendJson(
                        200,
                        b.notifyAuthority(
                            c.uuidParameter("id", "breach id"),
                            c.caller().actor(),
                            c.json(AdminRequests.BreachNotification.class, MAX_BODY)
                                .toNotification()))),
        breach(Route.post("/api/v1/breaches/{id}/subjects-notified"), "breach.subjects-notified")
            .handle(
                c ->
                    c.sendJson(
                        200,
                        b.subjectsNotified(
                            c.uuidParameter("id", "breach id"),
                            c.caller().actor(),
                            c.json(AdminRequests.BreachSubjectsNotified.class, MAX_BODY).at()))),
        breach(Route.post("/api/v1/breaches/{id}/close"), "breach.close")
            .handle(
                c ->
                    c.sendJson(
                        200,
                        b.close(
                            c.uuidParameter("id", "breach id"),
                            c.caller().actor(),
                            c.json(AdminRequests.BreachNote.class, MAX_BODY).text()))),
        breach(Route.get("/api/v1/breaches/{id}/report"), "breach.report")
            .handle(this::breachReport));
  }

  /**
   * The notification report in {@code lang} ({@code vi}, default, or {@code en}): HTML, or PDF (the
   * same renderer as {@code lgsp breach report --pdf}) when the caller's most preferred type of the
   * two is {@code application/pdf}.
   */
  private void breachReport(Call c) {
    Breach breach = registry.breaches().get(c.uuidParameter("id", "breach id"));
    String lang = c.request().query().contains("lang") ? c.request().query().get("lang") : "vi";
    BreachReport.Language language = BreachReport.Language.fromTag(lang);
    String html =
        BreachReport.html(breach, language, registry.options().instance(), registry.now());
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    if (wantsPdf(c)) {
      byte[] document =
          pdf.orElseThrow(
                  () ->
                      new LgspException(
                          ErrorCode.REQUEST_MALFORMED, "this registry renders no PDF"))
              .apply(html);
      c.response().header(HeaderNames.CONTENT_TYPE, "application/pdf");
      c.response().send(document);
      return;
    }
    c.response().header(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");
    c.response().send(html.getBytes(StandardCharsets.UTF_8));
  }

  /** The first of HTML and PDF among the accepted types, by preference, is PDF. */
  private static boolean wantsPdf(Call c) {
    for (io.helidon.http.HttpMediaType t : c.request().headers().acceptedTypes()) {
      String type = t.mediaType().type() + "/" + t.mediaType().subtype();
      if (type.equals("application/pdf")) {
        return true;
      }
      if (type.equals("text/html")) {
        return false;
      }
    }
    return false;
  }

  private List<Route> registryRoutes() {
    return List.of(
        Route.get("/directory")
            .publicAccess("the directory is signed by the registry; gateways verify it")
            .audit(Audit.notAudited("public signed document every gateway fetches each refresh"))
            .handle(this::directory),
        Route.get("/federation/{instance}/catalogue")
            .publicAccess(
                "signed by the registry; holds only what the agreement exports to that instance")
            .audit(Audit.notAudited("public signed document every federated registry fetches"))
            .handle(this::federatedCatalogue),
        Route.get("/api/v1/openapi.json")
            .publicAccess("describes the API; holds no data")
            .audit(Audit.notAudited("static document"))
            .handle(RegistryServer::openApiDocument),
        admin(Route.post("/api/v1/members"), "member.add").handle(this::addMember),
        admin(Route.get("/api/v1/members"), "member.list")
            .handle(c -> c.sendJson(200, registry.members())),
        admin(Route.post("/api/v1/members/signing-certificates"), "member.signing-certificate.add")
            .handle(c -> addMemberCertificate(c, registry::addSigningCertificate)),
        admin(
                Route.delete("/api/v1/members/signing-certificates"),
                "member.signing-certificate.remove")
            .handle(c -> removeMemberCertificate(c, registry::removeSigningCertificate)),
        admin(
                Route.post("/api/v1/members/encryption-certificates"),
                "member.encryption-certificate.add")
            .handle(c -> addMemberCertificate(c, registry::addEncryptionCertificate)),
        admin(
                Route.delete("/api/v1/members/encryption-certificates"),
                "member.encryption-certificate.remove")
            .handle(c -> removeMemberCertificate(c, registry::removeEncryptionCertificate)),
        admin(Route.post("/api/v1/nodes"), "node.add").handle(this::addNode),
        admin(Route.get("/api/v1/nodes"), "node.list")
            .handle(c -> c.sendJson(200, registry.nodes())),
        admin(Route.post("/api/v1/nodes/tls-certificates"), "node.tls-certificate.add")
            .handle(this::addNodeCertificate),
        admin(Route.delete("/api/v1/nodes/tls-certificates"), "node.tls-certificate.remove")
            .handle(this::removeNodeCertificate),
        admin(Route.post("/api/v1/systems"), "system.add").handle(this::addSystem),
        admin(Route.get("/api/v1/systems"), "system.list")
            .handle(c -> c.sendJson(200, registry.systems())),
        admin(Route.post("/api/v1/services"), "service.add").handle(this::addService),
        admin(Route.get("/api/v1/services"), "service.list")
            .handle(c -> c.sendJson(200, registry.services())),
        admin(Route.delete("/api/v1/services"), "service.remove")
            .handle(
                c -> {
                  registry.removeService(ServiceId.parse(c.requiredQuery("id")));
                  c.noContent();
                }),
        admin(Route.post("/api/v1/services/schema-check"), "service.schema-check")
            .handle(
                c -> {
                  AdminRequests.SchemaCheckChange m =
                      c.json(AdminRequests.SchemaCheckChange.class, MAX_BODY);
                  registry.setSchemaCheck(
                      ServiceId.parse(m.id()), org.openlgsp.core.SchemaCheck.parse(m.mode()));
                  c.noContent();
                }),
        admin(Route.get("/api/v1/services/openapi"), "service.openapi")
            .handle(this::serviceOpenApi),
        admin(Route.post("/api/v1/grants"), "grant.add").handle(this::addGrant),
        admin(Route.get("/api/v1/grants"), "grant.list").handle(this::listGrants),
        admin(Route.delete("/api/v1/grants/{id}"), "grant.revoke").handle(this::revokeGrant),
        admin(Route.post("/api/v1/consents"), "consent.add").handle(this::addConsent),
        admin(Route.post("/api/v1/consents/search"), "consent.search")
            .handle(
                c ->
                    c.sendJson(
                        200,
                        registry.consents(
                            c.json(AdminRequests.ConsentQuery.class, MAX_BODY).subject()))),
        admin(Route.post("/api/v1/consents/{id}/withdraw"), "consent.withdraw")
            .handle(
                c -> {
                  registry.withdrawConsent(c.uuidParameter("id", "consent id"));
                  c.response().status(io.helidon.http.Status.NO_CONTENT_204).send();
                }),
        admin(Route.get("/api/v1/consents/{id}/proof"), "consent.proof")
            .handle(
                c -> c.sendJson(200, registry.consentProof(c.uuidParameter("id", "consent id")))),
        admin(Route.get("/api/v1/audit"), "audit.list").handle(this::auditLog),
        admin(Route.post("/api/v1/trust-anchors"), "trust-anchor.add").handle(this::addTrustAnchor),
        admin(Route.get("/api/v1/trust-anchors"), "trust-anchor.list").handle(this::trustAnchors),
        admin(Route.post("/api/v1/enrolments"), "enrolment.submit").handle(this::submitEnrolment),
        admin(Route.get("/api/v1/enrolments"), "enrolment.list")
            .handle(
                c ->
                    c.sendJson(
                        200,
                        enrolments().list().stream()
                            .map(AdminResponses.EnrolmentView::of)
                            .toList())),
        admin(Route.post("/api/v1/enrolments/{id}/approve"), "enrolment.approve")
            .handle(this::approveEnrolment),
        admin(Route.post("/api/v1/enrolments/{id}/reject"), "enrolment.reject")
            .handle(this::rejectEnrolment));
  }

  private void directory(Call c) {
    c.response().header(HeaderNames.CONTENT_TYPE, "application/json");
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    c.response().send(registry.publish().toJson());
  }

  /** Statistics reported upward by federated instances, and the national ranking. */
  private List<Route> summaryRoutes() {
    return List.of(
        Route.post("/api/v1/federation/summaries/{instance}")
            .roles(ADMIN_ROLE, FEDERATION_STATISTICS_ROLE)
            .audited("federation.summary.add")
            .handle(this::acceptSummary),
        Route.get("/api/v1/federation/ranking")
            .roles(ADMIN_ROLE, FEDERATION_STATISTICS_ROLE)
            .audited("federation.ranking.read")
            .handle(this::ranking));
  }

  private void acceptSummary(Call c) throws IOException {
    String instance = c.request().path().pathParameters().get("instance");
    byte[] body;
    try (InputStream in = c.body()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      throw new LgspException(ErrorCode.REQUEST_TOO_LARGE, "a summary is at most 4 MiB");
    }
    FederationSummaries.Outcome o = registry.acceptSummary(instance, body);
    c.sendJson(
        o.stored() ? 201 : 200,
        new AdminResponses.SummaryTaken(o.instance(), o.day().toString(), o.stored()));
  }

  /**
   * Every grant (no parameter, as before paging), or a page of them: {@code limit} (1 – 1,000),
   * {@code after} (the previous page's {@code next}), {@code q} (text in "client service").
   */
  private void listGrants(Call c) {
    var q = c.request().query();
    if (q.names().isEmpty()) {
      c.sendJson(200, registry.grants());
      return;
    }
    for (String name : q.names()) {
      if (!List.of("limit", "after", "q").contains(name) || q.all(name).size() > 1) {
        throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "unknown or repeated " + name);
      }
    }
    int limit;
    try {
      limit = q.contains("limit") ? Integer.parseInt(q.get("limit")) : 100;
    } catch (NumberFormatException e) {
      throw new LgspException(ErrorCode.QUERY_PAGE_INVALID, "limit must be a number");
    }
    c.sendJson(
        200,
        registry.grants(
            new GrantQuery(
                q.contains("q") ? q.get("q") : "",
                Optional.empty(),
                q.contains("after") ? Optional.of(q.get("after")) : Optional.empty(),
                limit)));
  }

  private void ranking(Call c) {
    var q = c.request().query();
    for (String name : q.names()) {
      if (!List.of("from", "to", "by", "order", "limit").contains(name) || q.all(name).size() > 1) {
        throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "unknown or repeated " + name);
      }
    }
    java.time.LocalDate from = day(c.requiredQuery("from"));
    java.time.LocalDate to = day(c.requiredQuery("to"));
    int limit = limit(c, 10, FederationSummaries.MAX_LIMIT);
    c.sendJson(
        200,
        registry.ranking(
            from,
            to,
            q.contains("by") ? q.get("by") : "agency",
            q.contains("order") ? q.get("order") : "volume",
            limit));
  }

  private static java.time.LocalDate day(String text) {
    try {
      return java.time.LocalDate.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new LgspException(ErrorCode.QUERY_RANGE_INVALID, "days are YYYY-MM-DD");
    }
  }

  private void federatedCatalogue(Call c) {
    String peer = c.request().path().pathParameters().get("instance");
    byte[] body = registry.federatedCatalogue(peer).toJson();
    c.response().header(HeaderNames.CONTENT_TYPE, "application/json");
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    c.response().send(body);
  }

  private static void openApiDocument(Call c) throws IOException {
    try (InputStream in =
        Objects.requireNonNull(
            RegistryServer.class.getResourceAsStream("openapi.json"), "openapi.json")) {
      c.response().header(HeaderNames.CONTENT_TYPE, "application/json");
      c.response().send(in.readAllBytes());
    }
  }

  private void trustAnchors(Call c) {
    c.sendJson(
        200,
        registry.trustAnchors().stream()
            .map(
                cert ->
                    new AdminResponses.TrustAnchor(
                        cert.getSubjectX500Principal().getName(), Certificates.fingerprint(cert)))
            .toList());
  }

  private void addMember(Call c) {
    AdminRequests.Member m = c.json(AdminRequests.Member.class, MAX_BODY);
    registry.addMember(ClientId.parse(m.id()), m.name());
    c.sendJson(201, new AdminResponses.Created(m.id()));
  }

  /** Adds a member's signing or encryption certificate, as {@code add} checks and stores it. */
  private static void addMemberCertificate(
      Call c, java.util.function.BiConsumer<ClientId, X509Certificate> add) {
    AdminRequests.MemberCertificate m = c.json(AdminRequests.MemberCertificate.class, MAX_BODY);
    X509Certificate cert = certificate(m.certificate());
    add.accept(ClientId.parse(m.member()), cert);
    c.sendJson(201, new AdminResponses.CertificateAdded(Certificates.fingerprint(cert)));
  }

  private static void removeMemberCertificate(
      Call c, java.util.function.BiConsumer<ClientId, String> remove) {
    remove.accept(ClientId.parse(c.requiredQuery("member")), c.requiredQuery("fingerprint"));
    c.noContent();
  }

  private void addNode(Call c) {
    AdminRequests.Node n = c.json(AdminRequests.Node.class, MAX_BODY);
    List<X509Certificate> certs =
        n.tlsCertificates().stream().map(RegistryServer::certificate).toList();
    registry.addNode(NodeId.parse(n.id()), n.address(), certs, n.ledgerApi());
    c.sendJson(201, new AdminResponses.Created(n.id()));
  }

  private void addNodeCertificate(Call c) {
    AdminRequests.NodeCertificate n = c.json(AdminRequests.NodeCertificate.class, MAX_BODY);
    X509Certificate cert = certificate(n.certificate());
    registry.addNodeTlsCertificate(NodeId.parse(n.node()), cert);
    c.sendJson(201, new AdminResponses.CertificateAdded(Certificates.fingerprint(cert)));
  }

  private void removeNodeCertificate(Call c) {
    registry.removeNodeTlsCertificate(
        NodeId.parse(c.requiredQuery("node")), c.requiredQuery("fingerprint"));
    c.noContent();
  }

  private void addSystem(Call c) {
    AdminRequests.SystemEntry s = c.json(AdminRequests.SystemEntry.class, MAX_BODY);
    registry.addSystem(ClientId.parse(s.id()), s.name(), NodeId.parse(s.node()));
    c.sendJson(201, new AdminResponses.Created(s.id()));
  }

  private void addService(Call c) {
    AdminRequests.Service s = c.json(AdminRequests.Service.class, MAX_BODY);
    registry.addService(
        ServiceId.parse(s.id()), s.backendUrl(), s.subjectLocator(), s.openApiDocument());
    c.sendJson(201, new AdminResponses.Created(s.id()));
  }

  private void serviceOpenApi(Call c) {
    String doc =
        registry
            .openApi(ServiceId.parse(c.requiredQuery("id")))
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.RESOURCE_NOT_FOUND, "the service has no OpenAPI document"));
    c.response()
        .header(
            HeaderNames.CONTENT_TYPE,
            doc.stripLeading().startsWith("{") ? "application/json" : "application/yaml");
    c.response().send(doc);
  }

  private void addGrant(Call c) {
    AdminRequests.Grant g = c.json(AdminRequests.Grant.class, MAX_BODY);
    String id =
        registry.grant(
            ClientId.parse(g.client()),
            ServiceId.parse(g.service()),
            g.methods(),
            g.pathPatterns(),
            g.policy());
    c.sendJson(201, new AdminResponses.Created(id));
  }

  private void addConsent(Call c) {
    AdminRequests.Consent a = c.json(AdminRequests.Consent.class, MAX_BODY);
    String id =
        registry.addConsent(
            a.subject(),
            a.category(),
            ClientId.parse(a.recipient()),
            a.purpose(),
            a.validFrom(),
            a.validTo());
    c.sendJson(201, new AdminResponses.Created(id));
  }

  private void addTrustAnchor(Call c) {
    AdminRequests.TrustAnchor a = c.json(AdminRequests.TrustAnchor.class, MAX_BODY);
    List<X509Certificate> certs;
    try {
      certs = Pem.certificates(a.certificate());
    } catch (PkiException e) {
      certs = List.of();
    }
    if (certs.isEmpty()) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "certificate must hold PEM certificates");
    }
    for (X509Certificate cert : certs) {
      registry.addTrustAnchor(cert);
    }
    c.sendJson(201, new AdminResponses.TrustAnchorsAdded(certs.size()));
  }

  private Enrolments enrolments() {
    return enrolments.orElseThrow(
        () ->
            new LgspException(
                ErrorCode.RESOURCE_NOT_FOUND,
                "this registry runs no built-in CA; configure registry.ca to enrol through it"));
  }

  private void submitEnrolment(Call c) {
    AdminRequests.Enrolment e = c.json(AdminRequests.Enrolment.class, MAX_BODY);
    String id =
        enrolments()
            .submit(
                Enrolments.Kind.fromLabel(e.kind()),
                e.target(),
                e.csr().getBytes(StandardCharsets.US_ASCII));
    c.sendJson(201, new AdminResponses.EnrolmentState(id, "pending"));
  }

  private void approveEnrolment(Call c) {
    String id = c.request().path().pathParameters().get("id");
    Optional<List<String>> names =
        c.request().content().hasEntity()
            ? c.json(AdminRequests.Approval.class, MAX_BODY).expectedNames()
            : Optional.empty();
    List<X509Certificate> chain = enrolments().approve(id, names);
    c.sendJson(
        200,
        new AdminResponses.EnrolmentApproved(
            id,
            "approved",
            chain.getFirst().getSerialNumber().toString(16),
            Pem.write(chain.toArray())));
  }

  private void rejectEnrolment(Call c) {
    String id = c.request().path().pathParameters().get("id");
    enrolments().reject(id, c.json(AdminRequests.Rejection.class, MAX_BODY).reason());
    c.sendJson(200, new AdminResponses.EnrolmentState(id, "rejected"));
  }

  private void revokeGrant(Call c) {
    registry.revokeGrant(c.uuidParameter("id", "grant id"));
    c.noContent();
  }

  private void auditLog(Call c) {
    c.sendJson(200, registry.auditLog(limit(c, 100, 10_000)));
  }

  /**
   * The {@code limit} query parameter of a listing: {@code byDefault} when absent, else a whole
   * number from 1 to {@code max}; {@code query.page_invalid} otherwise (docs/statistics.md).
   */
  private static int limit(Call c, int byDefault, int max) {
    var q = c.request().query();
    if (!q.contains("limit")) {
      return byDefault;
    }
    try {
      int n = Integer.parseInt(q.get("limit"));
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below, as one out of range
    }
    throw new LgspException(
        ErrorCode.QUERY_PAGE_INVALID, "limit must be a whole number from 1 to " + max);
  }

  /** A certificate given as PEM or as base64 DER. */
  static X509Certificate certificate(String text) {
    if (text.contains("-----BEGIN")) {
      try {
        List<X509Certificate> certs = Pem.certificates(text);
        if (certs.size() == 1) {
          return certs.get(0);
        }
      } catch (RuntimeException e) {
        // fall through to the clear error below
      }
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "certificate PEM must hold exactly one certificate");
    }
    return Certificates.fromBase64(text.strip());
  }

  @Override
  public void close() {
    server.ifPresent(WebServer::stop);
  }
}
