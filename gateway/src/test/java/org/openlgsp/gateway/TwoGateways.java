package org.openlgsp.gateway;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.PathPattern;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.PinnedTrustManager;
import org.openlgsp.pki.RevocationChecker;
import org.openlgsp.pki.TlsContexts;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Two real gateways on loopback — Tây Ninh's provincial LGSP (consumer) and the Ministry of Public
 * Security (provider) — with a population backend, a signed directory, TLS everywhere and SQLite
 * ledgers. Tests change the directory or the clock to provoke each refusal.
 */
final class TwoGateways implements AutoCloseable {
  static final Duration YEAR = Duration.ofDays(365);
  static final ClientId TAY_NINH = ClientId.member("VN", "GOV", "000.00.00.H53");
  static final ClientId MPS = ClientId.member("VN", "GOV", "000.00.00.G01");
  static final ClientId PORTAL = ClientId.subsystem("VN", "GOV", "000.00.00.H53", "DVC");
  static final ClientId OTHER_SYSTEM = ClientId.subsystem("VN", "GOV", "000.00.00.H53", "HTTT");
  static final ClientId POPULATION_DB =
      ClientId.subsystem("VN", "GOV", "000.00.00.G01", "CSDLQGDC");
  static final ServiceId CITIZENS = new ServiceId(POPULATION_DB, "citizens");
  static final NodeId TN_NODE = new NodeId(TAY_NINH, "gw1");
  static final NodeId MPS_NODE = new NodeId(MPS, "gw1");
  static final String PORTAL_SECRET = "portal-secret-0123456789";
  static final String OTHER_SECRET = "other-secret-0123456789";

  final MutableClock clock = new MutableClock();
  final CertificateAuthority ca;
  final Credentials directorySigner;
  final Credentials tnTls;
  final Credentials mpsTls;
  final Credentials tnSigning;
  final Credentials mpsSigning;
  final Credentials portalClientCert;
  final Credentials otherClientCert;
  final DirectoryHolder tnDirectory;
  final DirectoryHolder mpsDirectory;
  final Database tnDb;
  final Database mpsDb;
  static final org.openlgsp.ledger.SubjectHasher SUBJECTS =
      new org.openlgsp.ledger.SubjectHasher(new byte[32]);
  final Ledger tnLedger;
  final Ledger mpsLedger;
  final WebServer backend;
  final Gateway tn;
  final Gateway mps;
  final HttpClient http = HttpClient.newHttpClient();
  long serial = 1;

  /** Tây Ninh's signing certificates as the directory lists them (two during a rotation). */
  final List<Credentials> tnSigningCertificates = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The nodes' TLS certificates as the directory lists them (two during a rotation). */
  final List<Credentials> tnTlsCertificates = new java.util.concurrent.CopyOnWriteArrayList<>();

  final List<Credentials> mpsTlsCertificates = new java.util.concurrent.CopyOnWriteArrayList<>();

  List<Directory.Grant> grants = new ArrayList<>();

  /** The consents the directory publishes (subjects hashed with {@link #CONSENTS}). */
  List<Directory.Consent> consents = new ArrayList<>();

  /** The consent key the registry would share with the provider gateway. */
  static final org.openlgsp.core.KeyedHash CONSENTS =
      new org.openlgsp.core.KeyedHash(
          new byte[] {
            7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
            7, 7, 7
          });

  /** The OpenAPI document the directory lists for {@link #CITIZENS} (empty: none). */
  String citizensOpenApi = "";

  /** The citizens service's schema check (docs/privacy.md, "Data quality"). */
  org.openlgsp.core.SchemaCheck citizensSchemaCheck = org.openlgsp.core.SchemaCheck.OFF;

  TwoGateways(Path dir) {
    this(dir, CertificateAuthority.createRoot("Test Root", YEAR), Optional.empty());
  }

  /**
   * Gateways whose certificates {@code ca} issues; with {@code revocation}, each gateway checks
   * OCSP status through its own checker.
   */
  TwoGateways(
      Path dir,
      CertificateAuthority ca,
      Optional<java.util.function.Supplier<RevocationChecker>> revocation) {
    this(
        dir,
        ca,
        revocation,
        AdmissionLimits.defaults(),
        AdmissionLimits.defaults(),
        List.of(),
        List.of());
  }

