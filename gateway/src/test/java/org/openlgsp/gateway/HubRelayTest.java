package org.openlgsp.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.PathPattern;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.ledger.ExchangeRecord;
import org.openlgsp.ledger.Ledger;
import org.openlgsp.ledger.LedgerEntry;
import org.openlgsp.ledger.LedgerOptions;
import org.openlgsp.ledger.Side;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.PinnedTrustManager;
import org.openlgsp.pki.TlsContexts;
import org.openlgsp.storage.Database;

/**
 * Hub mode through three real gateways on loopback (docs/federation.md): Tây Ninh's consumer
 * gateway, the national hub gateway and the population database's provider gateway, each with its
 * own SQLite ledger and its own copy of the signed directory. The request and the answer are sealed
 * end to end (CMS), the hub relays on the envelope alone; a hub that tampers, replays, strips the
 * sealing or relays a route the agreement does not allow is refused.
 */
class HubRelayTest {
  private static final Duration YEAR = Duration.ofDays(365);
  private static final ClientId TAY_NINH = ClientId.member("VN", "GOV", "000.00.00.H53");
  private static final ClientId MPS = ClientId.member("VN", "GOV", "000.00.00.G01");
  private static final ClientId NDXP = ClientId.member("VN", "GOV", "000.00.00.A01");
  private static final ClientId PORTAL = ClientId.subsystem("VN", "GOV", "000.00.00.H53", "DVC");
  private static final ClientId POPULATION =
      ClientId.subsystem("VN", "GOV", "000.00.00.G01", "CSDLQGDC");
  private static final ServiceId CITIZENS = new ServiceId(POPULATION, "citizens");
  private static final NodeId TN_NODE = new NodeId(TAY_NINH, "gw1");
  private static final NodeId MPS_NODE = new NodeId(MPS, "gw1");
  private static final NodeId HUB_NODE = new NodeId(NDXP, "hub");
  private static final org.openlgsp.ledger.SubjectHasher SUBJECTS =
      new org.openlgsp.ledger.SubjectHasher(new byte[32]);
  private static final String SECRET = "portal-secret-0123456789";
  private static final String CITIZEN = "079203001234";
  private static final String USER = "VN-CCCD-038090001122";
  private static final String ISSUE = "HS-2026-000123";

  @TempDir Path dir;

  private CertificateAuthority ca;
  private Credentials directorySigner;
  private Credentials tnTls;
  private Credentials mpsTls;
  private Credentials hubTls;
  private Credentials tnSigning;
  private Credentials mpsSigning;
  private Credentials hubSigning;
  private Credentials tnEncryption;
  private Credentials mpsEncryption;
  private DirectoryHolder tnDir;
  private DirectoryHolder mpsDir;
  private DirectoryHolder hubDir;
  private Database tnDb;
  private Database mpsDb;
  private Database hubDb;
  private Path hubDbFolder;
  private Ledger tnLedger;
  private Ledger mpsLedger;
  private Ledger hubLedger;
  private WebServer backend;
  private Gateway tn;
  private Gateway mps;
  private Gateway hub;
  private EvilHub evil;
  private final List<String> backendSaw = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private long serial = 1;

