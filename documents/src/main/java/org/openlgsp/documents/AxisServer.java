package org.openlgsp.documents;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.Problem;

/**
 * The axis's HTTP API. Agencies' document systems call the client listener with a bearer token
 * bound to their agency code; the relay listener takes packages from other axis nodes, as the local
 * gateway forwards them (its {@code X-Road-Client} member code is the sending agency).
 */
public final class AxisServer implements AutoCloseable {
  static final String BASE = "/edoc/v1";
  private static final Logger LOG = Logger.getLogger(AxisServer.class.getName());
  private static final String XROAD_CLIENT = "X-Road-Client";

  /**
   * How much of a refused body is read and discarded before answering. An HTTP/1.1 client that is
   * still sending when the server answers and closes sees a reset instead of the answer; reading
   * the rest lets it see the problem. Beyond this, the answer says {@code Connection: close}.
   */
  static final long DRAIN_BYTES = 16L * 1024 * 1024;

  /** A handler that reads the request body, which it is given opened once. */
  private interface BodyHandler {
    void handle(ServerRequest req, ServerResponse res, InputStream body) throws Exception;
  }

  private final DocumentAxis axis;
  private final Map<AgencyCode, byte[]> tokenHashes;
  private final WebServer client;
  private final Optional<WebServer> relay;

  private AxisServer(
      DocumentAxis axis,
      Map<AgencyCode, String> tokenSha256Hex,
      String host,
      int port,
      Optional<String> relayHost,
      int relayPort) {
    this.axis = axis;
    Map<AgencyCode, byte[]> hashes = new LinkedHashMap<>();
    tokenSha256Hex.forEach(
        (agency, hex) -> {
          byte[] h = HexFormat.of().parseHex(hex);
          if (h.length != 32) {
            throw new IllegalArgumentException("token hash of " + agency + " is not SHA-256");
          }
          hashes.put(agency, h);
        });
    this.tokenHashes = Map.copyOf(hashes);
    // No payload limit in the server itself: its refusal is a bare 413 without problem+json; the
    // package limit is enforced while spooling (and from Content-Length, before reading).
    this.client =
        WebServer.builder().host(host).port(port).routing(clientRouting()).build().start();
    this.relay =
        relayHost.map(
            h ->
                WebServer.builder()
                    .host(h)
                    .port(relayPort)
                    .routing(HttpRouting.builder().post(BASE + "/relay", guardedBody(this::relay)))
                    .build()
                    .start());
  }

  /**
   * Starts the client listener, and the relay listener when {@code relayHost} is given.
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
    return new AxisServer(axis, tokenSha256Hex, host, port, relayHost, relayPort);
  }

  public static String hashToken(String token) {
    return Digests.hex(Digests.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  public int port() {
    return client.port();
  }

  public Optional<Integer> relayPort() {
    return relay.map(WebServer::port);
  }

  private HttpRouting.Builder clientRouting() {
    return HttpRouting.builder()
        .post(BASE + "/packages", guardedBody(this::submit))
        .get(BASE + "/inbox", guarded(this::inbox))
        .get(BASE + "/inbox/{id}", guarded(this::fetch))
        .post(BASE + "/inbox/{id}/ack", guarded(this::ack))
        .get(BASE + "/history", guarded(this::history))
        .put(BASE + "/webhook", guardedBody(this::setWebhook))
        .delete(BASE + "/webhook", guarded(this::deleteWebhook));
  }

  /** Body of {@code PUT /edoc/v1/webhook}. */
  record WebhookRequest(@JsonProperty("url") String url) {}

  private void submit(ServerRequest req, ServerResponse res, InputStream body) {
    AgencyCode caller = authenticate(req);
    refuseDeclaredOversize(req);
    Receipt r = axis.submit(caller, body);
    json(res, r.duplicate() ? 200 : 201, r);
  }

  /** A declared length over the limit is refused before anything is read. */
  private void refuseDeclaredOversize(ServerRequest req) {
    long limit = axis.options().maxPackageBytes();
    if (req.headers().contentLength().orElse(0) > limit) {
      throw new LgspException(
          ErrorCode.REQUEST_TOO_LARGE, "package exceeds the limit of " + limit + " bytes");
    }
  }

  private void relay(ServerRequest req, ServerResponse res, InputStream body) {
    String header =
        req.headers()
            .first(HeaderNames.create(XROAD_CLIENT))
            .orElseThrow(
                () -> new LgspException(ErrorCode.HEADER_MISSING, "X-Road-Client is required"));
    ClientId client = ClientId.parse(header);
    if (!ClientId.GOVERNMENT.equals(client.memberClass())) {
      throw new LgspException(
          ErrorCode.ACCESS_DENIED, "only agencies (member class GOV) relay documents");
    }
    refuseDeclaredOversize(req);
    Receipt r = axis.relay(AgencyCode.parse(client.memberCode()), body);
    json(res, r.duplicate() ? 200 : 201, r);
  }