  /**
   * Gateways that take on at most as much work at once as {@code tnLimits} and {@code mpsLimits}.
   */
  TwoGateways(Path dir, AdmissionLimits tnLimits, AdmissionLimits mpsLimits) {
    this(
        dir,
        CertificateAuthority.createRoot("Test Root", YEAR),
        Optional.empty(),
        tnLimits,
        mpsLimits,
        List.of(),
        List.of());
  }

  /** Gateways that tell {@code tnObservers} and {@code mpsObservers} of each recorded exchange. */
  TwoGateways(
      Path dir,
      List<org.openlgsp.gateway.spi.ExchangeObserver> tnObservers,
      List<org.openlgsp.gateway.spi.ExchangeObserver> mpsObservers) {
    this(
        dir,
        CertificateAuthority.createRoot("Test Root", YEAR),
        Optional.empty(),
        AdmissionLimits.defaults(),
        AdmissionLimits.defaults(),
        tnObservers,
        mpsObservers);
  }

  /** Gateways whose consumer serves Tây Ninh's two systems as {@code systems} changes them. */
  TwoGateways(Path dir, java.util.function.UnaryOperator<List<LocalSystem>> systems) {
    this(dir, systems, java.util.function.UnaryOperator.identity());
  }

  /** As above, the consumer listening as {@code tnOptions} changes its options. */
  TwoGateways(
      Path dir,
      java.util.function.UnaryOperator<List<LocalSystem>> systems,
      java.util.function.UnaryOperator<GatewayOptions> tnOptions) {
    this(
        dir,
        CertificateAuthority.createRoot("Test Root", YEAR),
        Optional.empty(),
        AdmissionLimits.defaults(),
        AdmissionLimits.defaults(),
        systems,
        tnOptions,
        java.util.function.UnaryOperator.identity(),
        List.of(),
        List.of());
  }

  /**
   * Gateways whose options {@code tnOptions} and {@code mpsOptions} change (e.g. their rate
   * limits), telling {@code tnObservers} and {@code mpsObservers} of each recorded exchange.
   */
  TwoGateways(
      Path dir,
      java.util.function.UnaryOperator<GatewayOptions> tnOptions,
      java.util.function.UnaryOperator<GatewayOptions> mpsOptions,
      List<org.openlgsp.gateway.spi.ExchangeObserver> tnObservers,
      List<org.openlgsp.gateway.spi.ExchangeObserver> mpsObservers) {
    this(
        dir,
        CertificateAuthority.createRoot("Test Root", YEAR),
        Optional.empty(),
        AdmissionLimits.defaults(),
        AdmissionLimits.defaults(),
        java.util.function.UnaryOperator.identity(),
        tnOptions,
        mpsOptions,
        tnObservers,
        mpsObservers);
  }

  private TwoGateways(
      Path dir,
      CertificateAuthority ca,
      Optional<java.util.function.Supplier<RevocationChecker>> revocation,
      AdmissionLimits tnLimits,
      AdmissionLimits mpsLimits,
      List<org.openlgsp.gateway.spi.ExchangeObserver> tnObservers,
      List<org.openlgsp.gateway.spi.ExchangeObserver> mpsObservers) {
    this(
        dir,
        ca,
        revocation,
        tnLimits,
        mpsLimits,
        java.util.function.UnaryOperator.identity(),
        java.util.function.UnaryOperator.identity(),
        java.util.function.UnaryOperator.identity(),
        tnObservers,
        mpsObservers);
  }