  @BeforeEach
  void start() throws Exception {
    ca = CertificateAuthority.createRoot("Test Root", YEAR);
    directorySigner = creds(CertificateProfile.DIRECTORY_SIGNING, "registry");
    tnTls = creds(CertificateProfile.NODE_TLS, TN_NODE.toString());
    mpsTls = creds(CertificateProfile.NODE_TLS, MPS_NODE.toString());
    hubTls = creds(CertificateProfile.NODE_TLS, HUB_NODE.toString());
    tnSigning = creds(CertificateProfile.MEMBER_SIGNING, TAY_NINH.toString());
    mpsSigning = creds(CertificateProfile.MEMBER_SIGNING, MPS.toString());
    hubSigning = creds(CertificateProfile.MEMBER_SIGNING, NDXP.toString());
    tnEncryption = creds(CertificateProfile.MEMBER_ENCRYPTION, TAY_NINH.toString());
    mpsEncryption = creds(CertificateProfile.MEMBER_ENCRYPTION, MPS.toString());
    backend = backend();
    tnDir = holder();
    mpsDir = holder();
    hubDir = holder();
    tnDb = Database.sqlite(Files.createDirectories(dir.resolve("tn")).resolve("ledger.db"));
    mpsDb = Database.sqlite(Files.createDirectories(dir.resolve("mps")).resolve("ledger.db"));
    hubDbFolder = Files.createDirectories(dir.resolve("hub"));
    hubDb = Database.sqlite(hubDbFolder.resolve("ledger.db"));
    tnLedger = Ledger.open(tnDb, LedgerOptions.defaults());
    mpsLedger = Ledger.open(mpsDb, LedgerOptions.defaults());
    hubLedger = Ledger.open(hubDb, LedgerOptions.defaults());
    HubRouting viaHub = new HubRouting(false, Map.of("VN", HUB_NODE));
    tn =
        Gateway.start(
            GatewayOptions.defaults(TN_NODE).withPorts(0, 0, 0),
            tnTls,
            Map.of(TAY_NINH, tnSigning),
            List.of(LocalSystem.withSecret(PORTAL, "portal", SECRET)),
            tnDir,
            tnLedger,
            GatewayFeatures.none()
                .withSubjects(SUBJECTS)
                .withEncryptionKey(TAY_NINH, tnEncryption)
                .withHub(viaHub));
    mps =
        Gateway.start(
            GatewayOptions.defaults(MPS_NODE).withPorts(0, -1, 0),
            mpsTls,
            Map.of(MPS, mpsSigning),
            List.of(),
            mpsDir,
            mpsLedger,
            GatewayFeatures.none()
                .withSubjects(SUBJECTS)
                .withEncryptionKey(MPS, mpsEncryption)
                .withHub(viaHub));
    hub =
        Gateway.start(
            GatewayOptions.defaults(HUB_NODE).withPorts(0, -1, 0),
            hubTls,
            Map.of(NDXP, hubSigning),
            List.of(),
            hubDir,
            hubLedger,
            GatewayFeatures.none()
                .withSubjects(SUBJECTS) // even able to hash subjects, it sees none
                .withHub(new HubRouting(true, Map.of())));
    publishAll(hub.peerPort(), true);
  }

  @AfterEach
  void stop() {
    if (evil != null) {
      evil.server.stop(0);
    }
    for (Gateway g : List.of(tn, mps, hub)) {
      g.close();
    }
    backend.stop();
    for (Ledger l : List.of(tnLedger, mpsLedger, hubLedger)) {
      l.close();
    }
    for (Database d : List.of(tnDb, mpsDb, hubDb)) {
      d.close();
    }
  }

