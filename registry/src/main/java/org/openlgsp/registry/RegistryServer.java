package org.openlgsp.registry;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.Problem;
import org.openlgsp.core.ServiceId;
import org.openlgsp.pki.Pem;

/**
 * The registry's HTTP face: the public signed directory at {@code GET /directory} and the admin API
 * under {@code /api/v1/}. Every admin route requires the admin bearer token and is audited,
 * accepted or refused; anything not mapped is a 404 problem.
 */
public final class RegistryServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RegistryServer.class.getName());
  private static final int MAX_BODY = 4 * 1024 * 1024;
  private final Registry registry;
  private final byte[] adminTokenSha256;
  private final Optional<Enrolments> enrolments;
  private final WebServer server;

  private RegistryServer(
      Registry registry,
      byte[] adminTokenSha256,
      String host,
      int port,
      Optional<Enrolments> enrolments,
      Consumer<HttpRouting.Builder> moreRoutes) {
    this.registry = registry;
    this.enrolments = enrolments;
    this.adminTokenSha256 = adminTokenSha256.clone();
    this.server =
        WebServer.builder()
            .host(host)
            .port(port)
            .maxPayloadSize(MAX_BODY)
            .routing(routing(moreRoutes))
            .build()
            .start();
  }

  /**
   * Starts the registry's HTTP listener.
   *
   * @param adminTokenSha256Hex SHA-256 of the admin token, hex; the token itself is never stored
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
    return start(registry, adminTokenSha256Hex, host, port, enrolments, routes -> {});
  }

  /**
   * As above, with further routes served on the same listener (e.g. the checkpoint witness the
   * server module adds); they handle their own authentication and errors.
   */
  public static RegistryServer start(
      Registry registry,
      String adminTokenSha256Hex,
      String host,
      int port,
      Optional<Enrolments> enrolments,
      Consumer<HttpRouting.Builder> moreRoutes) {
    byte[] hash;
    try {
      hash = HexFormat.of().parseHex(adminTokenSha256Hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("admin token hash must be hex", e);
    }
    if (hash.length != 32) {
      throw new IllegalArgumentException("admin token hash must be 32 bytes of SHA-256");
    }
    return new RegistryServer(registry, hash, host, port, enrolments, moreRoutes);
  }

  /** The hex SHA-256 of an admin token, as configuration stores it. */
  public static String hashToken(String token) {
    return Digests.hex(Digests.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  public int port() {
    return server.port();
  }

  private HttpRouting.Builder routing(Consumer<HttpRouting.Builder> moreRoutes) {
    HttpRouting.Builder routing = HttpRouting.builder();
    moreRoutes.accept(routing); // before the catch-all 404 below
    return routing
        .get("/directory", this::directory)
        .get("/api/v1/openapi.json", this::openApiDocument)
        .post("/api/v1/members", admin("member.add", this::addMember))
        .get(
            "/api/v1/members",
            admin("member.list", (req, res) -> json(res, 200, registry.members())))
        .post(
            "/api/v1/members/signing-certificates",
            admin("member.signing-certificate.add", this::addSigningCertificate))
        .delete(
            "/api/v1/members/signing-certificates",
            admin("member.signing-certificate.remove", this::removeSigningCertificate))
        .post("/api/v1/nodes", admin("node.add", this::addNode))
        .get("/api/v1/nodes", admin("node.list", (req, res) -> json(res, 200, registry.nodes())))
        .post(
            "/api/v1/nodes/tls-certificates",
            admin("node.tls-certificate.add", this::addNodeCertificate))
        .delete(
            "/api/v1/nodes/tls-certificates",
            admin("node.tls-certificate.remove", this::removeNodeCertificate))
        .post("/api/v1/systems", admin("system.add", this::addSystem))
        .get(
            "/api/v1/systems",
            admin("system.list", (req, res) -> json(res, 200, registry.systems())))
        .post("/api/v1/services", admin("service.add", this::addService))
        .get(
            "/api/v1/services",
            admin("service.list", (req, res) -> json(res, 200, registry.services())))
        .get("/api/v1/services/openapi", admin("service.openapi", this::serviceOpenApi))
        .post("/api/v1/grants", admin("grant.add", this::addGrant))
        .get("/api/v1/grants", admin("grant.list", (req, res) -> json(res, 200, registry.grants())))
        .delete("/api/v1/grants/{id}", admin("grant.revoke", this::revokeGrant))
        .get("/api/v1/audit", admin("audit.list", this::auditLog))
        .post("/api/v1/trust-anchors", admin("trust-anchor.add", this::addTrustAnchor))
        .get(
            "/api/v1/trust-anchors",
            admin(
                "trust-anchor.list",
                (req, res) ->
                    json(
                        res,
                        200,
                        registry.trustAnchors().stream()
                            .map(
                                c ->
                                    Map.of(
                                        "subject",
                                        c.getSubjectX500Principal().getName(),
                                        "fingerprint",
                                        Certificates.fingerprint(c)))
                            .toList())))
        .post("/api/v1/enrolments", admin("enrolment.submit", this::submitEnrolment))
        .get(
            "/api/v1/enrolments",
            admin(
                "enrolment.list",
                (req, res) ->
                    json(
                        res,
                        200,
                        enrolments().list().stream().map(RegistryServer::enrolmentJson).toList())))
        .post("/api/v1/enrolments/{id}/approve", admin("enrolment.approve", this::approveEnrolment))
        .post("/api/v1/enrolments/{id}/reject", admin("enrolment.reject", this::rejectEnrolment))
        .any(
            (req, res) ->
                problem(res, new LgspException(ErrorCode.RESOURCE_NOT_FOUND, "no such endpoint")));
  }

  private void directory(ServerRequest req, ServerResponse res) {
    try {
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.header(HeaderNames.CACHE_CONTROL, "no-store");
      res.send(registry.publish().toJson());
    } catch (Throwable t) {
      problem(res, classify(t));
    }
  }

  private void openApiDocument(ServerRequest req, ServerResponse res) {
    try (InputStream in = RegistryServer.class.getResourceAsStream("openapi.json")) {
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.send(in.readAllBytes());
    } catch (IOException | NullPointerException e) {
      problem(res, classify(e));
    }
  }

  /** Wraps an admin route: authenticate, run, audit the outcome, render failures as problems. */
  private Handler admin(String action, Handler handler) {
    return (req, res) -> {
      String target = "";
      try {
        authenticate(req);
        handler.handle(req, res);
        registry.audit("admin", action, auditTarget(req), "ok", "");
      } catch (Throwable t) {
        LgspException e = classify(t);
        try {
          registry.audit("admin", action, auditTarget(req), e.code().code(), e.detail());
        } catch (RuntimeException auditFailure) {
          LOG.log(Level.SEVERE, "audit log write failed", auditFailure);
        }
        problem(res, e);
      }
    };
  }

  private static String auditTarget(ServerRequest req) {
    return req.path().rawPath()
        + (req.query().rawValue().isEmpty() ? "" : "?" + req.query().rawValue());
  }

  private void authenticate(ServerRequest req) {
    String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
    if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new LgspException(
          ErrorCode.ADMIN_UNAUTHENTICATED, "send Authorization: Bearer <admin token>");
    }
    byte[] presented = Digests.sha256(auth.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    if (!Digests.constantTimeEquals(presented, adminTokenSha256)) {
      throw new LgspException(ErrorCode.ADMIN_UNAUTHENTICATED, "admin token not accepted");
    }
  }

  private void addMember(ServerRequest req, ServerResponse res) {
    AdminRequests.Member m = body(req, AdminRequests.Member.class);
    registry.addMember(ClientId.parse(m.id()), m.name());
    json(res, 201, Map.of("id", m.id()));
  }

  private void addSigningCertificate(ServerRequest req, ServerResponse res) {
    AdminRequests.SigningCertificate c = body(req, AdminRequests.SigningCertificate.class);
    X509Certificate cert = certificate(c.certificate());
    registry.addSigningCertificate(ClientId.parse(c.member()), cert);
    json(res, 201, Map.of("fingerprint", Certificates.fingerprint(cert)));
  }

  private void removeSigningCertificate(ServerRequest req, ServerResponse res) {
    registry.removeSigningCertificate(
        ClientId.parse(query(req, "member")), query(req, "fingerprint"));
    res.status(Status.NO_CONTENT_204).send();
  }

  private void addNode(ServerRequest req, ServerResponse res) {
    AdminRequests.Node n = body(req, AdminRequests.Node.class);
    List<X509Certificate> certs =
        n.tlsCertificates().stream().map(RegistryServer::certificate).toList();
    registry.addNode(NodeId.parse(n.id()), n.address(), certs);
    json(res, 201, Map.of("id", n.id()));
  }

  private void addNodeCertificate(ServerRequest req, ServerResponse res) {
    AdminRequests.NodeCertificate c = body(req, AdminRequests.NodeCertificate.class);
    X509Certificate cert = certificate(c.certificate());
    registry.addNodeTlsCertificate(NodeId.parse(c.node()), cert);
    json(res, 201, Map.of("fingerprint", Certificates.fingerprint(cert)));
  }

  private void removeNodeCertificate(ServerRequest req, ServerResponse res) {
    registry.removeNodeTlsCertificate(NodeId.parse(query(req, "node")), query(req, "fingerprint"));
    res.status(Status.NO_CONTENT_204).send();
  }

  private void addSystem(ServerRequest req, ServerResponse res) {
    AdminRequests.SystemEntry s = body(req, AdminRequests.SystemEntry.class);
    registry.addSystem(ClientId.parse(s.id()), s.name(), NodeId.parse(s.node()));
    json(res, 201, Map.of("id", s.id()));
  }

  private void addService(ServerRequest req, ServerResponse res) {
    AdminRequests.Service s = body(req, AdminRequests.Service.class);
    registry.addService(
        ServiceId.parse(s.id()),
        s.backendUrl(),
        s.subjectLocator(),
        Optional.ofNullable(s.openapi()));
    json(res, 201, Map.of("id", s.id()));
  }

  private void serviceOpenApi(ServerRequest req, ServerResponse res) {
    String doc =
        registry
            .openApi(ServiceId.parse(query(req, "id")))
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.RESOURCE_NOT_FOUND, "the service has no OpenAPI document"));
    res.header(
        HeaderNames.CONTENT_TYPE,
        doc.stripLeading().startsWith("{") ? "application/json" : "application/yaml");
    res.send(doc);
  }

  private void addGrant(ServerRequest req, ServerResponse res) {
    AdminRequests.Grant g = body(req, AdminRequests.Grant.class);
    String id =
        registry.grant(
            ClientId.parse(g.client()),
            ServiceId.parse(g.service()),
            g.methods(),
            g.pathPatterns());
    json(res, 201, Map.of("id", id));
  }

  private void addTrustAnchor(ServerRequest req, ServerResponse res) {
    AdminRequests.TrustAnchor a = body(req, AdminRequests.TrustAnchor.class);
    List<X509Certificate> certs = Pem.certificates(a.certificate());
    if (certs.isEmpty()) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "certificate must hold PEM certificates");
    }
    for (X509Certificate c : certs) {
      registry.addTrustAnchor(c);
    }
    json(res, 201, Map.of("added", certs.size()));
  }

  private Enrolments enrolments() {
    return enrolments.orElseThrow(
        () ->
            new LgspException(
                ErrorCode.RESOURCE_NOT_FOUND,
                "this registry runs no built-in CA; configure registry.ca to enrol through it"));
  }

  private static Map<String, Object> enrolmentJson(Enrolments.Enrolment e) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("id", e.id());
    m.put("kind", e.kind());
    m.put("target", e.target());
    m.put("status", e.status());
    m.put("submittedAt", e.submittedAt().toString());
    e.decidedAt().ifPresent(t -> m.put("decidedAt", t.toString()));
    m.put("detail", e.detail());
    e.certificateSerial().ifPresent(serial -> m.put("serial", serial));
    return m;
  }

  private void submitEnrolment(ServerRequest req, ServerResponse res) {
    AdminRequests.Enrolment e = body(req, AdminRequests.Enrolment.class);
    String id =
        enrolments()
            .submit(
                Enrolments.Kind.fromLabel(e.kind()),
                e.target(),
                e.csr().getBytes(StandardCharsets.US_ASCII));
    json(res, 201, Map.of("id", id, "status", "pending"));
  }

  private void approveEnrolment(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    List<X509Certificate> chain = enrolments().approve(id);
    json(
        res,
        200,
        Map.of(
            "id",
            id,
            "status",
            "approved",
            "serial",
            chain.getFirst().getSerialNumber().toString(16),
            "certificate",
            Pem.write(chain.toArray())));
  }

  private void rejectEnrolment(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    enrolments().reject(id, body(req, AdminRequests.Rejection.class).reason());
    json(res, 200, Map.of("id", id, "status", "rejected"));
  }

  private void revokeGrant(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    try {
      UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "grant id must be a UUID");
    }
    registry.revokeGrant(id);
    res.status(Status.NO_CONTENT_204).send();
  }

  private void auditLog(ServerRequest req, ServerResponse res) {
    int limit = 100;
    if (req.query().contains("limit")) {
      try {
        limit = Integer.parseInt(req.query().get("limit"));
      } catch (NumberFormatException e) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "limit must be a number");
      }
    }
    if (limit < 1 || limit > 10_000) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "limit must be 1..10000");
    }
    json(res, 200, registry.auditLog(limit));
  }

  private static String query(ServerRequest req, String name) {
    if (!req.query().contains(name)) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "query parameter '" + name + "' is required");
    }
    return req.query().get(name);
  }

  private static <T> T body(ServerRequest req, Class<T> type) {
    try {
      return Json.read(req.content().inputStream().readNBytes(MAX_BODY), type);
    } catch (IOException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "request body could not be read");
    }
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

  private static void json(ServerResponse res, int status, Object body) {
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(Json.write(body));
  }

  private static LgspException classify(Throwable t) {
    if (t instanceof LgspException e) {
      return e;
    }
    if (t instanceof IllegalArgumentException e) {
      return new LgspException(ErrorCode.REQUEST_MALFORMED, e.getMessage());
    }
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "registry internal error, incident " + incident, t);
    return new LgspException(ErrorCode.INTERNAL_ERROR, "internal error, incident " + incident);
  }

  private static void problem(ServerResponse res, LgspException e) {
    Problem p = e.toProblem();
    res.status(Status.create(p.status()));
    res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
    res.header(HeaderNames.create("X-Road-Error"), e.code().xroadType());
    res.send(p.toJsonBytes());
  }

  @Override
  public void close() {
    server.stop();
  }
}
