package org.openlgsp.documents;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.edge.Edge;
import org.openlgsp.edge.ProblemWriter;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditLog;

/**
 * The axis's HTTP API. Agencies' document systems call the client listener with a bearer token
 * bound to their agency code; the relay listener takes packages from other axis nodes, as the local
 * gateway forwards them (its {@code X-Road-Client} member code is the sending agency). Both are put
 * together by the {@link Edge}.
 */
public final class AxisServer implements AutoCloseable {
  static final String BASE = "/edoc/v1";

  /** The role of a local agency's document system; its token's name is its agency code. */
  static final String AGENCY_ROLE = "edoc.agency";

  private static final String XROAD_CLIENT = "X-Road-Client";

  /**
   * How much of a refused body is read and discarded before answering. An HTTP/1.1 client that is
   * still sending when the server answers and closes sees a reset instead of the answer; reading
   * the rest lets it see the problem. Beyond this, the answer says {@code Connection: close}.
   */
  static final long DRAIN_BYTES = 16L * 1024 * 1024;

  private final DocumentAxis axis;
  private final Edge clientEdge;
  private final Edge relayEdge;
  private final WebServer client;
  private final Optional<WebServer> relay;

  private AxisServer(
      DocumentAxis axis,
      Map<AgencyCode, String> tokenSha256Hex,
      AuditLog audit,
      String host,
      int port,
      Optional<String> relayHost,
      int relayPort) {
    this.axis = axis;
    BearerTokens.Builder tokens = BearerTokens.builder(ErrorCode.TOKEN_INVALID);
    tokenSha256Hex.forEach((agency, hex) -> tokens.token(agency.value(), hex, Set.of(AGENCY_ROLE)));
    this.clientEdge =
        Edge.builder()
            .routes(clientRoutes())
            .authenticator(tokens.build())
            .auditLog(audit)
            .errorWriter(ProblemWriter.withXRoadError())
            .drainOnError(DRAIN_BYTES)
            .build();
    this.relayEdge =
        Edge.builder()
            .route(relayRoute())
            .errorWriter(ProblemWriter.withXRoadError())
            .drainOnError(DRAIN_BYTES)
            .build();
    // No payload limit in the server itself: the package limit is enforced while spooling (and
    // from Content-Length, before reading), after authentication.
    this.client = Edge.start(clientEdge.configure(WebServer.builder().host(host).port(port)));
    this.relay =
        relayHost.map(
            h -> Edge.start(relayEdge.configure(WebServer.builder().host(h).port(relayPort))));
  }

  /**
   * Starts the client listener, and the relay listener when {@code relayHost} is given; audit rows
   * go to table {@code edge_audit} of the axis's database.
   *
   * @param tokenSha256Hex per local agency, the hex SHA-256 of its system's bearer token
   */
  public static AxisServer start(
      DocumentAxis axis,
      Map<AgencyCode, String> tokenSha256Hex,
      String host,
      int port,
      Optional<String> relayHost,
      int relayPort) {
    return start(
        axis,
        tokenSha256Hex,
        DatabaseAuditLog.open(axis.database()),
        host,
        port,
        relayHost,
        relayPort);
  }

  /** As above, with audit rows written to {@code audit}. */
  public static AxisServer start(
      DocumentAxis axis,
      Map<AgencyCode, String> tokenSha256Hex,
      AuditLog audit,
      String host,
      int port,
      Optional<String> relayHost,
      int relayPort) {
    return new AxisServer(axis, tokenSha256Hex, audit, host, port, relayHost, relayPort);
  }

  public static String hashToken(String token) {
    return BearerTokens.hash(token);
  }

  public int port() {
    return client.port();
  }

  public Optional<Integer> relayPort() {
    return relay.map(WebServer::port);
  }

  /** Every route of the client listener, as declared. */
  public List<Route> routes() {
    return clientEdge.routes();
  }

  /** Every route of the relay listener, as declared. */
  public List<Route> relayRoutes() {
    return relayEdge.routes();
  }

  private static Route.Builder agency(Route.Builder route) {
    return route.roles(AGENCY_ROLE);
  }

  private List<Route> clientRoutes() {
    return List.of(
        agency(Route.post(BASE + "/packages")).audited("package.submit").handle(this::submit),
        agency(Route.get(BASE + "/inbox"))
            .audit(Audit.notAudited("lists the caller's own inbox"))
            .handle(this::inbox),
        agency(Route.get(BASE + "/inbox/{id}")).audited("delivery.fetch").handle(this::fetch),
        agency(Route.get(BASE + "/sent"))
            .audit(Audit.notAudited("lists the caller's own sent packages"))
            .handle(this::sent),
        agency(Route.post(BASE + "/inbox/{id}/ack"))
            .audited("delivery.acknowledge")
            .handle(this::ack),
        agency(Route.get(BASE + "/history"))
            .audit(Audit.notAudited("status history of documents the caller sent or received"))
            .handle(this::history),
        agency(Route.put(BASE + "/webhook")).audited("webhook.set").handle(this::setWebhook),
        agency(Route.delete(BASE + "/webhook"))
            .audited("webhook.remove")
            .handle(this::deleteWebhook));
  }