  @Test
  void aCitizenLookupGoesThroughTheHubSealedEndToEndWithEveryHopsRecord() throws Exception {
    HttpResponse<String> r = lookup();

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains(CITIZEN).contains("Nguyễn Văn An");
    // the backend got the request as the portal sent it: path and personal-data header opened
    assertThat(backendSaw).containsExactly("/api/citizens/" + CITIZEN + " user=" + USER);

    ExchangeRecord consumer = last(tnLedger);
    ExchangeRecord relay = last(hubLedger);
    ExchangeRecord provider = last(mpsLedger);
    assertThat(consumer.side()).isEqualTo(Side.CONSUMER);
    assertThat(relay.side()).isEqualTo(Side.RELAY);
    assertThat(provider.side()).isEqualTo(Side.PROVIDER);
    assertThat(List.of(relay.messageId(), provider.messageId())).containsOnly(consumer.messageId());
    // the consumer's signature reaches the provider unchanged, the provider's comes back unchanged
    assertThat(relay.requestSignature())
        .isNotEmpty()
        .isEqualTo(consumer.requestSignature())
        .isEqualTo(provider.requestSignature());
    assertThat(relay.responseSignature())
        .isNotEmpty()
        .isEqualTo(consumer.responseSignature())
        .isEqualTo(provider.responseSignature());
    assertThat(relay.requestBodyDigest()).isEqualTo(provider.requestBodyDigest());
    assertThat(relay.responseBodyDigest()).isEqualTo(consumer.responseBodyDigest());
    // each side records what it may know: the ends the path and user, the hub neither
    // (the ledgers keep the subject's ID out of the path: it is in the keyed subject hash)
    assertThat(consumer.path()).isEqualTo("/citizens/{subject}");
    assertThat(provider.path()).isEqualTo("/citizens/{subject}");
    assertThat(provider.subjectHash()).isNotEmpty().isEqualTo(consumer.subjectHash());
    assertThat(relay.subjectHash()).isEmpty();
    assertThat(provider.userId()).isEqualTo(USER);
    assertThat(relay.path()).isEmpty();
    assertThat(relay.userId()).isEmpty();
    assertThat(relay.issue()).isEmpty();
    assertThat(provider.issue()).isEqualTo(ISSUE);
    assertThat(relay.method()).isEqualTo("POST");
    assertThat(relay.status()).isEqualTo(200);
    assertThat(relay.client()).isEqualTo(PORTAL);
    assertThat(relay.service()).isEqualTo(CITIZENS);
  }

