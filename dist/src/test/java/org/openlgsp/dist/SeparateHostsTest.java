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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
  private static final Map<String, String> NODE =
      Map.of("LGSP_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");

  @TempDir Path dir;
  private Distribution dist;
  private Namespaces hosts;
  private final List<Process> nodes = new ArrayList<>();

  @Test
  @RequiresPeer(Peer.NETNS)
  void exchangesAndADocumentCrossSixHostsSetUpWithTheCommandLineOfTheArchive() throws Exception {
    dist = Distribution.unpack(dir);
    hosts = Namespaces.create(6);
    try {
      deploy();
    } catch (Throwable t) {
      printLogs();
      throw t;
    } finally {
      stopNodes();
      hosts.close();
    }
  }

  private void deploy() throws Exception {
    Path h1 = host(1), h2 = host(2), h3 = host(3), h4 = host(4), h5 = host(5), h6 = host(6);

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
          database: jdbc:sqlite:data/registry.db
          adminTokenSha256: %s
          signing: {certificate: registry-signing.pem, key: registry-signing.key}
        """
            .formatted(sha256(ADMIN_TOKEN)));
    start(2, "serve", "-c", "registry.yaml");
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
    Path backendLog = start(5, "demo", "backend", "--host", "10.77.0.5", "--port", "9090");

    // 5. the gateways: OCSP checking of peers, checkpoints time-stamped by the CA on host 1
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
            database: jdbc:sqlite:data/gateway.db
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
          """
              .formatted(
                  h == 3 ? GW1 : GW2,
                  Namespaces.address(h),
                  h == 3 ? 8080 : -1,
                  h == 3 ? TN : MPS,
                  h == 3
                      ? "[{id: %s, oauthClientId: portal, secretSha256: %s, certificates: []}]"
                          .formatted(PORTAL, sha256(PORTAL_SECRET))
                      : "[]"));
      start(h, "serve", "-c", "gateway.yaml");
    }

    // 6. host 6, the document axis of two agencies; a signer key for the province, from host 1
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

    // the exchanges: the portal (here, the test) calls gateway 3
    awaitPort(3, 8080);
    String citizen = citizen(backendLog);
    String token = portalToken();
    Answer allowed =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> lookUp(token, "/citizens/" + citizen), a -> a.status() != 503);
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
    assertThat(allowed.body()).contains(citizen);
    Answer denied = lookUp(token, "/households/" + citizen);
    assertThat(denied.status()).as(denied.body()).isEqualTo(403);
    assertThat(denied.body()).contains("access.denied");
    replayIsRefusedByTheProviderGateway(h3, h4, citizen);

    // a checkpoint of gateway 3's ledger, time-stamped by host 1's TSA, verified offline
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

    // a document from the province's system to the department's, both on host 5, through host 6
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

    // host 1 revokes gateway 3's TLS certificate: OCSP says so, and the exchange is refused
    run(
        1,
        "ca",
        "revoke",
        gw1Serial,
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

  private Path start(int h, String... args) throws IOException {
    Path log = host(h).resolve("node-" + nodes.size() + ".log");
    nodes.add(dist.start(host(h), hosts.on(h), NODE, log, args));
    return log;
  }

  private void awaitPort(int h, int port) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(Namespaces.address(h), port), 500);
                return true;
              } catch (IOException e) {
                return false;
              }
            });
  }

  private void stopNodes() throws InterruptedException {
    for (Process p : nodes) {
      p.destroy();
    }
    for (Process p : nodes) {
      if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }

  private void printLogs() throws IOException {
    for (int h = 1; h <= 6; h++) {
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