  private void inbox(ServerRequest req, ServerResponse res) {
    AgencyCode caller = authenticate(req);
    int limit = 100;
    if (req.query().contains("limit")) {
      try {
        limit = Integer.parseInt(req.query().get("limit"));
      } catch (NumberFormatException e) {
        throw new LgspException(ErrorCode.REQUEST_MALFORMED, "limit must be a number");
      }
    }
    json(res, 200, axis.inbox(caller, limit));
  }

  private void fetch(ServerRequest req, ServerResponse res) {
    AgencyCode caller = authenticate(req);
    Path file = axis.fetch(caller, deliveryId(req));
    try {
      res.header(HeaderNames.CONTENT_TYPE, "application/xml");
      res.header(HeaderNames.CONTENT_LENGTH, Long.toString(Files.size(file)));
      try (OutputStream out = res.outputStream()) {
        Files.copy(file, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void ack(ServerRequest req, ServerResponse res) {
    AgencyCode caller = authenticate(req);
    axis.acknowledge(caller, deliveryId(req));
    res.status(Status.NO_CONTENT_204).send();
  }

  private void history(ServerRequest req, ServerResponse res) {
    AgencyCode caller = authenticate(req);
    String documentId = query(req, "documentId");
    AgencyCode sender =
        req.query().contains("sender") ? AgencyCode.parse(req.query().get("sender")) : caller;
    json(res, 200, axis.history(caller, documentId, sender));
  }

  private void setWebhook(ServerRequest req, ServerResponse res, InputStream body) {
    AgencyCode caller = authenticate(req);
    WebhookRequest w;
    try {
      w = Json.read(body.readNBytes(8192), WebhookRequest.class);
    } catch (IOException | RuntimeException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "body must be {\"url\": \"...\"}");
    }
    if (w.url() == null) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "url is required");
    }
    axis.webhook(caller, Optional.of(w.url()));
    res.status(Status.NO_CONTENT_204).send();
  }

  private void deleteWebhook(ServerRequest req, ServerResponse res) {
    axis.webhook(authenticate(req), Optional.empty());
    res.status(Status.NO_CONTENT_204).send();
  }

  private AgencyCode authenticate(ServerRequest req) {
    String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
    if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new LgspException(ErrorCode.TOKEN_INVALID, "Authorization: Bearer token required");
    }
    byte[] presented = Digests.sha256(auth.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    AgencyCode found = null;
    for (Map.Entry<AgencyCode, byte[]> e : tokenHashes.entrySet()) {
      // compare against every entry so timing does not reveal which one matched
      if (Digests.constantTimeEquals(presented, e.getValue())) {
        found = e.getKey();
      }
    }
    if (found == null) {
      throw new LgspException(ErrorCode.TOKEN_INVALID, "unknown token");
    }
    return found;
  }

  private static String deliveryId(ServerRequest req) {
    String id = req.path().pathParameters().get("id");
    try {
      UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "delivery id must be a UUID");
    }
    return id;
  }

  private static String query(ServerRequest req, String name) {
    if (!req.query().contains(name)) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "query parameter '" + name + "' is required");
    }
    return req.query().get(name);
  }

  /** For handlers that take no body (the stream guardedBody opens is only drained). */
  private static Handler guarded(Handler h) {
    return guardedBody((req, res, body) -> h.handle(req, res));
  }

  /**
   * Answers every failure as problem+json, after reading (up to {@link #DRAIN_BYTES}) what is left
   * of the body so that the client, still sending, receives the answer; a connection with unread
   * body left is closed, announced in the answer, so that no client reuses it.
   */
  private static Handler guardedBody(BodyHandler h) {
    return (req, res) -> {
      InputStream body = req.content().inputStream();
      try {
        h.handle(req, res, body);
      } catch (Throwable t) {
        LgspException e = classify(t);
        if (!res.isSent()) {
          Problem p = e.toProblem();
          res.status(Status.create(p.status()));
          res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
          res.header(HeaderNames.create("X-Road-Error"), e.code().xroadType());
          if (!drained(body)) {
            res.header(HeaderNames.CONNECTION, "close");
          }
          res.send(p.toJsonBytes());
        }
      }
    };
  }

  /** Reads and discards the rest of the body; false if more than {@link #DRAIN_BYTES} remain. */
  private static boolean drained(InputStream body) {
    byte[] buffer = new byte[64 * 1024];
    long read = 0;
    try {
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        read += n;
        if (read > DRAIN_BYTES) {
          return false;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false; // the body could not be read to its end: the connection cannot be reused
    }
  }

  private static LgspException classify(Throwable t) {
    if (t instanceof LgspException e) {
      return e;
    }
    if (t instanceof IllegalArgumentException e) {
      return new LgspException(ErrorCode.REQUEST_MALFORMED, "bad request");
    }
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "document axis internal error, incident " + incident, t);
    return new LgspException(ErrorCode.INTERNAL_ERROR, "internal error, incident " + incident);
  }

  private static void json(ServerResponse res, int status, Object body) {
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(Json.write(body));
  }

  @Override
  public void close() {
    client.stop();
    relay.ifPresent(WebServer::stop);
  }
}
