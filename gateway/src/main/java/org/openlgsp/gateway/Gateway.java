package org.openlgsp.gateway;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.Method;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.edge.Access;
import org.openlgsp.edge.Audit;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.edge.Edge;
import org.openlgsp.edge.Handler;
import org.openlgsp.edge.ProblemWriter;
import org.openlgsp.edge.Route;
import org.openlgsp.edge.spi.AuditLog;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.PinnedTrustManager;
import org.openlgsp.pki.RevocationChecker;
import org.openlgsp.pki.SwitchableKeyManager;
import org.openlgsp.pki.TlsContexts;

/**
 * A running gateway node: the client listeners local systems call (HTTPS with optional mTLS, and
 * optionally plain HTTP for bearer tokens and listed source addresses) and the mTLS listener other
 * gateways call, each put together by an {@link Edge}.
 *
 * <p>Who may call what, as declared:
 *
 * <ul>
 *   <li>Client listeners: the X-Road API ({@code /r1/...} exchanges and metaservices, {@code
 *       /listClients}) is open to the role {@link LocalSystems#ROLE}, which the edge establishes
 *       from a registered TLS client certificate or a bearer token before the handler runs. A
 *       failed authentication was never recorded in the ledger (the exchange is not identified
 *       yet), so it can be the edge's to refuse. Exchanges are recorded in the ledger, refusals
 *       included once the exchange is identified; {@code POST /token} is public (it is itself the
 *       authentication) and audited as {@code token.issue} in the gateway database's {@code
 *       edge_audit}, failed attempts bounded like any failed authentication.
 *   <li>Peer listener: public to the edge, because the transport authenticates: the TLS handshake
 *       requires a client certificate pinned to the directory's node certificates. The provider
 *       endpoint then maps the certificate to a directory node and answers every refusal signed and
 *       recorded in the ledger, which an edge-level refusal could not be.
 * </ul>
 */
public final class Gateway implements AutoCloseable {
  private static final List<Method> EXCHANGE_METHODS =
      List.of(
          Method.GET,
          Method.HEAD,
          Method.POST,
          Method.PUT,
          Method.PATCH,
          Method.DELETE,
          Method.OPTIONS);
  private final GatewayContext ctx;
  private final List<WebServer> servers = new ArrayList<>();
  private final Edge clientEdge;
  private final Edge peerEdge;
  private final WebServer clientTls;
  private final WebServer peer;
  private final Optional<WebServer> clientHttp;
  private final SwitchableKeyManager nodeTls;
  private final Admission consumerAdmission;
  private final Admission providerAdmission;
  private volatile Optional<LocalCredentials> credentials = Optional.empty();

  private Gateway(GatewayContext ctx, SwitchableKeyManager nodeTls, AuditLog audit) {
    this.nodeTls = nodeTls;
    this.ctx = ctx;
    warnIfFileDescriptorsShort(ctx.options());
    LocalSystems systems =
        new LocalSystems(ctx.systems(), ctx.systemsByFingerprint(), ctx.tokens(), ctx.revocation());
    ConsumerEndpoint consumer = new ConsumerEndpoint(ctx, systems);
    ProviderEndpoint provider = new ProviderEndpoint(ctx);
    this.consumerAdmission = consumer.admission();
    this.providerAdmission = provider.admission();
    this.clientEdge =
        Edge.builder()
            .routes(clientRoutes(consumer, new TokenEndpoint(ctx.tokens())))
            .authenticator(systems)
            .auditLog(audit)
            .errorWriter(XRoadErrors.INSTANCE)
            .drainOnError(BodySpool.DRAIN_LIMIT)
            .clock(ctx.clock())
            .build();
    this.peerEdge =
        Edge.builder()
            // a hub relays sealed exchanges and serves no service of its own
            .routes(
                peerRoutes(ctx.hub().relay() ? new HubEndpoint(ctx)::relay : provider::exchange))
            .errorWriter(ProblemWriter.withXRoadError())
            .drainOnError(BodySpool.DRAIN_LIMIT)
            .clock(ctx.clock())
            .build();
    GatewayOptions o = ctx.options();
    Set<String> systemPins = ctx.systemsByFingerprint().keySet();
    this.clientTls =
        start(
            clientEdge,
            o.host(),
            o.clientTlsPort(),
            Optional.of(
                TlsPolicy.server(
                    TlsContexts.create(nodeTls, new PinnedTrustManager(() -> systemPins)),
                    TlsClientAuth.OPTIONAL)));
    this.clientHttp =
        o.clientHttpPort() < 0
            ? Optional.empty()
            : Optional.of(start(clientEdge, o.host(), o.clientHttpPort(), Optional.empty()));
    DirectoryHolder directory = ctx.directory();
    this.peer =
        start(
            peerEdge,
            o.host(),
            o.peerPort(),
            Optional.of(
                TlsPolicy.server(
                    TlsContexts.create(
                        nodeTls,
                        new PinnedTrustManager(
                            () ->
                                directory
                                    .view()
                                    .map(DirectoryView::allNodeFingerprints)
                                    .orElse(Set.of()))),
                    TlsClientAuth.REQUIRED)));
  }

