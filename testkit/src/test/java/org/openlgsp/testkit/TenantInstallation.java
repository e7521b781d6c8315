package org.openlgsp.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.WebServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Json;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;

/**
 * An "LGSP as a Service" installation (docs/federation.md) with real gateways: one node serving the
 * registry of {@code VN-HOST} and tenants {@code a} ({@code VN-TA}) and {@code b} ({@code VN-TB});
 * for each tenant, its administrator registers (through the tenant's admin API under {@code
 * /tenants/<id>}) a portal, a population database and their two gateway nodes, and the two gateways
 * run as {@code lgsp serve} runs them, each from its own file ({@code registryUrl} the tenant's
 * prefix, {@code directoryTrust} the tenant's directory-signing certificate), with a sample
 * population database behind each provider gateway.
 */
final class TenantInstallation implements AutoCloseable {
  static final Duration DAY = Duration.ofDays(1);
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  /** One tenant: its identities and the ports of its two gateways. */
  record Tenant(
      String id,
      String instance,
      int consumerHttp,
      int consumerPeer,
      int providerPeer,
      int consumerStatistics) {
    ClientId consumerMember() {
      return ClientId.member(instance, "GOV", "000.00.00.H53");
    }

    ClientId providerMember() {
      return ClientId.member(instance, "GOV", "000.00.00.G01");
    }

    ClientId portal() {
      return ClientId.subsystem(instance, "GOV", "000.00.00.H53", "DVC");
    }

    ServiceId citizens() {
      return new ServiceId(
          ClientId.subsystem(instance, "GOV", "000.00.00.G01", "CSDL"), "citizens");
    }

    NodeId consumerNode() {
      return new NodeId(consumerMember(), "gw1");
    }

    NodeId providerNode() {
      return new NodeId(providerMember(), "gw1");
    }

    String token() {
      return "token-" + id;
    }

    String secret() {
      return "portal-secret-" + id;
    }
  }

  /** A call's message id and the status the portal got (-1: no answer). */
  record Answer(String messageId, int status, String body) {}

  final Path dir;
  final int registryPort = Federation.free();
  final Map<String, Tenant> tenants = new LinkedHashMap<>();
  private final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", DAY);
  private final PopulationService population = new PopulationService(3, PopulationService.SEED);
  private final List<WebServer> backends = new ArrayList<>();
  private final Map<String, List<AutoCloseable>> gateways = new LinkedHashMap<>();
  private List<AutoCloseable> installation = List.of();
  final HttpClient http = HttpClient.newHttpClient();

  TenantInstallation(Path dir) throws Exception {
    this.dir = dir;
    Files.createDirectories(dir.resolve("pki"));
    Files.createDirectories(dir.resolve("tenants"));
    Files.writeString(dir.resolve("pki/ca.pem"), Pem.write(ca.certificate()));
    write("pki/host-signing", signer("registry VN-HOST"));
    for (String[] t : List.of(new String[] {"a", "VN-TA"}, new String[] {"b", "VN-TB"})) {
      tenants.put(
          t[0],
          new Tenant(
              t[0],
              t[1],
              Federation.free(),
              Federation.free(),
              Federation.free(),
              Federation.free()));
      write("tenants/" + t[0] + "-signing", signer("registry " + t[1]));
    }
  }

  Tenant tenant(String id) {
    return tenants.get(id);
  }

  String registryUrl() {
    return "http://127.0.0.1:" + registryPort;
  }