  private TwoGateways(
      Path dir,
      CertificateAuthority ca,
      Optional<java.util.function.Supplier<RevocationChecker>> revocation,
      AdmissionLimits tnLimits,
      AdmissionLimits mpsLimits,
      java.util.function.UnaryOperator<List<LocalSystem>> systems,
      java.util.function.UnaryOperator<GatewayOptions> tnOptionsChange,
      java.util.function.UnaryOperator<GatewayOptions> mpsOptionsChange,
      List<org.openlgsp.gateway.spi.ExchangeObserver> tnObservers,
      List<org.openlgsp.gateway.spi.ExchangeObserver> mpsObservers) {
    this.ca = ca;
    directorySigner = creds(CertificateProfile.DIRECTORY_SIGNING, "registry");
    tnTls = creds(CertificateProfile.NODE_TLS, TN_NODE.toString());
    mpsTls = creds(CertificateProfile.NODE_TLS, MPS_NODE.toString());
    tnSigning = creds(CertificateProfile.MEMBER_SIGNING, TAY_NINH.toString());
    mpsSigning = creds(CertificateProfile.MEMBER_SIGNING, MPS.toString());
    portalClientCert = creds(CertificateProfile.SYSTEM_CLIENT, PORTAL.toString());
    otherClientCert = creds(CertificateProfile.SYSTEM_CLIENT, OTHER_SYSTEM.toString());
    tnSigningCertificates.add(tnSigning);
    tnTlsCertificates.add(tnTls);
    mpsTlsCertificates.add(mpsTls);
    backend = populationBackend();
    grants.add(
        new Directory.Grant(
            PORTAL, CITIZENS, List.of("GET", "POST"), List.of(PathPattern.parse("/citizens/*"))));
    tnDirectory = new DirectoryHolder(List.of(directorySigner.certificate()), Duration.ZERO, clock);
    mpsDirectory =
        new DirectoryHolder(List.of(directorySigner.certificate()), Duration.ZERO, clock);
    publish(directory(mpsTls.certificate()));
    tnDb = TestDatabases.sqlite(dir);
    mpsDb = TestDatabases.sqlite(dir);
    tnLedger = Ledger.open(tnDb, LedgerOptions.defaults());
    mpsLedger = Ledger.open(mpsDb, LedgerOptions.defaults());
    LocalSystem portal =
        LocalSystem.withSecret(PORTAL, "portal", PORTAL_SECRET)
            .withCertificate(Certificates.fingerprint(portalClientCert.certificate()));
    LocalSystem other =
        LocalSystem.withSecret(OTHER_SYSTEM, "other", OTHER_SECRET)
            .withCertificate(Certificates.fingerprint(otherClientCert.certificate()));
    GatewayOptions tnOptions =
        tnOptionsChange.apply(
            GatewayOptions.defaults(TN_NODE).withPorts(0, 0, 0).withLimits(tnLimits));
    GatewayOptions mpsOptions =
        mpsOptionsChange.apply(
            GatewayOptions.defaults(MPS_NODE).withPorts(0, -1, 0).withLimits(mpsLimits));
    tn =
        Gateway.start(
            tnOptions,
            tnTls,
            Map.of(TAY_NINH, tnSigning),
            systems.apply(List.of(portal, other)),
            tnDirectory,
            tnLedger,
            observed(features(revocation), tnObservers));
    mps =
        Gateway.start(
            mpsOptions,
            mpsTls,
            Map.of(MPS, mpsSigning),
            List.of(),
            mpsDirectory,
            mpsLedger,
            observed(features(revocation), mpsObservers));
    publish(directory(mpsTls.certificate()));
  }

  Credentials creds(CertificateProfile profile, String cn) {
    return ca.issueCredentials(
        profile, cn, "OpenLGSP test", List.of("localhost", "127.0.0.1"), YEAR);
  }

  /**
   * The directory as the registry would publish it; {@code mpsCert} is what MPS's node presents.
   */
  Directory directory(X509Certificate mpsCert) {
    return directory(List.of(mpsCert));
  }