  private Route relayRoute() {
    return Route.post(BASE + "/relay")
        .publicAccess(
            "bound to the relay host, reached through the local gateway, which authenticated the"
                + " sending node and names the sending agency in X-Road-Client")
        .audit(
            Audit.recordedElsewhere(
                "both gateways record the exchange in their ledgers; the store keeps the package"
                    + " with its sender"))
        .handle(this::relay);
  }

  /** Body of {@code PUT /edoc/v1/webhook}. */
  record WebhookRequest(@JsonProperty("url") String url) {}

  /** The authenticated agency: its token is named by its agency code. */
  private static AgencyCode caller(Call c) {
    return AgencyCode.parse(c.caller().actor());
  }

  private void submit(Call c) {
    AgencyCode caller = caller(c);
    refuseDeclaredOversize(c);
    Receipt r = axis.submit(caller, c.body());
    c.sendJson(r.duplicate() ? 200 : 201, r);
  }

  /** A declared length over the limit is refused before anything is read. */
  private void refuseDeclaredOversize(Call c) {
    long limit = axis.options().maxPackageBytes();
    if (c.request().headers().contentLength().orElse(0) > limit) {
      throw new LgspException(
          ErrorCode.REQUEST_TOO_LARGE, "package exceeds the limit of " + limit + " bytes");
    }
  }

  private void relay(Call c) {
    String header =
        c.request()
            .headers()
            .first(HeaderNames.create(XROAD_CLIENT))
            .orElseThrow(
                () -> new LgspException(ErrorCode.HEADER_MISSING, "X-Road-Client is required"));
    ClientId client = ClientId.parse(header);
    if (!ClientId.GOVERNMENT.equals(client.memberClass())) {
      throw new LgspException(
          ErrorCode.ACCESS_DENIED, "only agencies (member class GOV) relay documents");
    }
    refuseDeclaredOversize(c);
    Receipt r = axis.relay(AgencyCode.parse(client.memberCode()), c.body());
    c.sendJson(r.duplicate() ? 200 : 201, r);
  }

  private void inbox(Call c) {
    c.sendJson(200, axis.inbox(caller(c), limit(c)));
  }

  private void sent(Call c) {
    c.sendJson(200, axis.sent(caller(c), limit(c)));
  }

  /** The request's {@code limit} (default 100; the axis caps it at 1,000). */
  private static int limit(Call c) {
    if (!c.request().query().contains("limit")) {
      return 100;
    }
    try {
      return Integer.parseInt(c.request().query().get("limit"));
    } catch (NumberFormatException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "limit must be a number");
    }
  }

  private void fetch(Call c) throws IOException {
    PackageBody pkg = axis.fetch(caller(c), c.uuidParameter("id", "delivery id"));
    c.response().header(HeaderNames.CONTENT_TYPE, "application/xml");
    c.response().header(HeaderNames.CONTENT_LENGTH, Long.toString(pkg.size()));
    try (InputStream in = pkg.open();
        OutputStream out = c.response().outputStream()) {
      in.transferTo(out);
    }
  }

  private void ack(Call c) {
    axis.acknowledge(caller(c), c.uuidParameter("id", "delivery id"));
    c.noContent();
  }

  private void history(Call c) {
    AgencyCode caller = caller(c);
    String documentId = c.requiredQuery("documentId");
    AgencyCode sender =
        c.request().query().contains("sender")
            ? AgencyCode.parse(c.request().query().get("sender"))
            : caller;
    c.sendJson(200, axis.history(caller, documentId, sender));
  }

  private void setWebhook(Call c) {
    WebhookRequest w;
    try {
      w = Json.read(c.body().readNBytes(8192), WebhookRequest.class);
    } catch (IOException | RuntimeException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "body must be {\"url\": \"...\"}");
    }
    if (w == null || w.url() == null) { // the JSON null binds to no object at all
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "url is required");
    }
    axis.webhook(caller(c), Optional.of(w.url()));
    c.noContent();
  }

  private void deleteWebhook(Call c) {
    axis.webhook(caller(c), Optional.empty());
    c.noContent();
  }

  @Override
  public void close() {
    client.stop();
    relay.ifPresent(WebServer::stop);
  }
}