  /** Starts the installation with {@code ids} as its tenants (its file rewritten). */
  void startInstallation(List<String> ids) throws Exception {
    StringBuilder yaml =
        new StringBuilder(
            "instance: VN-HOST\n"
                + "authentication: {failuresPerSource: 0}\n"
                + "registry:\n"
                + "  host: 127.0.0.1\n"
                + "  port: "
                + registryPort
                + "\n  database: jdbc:sqlite:data/host.db\n"
                + "  adminTokenSha256: "
                + Federation.sha256Hex("token-host")
                + "\n  signing: {certificate: pki/host-signing.pem, key: pki/host-signing.key}\n");
    if (!ids.isEmpty()) {
      yaml.append("tenants:\n");
    }
    for (String id : ids) {
      Tenant t = tenant(id);
      yaml.append("  - id: ")
          .append(id)
          .append("\n    instance: ")
          .append(t.instance())
          .append("\n    database: jdbc:sqlite:data/tenant-")
          .append(id)
          .append(".db\n    signing: {certificate: tenants/")
          .append(id)
          .append("-signing.pem, key: tenants/")
          .append(id)
          .append("-signing.key}\n    adminTokens: [{name: ")
          .append(id)
          .append("-admin, tokenSha256: ")
          .append(Federation.sha256Hex(t.token()))
          .append("}]\n");
    }
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, yaml);
    installation = NodeRoles.start(file, QUIET);
  }

  /**
   * Starts the installation with both tenants, registers each tenant's objects and starts its
   * gateways on its prefix.
   */
  void startWithGateways() throws Exception {
    startInstallation(List.of("a", "b"));
    for (String id : tenants.keySet()) {
      register(id);
      startGateways(id, registryUrl() + "/tenants/" + id);
    }
  }

  void stopInstallation() {
    NodeRoles.closeAll(installation);
    installation = List.of();
  }

  /** What tenant {@code id}'s administrator registers through its prefix. */
  void register(String id) throws Exception {
    Tenant t = tenant(id);
    RegistryClient admin = new RegistryClient(registryUrl() + "/tenants/" + id, t.token());
    admin.addTrustAnchors(new AdminRequests.TrustAnchor(Pem.write(ca.certificate())));
    WebServer backend = population.serve("127.0.0.1", 0);
    backends.add(backend);
    for (boolean consumer : List.of(true, false)) {
      ClientId member = consumer ? t.consumerMember() : t.providerMember();
      NodeId node = consumer ? t.consumerNode() : t.providerNode();
      String side = id + (consumer ? "-consumer" : "-provider");
      admin.addMember(new AdminRequests.Member(member.toString(), "Agency " + side));
      Credentials signing =
          ca.issueCredentials(
              CertificateProfile.MEMBER_SIGNING, member.toString(), "Test", List.of(), DAY);
      Credentials tls =
          ca.issueCredentials(
              CertificateProfile.NODE_TLS,
              node.toString(),
              "Test",
              List.of("localhost", "127.0.0.1"),
              DAY);
      write("pki/" + side + "-signing", signing);
      write("pki/" + side + "-tls", tls);
      admin.addSigningCertificate(
          new AdminRequests.MemberCertificate(member.toString(), Pem.write(signing.certificate())));
      admin.addNode(
          new AdminRequests.Node(
              node.toString(),
              "https://127.0.0.1:" + (consumer ? t.consumerPeer() : t.providerPeer())));
      admin.addNodeTlsCertificate(
          new AdminRequests.NodeCertificate(node.toString(), Pem.write(tls.certificate())));
    }
    admin.addSystem(
        new AdminRequests.SystemEntry(
            t.portal().toString(), "Portal " + id, t.consumerNode().toString()));
    admin.addSystem(
        new AdminRequests.SystemEntry(
            t.citizens().provider().toString(), "Population " + id, t.providerNode().toString()));
    admin.addService(
        new AdminRequests.Service(
            t.citizens().toString(),
            "http://127.0.0.1:" + backend.port() + "/api",
            "json:/SoDinhDanh,path:2"));
    admin.grant(
        new AdminRequests.Grant(
            t.portal().toString(),
            t.citizens().toString(),
            List.of("GET"),
            List.of("/citizens/*")));
  }

  /** The gateway file of tenant {@code id}'s consumer ({@code true}) or provider. */
  Path gatewayFile(String id, boolean consumer) {
    return dir.resolve(id + (consumer ? "-consumer" : "-provider") + "-gateway.yaml");
  }

  /** Writes both gateway files of tenant {@code id} on {@code registryUrl} and starts them. */
  void startGateways(String id, String registryUrl) throws Exception {
    List<AutoCloseable> running = new ArrayList<>();
    for (boolean consumer : List.of(true, false)) {
      Files.writeString(gatewayFile(id, consumer), gatewayYaml(id, consumer, registryUrl));
      running.addAll(NodeRoles.start(gatewayFile(id, consumer), QUIET));
    }
    gateways.put(id, running);
  }

  /** Repoints tenant {@code id}'s gateway files, as its operator edits them; nothing restarts. */
  void repoint(String id, String registryUrl) throws Exception {
    for (boolean consumer : List.of(true, false)) {
      Files.writeString(gatewayFile(id, consumer), gatewayYaml(id, consumer, registryUrl));
    }
  }

  GatewayNode consumer(String id) {
    return (GatewayNode) gateways.get(id).get(0);
  }

  GatewayNode provider(String id) {
    // each start lists the gateway, then its process's metrics
    return (GatewayNode) gateways.get(id).get(2);
  }

  private String gatewayYaml(String id, boolean consumer, String registryUrl) {
    Tenant t = tenant(id);
    String side = id + (consumer ? "-consumer" : "-provider");
    ClientId member = consumer ? t.consumerMember() : t.providerMember();
    return "instance: "
        + t.instance()
        + "\ngateway:\n"
        + "  node: "
        + (consumer ? t.consumerNode() : t.providerNode())
        + "\n  host: 127.0.0.1\n"
        + "  clientTlsPort: "
        + Federation.free()
        + "\n  clientHttpPort: "
        + (consumer ? t.consumerHttp() : -1)
        + "\n  peerPort: "
        + (consumer ? t.consumerPeer() : t.providerPeer())
        + "\n  database: jdbc:sqlite:data/"
        + side
        + ".db\n"
        + "  tls: {certificate: pki/"
        + side
        + "-tls.pem, key: pki/"
        + side
        + "-tls.key}\n"
        + "  signing:\n"
        + "    - {member: "
        + member
        + ", certificate: pki/"
        + side
        + "-signing.pem, key: pki/"
        + side
        + "-signing.key}\n"
        + "  registryUrl: "
        + registryUrl
        + "\n  directoryTrust: [tenants/"
        + id
        + "-signing.pem]\n"
        + "  directoryRefresh: PT1S\n"
        + "  directoryCache: data/"
        + side
        + "-directory.cache\n"
        + "  localSystems: "
        + (consumer
            ? "[{id: "
                + t.portal()
                + ", oauthClientId: portal, secretSha256: "
                + Federation.sha256Hex(t.secret())
                + ", certificates: []}]"
            : "[]")
        + "\n  ledger: {checkpointInterval: PT1S}\n"
        + (consumer
            ? "  statistics: {flushInterval: PT1S, apiPort: "
                + t.consumerStatistics()
                + ", apiTokenSha256: "
                + Federation.sha256Hex("statistics-" + id)
                + "}\n"
            : "");
  }

  /** Tenant {@code id}'s consumer gateway's figures of the hours around now, by agency. */
  JsonNode figures(String id) throws Exception {
    java.time.Instant hour =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + tenant(id).consumerStatistics()
                            + "/statistics/v1/figures?groupBy=agency&from="
                            + hour.minus(Duration.ofHours(1))
                            + "&to="
                            + hour.plus(Duration.ofHours(1))))
                .header("Authorization", "Bearer statistics-" + id)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("statistics answered " + r.statusCode() + r.body());
    }
    return Json.read(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
  }

  /** A bearer token of tenant {@code id}'s portal at its consumer gateway. */
  String portalToken(String id) throws Exception {
    Tenant t = tenant(id);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.consumerHttp() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id=portal&client_secret="
                            + t.secret()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("token endpoint answered " + r.statusCode() + r.body());
    }
    return Json.read(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class)
        .path("access_token")
        .asText();
  }

  /** Tenant {@code from}'s portal looks a citizen up in {@code service} through its gateway. */
  Answer call(String from, String token, ServiceId service) {
    Tenant t = tenant(from);
    String id = UUID.randomUUID().toString();
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + t.consumerHttp()
                              + "/r1/"
                              + service.encoded()
                              + "/citizens/"
                              + population.ids().getFirst()))
                  .header("Authorization", "Bearer " + token)
                  .header("Accept", "application/problem+json")
                  .header("X-Road-Client", t.portal().toString())
                  .header("X-Road-UserId", "VN072090000001")
                  .header("X-Road-Issue", "HS-2026-000123")
                  .header("X-Road-Id", id)
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(id, r.statusCode(), r.body());
    } catch (Exception e) {
      return new Answer(id, -1, String.valueOf(e));
    }
  }

  private Credentials signer(String cn) {
    return ca.issueCredentials(CertificateProfile.DIRECTORY_SIGNING, cn, "Test", List.of(), DAY);
  }

  private void write(String name, Credentials c) throws Exception {
    Files.writeString(dir.resolve(name + ".pem"), Pem.write(c.chain().toArray()));
    Path key = dir.resolve(name + ".key");
    Files.writeString(key, Pem.write(c.key()));
    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  @Override
  public void close() {
    gateways.values().forEach(NodeRoles::closeAll);
    stopInstallation();
    backends.forEach(WebServer::stop);
  }
}