  /** The directory listing {@code mpsCerts} for MPS's node. */
  Directory directory(List<X509Certificate> mpsCerts) {
    int mpsPort = mps == null ? 1 : mps.peerPort();
    int tnPort = tn == null ? 1 : tn.peerPort();
    Instant now = clock.instant();
    return new Directory(
        "VN",
        serial++,
        now,
        now.plus(Duration.ofHours(1)),
        List.of(
            new Directory.Member(
                TAY_NINH,
                "UBND tỉnh Tây Ninh",
                tnSigningCertificates.stream().map(TwoGateways::b64).toList(),
                List.of()),
            new Directory.Member(MPS, "Bộ Công an", List.of(b64(mpsSigning)), List.of())),
        List.of(
            new Directory.SystemEntry(PORTAL, "Cổng dịch vụ công", TN_NODE),
            new Directory.SystemEntry(OTHER_SYSTEM, "Hệ thống khác", TN_NODE),
            new Directory.SystemEntry(POPULATION_DB, "CSDL quốc gia về dân cư", MPS_NODE)),
        List.of(
            new Directory.Node(
                TN_NODE,
                "https://127.0.0.1:" + tnPort,
                tnTlsCertificates.stream().map(TwoGateways::b64).toList()),
            new Directory.Node(
                MPS_NODE,
                "https://127.0.0.1:" + mpsPort,
                mpsCerts.stream().map(Certificates::base64).toList())),
        List.of(
            new Directory.Service(
                CITIZENS,
                "http://127.0.0.1:" + backend.port() + "/api",
                org.openlgsp.core.SubjectLocator.parse("json:/personalId,path:2"),
                citizensOpenApi,
                citizensSchemaCheck)),
        grants,
        List.of(),
        consents,
        List.of());
  }

  private static GatewayFeatures features(
      Optional<java.util.function.Supplier<RevocationChecker>> revocation) {
    GatewayFeatures features =
        GatewayFeatures.none().withSubjects(SUBJECTS).withConsentKey(CONSENTS);
    return revocation.map(r -> features.withRevocation(r.get())).orElse(features);
  }

  private static GatewayFeatures observed(
      GatewayFeatures features, List<org.openlgsp.gateway.spi.ExchangeObserver> observers) {
    for (var o : observers) {
      features = features.withObserver(o);
    }
    return features;
  }

  void publish(Directory d) {
    SignedDocument signed = SignedDocument.sign(d, directorySigner.signer());
    tnDirectory.accept(signed);
    mpsDirectory.accept(signed);
  }

  void republish() {
    publish(directory(mpsTlsCertificates.stream().map(Credentials::certificate).toList()));
  }

  private static String b64(Credentials c) {
    return Certificates.base64(c.certificate());
  }

  /** Backend lookups of citizen {@code held} wait here until the test opens it. */
  final java.util.concurrent.CountDownLatch heldRelease =
      new java.util.concurrent.CountDownLatch(1);

  final java.util.concurrent.Semaphore heldArrivals = new java.util.concurrent.Semaphore(0);

  /** What the backend answers on {@code /api/canned/...}: content type and body. */
  volatile String cannedType = "application/json";

  /**
   * The portal's grant to the citizens service with a response policy running these leak detectors
   * (docs/privacy.md, "Leak prevention"), and nothing else restricted.
   */
  static Directory.Grant portalGrantWithLeaks(org.openlgsp.core.PrivacyPolicy.LeakRule... rules) {
    return new Directory.Grant(
        PORTAL,
        CITIZENS,
        List.of(),
        List.of(),
        new org.openlgsp.core.PrivacyPolicy(
            List.of(), false, null, null, null, 0, "", List.of(rules)));
  }

  volatile byte[] cannedBody = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** Every raw path (and query) the backend was asked for, in order: what reached it at all. */
  final List<String> backendTargets = new java.util.concurrent.CopyOnWriteArrayList<>();