  /**
   * Starts a gateway.
   *
   * @param memberSigning signing credentials of each member whose systems this gateway serves
   */
  static Gateway start(
      GatewayOptions options,
      Credentials nodeTls,
      Map<ClientId, Credentials> memberSigning,
      List<LocalSystem> systems,
      DirectoryHolder directory,
      Ledger ledger) {
    return start(
        options, nodeTls, memberSigning, systems, directory, ledger, GatewayFeatures.none());
  }

  /**
   * Starts a gateway that checks the OCSP status of peers' TLS and signing certificates with {@code
   * revocation} and attaches fresh answers for its own certificates to what it signs.
   */
  static Gateway start(
      GatewayOptions options,
      Credentials nodeTls,
      Map<ClientId, Credentials> memberSigning,
      List<LocalSystem> systems,
      DirectoryHolder directory,
      Ledger ledger,
      RevocationChecker revocation) {
    return start(
        options,
        nodeTls,
        memberSigning,
        systems,
        directory,
        ledger,
        GatewayFeatures.none().withRevocation(revocation));
  }

  /**
   * Starts a gateway with {@code features}: OCSP checking and stapling when it has a revocation
   * checker; keyed hashes of data-subject IDs of personal-data services when it has a subject
   * hasher (the installation's secret), otherwise no subject is recorded.
   */
  public static Gateway start(
      GatewayOptions options,
      Credentials nodeTls,
      Map<ClientId, Credentials> memberSigning,
      List<LocalSystem> systems,
      DirectoryHolder directory,
      Ledger ledger,
      GatewayFeatures features) {
    Revocation revocation =
        features.revocation().map(Revocation::checkedBy).orElseGet(Revocation::off);
    Optional<org.openlgsp.ledger.SubjectHasher> subjects = features.subjects();
    // Mutable so a member can roll to a new signing key while traffic flows.
    Map<ClientId, MessageSigner> signers = new java.util.concurrent.ConcurrentHashMap<>();
    memberSigning.forEach((member, creds) -> signers.put(member.memberId(), creds.signer()));
    if (!signers.containsKey(options.node().owner())) {
      throw new IllegalArgumentException(
          "the node owner " + options.node().owner() + " needs signing credentials");
    }
    Clock clock = directory.clock();
    // One key manager for both listeners and every peer client, so one call switches them all.
    SwitchableKeyManager tlsKeys = new SwitchableKeyManager(nodeTls);
    List<LocalSystem> localSystems = List.copyOf(systems);
    GatewayContext ctx =
        new GatewayContext(
            options,
            directory,
            signers,
            localSystems,
            new TokenService(localSystems, options.tokenTtl(), clock),
            new PeerClients(tlsKeys, directory, options.backendTimeout(), revocation),
            WebClient.builder()
                .followRedirects(false)
                // backends are reached directly; with a proxy set, Helidon adds Proxy-Connection
                .proxy(io.helidon.webclient.api.Proxy.noProxy())
                .connectionListener(new HandshakeTimeout(options.backendTimeout()))
                .connectionCacheSize(256)
                .sendExpectContinue(false)
                .build(),
            ReplayGuard.durable(options.replayWindow(), clock, ledger),
            new ExchangeRecorder(
                ledger,
                options.node(),
                subjects,
                features.observers(),
                Optional.of(directory),
                options.instance()),
            clock,
            GatewayContext.fingerprintIndex(localSystems),
            revocation,
            features.consents(),
            features.encryption(),
            features.hub(),
            new RateLimiter(options.rateLimits(), clock));
    return new Gateway(ctx, tlsKeys, DatabaseAuditLog.open(ledger.database()));
  }

