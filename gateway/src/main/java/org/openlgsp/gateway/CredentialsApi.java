package org.openlgsp.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.AdminApi;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.Call;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditLog;

/**
 * The operator API of local systems' credentials (docs/protocol.md, "Local systems' credentials"),
 * on a listener of its own behind named bearer tokens: list for {@value #READER}; create, rotate
 * and revoke for {@value #OPERATOR}, each audited by the edge in the gateway's {@code edge_audit}
 * with the token's name as actor and the credential as target. A secret is in the one answer that
 * made it ({@code Cache-Control: no-store}) and nowhere else: not in audit rows, logs or lists.
 */
final class CredentialsApi {
  static final String READER = "credentials.reader";
  static final String OPERATOR = "credentials.operator";
  static final String BASE = "/credentials/v1";
  private static final int MAX_BODY = 4 * 1024;
  private final LocalCredentials store;

  /** The credential a change was made to, kept with the request for its audit row. */
  private record Target(String clientId, ClientId system) {}

  /** A system this gateway serves and its run-time credentials. */
  record SystemView(String system, String configuredClientId, List<CredentialView> credentials) {}

  /** A credential on the wire; absent times and actors are empty strings. */
  record CredentialView(
      String clientId,
      String system,
      String state,
      String createdAt,
      String createdBy,
      String rotatedAt,
      String rotatedBy,
      String previousValidUntil,
      String revokedAt,
      String revokedBy) {
    static CredentialView of(LocalCredentials.Credential c) {
      return new CredentialView(
          c.clientId(),
          c.system().toString(),
          c.revoked() ? "revoked" : "active",
          c.createdAt().toString(),
          c.createdBy(),
          text(c.rotatedAt()),
          c.rotatedBy().orElse(""),
          text(c.previousValidUntil()),
          text(c.revokedAt()),
          c.revokedBy().orElse(""));
    }

    private static String text(Optional<Instant> t) {
      return t.map(Instant::toString).orElse("");
    }
  }

  /** The answer to a create or rotate: the secret, this once. */
  record IssuedView(String clientId, String clientSecret, CredentialView credential) {}

  record CreateRequest(String system) {}

  record RotateRequest(String overlap) {}

  CredentialsApi(LocalCredentials store) {
    this.store = store;
  }

  static AdminApi start(LocalCredentials store, String host, int port, AuditLog audit) {
    CredentialsApi api = new CredentialsApi(store);
    AdminApi.Builder b = AdminApi.builder().routes(api.routes()).auditLog(audit);
    for (CredentialOptions.ApiToken t : store.options().tokens()) {
      b.token(
          t.name(),
          t.tokenSha256(),
          t.role().equals(CredentialOptions.OPERATOR) ? Set.of(READER, OPERATOR) : Set.of(READER));
    }
    return b.start(host, port);
  }

  List<Route> routes() {
    return List.of(
        Route.get(BASE + "/systems")
            .roles(READER)
            .audit(Audit.notAudited("lists ids and times; no secret or hash is ever listed"))
            .handle(this::systems),
        Route.post(BASE + "/credentials")
            .roles(OPERATOR)
            .audited("gateway.credential.create")
            .auditTarget(CredentialsApi::target)
            .handle(this::create),
        Route.post(BASE + "/credentials/{clientId}/rotate")
            .roles(OPERATOR)
            .audited("gateway.credential.rotate")
            .auditTarget(CredentialsApi::target)
            .handle(this::rotate),
        Route.post(BASE + "/credentials/{clientId}/revoke")
            .roles(OPERATOR)
            .audited("gateway.credential.revoke")
            .auditTarget(CredentialsApi::target)
            .handle(this::revoke));
  }

  private void systems(Call c) {
    java.util.Map<String, String> q = AdminApi.queryParameters(c, n -> n.equals("system"));
    Optional<ClientId> only = Optional.ofNullable(q.get("system")).map(CredentialsApi::system);
    List<LocalCredentials.Credential> all = store.list(only);
    List<SystemView> views =
        store.systems().stream()
            .filter(s -> only.isEmpty() || only.get().equals(s))
            .sorted(java.util.Comparator.comparing(ClientId::toString))
            .map(
                s ->
                    new SystemView(
                        s.toString(),
                        store.configuredClientId(s).orElse(""),
                        all.stream()
                            .filter(x -> x.system().equals(s))
                            .map(CredentialView::of)
                            .toList()))
            .toList();
    c.sendJson(200, views);
  }

  private void create(Call c) {
    CreateRequest r = c.json(CreateRequest.class, MAX_BODY);
    if (r.system() == null) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "system is required");
    }
    LocalCredentials.Issued issued = store.create(system(r.system()), c.caller().actor());
    remember(c, issued.credential());
    sendIssued(c, 201, issued);
  }

  private void rotate(Call c) {
    String clientId = clientId(c);
    Optional<Duration> overlap = Optional.empty();
    if (c.request().content().hasEntity()) {
      RotateRequest r = c.json(RotateRequest.class, MAX_BODY);
      overlap = Optional.ofNullable(r.overlap()).map(CredentialsApi::duration);
    }
    LocalCredentials.Issued issued;
    try {
      issued = store.rotate(clientId, overlap, c.caller().actor());
    } catch (IllegalArgumentException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, e.getMessage());
    }
    remember(c, issued.credential());
    sendIssued(c, 200, issued);
  }

  private void revoke(Call c) {
    LocalCredentials.Credential revoked = store.revoke(clientId(c), c.caller().actor());
    remember(c, revoked);
    c.sendJson(200, CredentialView.of(revoked));
  }

  private static void sendIssued(Call c, int status, LocalCredentials.Issued issued) {
    c.response().header(HeaderNames.CACHE_CONTROL, "no-store");
    c.sendJson(
        status,
        new IssuedView(
            issued.credential().clientId(),
            issued.secret(),
            CredentialView.of(issued.credential())));
  }

  private static void remember(Call c, LocalCredentials.Credential credential) {
    c.request().context().register(new Target(credential.clientId(), credential.system()));
  }

  /** The audit row's target: the credential and its system, or what was asked for. */
  static String target(ServerRequest req) {
    return req.context()
        .get(Target.class)
        .map(t -> "credential " + t.clientId() + " of " + t.system())
        .orElseGet(() -> Route.pathAndQuery(req));
  }

  private static String clientId(Call c) {
    String id = c.request().path().pathParameters().get("clientId");
    if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "not a credential's client id");
    }
    return id;
  }

  private static ClientId system(String text) {
    try {
      ClientId id = ClientId.parse(text);
      if (id.isSubsystem()) {
        return id;
      }
    } catch (RuntimeException e) {
      // answered below
    }
    throw new LgspException(
        ErrorCode.REQUEST_MALFORMED,
        "system must be a subsystem id (INSTANCE/CLASS/MEMBER/SUBSYSTEM)");
  }

  private static Duration duration(String text) {
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new LgspException(
          ErrorCode.REQUEST_MALFORMED, "overlap must be an ISO-8601 duration, e.g. PT1H");
    }
  }
}
