package org.openlgsp.testkit;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Json;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.LedgerFiles;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.node.RegistryNode;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.CertificateRequest;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.registry.RegistryServer;

/**
 * A whole federation in one process on loopback, built the way operators build one: a development
 * CA issues every certificate, key files and node configurations are written to a work folder, the
 * registry is filled through its admin API, and each gateway starts from its configuration file and
 * pulls the signed directory. Used by {@code lgsp demo} and the benchmarks.
 */
public final class LocalFederation implements AutoCloseable {
  public static final String INSTANCE = "VN";
  public static final ClientId TAY_NINH = ClientId.member(INSTANCE, "GOV", "000.00.00.H53");
  public static final ClientId MPS = ClientId.member(INSTANCE, "GOV", "000.00.00.G01");
  public static final ClientId PORTAL = ClientId.subsystem(INSTANCE, "GOV", "000.00.00.H53", "DVC");
  public static final ClientId POPULATION_DB =
      ClientId.subsystem(INSTANCE, "GOV", "000.00.00.G01", "CSDLQGDC");
  public static final ServiceId CITIZENS = new ServiceId(POPULATION_DB, "citizens");
  public static final String CITIZEN_SERVICE = CITIZENS.toString();
  public static final NodeId TN_NODE = new NodeId(TAY_NINH, "gw1");
  public static final NodeId MPS_NODE = new NodeId(MPS, "gw1");
  private static final Duration YEAR = Duration.ofDays(365);