  @Test
  void theHubsLedgerDatabaseAndLogsHoldNoPlaintextBodyNorPersonalId() throws Exception {
    // every log record of the JVM (the three gateways, Helidon) while exchanges go through
    List<String> logged = new CopyOnWriteArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            logged.add(
                r.getLoggerName()
                    + " "
                    + new java.util.logging.SimpleFormatter().formatMessage(r)
                    + (r.getThrown() == null ? "" : " " + r.getThrown()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    capture.setLevel(java.util.logging.Level.ALL);
    java.util.logging.Logger ours = java.util.logging.Logger.getLogger("org.openlgsp");
    java.util.logging.Level was = ours.getLevel();
    ours.setLevel(java.util.logging.Level.FINEST);
    java.util.logging.Logger.getLogger("").addHandler(capture);
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(lookup().statusCode()).isEqualTo(200);
      }
      hubDir.accept(sign(directory(hub.peerPort(), false))); // and a refusal at the hub
      assertThat(lookup().statusCode()).isEqualTo(500);
    } finally {
      java.util.logging.Logger.getLogger("").removeHandler(capture);
      ours.setLevel(was);
    }
    // the edges log each answer (route, status, time): there is something to look through
    assertThat(logged).anyMatch(l -> l.contains("POST /r1/* answered 200"));
    assertThat(String.join("\n", logged))
        .doesNotContain(CITIZEN)
        .doesNotContain(USER)
        .doesNotContain(ISSUE);
    hubLedger.close();
    hubDb.close();
    // every file of the hub's database (with its WAL), read as bytes, never as the hub parses it
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(hubDbFolder)) {
      for (Path f : files.toList()) {
        all.append(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(all.toString())
        .isNotEmpty()
        .contains(PORTAL.toString())
        .doesNotContain(CITIZEN)
        .doesNotContain(USER)
        .doesNotContain(ISSUE)
        .doesNotContain("Nguy")
        .doesNotContain("/citizens/");
    // the provider's database, by contrast, does hold the user: the check can fail
    mpsLedger.close();
    mpsDb.close();
    assertThat(
            new String(
                Files.readAllBytes(dir.resolve("mps/ledger.db")),
                java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains(USER)
        .contains("/citizens/");
    hubDb = Database.sqlite(hubDbFolder.resolve("ledger.db"));
    hubLedger = Ledger.open(hubDb, LedgerOptions.defaults());
    mpsDb = Database.sqlite(dir.resolve("mps/ledger.db"));
    mpsLedger = Ledger.open(mpsDb, LedgerOptions.defaults());
  }

  @Test
  void aRouteTheAgreementDoesNotAllowIsRefusedAtTheHub() throws Exception {
    // the hub's directory (its grant view under the agreement) lacks the portal's grant
    hubDir.accept(sign(directory(hub.peerPort(), false)));
    long providerBefore = mpsLedger.size();

    HttpResponse<String> r = lookup();

    // X-Road r1 answers a Server.* fault with 500; the code says why
    assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
    assertThat(r.body()).contains("federation.not_agreed").doesNotContain(CITIZEN);
    ExchangeRecord refusal = last(hubLedger);
    assertThat(refusal.side()).isEqualTo(Side.RELAY);
    assertThat(refusal.errorCode()).isEqualTo("federation.not_agreed");
    assertThat(mpsLedger.size()).isEqualTo(providerBefore); // never reached the provider
    assertThat(backendSaw).isEmpty();
  }

  @Test
  void aHubThatFlipsAByteIsRefusedByTheProvidersSignatureCheck() throws Exception {
    useEvilHub(body -> flip(body, body.length / 2), UnaryOperator.identity());

    HttpResponse<String> r = lookup();

    assertThat(r.body()).contains("signature.invalid");
    assertThat(r.statusCode()).isNotEqualTo(200);
    assertThat(backendSaw).isEmpty();
  }

  @Test
  void aHubThatReplaysIsRefusedByTheProvidersReplayGuard() throws Exception {
    useEvilHub(UnaryOperator.identity(), UnaryOperator.identity());
    assertThat(lookup().statusCode()).isEqualTo(200);

    EvilHub.Answer replayed = evil.replayLast();

    assertThat(replayed.status()).isEqualTo(409);
    // the refusal is sealed to the consumer: the hub reads the status, not the problem
    assertThat(replayed.body()).doesNotContain("message.replayed").doesNotContain(CITIZEN);
    assertThat(last(mpsLedger).errorCode()).isEqualTo("message.replayed");
    assertThat(backendSaw).hasSize(1);
  }

  @Test
  void aHubThatStripsTheSealingIsRefused() throws Exception {
    // the hub cannot decrypt, so "stripping" means sending the envelope unsealed: it is refused
    // before anything else, even though the signature would not hold either
    useEvilHub(
        body -> ("{\"personalId\":\"" + CITIZEN + "\"}").getBytes(UTF_8),
        h -> {
          h.put("Content-Type", "application/json");
          return h;
        });

    long before = mpsLedger.size();
    HttpResponse<String> r = lookup();

    // the provider refuses before it knows the request's hash, so the consumer cannot verify
    // the refusal and reports an invalid response; the provider's ledger says why
    assertThat(r.statusCode()).isNotEqualTo(200);
    assertThat(r.body()).contains("response.invalid");
    assertThat(mpsLedger.size()).isEqualTo(before + 1);
    assertThat(last(mpsLedger).errorCode()).isEqualTo("federation.seal_invalid");
    assertThat(backendSaw).isEmpty();
  }

  @Test
  void aProviderTakesNothingUnsealedOrNotFromItsHubAndTheHubNothingUnsealed() throws Exception {
    // the consumer gateway without a hub route calls the provider directly: still fine
    // (covered by TwoGateways tests); here a plain r1 call to the hub is refused by the hub
    HttpResponse<String> plain =
        HttpClient.newBuilder()
            .sslContext(
                TlsContexts.create(
                    tnTls,
                    new PinnedTrustManager(
                        () -> Set.of(Certificates.fingerprint(hubTls.certificate())))))
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "https://127.0.0.1:"
                                + hub.peerPort()
                                + "/r1/"
                                + CITIZENS
                                + "/citizens/"
                                + CITIZEN))
                    .header("X-Road-Client", PORTAL.toString())
                    .header("X-Road-Id", "m-1")
                    .header("X-Road-Request-Id", java.util.UUID.randomUUID().toString())
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(plain.body()).contains("federation.seal_invalid");
    assertThat(plain.body()).doesNotContain(CITIZEN);
    assertThat(backendSaw).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------

  private HttpResponse<String> lookup() throws Exception {
    String token = token();
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + tn.clientHttpPort().orElseThrow()
                        + "/r1/"
                        + CITIZENS
                        + "/citizens/"
                        + CITIZEN))
            .header("Authorization", "Bearer " + token)
            .header("X-Road-Client", PORTAL.toString())
            .header("X-Road-UserId", USER)
            .header("X-Road-Issue", ISSUE)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String token() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + tn.clientHttpPort().orElseThrow() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id=portal&client_secret=" + SECRET))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return (String) Json.mapper().readValue(r.body(), Map.class).get("access_token");
  }

  private static ExchangeRecord last(Ledger ledger) {
    List<LedgerEntry> all = ledger.range(0, (int) ledger.size());
    assertThat(all).isNotEmpty();
    return all.getLast().record();
  }

  private static byte[] flip(byte[] body, int at) {
    byte[] copy = body.clone();
    copy[at] ^= 0x01;
    return copy;
  }

  private Credentials creds(CertificateProfile profile, String cn) {
    return ca.issueCredentials(
        profile, cn, "OpenLGSP test", List.of("localhost", "127.0.0.1"), YEAR);
  }

  private DirectoryHolder holder() {
    return new DirectoryHolder(
        List.of(directorySigner.certificate()), Duration.ZERO, java.time.Clock.systemUTC());
  }

  private SignedDocument sign(Directory d) {
    return SignedDocument.sign(d, directorySigner.signer());
  }

  private void publishAll(int hubPort, boolean granted) {
    SignedDocument signed = sign(directory(hubPort, granted));
    for (DirectoryHolder h : List.of(tnDir, mpsDir, hubDir)) {
      h.accept(signed);
    }
  }

  private Directory directory(int hubPort, boolean granted) {
    Instant now = Instant.now();
    List<Directory.Grant> grants = new ArrayList<>();
    if (granted) {
      grants.add(
          new Directory.Grant(
              PORTAL, CITIZENS, List.of("GET"), List.of(PathPattern.parse("/citizens/*"))));
    }
    return new Directory(
        "VN",
        serial++,
        now,
        now.plus(Duration.ofHours(1)),
        List.of(
            new Directory.Member(
                TAY_NINH,
                "UBND tỉnh Tây Ninh",
                List.of(b64(tnSigning)),
                List.of(b64(tnEncryption))),
            new Directory.Member(
                MPS, "Bộ Công an", List.of(b64(mpsSigning)), List.of(b64(mpsEncryption))),
            new Directory.Member(NDXP, "Nền tảng NDXP", List.of(b64(hubSigning)), List.of())),
        List.of(
            new Directory.SystemEntry(PORTAL, "Cổng dịch vụ công", TN_NODE),
            new Directory.SystemEntry(POPULATION, "CSDL quốc gia về dân cư", MPS_NODE)),
        List.of(
            node(TN_NODE, tn == null ? 1 : tn.peerPort(), tnTls),
            node(MPS_NODE, mps == null ? 1 : mps.peerPort(), mpsTls),
            node(HUB_NODE, hubPort, hubTls)),
        List.of(
            new Directory.Service(
                CITIZENS,
                "http://127.0.0.1:" + backend.port() + "/api",
                org.openlgsp.core.SubjectLocator.parse("path:2"),
                "",
                org.openlgsp.core.SchemaCheck.OFF)),
        grants,
        List.of(),
        List.of(),
        List.of());
  }

  private static Directory.Node node(NodeId id, int port, Credentials tls) {
    return new Directory.Node(id, "https://127.0.0.1:" + port, List.of(b64(tls)));
  }

  private static String b64(Credentials c) {
    return Certificates.base64(c.certificate());
  }

  private WebServer backend() {
    return WebServer.builder()
        .host("127.0.0.1")
        .port(0)
        .routing(
            HttpRouting.builder()
                .get(
                    "/api/citizens/{id}",
                    (req, res) -> {
                      String id = req.path().pathParameters().get("id");
                      backendSaw.add(
                          req.path().rawPath()
                              + " user="
                              + req.headers().first(Headers.XROAD_USER_ID).orElse(""));
                      res.header("Content-Type", "application/json");
                      res.send(Json.write(Map.of("personalId", id, "fullName", "Nguyễn Văn An")));
                    }))
        .build()
        .start();
  }

  /**
   * A malicious hub: holds the hub node's real TLS key (so both gateways accept it), passes the
   * envelope on to the provider with the given changes, and keeps the last request to replay.
   */
  private void useEvilHub(UnaryOperator<byte[]> body, UnaryOperator<Map<String, String>> headers)
      throws Exception {
    evil = new EvilHub(hubTls, tnTls, mpsTls, mps.peerPort(), body, headers);
    SignedDocument signed = sign(directory(evil.server.getAddress().getPort(), true));
    for (DirectoryHolder h : List.of(tnDir, mpsDir, hubDir)) {
      h.accept(signed);
    }
  }

  private static final class EvilHub {
    record Answer(int status, String body) {}

    final HttpsServer server;
    private final HttpClient toProvider;
    private final int providerPort;
    private volatile String lastPath;
    private volatile Map<String, String> lastHeaders;
    private volatile byte[] lastBody;

    EvilHub(
        Credentials hubTls,
        Credentials consumerTls,
        Credentials providerTls,
        int providerPort,
        UnaryOperator<byte[]> bodyChange,
        UnaryOperator<Map<String, String>> headerChange)
        throws Exception {
      this.providerPort = providerPort;
      toProvider =
          HttpClient.newBuilder()
              .sslContext(
                  TlsContexts.create(
                      hubTls,
                      new PinnedTrustManager(
                          () -> Set.of(Certificates.fingerprint(providerTls.certificate())))))
              .build();
      server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setHttpsConfigurator(
          new HttpsConfigurator(
              TlsContexts.create(
                  hubTls,
                  new PinnedTrustManager(
                      () -> Set.of(Certificates.fingerprint(consumerTls.certificate()))))));
      server.createContext(
          "/",
          exchange -> {
            Map<String, String> h = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange
                .getRequestHeaders()
                .forEach(
                    (n, v) -> {
                      String lower = n.toLowerCase(java.util.Locale.ROOT);
                      if (lower.startsWith("x-road-")
                          || lower.startsWith("x-lgsp-")
                          || lower.equals("content-type")) {
                        h.put(n, v.getFirst());
                      }
                    });
            byte[] in = exchange.getRequestBody().readAllBytes();
            lastPath = exchange.getRequestURI().getRawPath();
            lastHeaders = headerChange.apply(h);
            lastBody = bodyChange.apply(in);
            try {
              HttpResponse<byte[]> answer = send(lastPath, lastHeaders, lastBody);
              answer
                  .headers()
                  .map()
                  .forEach(
                      (n, v) -> {
                        String lower = n.toLowerCase(java.util.Locale.ROOT);
                        if (lower.startsWith("x-road-")
                            || lower.startsWith("x-lgsp-")
                            || lower.equals("content-type")) {
                          exchange.getResponseHeaders().put(n, v);
                        }
                      });
              exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
              exchange.getResponseBody().write(answer.body());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              exchange.sendResponseHeaders(502, -1);
            }
            exchange.close();
          });
      server.start();
    }

    private HttpResponse<byte[]> send(String path, Map<String, String> headers, byte[] body)
        throws java.io.IOException, InterruptedException {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + providerPort + path))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(b::header);
      return toProvider.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    Answer replayLast() throws Exception {
      HttpResponse<byte[]> r = send(lastPath, lastHeaders, lastBody);
      return new Answer(r.statusCode(), new String(r.body(), UTF_8));
    }
  }
}
