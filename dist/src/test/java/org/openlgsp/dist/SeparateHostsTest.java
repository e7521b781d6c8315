package org.openlgsp.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.core.ServiceId;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.gateway.ExchangeProtocol;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;
import org.openlgsp.pki.PinnedTrustManager;
import org.openlgsp.pki.TlsContexts;
import org.openlgsp.storage.TestDatabases;
import org.openlgsp.testkit.Federation;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * A deployment across six hosts (Linux network namespaces, 10.77.0.1–6), set up only with the
 * command line of the unpacked archive, in the order of the README's "Deploy on separate hosts":
 * host 1 the CA's trust services (OCSP, CRL, TSA), host 2 the registry, hosts 3 and 4 the gateways
 * of Tây Ninh (consumer) and of the Ministry of Public Security (provider), host 5 the agencies'
 * systems (the sample population database, document systems), host 6 a document axis; every node a
 * separate JVM. Then an allowed, a denied and a replayed exchange with OCSP checking on, a
 * time-stamped ledger checkpoint and a document delivered through the axis.
 */
class SeparateHostsTest {
  private static final String TN = "VN/GOV/000.00.00.H53";
  private static final String MPS = "VN/GOV/000.00.00.G01";
  private static final String GW1 = TN + "/gw1";
  private static final String GW2 = MPS + "/gw1";
  private static final String PORTAL = TN + "/DVC";
  private static final String POPULATION = MPS + "/CSDLQGDC";
  private static final String CITIZENS = POPULATION + "/citizens";
  private static final String ADMIN_TOKEN = "admin-token-" + UUID.randomUUID();
  private static final String PORTAL_SECRET = "portal-secret-" + UUID.randomUUID();
  private static final Map<String, String> QUICK = Map.of("LGSP_JAVA_OPTS", Distribution.QUICK_JVM);

  /** Port of the bridge address forwarded to the PostgreSQL server (see {@link TcpForwarder}). */
  private static final int DATABASE_PORT = 15432;

  private static final Map<String, String> NODE =
      Map.of("LGSP_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");

  @TempDir Path dir;
  private Distribution dist;
  private Namespaces hosts;
  private final List<Process> nodes = new ArrayList<>();

  @Test
  @RequiresPeer(Peer.NETNS)
  void exchangesAndADocumentCrossSixHostsAndAGatewayRestartedWhileTheRegistryIsDownKeepsServing()
      throws Exception {
    dist = Distribution.unpack(dir);
    onHosts(
        6,
        () -> {
          Deployment d = deploy(Databases.SQLITE, true);
          Path h3 = host(3), h4 = host(4), h5 = host(5);
          String citizen = citizen(d.backendLog());
          allowedAndDenied(citizen);
          replayIsRefusedByTheProviderGateway(h3, h4, citizen);
          checkpointsAreTimeStamped();
          aDocumentCrossesTheAxis(h5);
          aGatewayRestartedWhileTheRegistryIsDownServesOnItsCachedDirectory(d, citizen);
          revokingTheConsumerGatewaysCertificateRefusesItsExchanges(d, citizen);
        });
  }

  /**
   * The same deployment with the registry (host 2) and gateway 3 on PostgreSQL, each in a fresh
   * schema, without the document axis: the allowed and the denied exchange. The machine's server
   * listens on 127.0.0.1 of the root namespace, which no host reaches; the test forwards the bridge
   * address's port 15432 to it (a real deployment names its database host instead).
   */
  @Test
  @RequiresPeer({Peer.NETNS, Peer.POSTGRES})
  void exchangesCrossHostsWithTheRegistryAndAGatewayOnPostgresql() throws Exception {
    dist = Distribution.unpack(dir);
    String registrySchema = TestDatabases.postgresSchema();
    String gatewaySchema = TestDatabases.postgresSchema();
    onHosts(
        5,
        () -> {
          URI server = URI.create(TestDatabases.postgresUrl().substring("jdbc:".length()));
          try (TcpForwarder database =
              TcpForwarder.start(
                  new InetSocketAddress(Namespaces.BRIDGE, DATABASE_PORT),
                  new InetSocketAddress(server.getHost(), port(server)))) {
            Deployment d =
                deploy(
                    new Databases(
                        onDatabaseHost(server, registrySchema),
                        onDatabaseHost(server, gatewaySchema)),
                    false);
            allowedAndDenied(citizen(d.backendLog()));
            assertThat(tables(registrySchema)).as("the registry's tables").isNotEmpty();
            assertThat(tables(gatewaySchema)).as("gateway 3's tables").isNotEmpty();
            assertThat(host(2).resolve("data/registry.db")).doesNotExist();
            assertThat(host(3).resolve("data/gateway.db")).doesNotExist();
          }
        });
  }