  private WebServer populationBackend() {
    return WebServer.builder()
        .host("127.0.0.1")
        .port(0)
        .routing(
            HttpRouting.builder()
                .addFilter(
                    (chain, req, res) -> {
                      backendTargets.add(
                          req.path().rawPath()
                              + (req.query().rawValue().isEmpty()
                                  ? ""
                                  : "?" + req.query().rawValue()));
                      chain.proceed();
                    })
                .get(
                    "/api/citizens/{id}",
                    (req, res) -> {
                      String id = req.path().pathParameters().get("id");
                      if (id.equals("headers")) { // what reached the backend, for tests
                        res.header("Content-Type", "application/json");
                        res.send(
                            Json.write(
                                req.headers().stream()
                                    .map(h -> h.name().toLowerCase(java.util.Locale.ROOT))
                                    .sorted()
                                    .toList()));
                        return;
                      }
                      if (id.equals("held")) {
                        heldArrivals.release();
                        heldRelease.await();
                      }
                      res.header("Content-Type", "application/json");
                      res.header(
                          "X-Backend-Saw-Client",
                          req.headers().first(Headers.XROAD_CLIENT).orElse(""));
                      res.send(
                          Json.write(
                              Map.of(
                                  "personalId",
                                  id,
                                  "fullName",
                                  "Nguyễn Văn An",
                                  "birthYear",
                                  1990)));
                    })
                .any(
                    "/api/mirror/*",
                    (req, res) -> { // what reached the backend, with values, for X-Road tests
                      Map<String, String> headers = new java.util.TreeMap<>();
                      req.headers()
                          .forEach(
                              h ->
                                  headers.put(
                                      h.name().toLowerCase(java.util.Locale.ROOT),
                                      String.join(",", h.allValues())));
                      byte[] body =
                          req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
                      res.header("Content-Type", "application/json");
                      res.header("X-Mirror", "seen");
                      if (req.path().rawPath().endsWith("/head-as-http-says")) {
                        res.header("Content-Length", "1234");
                        res.send();
                        return;
                      }
                      res.send(
                          Json.write(
                              Map.of(
                                  "method", req.prologue().method().text(),
                                  "path", req.path().rawPath(),
                                  "query", req.query().rawValue(),
                                  "headers", headers,
                                  "bodyLength", body.length)));
                    })
                .get(
                    "/api/canned/*",
                    (req, res) -> {
                      res.header("Content-Type", cannedType);
                      res.send(cannedBody);
                    })
                .post(
                    "/api/citizens/echo",
                    (req, res) -> {
                      byte[] body = req.content().as(byte[].class);
                      res.status(Status.CREATED_201);
                      res.header("Content-Type", "application/octet-stream");
                      res.send(body);
                    }))
        .build()
        .start();
  }

  String token() throws Exception {
    return token("portal", PORTAL_SECRET);
  }

  String token(String clientId, String secret) throws Exception {
    HttpResponse<String> r = tokenResponse(clientId, secret);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("token: " + r.statusCode() + " " + r.body());
    }
    return (String) Json.mapper().readValue(r.body(), Map.class).get("access_token");
  }

  /**
   * The portal's look-up of a citizen of the population service through Tây Ninh's gateway, with
   * the bearer {@code token}.
   */
  HttpResponse<String> citizenLookup(String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    clientHttp()
                        + "/r1/VN/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/079090001234"))
            .header("Authorization", "Bearer " + token)
            .header("X-Road-Client", PORTAL.toString())
            .header("X-Road-UserId", "VN079090001111")
            .header("X-Road-Issue", "HS-2026-000123")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What {@code POST /token} answers to these client credentials. */
  HttpResponse<String> tokenResponse(String clientId, String secret) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(clientHttp() + "/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "grant_type=client_credentials&client_id="
                        + clientId
                        + "&client_secret="
                        + secret))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String clientHttp() {
    return "http://127.0.0.1:" + tn.clientHttpPort().orElseThrow();
  }

  String clientTls() {
    return "https://127.0.0.1:" + tn.clientTlsPort();
  }

  /** An HTTP client presenting the portal's TLS client certificate and pinning the gateway's. */
  HttpClient mtlsClient() {
    return mtlsClient(portalClientCert);
  }

  /** An HTTP client presenting {@code systemCert} and pinning the gateway's certificate. */
  HttpClient mtlsClient(Credentials systemCert) {
    SSLContext ctx =
        TlsContexts.create(
            systemCert,
            new PinnedTrustManager(() -> Set.of(Certificates.fingerprint(tnTls.certificate()))));
    return HttpClient.newBuilder().sslContext(ctx).build();
  }

  /** An HTTP client presenting Tây Ninh's node certificate to MPS's peer listener. */
  HttpClient asTayNinhNode() {
    return HttpClient.newBuilder()
        .sslContext(
            TlsContexts.create(
                tnTls,
                new PinnedTrustManager(
                    () -> Set.of(Certificates.fingerprint(mpsTls.certificate())))))
        .build();
  }

  @Override
  public void close() {
    tn.close();
    mps.close();
    backend.stop();
    tnLedger.close();
    mpsLedger.close();
    tnDb.close();
    mpsDb.close();
  }
}
