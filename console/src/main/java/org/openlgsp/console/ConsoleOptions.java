package org.openlgsp.console;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.NodeId;
import org.openlgsp.edge.AdminApi;
import org.openlgsp.edge.ApiLink;

/**
 * The web console of a registry node ({@code registry.console} in node.yaml, docs/console.md); each
 * key left out takes the default shown.
 *
 * @param enabled serve the console (default false)
 * @param host the listener's address (default 127.0.0.1; see docs/console.md for TLS in front)
 * @param port its port (default 8480; 0: any free port)
 * @param sessionTimeout a session unused this long ends (default PT30M)
 * @param lockoutAfter failed sign-ins in a row that lock an account (default 5)
 * @param lockoutFor how long a locked account stays locked (default PT15M)
 * @param pageSize rows per page in lists (default 50)
 * @param gateways the gateways whose operator APIs (monitoring, statistics, alerts) the console
 *     asks for its dashboard, alerts, statistics and operational records pages (default none)
 * @param oidc OpenID Connect sign-in beside the local accounts (default none: passwords only)
 * @param documents the document axis whose inbox, sent packages and status histories the document
 *     pages show, with each agency's token (default none: the pages say so)
 */
public record ConsoleOptions(
    Boolean enabled,
    String host,
    Integer port,
    Duration sessionTimeout,
    Integer lockoutAfter,
    Duration lockoutFor,
    Integer pageSize,
    List<Gateway> gateways,
    Optional<Oidc> oidc,
    Optional<Documents> documents) {
  public ConsoleOptions {
    enabled = enabled != null && enabled;
    host = host == null ? "127.0.0.1" : host;
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    port = port == null ? 8480 : port;
    if (!AdminApi.isPort(port)) {
      throw new IllegalArgumentException("port must be from 0 to 65535");
    }
    sessionTimeout = positive(sessionTimeout, Duration.ofMinutes(30), "sessionTimeout");
    lockoutAfter = lockoutAfter == null ? 5 : lockoutAfter;
    if (lockoutAfter < 1 || lockoutAfter > 100) {
      throw new IllegalArgumentException("lockoutAfter must be from 1 to 100");
    }
    lockoutFor = positive(lockoutFor, Duration.ofMinutes(15), "lockoutFor");
    pageSize = pageSize == null ? 50 : pageSize;
    if (pageSize < 5 || pageSize > 500) {
      throw new IllegalArgumentException("pageSize must be from 5 to 500");
    }
    gateways = gateways == null ? List.of() : List.copyOf(gateways);
    if (gateways.stream().map(Gateway::node).distinct().count() != gateways.size()) {
      throw new IllegalArgumentException("gateways: each node at most once");
    }
    oidc = oidc == null ? Optional.empty() : oidc;
    documents = documents == null ? Optional.empty() : documents;
  }

  public static ConsoleOptions defaults() {
    return new ConsoleOptions(null, null, null, null, null, null, null, null, null, null);
  }

  /** These options, enabled, on {@code host}:{@code port}. */
  public ConsoleOptions listening(String host, int port) {
    return copy(true, host, port, gateways, oidc, documents);
  }

  /** These options, asking {@code gateways}' operator APIs. */
  public ConsoleOptions withGateways(List<Gateway> gateways) {
    return copy(enabled, host, port, gateways, oidc, documents);
  }

  /** These options, with OpenID Connect sign-in. */
  public ConsoleOptions withOidc(Oidc oidc) {
    return copy(enabled, host, port, gateways, Optional.of(oidc), documents);
  }

  /** These options, showing the document axis {@code documents}. */
  public ConsoleOptions withDocuments(Documents documents) {
    return copy(enabled, host, port, gateways, oidc, Optional.of(documents));
  }

  // The withers change these; the account and session settings are carried over as they are.
  private ConsoleOptions copy(
      Boolean enabled,
      String host,
      Integer port,
      List<Gateway> gateways,
      Optional<Oidc> oidc,
      Optional<Documents> documents) {
    return new ConsoleOptions(
        enabled,
        host,
        port,
        sessionTimeout,
        lockoutAfter,
        lockoutFor,
        pageSize,
        gateways,
        oidc,
        documents);
  }

  /**
   * The document axis ({@code url}: its client API, e.g. {@code http://127.0.0.1:8090}) and the
   * agencies whose documents the console shows, each with the file of the bearer token the axis
   * gave that agency's document system: the console asks as that agency, so the axis's own checks
   * keep other agencies' documents out.
   */
  public record Documents(String url, List<Agency> agencies) {
    public Documents {
      agencies = agencies == null ? List.of() : List.copyOf(agencies);
      if (agencies.isEmpty()) {
        throw new IllegalArgumentException("documents: name at least one agency");
      }
      for (Agency a : agencies) {
        url = new ApiLink(url, a.tokenFile()).url(); // the same URL rules as every API link
      }
      if (agencies.stream().map(Agency::member).distinct().count() != agencies.size()) {
        throw new IllegalArgumentException("documents: each agency at most once");
      }
    }

    /** The agency's link: the axis's URL with its token file. */
    public ApiLink link(Agency a) {
      return new ApiLink(url, a.tokenFile());
    }
  }

  /** A local agency of the axis (its member id, e.g. {@code VN/GOV/000.00.00.H53}). */
  public record Agency(String member, String tokenFile) {
    public Agency {
      if (member == null) {
        throw new IllegalArgumentException("documents agency member is required");
      }
      ClientId id = ClientId.parse(member);
      if (id.isSubsystem() || !ClientId.GOVERNMENT.equals(id.memberClass())) {
        throw new IllegalArgumentException(
            "documents agency " + member + " must be an agency (a GOV member, no subsystem)");
      }
      if (tokenFile == null || tokenFile.isBlank()) {
        throw new IllegalArgumentException(
            "documents agency " + member + ": tokenFile is required");
      }
    }

    public ClientId id() {
      return ClientId.parse(member);
    }
  }

  /**
   * A gateway the console asks (its node id), and where: each of its operator APIs the console
   * uses, with the file of the token that API takes (the alerts API's operator token, to
   * acknowledge and resolve). An API left out is shown as not configured.
   */
  public record Gateway(
      String node,
      Optional<ApiLink> monitoring,
      Optional<ApiLink> statistics,
      Optional<ApiLink> alerts) {
    public Gateway {
      if (node == null) {
        throw new IllegalArgumentException("gateway node is required");
      }
      NodeId.parse(node);
      monitoring = monitoring == null ? Optional.empty() : monitoring;
      statistics = statistics == null ? Optional.empty() : statistics;
      alerts = alerts == null ? Optional.empty() : alerts;
      if (monitoring.isEmpty() && statistics.isEmpty() && alerts.isEmpty()) {
        throw new IllegalArgumentException(
            "gateway " + node + ": name at least one of monitoring, statistics, alerts");
      }
    }
  }

  /**
   * Optional OpenID Connect sign-in of a console ({@code console.oidc} in node.yaml,
   * docs/console.md "OpenID Connect sign-in"): the authorization code flow with PKCE against one
   * provider, whose identities map to the console's own accounts.
   *
   * @param issuer the provider's issuer identifier; its {@code /.well-known/openid-configuration}
   *     must name the same issuer (https, or http on a loopback address only)
   * @param clientId this console's client id at the provider (the ID token's audience)
   * @param clientSecretFile a file (relative to node.yaml's folder) holding the client secret, sent
   *     to the token endpoint with HTTP Basic; never logged or shown
   * @param redirectUri where the provider sends the browser back: this console's {@code
   *     /login/oidc/callback} as the browser reaches it (registered at the provider)
   * @param scopes the scopes asked (default {@code [openid]}; must hold {@code openid})
   * @param claim the ID token claim naming the person (default {@code sub}; e.g. {@code email},
   *     then only with {@code email_verified: true})
   * @param accounts the value of {@code claim} for each console account that may sign in this way,
   *     to its username: an identity not listed is refused; role and agency stay the account's
   * @param mfaAmr {@code amr} values that prove the provider checked a second factor: with one of
   *     them the console does not ask its own TOTP code (default none: always asked)
   * @param mfaAcr {@code acr} values with the same effect (default none)
   */
  public record Oidc(
      String issuer,
      String clientId,
      String clientSecretFile,
      String redirectUri,
      List<String> scopes,
      String claim,
      Map<String, String> accounts,
      List<String> mfaAmr,
      List<String> mfaAcr) {
    /** The path of the callback route {@link #redirectUri} must name. */
    public static final String CALLBACK = "/login/oidc/callback";

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    public Oidc {
      issuer = required(issuer, "issuer");
      URI iss = uri(issuer, "issuer");
      if (iss.getQuery() != null || iss.getFragment() != null) {
        throw new IllegalArgumentException("oidc.issuer: no query or fragment");
      }
      clientId = required(clientId, "clientId");
      clientSecretFile = required(clientSecretFile, "clientSecretFile");
      redirectUri = required(redirectUri, "redirectUri");
      URI redirect = uri(redirectUri, "redirectUri");
      if (!CALLBACK.equals(redirect.getPath()) || redirect.getQuery() != null) {
        throw new IllegalArgumentException(
            "oidc.redirectUri: must be this console's " + CALLBACK + " (no query)");
      }
      scopes = scopes == null ? List.of("openid") : List.copyOf(scopes);
      if (!scopes.contains("openid")) {
        throw new IllegalArgumentException("oidc.scopes: must hold openid");
      }
      for (String s : scopes) {
        if (!s.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+")) {
          throw new IllegalArgumentException("oidc.scopes: not a scope token: " + s);
        }
      }
      claim = claim == null ? "sub" : claim;
      if (!claim.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException("oidc.claim: a claim name");
      }
      if (accounts == null || accounts.isEmpty()) {
        throw new IllegalArgumentException(
            "oidc.accounts: map at least one identity to a console account");
      }
      accounts = new TreeMap<>(accounts);
      for (Map.Entry<String, String> e : accounts.entrySet()) {
        try {
          Accounts.requireUsername(e.getValue());
        } catch (IllegalArgumentException | NullPointerException bad) {
          throw new IllegalArgumentException(
              "oidc.accounts: " + e.getKey() + " maps to no valid username", bad);
        }
      }
      accounts = Map.copyOf(accounts);
      mfaAmr = mfaAmr == null ? List.of() : List.copyOf(mfaAmr);
      mfaAcr = mfaAcr == null ? List.of() : List.copyOf(mfaAcr);
    }

    private static String required(String value, String name) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("oidc." + name + " is required");
      }
      return value;
    }

    /**
     * An absolute https URI, or http on a loopback address (tests, a provider on the same host).
     */
    private static URI uri(String value, String name) {
      URI u;
      try {
        u = new URI(value);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("oidc." + name + ": not a URI");
      }
      boolean https = "https".equals(u.getScheme());
      boolean loopbackHttp = "http".equals(u.getScheme()) && LOOPBACK.contains(u.getHost());
      if (u.getHost() == null || !(https || loopbackHttp)) {
        throw new IllegalArgumentException(
            "oidc." + name + ": https (http only on a loopback address)");
      }
      return u;
    }
  }

  private static Duration positive(Duration d, Duration fallback, String name) {
    if (d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return d;
  }
}