  /** The JDBC URLs of the registry's and gateway 3's databases. */
  private record Databases(String registry, String gateway3) {
    static final Databases SQLITE =
        new Databases("jdbc:sqlite:data/registry.db", "jdbc:sqlite:data/gateway.db");
  }

  /** What {@link #deploy} started and issued that later steps use. */
  private record Deployment(Node registry, Node gateway3, Path backendLog, String gateway3Serial) {}

  /** A running node: its process ({@code bin/lgsp serve ...}, pid of the JVM) and its log. */
  private record Node(Process process, Path log) {}

  /** Steps run on a set of hosts. */
  private interface Steps {
    void run() throws Exception;
  }

  /** Builds {@code count} hosts, runs {@code steps}, prints the logs on failure, removes all. */
  private void onHosts(int count, Steps steps) throws Exception {
    hosts = Namespaces.create(count);
    try {
      steps.run();
    } catch (Throwable t) {
      printLogs(count);
      throw t;
    } finally {
      stopNodes();
      hosts.close();
    }
  }

  /**
   * Sets up hosts 1 to 5 (and 6, the document axis, when {@code axis}) with the command line, in
   * the README's order, and waits for gateway 3's client port.
   */
  private Deployment deploy(Databases databases, boolean axis) throws Exception {
    Path h1 = host(1), h2 = host(2), h5 = host(5);

    // 1. host 1, the CA: create it, serve OCSP, CRL and time-stamps
    Files.writeString(h1.resolve("ca.password"), "correct horse battery staple");
    run(
        1,
        "ca",
        "init",
        "--dir",
        "ca",
        "--password-file",
        "ca.password",
        "--name",
        "LGSP Test",
        "--base-url",
        "http://10.77.0.1:7080");
    start(
        1,
        "ca",
        "serve",
        "--dir",
        "ca",
        "--password-file",
        "ca.password",
        "--host",
        "10.77.0.1",
        "--port",
        "7080");

    // 2. host 2, the registry: its directory-signing key, issued by the CA on host 1
    csr(2, "signing", "registry VN", "registry-signing");
    issue(2, "registry-signing", "directory-signing");
    Files.copy(h1.resolve("ca/chain.pem"), h2.resolve("ca-chain.pem"));
    Files.writeString(h2.resolve("admin.token"), ADMIN_TOKEN);
    Files.writeString(
        h2.resolve("registry.yaml"),
        """
        instance: VN
        registry:
          host: 10.77.0.2
          port: 7070
          database: %s
          adminTokenSha256: %s
          signing: {certificate: registry-signing.pem, key: registry-signing.key}
        """
            .formatted(databases.registry(), sha256(ADMIN_TOKEN)));
    Node registry = start(2, "serve", "-c", "registry.yaml");
    awaitPort(2, 7070);
    admin("trust-anchor", "add", "--certificate", "ca-chain.pem");
    admin("member", "add", TN, "--name", "UBND tỉnh Tây Ninh");
    admin("member", "add", MPS, "--name", "Bộ Công an");

    // 3. hosts 3 and 4, the gateways: TLS and member signing keys, issued on host 1, published
    String gw1Serial = "";
    for (int h : List.of(3, 4)) {
      String member = h == 3 ? TN : MPS;
      String node = h == 3 ? GW1 : GW2;
      csr(h, "tls", node, "node-tls", "--san", Namespaces.address(h));
      csr(h, "signing", member, "signing");
      String serial = issue(h, "node-tls", "node-tls");
      gw1Serial = h == 3 ? serial : gw1Serial;
      issue(h, "signing", "member-signing");
      Files.copy(h1.resolve("ca/chain.pem"), host(h).resolve("ca-chain.pem"));
      Files.copy(h2.resolve("registry-signing.pem"), host(h).resolve("registry-signing.pem"));
      Files.copy(host(h).resolve("node-tls.pem"), h2.resolve("gw" + h + "-tls.pem"));
      Files.copy(host(h).resolve("signing.pem"), h2.resolve("gw" + h + "-signing.pem"));
      admin(
          "node",
          "add",
          node,
          "--address",
          "https://" + Namespaces.address(h) + ":5500",
          "--tls-certificate",
          "gw" + h + "-tls.pem");
      admin(
          "member", "add-signing-certificate", member, "--certificate", "gw" + h + "-signing.pem");
    }

    // 4. the service on host 5 behind gateway 4, and the grant for Tây Ninh's portal
    admin("system", "add", PORTAL, "--name", "Cổng dịch vụ công tỉnh Tây Ninh", "--node", GW1);
    admin("system", "add", POPULATION, "--name", "CSDL quốc gia về dân cư", "--node", GW2);
    admin(
        "service",
        "add",
        CITIZENS,
        "--backend-url",
        "http://10.77.0.5:9090/api",
        "--subject-locator",
        "json:/SoDinhDanh,path:2");
    admin(
        "grant",
        "add",
        "--client",
        PORTAL,
        "--service",
        CITIZENS,
        "--method",
        "GET",
        "--path",
        "/citizens/*");
    Path backendLog = start(5, "demo", "backend", "--host", "10.77.0.5", "--port", "9090").log();

    // 5. the gateways: OCSP checking of peers, checkpoints time-stamped by the CA on host 1
    Node gateway3 = null;
    for (int h : List.of(3, 4)) {
      Files.writeString(
          host(h).resolve("gateway.yaml"),
          """
          instance: VN
          gateway:
            node: %s
            host: %s
            clientHttpPort: %d
            peerPort: 5500
            database: %s
            tls: {certificate: node-tls.pem, key: node-tls.key}
            signing:
              - {member: %s, certificate: signing.pem, key: signing.key}
            registryUrl: http://10.77.0.2:7070
            directoryTrust: [registry-signing.pem]
            directoryRefresh: PT2S
            localSystems: %s
            revocation: {freshness: PT6S}
            ledger:
              checkpointInterval: PT2S
              tsaUrl: http://10.77.0.1:7080/tsa
              tsaCertificates: [ca-chain.pem]
          logging: {level: INFO}
          """
              .formatted(
                  h == 3 ? GW1 : GW2,
                  Namespaces.address(h),
                  h == 3 ? 8080 : -1,
                  h == 3 ? databases.gateway3() : "jdbc:sqlite:data/gateway.db",
                  h == 3 ? TN : MPS,
                  h == 3
                      ? "[{id: %s, oauthClientId: portal, secretSha256: %s, certificates: []}]"
                          .formatted(PORTAL, sha256(PORTAL_SECRET))
                      : "[]"));
      Node gateway = start(h, "serve", "-c", "gateway.yaml");
      gateway3 = h == 3 ? gateway : gateway3;
    }

    if (axis) {
      deployTheDocumentAxis(h1, h5, host(6));
    }
    awaitPort(3, 8080);
    return new Deployment(registry, gateway3, backendLog, gw1Serial);
  }