  /**
   * Presents {@code credentials} as this node's TLS identity from the next handshake on, on both
   * listeners and towards peers: the second half of a TLS key rotation, once the registry publishes
   * the new certificate next to the old one and peers have that directory. Exchanges in flight
   * finish on their connections; new exchanges to peers go over new connections made with the new
   * key. Remove the old certificate from the directory afterwards.
   *
   * @throws IllegalArgumentException when the key does not belong to the certificate
   */
  public void useNodeTls(Credentials credentials) {
    nodeTls.use(credentials);
  }

  /**
   * Opens the store of local systems' credentials created at run time in {@code db} (the gateway's
   * database; migrated here): {@code POST /token} accepts them from now on, beside node.yaml's.
   * Revocations made by other instances sharing the database are read every {@link
   * LocalCredentials#REVOCATION_POLL}, dropping the tokens this one issued under them. Call once.
   */
  public LocalCredentials openCredentials(
      org.openlgsp.storage.Database db, CredentialOptions options) {
    LocalCredentials store = LocalCredentials.open(db, ctx.systems(), options, ctx.clock());
    ctx.tokens().attach(store);
    store.pollEvery(LocalCredentials.REVOCATION_POLL);
    credentials = Optional.of(store);
    return store;
  }

  /** The certificate this gateway signs with for {@code member} now, if it signs for it. */
  public Optional<java.security.cert.X509Certificate> signingCertificate(ClientId member) {
    return ctx.signer(member.memberId()).map(MessageSigner::certificate);
  }

  /** The TLS certificate this node presents now. */
  public java.security.cert.X509Certificate nodeTlsCertificate() {
    return nodeTls.current().certificate();
  }

  /**
   * Signs from now on for {@code member} with {@code credentials}: the second half of a key
   * rotation, once the registry publishes the new certificate next to the old one (peers accept
   * both until the old one is removed or revoked).
   */
  public void useSigningCredentials(ClientId member, Credentials credentials) {
    ClientId id = member.memberId();
    if (!ctx.signers().containsKey(id)) {
      throw new IllegalArgumentException("this gateway does not sign for member " + id);
    }
    credentials.requireMatchingKey();
    ctx.signers().put(id, credentials.signer());
  }

  public int clientTlsPort() {
    return clientTls.port();
  }

  /** The plain-HTTP client port, when enabled. */
  public Optional<Integer> clientHttpPort() {
    return clientHttp.map(WebServer::port);
  }

  public int peerPort() {
    return peer.port();
  }