  /** Where each listener binds. */
  public record Ports(
      int registry,
      int backend,
      int tnClientHttp,
      int tnClientTls,
      int tnPeer,
      int mpsClientTls,
      int mpsPeer) {
    /** The README's ports, for {@code --keep-running}. */
    public static Ports fixed() {
      return new Ports(7070, 9090, 8080, 8443, 5500, 8444, 5501);
    }

    /** Free ports chosen now, for tests and benchmarks that must not collide. */
    public static Ports ephemeral() {
      return new Ports(free(), free(), free(), free(), free(), free(), free());
    }

    private static int free() {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException("no free port", e);
      }
    }
  }

  private final Path workDir;
  private final Ports ports;
  private final String adminToken;
  private final String portalSecret;
  private Credentials tnTls;
  private Credentials tnSigning;
  private final PopulationService population;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final BuiltInCa ca;
  private boolean revocationChecking = true;
  private RegistryNode registry;
  private GatewayNode tn;
  private GatewayNode mps;

  private LocalFederation(Path workDir, Ports ports, BuiltInCa ca, int citizens) {
    this.ca = ca;
    this.workDir = workDir;
    this.ports = ports;
    this.adminToken = secret();
    this.portalSecret = secret();
    this.population = new PopulationService(citizens, 20261122L);
  }

  /** Starts everything; {@code out} receives a line per step. */
  public static LocalFederation start(Path workDir, Ports ports, int citizens, PrintStream out) {
    return start(workDir, ports, citizens, out, true);
  }

  /**
   * As {@link #start(Path, Ports, int, PrintStream)}; {@code revocationChecking} false runs the
   * gateways without OCSP (the baseline of the revocation benchmark).
   */
  public static LocalFederation start(
      Path workDir, Ports ports, int citizens, PrintStream out, boolean revocationChecking) {
    BuiltInCa ca;
    try {
      ca = BuiltInCa.start(workDir.resolve("data"), "OpenLGSP Demo", YEAR);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the demo CA: " + e.getMessage(), e);
    }
    LocalFederation f;
    try {
      f = new LocalFederation(workDir, ports, ca, citizens);
    } catch (RuntimeException e) {
      ca.close();
      throw e;
    }
    f.running.add(ca);
    f.revocationChecking = revocationChecking;
    try {
      f.boot(out);
      return f;
    } catch (RuntimeException | IOException e) {
      f.close();
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  /** As {@link #start(Path, Ports, int, PrintStream)}, silently. */
  public static LocalFederation start(Path workDir, Ports ports, int citizens) {
    return start(workDir, ports, citizens, new PrintStream(OutputStream.nullOutputStream()));
  }

  private void boot(PrintStream out) throws IOException {
    Files.createDirectories(workDir.resolve("pki"));
    for (String db : List.of("registry.db", "tay-ninh-gateway.db", "mps-gateway.db")) {
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.deleteIfExists(workDir.resolve("data").resolve(db + suffix));
      }
    }
    writeCert("ca.pem", ca.rootCertificate());
    writeCert("issuing-ca.pem", ca.issuingCertificate());
    Credentials directory =
        ca.enrol(
            CertificateProfile.DIRECTORY_SIGNING,
            "OpenLGSP registry " + INSTANCE,
            "OpenLGSP",
            List.of(),
            YEAR);
    Credentials portalCert =
        ca.enrol(
            CertificateProfile.SYSTEM_CLIENT,
            PORTAL.toString(),
            "UBND tỉnh Tây Ninh",
            List.of(),
            YEAR);
    writeCredentials("registry-signing", directory);
    writeCredentials("portal-client", portalCert);
    writeSecret("admin.token", adminToken);
    writeSecret("portal.secret", portalSecret);
    out.printf(
        "[pki]       built-in CA (root + issuing CA) in %s; OCSP, CRL and time-stamps on %s;%n"
            + "            gateways check peers' certificates by OCSP%n",
        workDir.resolve("pki"), ca.trustServicesUrl());

    WebServer backend = startBackend();
    running.add(backend::stop);
    out.printf(
        "[backend]   sample population database (%d generated citizens) on http://127.0.0.1:%d/api%n",
        population.ids().size(), backend.port());

    // The gateways' checkpoint keys exist before the registry starts, so it can witness both logs.
    List<String> logs =
        List.of(
            LedgerFiles.checkpointKey(workDir, ledgerSettings(), TN_NODE).verifier().toString(),
            LedgerFiles.checkpointKey(workDir, ledgerSettings(), MPS_NODE).verifier().toString());
    NodeConfig registryConfig =
        new NodeConfig(
            INSTANCE,
            new NodeConfig.RegistryRole(
                "127.0.0.1",
                ports.registry(),
                "jdbc:sqlite:data/registry.db",
                RegistryServer.hashToken(adminToken),
                Duration.ofHours(1),
                keys("registry-signing"),
                null,
                new NodeConfig.RegistryWitness(null, logs)),
            null);
    registryConfig.write(workDir.resolve("registry.yaml"));
    registry =
        RegistryNode.start(
            INSTANCE,
            registryConfig.registry(),
            workDir,
            new PrintStream(OutputStream.nullOutputStream()),
            java.util.Optional.of(ca.issuing()));
    running.add(registry);
    out.printf(
        "[registry]  http://127.0.0.1:%d  (admin API /api/v1, signed directory /directory, SQLite;%n"
            + "            witness of both gateways' ledger checkpoints)%n",
        registry.port());
    register(out);

    NodeConfig tnConfig =
        gatewayConfig(
            TN_NODE,
            TAY_NINH,
            "tn",
            ports.tnClientTls(),
            ports.tnClientHttp(),
            ports.tnPeer(),
            "tay-ninh-gateway.db",
            List.of(
                new NodeConfig.LocalSystemEntry(
                    PORTAL.toString(),
                    "portal",
                    sha256Hex(portalSecret),
                    List.of("pki/portal-client.pem"))));
    NodeConfig mpsConfig =
        gatewayConfig(
            MPS_NODE,
            MPS,
            "mps",
            ports.mpsClientTls(),
            -1,
            ports.mpsPeer(),
            "mps-gateway.db",
            List.of());
    tnConfig.write(workDir.resolve("tay-ninh-gateway.yaml"));
    mpsConfig.write(workDir.resolve("mps-gateway.yaml"));
    tn = GatewayNode.start(tnConfig.gateway(), workDir, Clock.systemUTC());
    running.add(tn);
    mps = GatewayNode.start(mpsConfig.gateway(), workDir, Clock.systemUTC());
    running.add(mps);
    out.printf(
        "[gateway]   Tây Ninh LGSP   %s  local systems http://127.0.0.1:%d and https://127.0.0.1:%d, peers https://127.0.0.1:%d%n",
        TN_NODE, ports.tnClientHttp(), ports.tnClientTls(), ports.tnPeer());
    out.printf(
        "[gateway]   Bộ Công an      %s  peers https://127.0.0.1:%d → backend%n",
        MPS_NODE, ports.mpsPeer());
    long serial = tn.directory().current().orElseThrow().serial();
    out.printf(
        "[directory] both gateways pulled and verified directory serial %d (Ed25519, signed by %s)%n",
        serial, directory.certificate().getSubjectX500Principal().getName());
  }

  private void register(PrintStream out) throws IOException {
    RegistryClient admin = new RegistryClient(registryUrl(), adminToken);
    admin.post(
        "/api/v1/trust-anchors",
        java.util.Map.of("certificate", Pem.write(ca.issuingCertificate(), ca.rootCertificate())));
    admin.addMember(TAY_NINH.toString(), "UBND tỉnh Tây Ninh");
    admin.addMember(MPS.toString(), "Bộ Công an");
    admin.post(
        "/api/v1/nodes",
        java.util.Map.of(
            "id", TN_NODE.toString(), "address", "https://127.0.0.1:" + ports.tnPeer()));
    admin.post(
        "/api/v1/nodes",
        java.util.Map.of(
            "id", MPS_NODE.toString(), "address", "https://127.0.0.1:" + ports.mpsPeer()));
    // Enrolment: each holder generates its key and CSR; the administrator approves; the CA issues
    // and the certificate lands in the directory.
    tnSigning =
        enrolThroughRegistry(admin, "member-signing", TAY_NINH.toString(), "UBND tỉnh Tây Ninh");
    Credentials mpsSigning =
        enrolThroughRegistry(admin, "member-signing", MPS.toString(), "Bộ Công an");
    tnTls = enrolThroughRegistry(admin, "node-tls", TN_NODE.toString(), "UBND tỉnh Tây Ninh");
    Credentials mpsTls = enrolThroughRegistry(admin, "node-tls", MPS_NODE.toString(), "Bộ Công an");
    writeCredentials("tn-tls", tnTls);
    writeCredentials("tn-signing", tnSigning);
    writeCredentials("mps-tls", mpsTls);
    writeCredentials("mps-signing", mpsSigning);
    out.println(
        "[enrolment] built-in CA chain imported as the directory's trust anchors; 4 keys generated"
            + " by their holders, CSRs submitted to the registry admin API, approved, issued by the"
            + " built-in CA and published in the directory");
    admin.addSystem(PORTAL.toString(), "Cổng dịch vụ công tỉnh Tây Ninh", TN_NODE.toString());
    admin.addSystem(
        POPULATION_DB.toString(), "Cơ sở dữ liệu quốc gia về dân cư", MPS_NODE.toString());
    // GET /citizens/{id} names the citizen in the path; POST /citizens/verify in its body
    admin.addService(CITIZEN_SERVICE, backendUrl() + "/api", "json:/SoDinhDanh,path:2");
    admin.grant(PORTAL.toString(), CITIZEN_SERVICE, List.of("GET", "POST"), List.of("/citizens/*"));
    out.println(
        "[registry]  registered through the admin API: 2 agencies (000.00.00.H53 UBND tỉnh Tây Ninh, 000.00.00.G01 Bộ Công an),");
    out.println(
        "            their signing certificates, 2 gateway nodes, 2 systems, service "
            + CITIZEN_SERVICE
            + ",");
    out.println("            grant " + PORTAL + " → citizens: GET, POST on /citizens/*");
  }

  private NodeConfig gatewayConfig(
      NodeId node,
      ClientId owner,
      String prefix,
      int tls,
      int http,
      int peer,
      String db,
      List<NodeConfig.LocalSystemEntry> systems) {
    return new NodeConfig(
        INSTANCE,
        null,
        new NodeConfig.GatewayRole(
            node.toString(),
            "127.0.0.1",
            tls,
            http,
            peer,
            "jdbc:sqlite:data/" + db,
            keys(prefix + "-tls"),
            List.of(
                new NodeConfig.MemberSigning(
                    owner.toString(),
                    "pki/" + prefix + "-signing.pem",
                    "pki/" + prefix + "-signing.key")),
            registryUrl(),
            List.of("pki/registry-signing.pem"),
            // Short, so a demo or test change in the registry (or a key rotation) shows quickly.
            Duration.ofSeconds(2),
            Duration.ofHours(1),
            Duration.ofSeconds(60),
            10L * 1024 * 1024,
            systems,
            ledgerSettings(),
            revocationChecking
                // No CA files: the gateways take the CAs from the directory's trust anchors.
                ? new NodeConfig.RevocationSettings(
                    List.of(), Duration.ofMinutes(1), Duration.ofSeconds(5))
                : null,
            null));
  }

  /**
   * The gateways' ledgers: checkpoints time-stamped by the built-in TSA (trusted through the demo
   * root) and cosigned by the registry's witness.
   */
  private NodeConfig.LedgerSettings ledgerSettings() {
    return NodeConfig.LedgerSettings.defaults()
        .withWitnesses(
            List.of(new NodeConfig.LedgerSettings.WitnessEntry("registry", registryUrl())))
        .withTsa(ca.trustServicesUrl() + "/tsa", List.of("pki/ca.pem"));
  }

  /** The certificate the built-in TSA chains to. */
  public X509Certificate tsaTrustAnchor() {
    return ca.rootCertificate();
  }

  private WebServer startBackend() {
    HttpRouting.Builder routing = HttpRouting.builder();
    population.routing(routing);
    return WebServer.builder()
        .host("127.0.0.1")
        .port(ports.backend())
        .routing(routing)
        .build()
        .start();
  }

  public String registryUrl() {
    return "http://127.0.0.1:" + ports.registry();
  }

  public String backendUrl() {
    return "http://127.0.0.1:" + ports.backend();
  }

  public String consumerHttpUrl() {
    return "http://127.0.0.1:" + ports.tnClientHttp();
  }

  public String consumerTlsUrl() {
    return "https://127.0.0.1:" + ports.tnClientTls();
  }

  public String providerPeerUrl() {
    return "https://127.0.0.1:" + ports.mpsPeer();
  }

  public Path workDir() {
    return workDir;
  }

  public List<String> citizenIds() {
    return population.ids();
  }

  private Credentials enrolThroughRegistry(
      RegistryClient admin, String kind, String target, String organization) {
    boolean tls = kind.equals("node-tls");
    java.security.KeyPair key = tls ? KeyPairs.ecP256() : KeyPairs.ed25519();
    CertificateRequest csr =
        CertificateRequest.create(
            key.getPrivate(),
            key.getPublic(),
            target,
            organization,
            tls ? List.of("localhost", "127.0.0.1") : List.of());
    java.util.Map<?, ?> submitted =
        Json.read(
            admin
                .post(
                    "/api/v1/enrolments",
                    java.util.Map.of("kind", kind, "target", target, "csr", csr.pem()))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
            java.util.Map.class);
    java.util.Map<?, ?> approved =
        Json.read(
            admin
                .post("/api/v1/enrolments/" + submitted.get("id") + "/approve", java.util.Map.of())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
            java.util.Map.class);
    return new Credentials(
        key.getPrivate(), Pem.certificates((String) approved.get("certificate")));
  }

  public String adminToken() {
    return adminToken;
  }

  /** The Tây Ninh node's TLS credentials: the demo's attacker is assumed to have stolen them. */
  public Credentials consumerNodeTls() {
    return tnTls;
  }

  /** Tây Ninh's signing key, which the gateway holds and an attacker does not. */
  public Credentials consumerSigning() {
    return tnSigning;
  }

  public GatewayNode consumerNode() {
    return tn;
  }

  public GatewayNode providerNode() {
    return mps;
  }

  public RegistryNode registryNode() {
    return registry;
  }

  /** A bearer token for the portal system, from the consumer gateway's {@code POST /token}. */
  public String portalToken() {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(consumerHttpUrl() + "/token"))
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "grant_type=client_credentials&client_id=portal&client_secret="
                                  + portalSecret))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "token endpoint answered " + r.statusCode() + ": " + r.body());
      }
      return (String) Json.mapper().readValue(r.body(), Map.class).get("access_token");
    } catch (IOException e) {
      throw new IllegalStateException("token endpoint unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The portal looks up a citizen through the consumer gateway as officer VN072090000001, giving
   * {@code issue} (the case file) when not empty.
   */
  public HttpResponse<String> lookUpCitizen(String citizen, String issue)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(consumerHttpUrl() + "/r1/" + CITIZEN_SERVICE + "/citizens/" + citizen))
            .header("Authorization", "Bearer " + portalToken())
            .header("X-Road-Client", PORTAL.toString())
            .header("X-Road-UserId", "VN072090000001");
    if (!issue.isEmpty()) {
      b.header("X-Road-Issue", issue);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public long consumerLedgerSize() {
    return tn.ledger().size();
  }

  public long providerLedgerSize() {
    return mps.ledger().size();
  }

  private NodeConfig.KeyFiles keys(String name) {
    return new NodeConfig.KeyFiles("pki/" + name + ".pem", "pki/" + name + ".key");
  }

  private void writeCredentials(String name, Credentials c) throws IOException {
    Files.writeString(workDir.resolve("pki/" + name + ".pem"), Pem.write(c.chain().toArray()));
    writePrivate(workDir.resolve("pki/" + name + ".key"), Pem.write(c.key()));
  }

  private void writeCert(String name, java.security.cert.X509Certificate cert) throws IOException {
    Files.writeString(workDir.resolve("pki/" + name), Pem.write(cert));
  }

  private void writeSecret(String name, String value) throws IOException {
    writePrivate(workDir.resolve("pki/" + name), value + "\n");
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content);
  }

  private static String secret() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static String sha256Hex(String s) {
    return org.openlgsp.core.Digests.hex(
        org.openlgsp.core.Digests.sha256(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Override
  public void close() {
    NodeRoles.closeAll(running);
    running.clear();
  }
}