  /** 6. host 6, the document axis of two agencies; a signer key for the province, from host 1. */
  private void deployTheDocumentAxis(Path h1, Path h5, Path h6) throws Exception {
    csr(5, "tls", "000.00.00.H41", "province-document");
    issue(5, "province-document", "member-signing");
    Files.copy(h1.resolve("ca/chain.pem"), h6.resolve("ca-chain.pem"));
    String provinceToken = "province-" + UUID.randomUUID();
    String departmentToken = "department-" + UUID.randomUUID();
    Files.writeString(h5.resolve("province.token"), provinceToken);
    Files.writeString(h5.resolve("department.token"), departmentToken);
    Files.writeString(
        h6.resolve("axis.yaml"),
        """
        instance: VN
        documents:
          host: 10.77.0.6
          port: 8090
          relayHost: 10.77.0.6
          relayPort: 8091
          database: jdbc:sqlite:data/axis.db
          dataDir: data/documents
          trustAnchors: [ca-chain.pem]
          signerMustMatchSender: true
          revocation: {freshness: PT1M}
          agencies:
            - {code: 000.00.00.H41, tokenSha256: %s}   # UBND tỉnh Nghệ An
            - {code: 000.00.15.H41, tokenSha256: %s}   # Sở Nội vụ tỉnh Nghệ An
        """
            .formatted(sha256(provinceToken), sha256(departmentToken)));
    start(6, "serve", "-c", "axis.yaml");
  }