  /**
   * Registers the gateway's own meters (docs/ops.md): admission of both endpoints ({@code
   * side="consumer"} for the client-facing one, {@code "provider"} for the peer-facing one) and the
   * refusals of its rate limits and quotas ({@code lgsp.ratelimit.refusals}).
   */
  public void bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
    consumerAdmission.bindTo(registry, "consumer");
    providerAdmission.bindTo(registry, "provider");
    ctx.rateLimiter().bindTo(registry);
  }

  public GatewayOptions options() {
    return ctx.options();
  }

  /** Every route of the client listeners, as declared. */
  List<Route> clientRoutes() {
    return clientEdge.routes();
  }

  /** Every route of the peer listener, as declared. */
  List<Route> peerRoutes() {
    return peerEdge.routes();
  }

  private static List<Route> clientRoutes(ConsumerEndpoint consumer, TokenEndpoint token) {
    List<Route> routes = new ArrayList<>();
    routes.add(
        Route.post(TokenEndpoint.PATH)
            .publicAccess(
                "the request is the authentication: the handler checks the client"
                    + " credentials, and a refusal counts as a failed authentication")
            .audited("token.issue")
            .auditTarget(TokenEndpoint::auditTarget)
            .handle(token::issue));
    routes.add(
        Route.get("/listClients")
            .publicAccess(
                "as in X-Road, listClients needs no client credentials: it lists what every"
                    + " node's signed directory holds")
            .audit(Audit.notAudited("lists the members of the signed directory every node holds"))
            .handle(consumer::listClients));
    // "/r*", not "/r1/*": the handler answers other protocol versions (/r2/...) itself
    for (Method m : EXCHANGE_METHODS) {
      routes.add(
          exchange(
              m,
              "/r*",
              Access.roles(LocalSystems.ROLE),
              "the exchange is recorded in the ledger, refusals too once the client, service and"
                  + " message id are known; the metaservices answer from the signed directory",
              consumer::exchange));
    }
    return routes;
  }

  private static List<Route> peerRoutes(Handler peerExchange) {
    return EXCHANGE_METHODS.stream()
        .map(
            m ->
                exchange(
                    m,
                    "/r1/*",
                    Access.publicAccess(
                        "mutual TLS: the handshake requires a certificate pinned to the"
                            + " directory's nodes; the handler maps it to its node and signs its"
                            + " refusals"),
                    "the exchange is recorded in the ledger, refusals too once the client, service"
                        + " and message id are known",
                    peerExchange))
        .toList();
  }

  private static Route exchange(
      Method method, String path, Access access, String recordedWhere, Handler handler) {
    return new Route(
        method,
        path,
        access,
        Audit.recordedElsewhere(recordedWhere),
        false,
        Route::pathAndQuery,
        handler);
  }

  /**
   * A listener that runs out of file descriptors stops accepting for good, so say at start-up when
   * the process limit is below what the configured limits can use.
   */
  private static void warnIfFileDescriptorsShort(GatewayOptions o) {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long needed = o.limits().fileDescriptorsNeeded(o.clientHttpPort() < 0 ? 2 : 3);
      long max = unix.getMaxFileDescriptorCount();
      if (max < needed) {
        java.util.logging.Logger.getLogger(Gateway.class.getName())
            .warning(
                "open-file limit "
                    + max
                    + " is below the "
                    + needed
                    + " the gateway's limits can use: raise it (ulimit -n, LimitNOFILE=) or lower"
                    + " gateway.limits.connectionsPerListener");
      }
    }
  }

  private WebServer start(Edge edge, String host, int port, Optional<Tls> tls) {
    var builder =
        WebServer.builder()
            .host(host)
            .port(port)
            // Bodies up to the limit are the endpoints' to refuse (clearly, after draining them);
            // Helidon cuts off only absurd declared sizes.
            .maxPayloadSize(ctx.options().maxBodyBytes() + BodySpool.DRAIN_LIMIT)
            .maxTcpConnections(ctx.options().limits().connectionsPerListener());
    tls.ifPresent(builder::tls);
    WebServer server = Edge.start(edge.configure(builder));
    servers.add(server);
    return server;
  }

  /** The systems this node serves, for diagnostics. */
  String describeSystems() {
    return ctx.systems().stream().map(s -> s.id().toString()).collect(Collectors.joining(", "));
  }

  /**
   * Stops every listener at once: all refuse new connections from the same moment and drain the
   * requests in flight in parallel (each up to the edge's drain period).
   */
  @Override
  public void close() {
    List<Thread> stopping =
        servers.stream().map(s -> Thread.ofVirtual().name("stop-listener").start(s::stop)).toList();
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    // After the listeners: no request in flight still waits for its nonce to be recorded.
    ctx.replay().close();
    credentials.ifPresent(LocalCredentials::close);
  }
}
