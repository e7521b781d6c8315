package org.openlgsp.edge;

import io.helidon.webserver.WebServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.spi.AuditLog;

/**
 * A node's operator API on a listener of its own (monitoring, statistics, alerts): routes behind
 * named bearer tokens known by their SHA-256, refused with {@link ErrorCode#ADMIN_UNAUTHENTICATED},
 * state changes audited. The option checks every such API shares live here too, so the three
 * modules refuse a bad port or token hash in the same words.
 */
public final class AdminApi implements AutoCloseable {
  private final WebServer server;

  private AdminApi(WebServer server) {
    this.server = server;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks the {@code apiPort}/{@code apiTokenSha256} pair of an options record: a port from 0 to
   * 65535, given together with a token hash of 64 lower-case hex digits, and only when the feature
   * is {@code enabled}; {@code api} names the API in that last refusal ("the query API").
   */
  public static void checkOptions(
      boolean enabled, Optional<Integer> apiPort, Optional<String> apiTokenSha256, String api) {
    if (apiPort.filter(p -> !isPort(p)).isPresent()) {
      throw new IllegalArgumentException("apiPort must be from 0 to 65535");
    }
    if (apiPort.isPresent() != apiTokenSha256.isPresent()) {
      throw new IllegalArgumentException("apiPort and apiTokenSha256 go together");
    }
    if (apiTokenSha256.filter(t -> !isTokenSha256(t)).isPresent()) {
      throw new IllegalArgumentException("apiTokenSha256 must be 64 lower-case hex digits");
    }
    if (apiPort.isPresent() && !enabled) {
      throw new IllegalArgumentException(api + " needs enabled: true");
    }
  }

  /**
   * The query parameters of an operator API's call, each given once: a name {@code known} refuses
   * or a name given twice is {@link ErrorCode#QUERY_FILTER_INVALID}.
   */
  public static Map<String, String> queryParameters(Call c, Predicate<String> known) {
    Map<String, String> params = new HashMap<>();
    for (String name : c.request().query().names()) {
      List<String> values = c.request().query().all(name);
      if (!known.test(name)) {
        throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "unknown parameter '" + name + "'");
      }
      if (values.size() != 1) {
        throw new LgspException(ErrorCode.QUERY_FILTER_INVALID, "'" + name + "' given twice");
      }
      params.put(name, values.getFirst());
    }
    return params;
  }

  /** A TCP port a listener can be given (0: any free one). */
  public static boolean isPort(int port) {
    return port >= 0 && port <= 65_535;
  }

  /** The hex SHA-256 of a token as configuration gives it: 64 lower-case hex digits. */
  public static boolean isTokenSha256(String hex) {
    return hex.matches("[0-9a-f]{64}");
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop();
  }

  /** The routes, tokens and audit log of one API. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private final BearerTokens.Builder tokens =
        BearerTokens.builder(ErrorCode.ADMIN_UNAUTHENTICATED);
    private Optional<AuditLog> audit = Optional.empty();

    private Builder() {}

    public Builder routes(List<Route> more) {
      routes.addAll(more);
      return this;
    }

    /** A token named {@code name} (the audit actor) by its hex SHA-256, holding {@code roles}. */
    public Builder token(String name, String sha256Hex, Set<String> roles) {
      tokens.token(name, sha256Hex, roles);
      return this;
    }

    public Builder auditLog(AuditLog auditLog) {
      this.audit = Optional.of(auditLog);
      return this;
    }

    /** Starts listening on {@code host}:{@code port} (0: any free port). */
    public AdminApi start(String host, int port) {
      Edge.Builder b = Edge.builder().routes(routes).authenticator(tokens.build());
      audit.ifPresent(b::auditLog);
      Edge edge = b.build();
      return new AdminApi(Edge.start(edge.configure(WebServer.builder().host(host).port(port))));
    }
  }
}