  /** The portal (here, the test) calls gateway 3: allowed, then denied. */
  private void allowedAndDenied(String citizen) {
    String token = allowed(citizen);
    Answer denied = lookUp(token, "/households/" + citizen);
    // X-Road's error format: Server.ServerProxy.AccessDenied is a 500 (PR-REST 4.6)
    assertThat(denied.status()).as(denied.body()).isEqualTo(500);
    assertThat(denied.body()).contains("access.denied").contains("Server.ServerProxy.AccessDenied");
  }

  /**
   * The portal gets a token from gateway 3 and looks {@code citizen} up: 200 once the gateway has a
   * directory and fresh OCSP answers. Returns the token.
   */
  private String allowed(String citizen) {
    String token = portalToken();
    Answer allowed =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> lookUp(token, "/citizens/" + citizen), a -> a.status() != 503);
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
    assertThat(allowed.body()).contains(citizen);
    return token;
  }

  /** A checkpoint of gateway 3's ledger, time-stamped by host 1's TSA, verified offline. */
  private void checkpointsAreTimeStamped() {
    Path h3 = dir.resolve("h3");
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofSeconds(3))
        .untilAsserted(
            () -> {
              deleteTree(h3.resolve("audit"));
              run(3, "ledger", "export", "--config", "gateway.yaml", "--out", "audit");
              String verified = run(3, "ledger", "verify", "audit", "--tsa-cert", "ca-chain.pem");
              assertThat(verified).containsPattern("[1-9]\\d* time-stamp tokens? verified");
            });
  }

  /** A document from the province's system to the department's, both on host 5, through host 6. */
  private void aDocumentCrossesTheAxis(Path h5) throws Exception {
    awaitPort(6, 8090);
    Path document = h5.resolve("cong-van.edxml");
    var doc = Federation.sampleDocument("77", List.of(Federation.DEPARTMENT));
    Files.write(document, EdxmlCodec.write(doc));
    String axis = "http://10.77.0.6:8090";
    String sent =
        run(
            5,
            "edoc",
            "send",
            "--axis",
            axis,
            "--token-file",
            "province.token",
            "--sign-key",
            "province-document.key",
            "--sign-cert",
            "province-document.pem",
            "cong-van.edxml");
    assertThat(sent).contains("accepted: document " + doc.documentId());
    String inbox = run(5, "edoc", "inbox", "--axis", axis, "--token-file", "department.token");
    Matcher delivery = Pattern.compile("([0-9a-f-]{36})  document").matcher(inbox);
    assertThat(delivery.find()).as(inbox).isTrue();
    run(
        5,
        "edoc",
        "get",
        "--axis",
        axis,
        "--token-file",
        "department.token",
        delivery.group(1),
        "-o",
        "received.edxml",
        "--ack");
    assertThat(
            EdxmlCodec.parse(Files.readAllBytes(h5.resolve("received.edxml"))).pkg().fromOrganId())
        .isEqualTo("000.00.00.H41");
  }

  /**
   * Host 2's registry stops (SIGTERM), then host 3's gateway is stopped and started again with the
   * same configuration: it cannot fetch a directory, so it installs the one it kept on disk ({@code
   * gateway.directoryCache}, by default {@code data/directory.cache}) after verifying it again, and
   * the portal's exchange still goes through (until that directory's expiry plus {@code
   * directoryGrace}).
   */
  private void aGatewayRestartedWhileTheRegistryIsDownServesOnItsCachedDirectory(
      Deployment d, String citizen) throws Exception {
    Path cache = host(3).resolve("data/directory.cache");
    assertThat(cache).as("the gateway's directory cache").isRegularFile().isNotEmptyFile();
    stop(d.registry());
    assertThat(portOpen(2, 7070)).as("the registry is down").isFalse();
    stop(d.gateway3());
    Node restarted = start(3, "serve", "-c", "gateway.yaml");
    awaitPort(3, 8080);
    assertThat(Files.readString(restarted.log()))
        .containsPattern("directory serial \\d+ loaded from the cache .*directory\\.cache")
        .contains("registry unreachable");
    allowed(citizen); // with a new token: tokens live in the gateway's memory
  }

  /** Host 1 revokes gateway 3's TLS certificate: OCSP says so, and the exchange is refused. */
  private void revokingTheConsumerGatewaysCertificateRefusesItsExchanges(
      Deployment d, String citizen) throws Exception {
    String token = portalToken();
    run(
        1,
        "ca",
        "revoke",
        d.gateway3Serial(),
        "--reason",
        "key-compromise",
        "--dir",
        "ca",
        "--password-file",
        "ca.password");
    Answer refused =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> lookUp(token, "/citizens/" + citizen), a -> a.status() != 200);
    assertThat(refused.body()).contains("certificate.revoked");
  }

  /**
   * Someone holding gateway 3's TLS key (not needed for the check, but it lets the copy through
   * mTLS) sends a signed request to gateway 4 twice: the second is refused as a replay.
   */
  private void replayIsRefusedByTheProviderGateway(Path h3, Path h4, String citizen)
      throws IOException {
    Credentials tls =
        new Credentials(
            Pem.privateKey(Files.readString(h3.resolve("node-tls.key"))),
            Pem.certificates(Files.readString(h3.resolve("node-tls.pem"))));
    Credentials signing =
        new Credentials(
            Pem.privateKey(Files.readString(h3.resolve("signing.key"))),
            Pem.certificates(Files.readString(h3.resolve("signing.pem"))));
    String provider =
        Certificates.fingerprint(
            Pem.certificates(Files.readString(h4.resolve("node-tls.pem"))).getFirst());
    WebClient client =
        WebClient.builder()
            .tls(
                Tls.builder()
                    .sslContext(
                        TlsContexts.create(tls, new PinnedTrustManager(() -> Set.of(provider))))
                    .endpointIdentificationAlgorithm("NONE")
                    .build())
            .followRedirects(false)
            .build();
    byte[] body = new byte[0];
    Map<String, String> headers =
        ExchangeProtocol.signRequest(
            signing.signer(),
            ClientId.parse(PORTAL),
            ServiceId.parse(CITIZENS),
            "GET",
            "/citizens/" + citizen,
            UUID.randomUUID().toString(),
            body,
            System.currentTimeMillis(),
            "HS-2026-000123");
    Answer first = send(client, headers, citizen);
    Answer again = send(client, headers, citizen);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(again.status()).as(again.body()).isEqualTo(409);
    assertThat(again.body()).contains("message.replayed");
  }

  private static Answer send(WebClient client, Map<String, String> headers, String citizen) {
    HttpClientRequest request =
        client.get("https://10.77.0.4:5500/r1/" + CITIZENS + "/citizens/" + citizen);
    headers.forEach((name, value) -> request.header(HeaderNames.create(name), value));
    try (HttpClientResponse r = request.request()) {
      return new Answer(r.status().code(), r.as(String.class));
    }
  }

  /** A gateway's answer. */
  private record Answer(int status, String body) {}

  private Answer lookUp(String token, String path) {
    try (HttpClientResponse r =
        WebClient.builder()
            .build()
            .get("http://10.77.0.3:8080/r1/" + CITIZENS + path)
            .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
            .header(HeaderNames.create("X-Road-Client"), PORTAL)
            .header(HeaderNames.create("X-Road-UserId"), "VN072090000001")
            .header(HeaderNames.create("X-Road-Issue"), "HS-2026-000123")
            .request()) {
      return new Answer(r.status().code(), r.as(String.class));
    }
  }

  private static String portalToken() {
    String form = "grant_type=client_credentials&client_id=portal&client_secret=" + PORTAL_SECRET;
    try (HttpClientResponse r =
        WebClient.builder()
            .build()
            .post("http://10.77.0.3:8080/token")
            .header(HeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
            .submit(form.getBytes(StandardCharsets.UTF_8))) {
      String body = r.as(String.class);
      assertThat(r.status().code()).as(body).isEqualTo(200);
      return Json.read(body.getBytes(StandardCharsets.UTF_8), JsonNode.class)
          .path("access_token")
          .asText();
    }
  }

  private static String citizen(Path backendLog) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Matcher m =
                  Pattern.compile("citizens (\\d{12})").matcher(Files.readString(backendLog));
              return m.find() ? m.group(1) : "";
            },
            id -> !id.isEmpty());
  }

  private Path host(int h) throws IOException {
    return Files.createDirectories(dir.resolve("h" + h));
  }

  private String run(int h, String... args) throws IOException, InterruptedException {
    return dist.okIn(host(h), hosts.on(h), QUICK, args);
  }

  private void admin(String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("registry"));
    all.addAll(List.of(args));
    all.addAll(List.of("--url", "http://10.77.0.2:7070", "--token-file", "admin.token"));
    run(2, all.toArray(String[]::new));
  }

  /** The key holder on host {@code h} makes its key and CSR; the CSR goes to host 1. */
  private void csr(int h, String kind, String cn, String file, String... more)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "keys",
                "csr",
                "--kind",
                kind,
                "--cn",
                cn,
                "--org",
                "OpenLGSP",
                "--key-out",
                file + ".key",
                "--out",
                file + ".csr"));
    args.addAll(List.of(more));
    run(h, args.toArray(String[]::new));
    Files.copy(host(h).resolve(file + ".csr"), host(1).resolve("h" + h + "-" + file + ".csr"));
  }

  /** The CA on host 1 issues; the chain goes back to the key holder's host {@code h}. */
  private String issue(int h, String file, String profile)
      throws IOException, InterruptedException {
    String onCa = "h" + h + "-" + file;
    String issued =
        run(
            1,
            "ca",
            "issue",
            "--dir",
            "ca",
            "--password-file",
            "ca.password",
            "--csr",
            onCa + ".csr",
            "--profile",
            profile,
            "--out",
            onCa + ".pem");
    Files.move(host(1).resolve(onCa + ".pem"), host(h).resolve(file + ".pem"));
    Matcher serial = Pattern.compile("certificate serial ([0-9a-f]+)").matcher(issued);
    assertThat(serial.find()).as(issued).isTrue();
    return serial.group(1);
  }

  private Node start(int h, String... args) throws IOException {
    Path log = host(h).resolve("node-" + nodes.size() + ".log");
    Process p = dist.start(host(h), hosts.on(h), NODE, log, args);
    nodes.add(p);
    return new Node(p, log);
  }

  /** SIGTERM ({@code ip netns exec} and {@code bin/lgsp} exec the JVM): it drains and exits 0. */
  private static void stop(Node node) throws InterruptedException {
    node.process().destroy();
    assertThat(node.process().waitFor(40, TimeUnit.SECONDS)).as("stopped within 40 s").isTrue();
    assertThat(node.process().exitValue()).as("exit code after SIGTERM").isZero();
  }

  private static void awaitPort(int h, int port) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> portOpen(h, port));
  }

  private static boolean portOpen(int h, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(Namespaces.address(h), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * {@code jdbc:postgresql://BRIDGE:15432/DB?...&currentSchema=SCHEMA}: the server, as hosts see
   * it.
   */
  private static String onDatabaseHost(URI server, String schema) {
    String query = server.getRawQuery() == null ? "" : server.getRawQuery() + "&";
    return "jdbc:postgresql://%s:%d%s?%scurrentSchema=%s"
        .formatted(Namespaces.BRIDGE, DATABASE_PORT, server.getRawPath(), query, schema);
  }

  private static int port(URI server) {
    return server.getPort() == -1 ? 5432 : server.getPort();
  }

  /** The tables in {@code schema}, read directly (not through the forwarder). */
  private static List<String> tables(String schema) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(TestDatabases.postgresUrl());
        PreparedStatement q =
            c.prepareStatement(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ?")) {
      q.setString(1, schema);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          names.add(r.getString(1));
        }
      }
    }
    return names;
  }

  private void stopNodes() throws InterruptedException {
    for (Process p : nodes) {
      p.destroy();
    }
    for (Process p : nodes) {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private void printLogs(int count) throws IOException {
    for (int h = 1; h <= count; h++) {
      try (var files = Files.list(host(h))) {
        for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
          List<String> lines = Files.readAllLines(log);
          System.out.println("---- host " + h + " " + log.getFileName() + " (last 40 lines)");
          lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
        }
      }
    }
  }

  private static String sha256(String secret) {
    return Digests.hex(Digests.sha256(secret.getBytes(StandardCharsets.UTF_8)));
  }

  private static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      try (var paths = Files.walk(root)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
