package org.openlgsp.gateway;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.PinnedTrustManager;
import org.openlgsp.pki.RevocationChecker;
import org.openlgsp.pki.SwitchableKeyManager;
import org.openlgsp.pki.TlsContexts;

/**
 * A running gateway node: the client listeners local systems call (HTTPS with optional mTLS, and
 * optionally plain HTTP for bearer tokens) and the mTLS listener other gateways call.
 */
public final class Gateway implements AutoCloseable {
  private final GatewayContext ctx;
  private final List<WebServer> servers = new ArrayList<>();
  private final WebServer clientTls;
  private final WebServer peer;
  private final Optional<WebServer> clientHttp;
  private final SwitchableKeyManager nodeTls;

  private Gateway(GatewayContext ctx, SwitchableKeyManager nodeTls) {
    this.nodeTls = nodeTls;
    this.ctx = ctx;
    warnIfFileDescriptorsShort(ctx.options());
    ConsumerEndpoint consumer = new ConsumerEndpoint(ctx);
    ProviderEndpoint provider = new ProviderEndpoint(ctx);
    GatewayOptions o = ctx.options();
    Set<String> systemPins = ctx.systemsByFingerprint().keySet();
    this.clientTls =
        start(
            o.host(),
            o.clientTlsPort(),
            Optional.of(
                Tls.builder()
                    .sslContext(
                        TlsContexts.create(nodeTls, new PinnedTrustManager(() -> systemPins)))
                    .clientAuth(TlsClientAuth.OPTIONAL)
                    .endpointIdentificationAlgorithm("NONE")
                    .build()),
            clientRouting(consumer));
    this.clientHttp =
        o.clientHttpPort() < 0
            ? Optional.empty()
            : Optional.of(
                start(o.host(), o.clientHttpPort(), Optional.empty(), clientRouting(consumer)));
    DirectoryHolder directory = ctx.directory();
    this.peer =
        start(
            o.host(),
            o.peerPort(),
            Optional.of(
                Tls.builder()
                    .sslContext(
                        TlsContexts.create(
                            nodeTls,
                            new PinnedTrustManager(
                                () ->
                                    directory
                                        .view()
                                        .map(DirectoryView::allNodeFingerprints)
                                        .orElse(Set.of()))))
                    .clientAuth(TlsClientAuth.REQUIRED)
                    .endpointIdentificationAlgorithm("NONE")
                    .build()),
            HttpRouting.builder().any("/r1/*", provider::exchange).any(Gateway::notFound));
  }

  /**
   * Starts a gateway.
   *
   * @param memberSigning signing credentials of each member whose systems this gateway serves
   */
  public static Gateway start(
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
  public static Gateway start(
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
                .connectionListener(new HandshakeTimeout(options.backendTimeout()))
                .connectionCacheSize(256)
                .sendExpectContinue(false)
                .build(),
            new ReplayGuard(options.replayWindow(), clock),
            new ExchangeRecorder(ledger, options.node(), subjects),
            clock,
            GatewayContext.fingerprintIndex(localSystems),
            revocation);
    return new Gateway(ctx, tlsKeys);
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

  public GatewayOptions options() {
    return ctx.options();
  }

  private HttpRouting.Builder clientRouting(ConsumerEndpoint consumer) {
    return HttpRouting.builder()
        .post("/token", this::token)
        .get("/listClients", consumer::listClients)
        .any("/r1/*", consumer::exchange)
        .any("/r*", consumer::exchange)
        .any(Gateway::notFound);
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

  private WebServer start(String host, int port, Optional<Tls> tls, HttpRouting.Builder routing) {
    var builder =
        WebServer.builder()
            .host(host)
            .port(port)
            // Bodies up to the limit are the endpoints' to refuse (clearly, after draining them);
            // Helidon cuts off only absurd declared sizes.
            .maxPayloadSize(ctx.options().maxBodyBytes() + BodySpool.DRAIN_LIMIT)
            .maxTcpConnections(ctx.options().limits().connectionsPerListener())
            .routing(routing);
    tls.ifPresent(builder::tls);
    WebServer server = builder.build().start();
    servers.add(server);
    return server;
  }

  /** OAuth2 client-credentials grant (RFC 6749 §4.4), form body or HTTP Basic credentials. */
  private void token(ServerRequest req, ServerResponse res) {
    try {
      byte[] raw = req.content().inputStream().readNBytes(8 * 1024);
      UriQuery form = UriQuery.create(new String(raw, StandardCharsets.UTF_8));
      String grant = form.contains("grant_type") ? form.get("grant_type") : "";
      if (!"client_credentials".equals(grant)) {
        throw new LgspException(
            ErrorCode.REQUEST_MALFORMED, "grant_type must be client_credentials");
      }
      String[] basic = basicCredentials(req);
      String id =
          basic.length == 2 ? basic[0] : form.contains("client_id") ? form.get("client_id") : "";
      String secret =
          basic.length == 2
              ? basic[1]
              : form.contains("client_secret") ? form.get("client_secret") : "";
      if (id.isEmpty() || secret.isEmpty()) {
        throw new LgspException(
            ErrorCode.TOKEN_INVALID, "client_id and client_secret are required");
      }
      TokenService.Token t = ctx.tokens().issue(id, secret);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("access_token", t.accessToken());
      body.put("token_type", "Bearer");
      body.put("expires_in", t.expiresInSeconds());
      res.status(Status.OK_200);
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.header(HeaderNames.CACHE_CONTROL, "no-store");
      res.send(Json.write(body));
    } catch (Throwable t) {
      Problems.send(res, Problems.classify(t));
    }
  }

  private static String[] basicCredentials(ServerRequest req) {
    String v = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
    if (!v.regionMatches(true, 0, "Basic ", 0, 6)) {
      return new String[0];
    }
    try {
      String decoded =
          new String(
              java.util.Base64.getDecoder().decode(v.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0
          ? new String[0]
          : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    } catch (IllegalArgumentException e) {
      throw new LgspException(ErrorCode.TOKEN_INVALID, "malformed Basic credentials");
    }
  }

  private static void notFound(ServerRequest req, ServerResponse res) {
    Problems.send(
        res,
        new LgspException(
            ErrorCode.RESOURCE_NOT_FOUND, "no such endpoint; X-Road calls go to /r1/{serviceId}"));
  }

  /** The systems this node serves, for diagnostics. */
  public String describeSystems() {
    return ctx.systems().stream().map(s -> s.id().toString()).collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    servers.forEach(WebServer::stop);
  }
}
