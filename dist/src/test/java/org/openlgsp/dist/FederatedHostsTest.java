package org.openlgsp.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Directory;
import org.openlgsp.core.Json;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * The federation of docs/federation.md across eight hosts (network namespaces 10.77.0.1–8), every
 * node its own JVM, set up only with the unpacked archive's command line and YAML files:
 *
 * <ul>
 *   <li>host 1: the government CA (offline folder: `lgsp ca init`, one `lgsp ca issue` batch of
 *       every instance's CSRs) and the agencies' systems (the sample population database);
 *   <li>hosts 2 and 3: the national instance VN-NDXP — registry; hub gateway and the population
 *       database's provider gateway (two processes);
 *   <li>hosts 4 and 5: VN-TAYNINH and VN-LAOCAI, each a registry and a consumer gateway (two
 *       processes); Tây Ninh exchanges with NDXP through the hub, Lào Cai directly;
 *   <li>host 6: an "LGSP as a Service" installation (one `lgsp serve`) with tenants {@code caobang}
 *       (VN-CAOBANG) and {@code laichau} (VN-LAICHAU); hosts 7 and 8 their gateways, two each.
 * </ul>
 *
 * Agreements are drafted, signed and countersigned with {@code lgsp registry agreement}; the
 * catalogues are synchronised between the registries over the network; summaries go upward with
 * {@code lgsp registry summary send} and the national ranking is read with {@code ranking}.
 */
class FederatedHostsTest {
  private static final String NODE_JVM = "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
  private static final String CA_HOST = "http://10.77.0.1";
  private static final String BACKEND = CA_HOST + ":9090/api";
  private static final String ISSUE = "HS-2026-000123";
  private static final String PORTAL_SECRET = "portal-secret-" + UUID.randomUUID();

  /** How long a step may take to be seen across hosts (bounds a hang, on a loaded machine). */
  private static final Duration WAIT = Duration.ofSeconds(180);

  private static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");

  private static final String NDXP = "VN-NDXP";
  private static final String G01 = NDXP + "/GOV/000.00.00.G01";
  private static final String POPULATION = G01 + "/CSDLQGDC";
  private static final String CITIZENS = POPULATION + "/citizens";
  private static final String HOUSEHOLDS = POPULATION + "/households";
  private static final String PROVIDER_NODE = G01 + "/gw1";
  private static final String A01 = NDXP + "/GOV/000.00.00.A01";
  private static final String HUB = A01 + "/hub";
  private static final String NDXP_URL = "http://10.77.0.2:7070";

  /** A province with its own LGSP: registry and consumer gateway on host {@code host}. */
  private record Province(
      String instance, String name, int host, String code, String agreement, boolean viaHub) {
    String member() {
      return instance + "/GOV/000.00.00." + code;
    }

    String portal() {
      return member() + "/DVC";
    }

    String node() {
      return member() + "/gw1";
    }

    String registryUrl() {
      return "http://" + Namespaces.address(host) + ":7070";
    }

    String gatewayUrl() {
      return "http://" + Namespaces.address(host) + ":8080";
    }
  }

  private static final Province TAY_NINH =
      new Province("VN-TAYNINH", "UBND tỉnh Tây Ninh", 4, "H53", "ndxp-tayninh-2026", true);
  private static final Province LAO_CAI =
      new Province("VN-LAOCAI", "UBND tỉnh Lào Cai", 5, "H29", "ndxp-laocai-2026", false);

  /**
   * A tenant of the installation on host 6: its portal on gateway 1, the provincial police's
   * citizen database on gateway 2, both on host {@code host}.
   */
  private record Tenant(String id, String instance, String name, int host, String code) {
    String portalMember() {
      return instance + "/GOV/000.00.00." + code;
    }

    String portal() {
      return portalMember() + "/DVC";
    }

    String police() {
      return instance + "/GOV/000.00.22." + code;
    }

    String citizens() {
      return police() + "/DANCU/citizens";
    }

    String node(int gateway) {
      return (gateway == 1 ? portalMember() : police()) + "/gw1";
    }

    String registryUrl() {
      return "http://10.77.0.6:7070/tenants/" + id;
    }

    String folder(int gateway) {
      return id + "-gw" + gateway;
    }
  }

  private static final Tenant CAO_BANG = new Tenant("caobang", "VN-CAOBANG", "Cao Bằng", 7, "H11");
  private static final Tenant LAI_CHAU = new Tenant("laichau", "VN-LAICHAU", "Lai Châu", 8, "H12");

  /** A key made by its holder (host, folder, file) and the certificate the CA issues for it. */
  private record Key(int host, String folder, String file, String kind, String cn, String profile) {
    String atCa() {
      return "requests/h" + host + "-" + folder + "-" + file;
    }
  }

  @TempDir Path dir;
  private Hosts hosts;
  private final long started = System.nanoTime();
  private final String ndxpToken = secret();
  private final String laasToken = secret();

  @Test
  @RequiresPeer(Peer.NETNS)
  void provincesReachTheNationalPopulationDatabaseThroughTheHubAndDirectlyAndTenantsStayApart()
      throws Exception {
    Distribution dist = Distribution.unpack(dir);
    hosts = Hosts.create(dist, dir, 8, NODE_JVM);
    try {
      pki();
      phase("keys made, certificates issued");
      agreements();
      phase("agreements signed");
      startRegistriesAndSystems();
      phase("registries listening");
      Hosts.inParallel(
          this::national,
          () -> province(TAY_NINH),
          () -> province(LAO_CAI),
          () -> tenant(CAO_BANG),
          () -> tenant(LAI_CHAU));
      phase("instances registered, gateways started");
      Hosts.inParallel(() -> federate(TAY_NINH), () -> federate(LAO_CAI));
      phase("catalogues synchronised, grants on both ends");
      String citizen = citizen();
      exchangesAcrossInstances(citizen);
      phase("through the hub, direct, refused outside the agreement");
      Hosts.inParallel(
          () -> tenantExchange(CAO_BANG, citizen), () -> tenantExchange(LAI_CHAU, citizen));
      tenantsStayApart(citizen);
      phase("tenants: exchanges within each, refusals across");
      statisticsGoUpward();
      phase("daily summaries sent upward, national ranking read");
    } catch (Throwable t) {
      hosts.printLogs(40);
      throw t;
    } finally {
      hosts.close();
    }
  }

  // ---- 1. PKI: every holder makes its key; the CA issues all certificates in one batch --------

  private void pki() throws Exception {
    List<Key> keys = keys();
    Files.writeString(hosts.folder(1, "ca").resolve("ca.password"), "correct horse battery staple");
    List<Hosts.Step> steps = new ArrayList<>();
    steps.add(
        () ->
            hosts.run(
                1,
                "ca",
                "ca",
                "init",
                "--dir",
                "ca",
                "--password-file",
                "ca.password",
                "--name",
                "Government CA (test)",
                "--base-url",
                CA_HOST + ":7080"));
    for (int h = 2; h <= 8; h++) {
      int host = h;
      steps.add(
          () -> {
            for (Key k : keys) {
              if (k.host() == host) {
                csr(k);
              }
            }
          });
    }
    Hosts.inParallel(steps.toArray(Hosts.Step[]::new));
    List<String> batch =
        new ArrayList<>(List.of("ca", "issue", "--dir", "ca", "--password-file", "ca.password"));
    for (Key k : keys) {
      batch.addAll(
          List.of(
              "--csr", k.atCa() + ".csr", "--profile", k.profile(), "--out", k.atCa() + ".pem"));
    }
    String issued = hosts.run(1, "ca", batch.toArray(String[]::new));
    assertThat(issued.lines().filter(l -> l.startsWith("issued "))).hasSize(keys.size());
    Path ca = hosts.folder(1, "ca");
    for (Key k : keys) {
      Files.move(
          ca.resolve(k.atCa() + ".pem"),
          hosts.folder(k.host(), k.folder()).resolve(k.file() + ".pem"));
    }
  }

  private static List<Key> keys() {
    List<Key> keys = new ArrayList<>();
    keys.add(
        new Key(
            2, "registry", "registry-signing", "signing", "registry " + NDXP, "directory-signing"));
    keys.add(new Key(3, "provider", "tls", "tls", PROVIDER_NODE, "node-tls"));
    keys.add(new Key(3, "provider", "signing", "signing", G01, "member-signing"));
    keys.add(new Key(3, "provider", "encryption", "tls", G01, "member-encryption"));
    keys.add(new Key(3, "hub", "tls", "tls", HUB, "node-tls"));
    keys.add(new Key(3, "hub", "signing", "signing", A01, "member-signing"));
    for (Province p : List.of(TAY_NINH, LAO_CAI)) {
      keys.add(
          new Key(
              p.host(),
              "registry",
              "registry-signing",
              "signing",
              "registry " + p.instance(),
              "directory-signing"));
      keys.add(new Key(p.host(), "gateway", "tls", "tls", p.node(), "node-tls"));
      keys.add(new Key(p.host(), "gateway", "signing", "signing", p.member(), "member-signing"));
      if (p.viaHub()) {
        keys.add(
            new Key(p.host(), "gateway", "encryption", "tls", p.member(), "member-encryption"));
      }
    }
    keys.add(
        new Key(6, "laas", "registry-signing", "signing", "registry VN-LAAS", "directory-signing"));
    for (Tenant t : List.of(CAO_BANG, LAI_CHAU)) {
      keys.add(
          new Key(
              6,
              "laas",
              t.id() + "-signing",
              "signing",
              "registry " + t.instance(),
              "directory-signing"));
      for (int g = 1; g <= 2; g++) {
        keys.add(new Key(t.host(), t.folder(g), "tls", "tls", t.node(g), "node-tls"));
        keys.add(
            new Key(
                t.host(),
                t.folder(g),
                "signing",
                "signing",
                g == 1 ? t.portalMember() : t.police(),
                "member-signing"));
      }
    }
    return keys;
  }

  /**
   * The holder makes its key and CSR (a TLS key names its host's address); the CSR goes to host 1.
   */
  private void csr(Key k) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "keys",
                "csr",
                "--kind",
                k.kind(),
                "--cn",
                k.cn(),
                "--org",
                "OpenLGSP test",
                "--key-out",
                k.file() + ".key",
                "--out",
                k.file() + ".csr"));
    if (k.profile().equals("node-tls")) {
      args.addAll(List.of("--san", Namespaces.address(k.host())));
    }
    hosts.run(k.host(), k.folder(), args.toArray(String[]::new));
    Path target = hosts.folder(1, "ca").resolve(k.atCa() + ".csr");
    Files.createDirectories(target.getParent());
    Files.copy(hosts.folder(k.host(), k.folder()).resolve(k.file() + ".csr"), target);
  }

  // ---- 2. agreements: NDXP drafts and signs, each province countersigns ------------------------

  private void agreements() throws Exception {
    writeNationalRegistry();
    for (Province p : List.of(TAY_NINH, LAO_CAI)) {
      writeProvinceRegistry(p);
    }
    Hosts.inParallel(() -> agree(TAY_NINH), () -> agree(LAO_CAI));
  }

  private void agree(Province p) throws Exception {
    Path national = hosts.folder(2, "registry");
    Path province = hosts.folder(p.host(), "registry");
    String peerCert = p.instance().toLowerCase() + "-registry-signing.pem";
    Files.copy(province.resolve("registry-signing.pem"), national.resolve(peerCert));
    String code = p.code();
    hosts.run(
        2,
        "registry",
        "registry",
        "agreement",
        "draft",
        "--id",
        p.agreement(),
        "--party",
        NDXP + "=registry-signing.pem",
        "--party",
        p.instance() + "=" + peerCert,
        "--not-before",
        Instant.now().minus(Duration.ofHours(1)).toString(),
        "--not-after",
        Instant.now().plus(Duration.ofDays(365)).toString(),
        "--service",
        NDXP + "=GOV/000.00.00.G01/CSDLQGDC/citizens",
        "--client",
        NDXP + "=GOV/000.00.00." + code + "/DVC",
        "--out",
        p.agreement() + ".draft.json");
    hosts.run(
        2,
        "registry",
        "registry",
        "agreement",
        "sign",
        p.agreement() + ".draft.json",
        "-c",
        "registry.yaml",
        "--out",
        p.agreement() + ".signed.json");
    Files.copy(
        national.resolve(p.agreement() + ".signed.json"),
        province.resolve(p.agreement() + ".signed.json"));
    hosts.run(
        p.host(),
        "registry",
        "registry",
        "agreement",
        "countersign",
        p.agreement() + ".signed.json",
        "-c",
        "registry.yaml",
        "--out",
        p.agreement() + ".agreement.json");
    Files.copy(
        province.resolve(p.agreement() + ".agreement.json"),
        national.resolve(p.agreement() + ".agreement.json"));
    assertThat(
            hosts.run(
                2, "registry", "registry", "agreement", "show", p.agreement() + ".agreement.json"))
        .contains("signed by " + NDXP)
        .contains("signed by " + p.instance());
  }

  private void writeNationalRegistry() throws IOException {
    Path folder = hosts.folder(2, "registry");
    Files.writeString(folder.resolve("admin.token"), ndxpToken);
    Files.writeString(
        folder.resolve("registry.yaml"),
        """
        instance: VN-NDXP
        registry:
          host: 10.77.0.2
          port: 7070
          database: jdbc:sqlite:data/registry.db
          adminTokenSha256: %s
          signing: {certificate: registry-signing.pem, key: registry-signing.key}
          federation:
            regenerate: PT2S
            refresh: PT1S
            peers:
              - {agreement: %s.agreement.json, registryUrl: "%s", hub: "%s"}
              - {agreement: %s.agreement.json, registryUrl: "%s"}
            reporters:
              - {name: tayninh, tokenSha256: %s}
              - {name: laocai, tokenSha256: %s}
        """
            .formatted(
                sha256(ndxpToken),
                TAY_NINH.agreement(),
                TAY_NINH.registryUrl(),
                HUB,
                LAO_CAI.agreement(),
                LAO_CAI.registryUrl(),
                sha256(reporterToken(TAY_NINH)),
                sha256(reporterToken(LAO_CAI))));
  }

  private void writeProvinceRegistry(Province p) throws IOException {
    Path folder = hosts.folder(p.host(), "registry");
    Files.writeString(folder.resolve("admin.token"), adminToken(p));
    Files.writeString(folder.resolve("reporter.token"), reporterToken(p));
    Files.writeString(folder.resolve("statistics.token"), statisticsToken(p));
    Files.writeString(
        folder.resolve("registry.yaml"),
        """
        instance: %s
        registry:
          host: %s
          port: 7070
          database: jdbc:sqlite:data/registry.db
          adminTokenSha256: %s
          signing: {certificate: registry-signing.pem, key: registry-signing.key}
          federation:
            regenerate: PT2S
            refresh: PT1S
            peers:
              - {agreement: %s.agreement.json, registryUrl: "%s"}
        """
            .formatted(
                p.instance(),
                Namespaces.address(p.host()),
                sha256(adminToken(p)),
                p.agreement(),
                NDXP_URL));
  }

  // ---- 3. registries, the installation with tenants, the sample backend -----------------------

  private void startRegistriesAndSystems() throws Exception {
    writeInstallation();
    hosts.start(1, "systems", "demo", "backend", "--host", "10.77.0.1", "--port", "9090");
    hosts.start(2, "registry", "serve", "-c", "registry.yaml");
    for (Province p : List.of(TAY_NINH, LAO_CAI)) {
      hosts.start(p.host(), "registry", "serve", "-c", "registry.yaml");
    }
    hosts.start(6, "laas", "serve", "-c", "laas.yaml");
    for (int h : List.of(2, 4, 5, 6)) {
      Hosts.awaitPort(h, 7070);
    }
  }

  private void writeInstallation() throws IOException {
    Path folder = hosts.folder(6, "laas");
    StringBuilder tenants = new StringBuilder();
    for (Tenant t : List.of(CAO_BANG, LAI_CHAU)) {
      Files.writeString(folder.resolve(t.id() + "-admin.token"), tenantToken(t));
      Files.createDirectories(folder.resolve("tenants").resolve(t.id()));
      tenants.append(
          """
            - id: %s
              instance: %s
              database: jdbc:sqlite:tenants/%s/registry.db
              signing: {certificate: %s-signing.pem, key: %s-signing.key}
              adminTokens: [{name: %s-admin, tokenSha256: %s}]
          """
              .formatted(
                  t.id(), t.instance(), t.id(), t.id(), t.id(), t.id(), sha256(tenantToken(t))));
    }
    Files.writeString(
        folder.resolve("laas.yaml"),
        """
        instance: VN-LAAS
        registry:
          host: 10.77.0.6
          port: 7070
          database: jdbc:sqlite:data/registry.db
          adminTokenSha256: %s
          signing: {certificate: registry-signing.pem, key: registry-signing.key}
        tenants:
        %s"""
            .formatted(sha256(laasToken), tenants));
  }

  // ---- 4. each instance registers its agencies, nodes and services, then starts its gateways --

  private void national() throws Exception {
    Path registry = hosts.folder(2, "registry");
    handOver(3, "provider", 2, "registry", "provider-", "tls.pem", "signing.pem", "encryption.pem");
    handOver(3, "hub", 2, "registry", "hub-", "tls.pem", "signing.pem");
    Files.copy(hosts.folder(1, "ca").resolve("ca/chain.pem"), registry.resolve("ca-chain.pem"));
    admin(2, NDXP_URL, "trust-anchor", "add", "--certificate", "ca-chain.pem");
    admin(2, NDXP_URL, "member", "add", G01, "--name", "Bộ Công an");
    admin(2, NDXP_URL, "member", "add", A01, "--name", "Trung tâm dữ liệu quốc gia");
    admin(
        2,
        NDXP_URL,
        "node",
        "add",
        PROVIDER_NODE,
        "--address",
        "https://10.77.0.3:5501",
        "--tls-certificate",
        "provider-tls.pem");
    admin(
        2,
        NDXP_URL,
        "node",
        "add",
        HUB,
        "--address",
        "https://10.77.0.3:5500",
        "--tls-certificate",
        "hub-tls.pem");
    admin(
        2,
        NDXP_URL,
        "member",
        "add-signing-certificate",
        G01,
        "--certificate",
        "provider-signing.pem");
    admin(
        2, NDXP_URL, "member", "add-signing-certificate", A01, "--certificate", "hub-signing.pem");
    admin(
        2,
        NDXP_URL,
        "member",
        "add-encryption-certificate",
        G01,
        "--certificate",
        "provider-encryption.pem");
    admin(
        2,
        NDXP_URL,
        "system",
        "add",
        POPULATION,
        "--name",
        "CSDL quốc gia về dân cư",
        "--node",
        PROVIDER_NODE);
    for (String service : List.of(CITIZENS, HOUSEHOLDS)) {
      admin(
          2,
          NDXP_URL,
          "service",
          "add",
          service,
          "--backend-url",
          BACKEND,
          "--subject-locator",
          "json:/SoDinhDanh,path:2");
    }
    gateway(3, "hub", NDXP, HUB, A01, NDXP_URL, 5500, -1, "[]", "  hub: {relay: true}\n");
    gateway(3, "provider", NDXP, PROVIDER_NODE, G01, NDXP_URL, 5501, -1, "[]", encryption(G01));
    hosts.start(3, "hub", "serve", "-c", "gateway.yaml");
    hosts.start(3, "provider", "serve", "-c", "gateway.yaml");
  }

  private void province(Province p) throws Exception {
    int h = p.host();
    String url = p.registryUrl();
    List<String> files = new ArrayList<>(List.of("tls.pem", "signing.pem"));
    if (p.viaHub()) {
      files.add("encryption.pem");
    }
    handOver(h, "gateway", h, "registry", "gw-", files.toArray(String[]::new));
    Files.copy(
        hosts.folder(1, "ca").resolve("ca/chain.pem"),
        hosts.folder(h, "registry").resolve("ca-chain.pem"));
    admin(h, url, "trust-anchor", "add", "--certificate", "ca-chain.pem");
    admin(h, url, "member", "add", p.member(), "--name", p.name());
    admin(
        h,
        url,
        "node",
        "add",
        p.node(),
        "--address",
        "https://" + Namespaces.address(h) + ":5500",
        "--tls-certificate",
        "gw-tls.pem");
    admin(
        h, url, "member", "add-signing-certificate", p.member(), "--certificate", "gw-signing.pem");
    if (p.viaHub()) {
      admin(
          h,
          url,
          "member",
          "add-encryption-certificate",
          p.member(),
          "--certificate",
          "gw-encryption.pem");
    }
    admin(
        h,
        url,
        "system",
        "add",
        p.portal(),
        "--name",
        "Cổng dịch vụ công " + p.name(),
        "--node",
        p.node());
    String extra =
        (p.viaHub() ? encryption(p.member()) : "")
            + "  statistics: {flushInterval: PT1S, apiPort: 9300, apiTokenSha256: %s}\n"
                .formatted(sha256(statisticsToken(p)));
    gateway(
        h,
        "gateway",
        p.instance(),
        p.node(),
        p.member(),
        url,
        5500,
        8080,
        portal(p.portal()),
        extra);
    hosts.start(h, "gateway", "serve", "-c", "gateway.yaml");
  }

  private void tenant(Tenant t) throws Exception {
    String url = t.registryUrl();
    for (int g = 1; g <= 2; g++) {
      handOver(t.host(), t.folder(g), 6, "laas", t.folder(g) + "-", "tls.pem", "signing.pem");
    }
    Path laas = hosts.folder(6, "laas");
    Files.copy(
        hosts.folder(1, "ca").resolve("ca/chain.pem"), laas.resolve(t.id() + "-ca-chain.pem"));
    tenantAdmin(t, "trust-anchor", "add", "--certificate", t.id() + "-ca-chain.pem");
    tenantAdmin(t, "member", "add", t.portalMember(), "--name", "UBND tỉnh " + t.name());
    tenantAdmin(t, "member", "add", t.police(), "--name", "Công an tỉnh " + t.name());
    for (int g = 1; g <= 2; g++) {
      String member = g == 1 ? t.portalMember() : t.police();
      tenantAdmin(
          t,
          "node",
          "add",
          t.node(g),
          "--address",
          "https://" + Namespaces.address(t.host()) + ":" + (5499 + g),
          "--tls-certificate",
          t.folder(g) + "-tls.pem");
      tenantAdmin(
          t,
          "member",
          "add-signing-certificate",
          member,
          "--certificate",
          t.folder(g) + "-signing.pem");
    }
    String database = t.police() + "/DANCU";
    tenantAdmin(
        t,
        "system",
        "add",
        t.portal(),
        "--name",
        "Cổng dịch vụ công " + t.name(),
        "--node",
        t.node(1));
    tenantAdmin(
        t, "system", "add", database, "--name", "CSDL dân cư " + t.name(), "--node", t.node(2));
    tenantAdmin(
        t,
        "service",
        "add",
        t.citizens(),
        "--backend-url",
        BACKEND,
        "--subject-locator",
        "json:/SoDinhDanh,path:2");
    tenantAdmin(
        t,
        "grant",
        "add",
        "--client",
        t.portal(),
        "--service",
        t.citizens(),
        "--method",
        "GET",
        "--path",
        "/citizens/*");
    Files.copy(
        laas.resolve(t.id() + "-signing.pem"),
        hosts.folder(t.host(), t.folder(1)).resolve("registry-signing.pem"));
    Files.copy(
        laas.resolve(t.id() + "-signing.pem"),
        hosts.folder(t.host(), t.folder(2)).resolve("registry-signing.pem"));
    gateway(
        t.host(),
        t.folder(1),
        t.instance(),
        t.node(1),
        t.portalMember(),
        url,
        5500,
        8080,
        portal(t.portal()),
        "");
    gateway(t.host(), t.folder(2), t.instance(), t.node(2), t.police(), url, 5501, -1, "[]", "");
    hosts.start(t.host(), t.folder(1), "serve", "-c", "gateway.yaml");
    hosts.start(t.host(), t.folder(2), "serve", "-c", "gateway.yaml");
  }

  /** Copies a node's certificates to its registry's operator, as {@code prefix + file}. */
  private void handOver(
      int fromHost, String from, int toHost, String to, String prefix, String... files)
      throws IOException {
    for (String f : files) {
      Files.copy(
          hosts.folder(fromHost, from).resolve(f), hosts.folder(toHost, to).resolve(prefix + f));
    }
  }

  private static String encryption(String member) {
    return "  encryption:\n    - {member: %s, certificate: encryption.pem, key: encryption.key}\n"
        .formatted(member);
  }

  private static String portal(String portal) {
    return "[{id: %s, oauthClientId: portal, secretSha256: %s, certificates: []}]"
        .formatted(portal, sha256(PORTAL_SECRET));
  }

  /** Writes {@code gateway.yaml} in the gateway's folder, with its registry's certificate. */
  private void gateway(
      int h,
      String folder,
      String instance,
      String node,
      String member,
      String registryUrl,
      int peerPort,
      int clientHttpPort,
      String localSystems,
      String extra)
      throws IOException {
    Path f = hosts.folder(h, folder);
    if (!Files.exists(f.resolve("registry-signing.pem"))) {
      int registryHost = registryUrl.equals(NDXP_URL) ? 2 : h;
      Files.copy(
          hosts.folder(registryHost, "registry").resolve("registry-signing.pem"),
          f.resolve("registry-signing.pem"));
    }
    Files.writeString(
        f.resolve("gateway.yaml"),
        """
        instance: %s
        gateway:
          node: %s
          host: %s
          clientTlsPort: %d
          clientHttpPort: %d
          peerPort: %d
          database: jdbc:sqlite:data/gateway.db
          tls: {certificate: tls.pem, key: tls.key}
          signing:
            - {member: %s, certificate: signing.pem, key: signing.key}
          registryUrl: %s
          directoryTrust: [registry-signing.pem]
          directoryRefresh: PT1S
          localSystems: %s
        %slogging: {level: INFO}
        """
            .formatted(
                instance,
                node,
                Namespaces.address(h),
                8443 + peerPort - 5500,
                clientHttpPort,
                peerPort,
                member,
                registryUrl,
                localSystems,
                extra));
  }

  // ---- 5. catalogue sync and grants on both ends ---------------------------------------------

  private void federate(Province p) throws Exception {
    ServiceId citizens = ServiceId.parse(CITIZENS);
    ClientId portal = ClientId.parse(p.portal());
    // the province's directory carries the national service (and, for Tây Ninh, the hub node);
    // the national directory carries the province's portal
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                directory(p.registryUrl()).service(citizens).isPresent()
                    && directory(NDXP_URL).system(portal).isPresent());
    Directory provincial = directory(p.registryUrl());
    Directory.Federated national = provincial.federation(NDXP).orElseThrow();
    assertThat(provincial.service(citizens).orElseThrow().backendUrl())
        .as("a federated service carries its provider node's address, not the backend")
        .doesNotContain("9090");
    assertThat(provincial.service(ServiceId.parse(HOUSEHOLDS)))
        .as("outside the agreement")
        .isEmpty();
    if (p.viaHub()) {
      assertThat(national.hubNode()).contains(NodeId.parse(HUB));
      assertThat(provincial.node(NodeId.parse(HUB)).orElseThrow().address())
          .isEqualTo("https://10.77.0.3:5500");
    } else {
      assertThat(national.hubNode()).isEmpty();
    }
    String[] grant = {
      "grant",
      "add",
      "--client",
      p.portal(),
      "--service",
      CITIZENS,
      "--method",
      "GET",
      "--path",
      "/citizens/*"
    };
    admin(p.host(), p.registryUrl(), grant);
    admin(2, NDXP_URL, grant);
  }

  // ---- 6. exchanges ---------------------------------------------------------------------------

  private void exchangesAcrossInstances(String citizen) throws Exception {
    Answer viaHub =
        awaitOk(TAY_NINH.gatewayUrl(), TAY_NINH.portal(), CITIZENS, "/citizens/" + citizen);
    assertThat(viaHub.body()).contains(citizen);
    Answer direct =
        awaitOk(LAO_CAI.gatewayUrl(), LAO_CAI.portal(), CITIZENS, "/citizens/" + citizen);
    assertThat(direct.body()).contains(citizen);

    // through the hub: its ledger holds a relay record (no path), the provider's both lookups
    assertThat(ledger(3, "hub")).contains("RELAY " + TAY_NINH.portal() + " 200");
    assertThat(ledger(3, "provider"))
        .contains("PROVIDER " + TAY_NINH.portal() + " 200")
        .contains("PROVIDER " + LAO_CAI.portal() + " 200");
    assertThat(ledger(3, "hub")).noneMatch(r -> r.contains(LAO_CAI.portal()));

    Answer refused =
        call(
            TAY_NINH.gatewayUrl(),
            token(TAY_NINH.gatewayUrl()),
            TAY_NINH.portal(),
            HOUSEHOLDS,
            "/households/" + citizen);
    // X-Road's error format: an access refusal is Server.ClientProxy.AccessDenied, a 500
    assertThat(refused.status()).as(refused.body()).isEqualTo(500);
    assertThat(refused.body())
        .contains("federation.not_agreed")
        .contains("Server.ClientProxy.AccessDenied");
  }

  private void tenantExchange(Tenant t, String citizen) {
    Answer ok = awaitOk(gatewayUrl(t), t.portal(), t.citizens(), "/citizens/" + citizen);
    assertThat(ok.body()).contains(citizen);
  }

  private void tenantsStayApart(String citizen) throws Exception {
    // Cao Bằng's portal on Lai Châu's service: its gateway's directory (its tenant's) has no such
    // service
    Answer other =
        call(
            gatewayUrl(CAO_BANG),
            token(gatewayUrl(CAO_BANG)),
            CAO_BANG.portal(),
            LAI_CHAU.citizens(),
            "/citizens/" + citizen);
    assertThat(other.status()).as(other.body()).isNotEqualTo(200);
    assertThat(other.body()).contains("service.unknown");
    assertThat(ledger(LAI_CHAU.host(), LAI_CHAU.folder(2)))
        .noneMatch(r -> r.contains(CAO_BANG.portal()));
    Directory caoBang = directory(CAO_BANG.registryUrl());
    assertThat(caoBang.instance()).isEqualTo(CAO_BANG.instance());
    assertThat(caoBang.service(ServiceId.parse(LAI_CHAU.citizens()))).isEmpty();

    // Cao Bằng's administrator's token on Lai Châu's routes is an unknown token
    Distribution.Result denied =
        hosts.attempt(
            6,
            "laas",
            "registry",
            "member",
            "list",
            "--url",
            LAI_CHAU.registryUrl(),
            "--token-file",
            "caobang-admin.token");
    assertThat(denied.exit()).as(denied.out()).isEqualTo(2);
    assertThat(denied.out()).contains("admin.unauthenticated").doesNotContain(LAI_CHAU.police());
    assertThat(
            hosts.run(
                6,
                "laas",
                "registry",
                "member",
                "list",
                "--url",
                LAI_CHAU.registryUrl(),
                "--token-file",
                "laichau-admin.token"))
        .contains(LAI_CHAU.police());
  }

  // ---- 7. statistics upward --------------------------------------------------------------------

  private void statisticsGoUpward() {
    LocalDate today = LocalDate.now(VIETNAM);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Hosts.inParallel(
                  () -> sendSummary(TAY_NINH, today), () -> sendSummary(LAO_CAI, today));
              String ranking =
                  hosts.run(
                      2,
                      "registry",
                      "registry",
                      "summary",
                      "ranking",
                      "--url",
                      NDXP_URL,
                      "--token-file",
                      "admin.token",
                      "--from",
                      today.toString(),
                      "--to",
                      today.plusDays(1).toString());
              // Tây Ninh: the lookup through the hub and the refusal; Lào Cai: its lookup
              assertThat(ranking)
                  .containsPattern("(?m)^[2-9]\\d*\\s+.*" + Pattern.quote(TAY_NINH.member()) + "$")
                  .containsPattern("(?m)^[1-9]\\d*\\s+.*" + Pattern.quote(LAO_CAI.member()) + "$");
            });
  }

  private void sendSummary(Province p, LocalDate day) throws Exception {
    String sent =
        hosts.run(
            p.host(),
            "registry",
            "registry",
            "summary",
            "send",
            "-c",
            "registry.yaml",
            "--to",
            NDXP,
            "--day",
            day.toString(),
            "--statistics",
            "http://" + Namespaces.address(p.host()) + ":9300=statistics.token",
            "--url",
            NDXP_URL,
            "--token-file",
            "reporter.token");
    assertThat(sent).contains("summary of " + p.instance() + " " + day);
  }

  /** Prints how long the test has run, for the figures in docs/federation.md. */
  private void phase(String done) {
    System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - started) / 1e9, done);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A gateway's answer. */
  private record Answer(int status, String body) {}

  private static String gatewayUrl(Tenant t) {
    return "http://" + Namespaces.address(t.host()) + ":8080";
  }

  /** The portal's lookup through its gateway: 200 once every directory has caught up. */
  private static Answer awaitOk(String gateway, String portal, String service, String path) {
    String token = token(gateway);
    Answer answer =
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> call(gateway, token, portal, service, path), a -> a.status() == 200);
    return answer;
  }

  private static Answer call(
      String gateway, String token, String portal, String service, String path) {
    try (HttpClientResponse r =
        WebClient.builder()
            .build()
            .get(gateway + "/r1/" + service + path)
            .header(HeaderNames.AUTHORIZATION, "Bearer " + token)
            .header(HeaderNames.create("X-Road-Client"), portal)
            .header(HeaderNames.create("X-Road-UserId"), "VN072090000001")
            .header(HeaderNames.create("X-Road-Issue"), ISSUE)
            .request()) {
      return new Answer(r.status().code(), r.as(String.class));
    }
  }

  /** A token of the portal from its gateway (OAuth client credentials). */
  private static String token(String gateway) {
    String form = "grant_type=client_credentials&client_id=portal&client_secret=" + PORTAL_SECRET;
    try (HttpClientResponse r =
        WebClient.builder()
            .build()
            .post(gateway + "/token")
            .header(HeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
            .submit(form.getBytes(StandardCharsets.UTF_8))) {
      String body = r.as(String.class);
      assertThat(r.status().code()).as(body).isEqualTo(200);
      return Json.read(body.getBytes(StandardCharsets.UTF_8), JsonNode.class)
          .path("access_token")
          .asText();
    }
  }

  /** The signed directory a registry publishes, read (not verified: gateways verify). */
  private static Directory directory(String registryUrl) {
    try (HttpClientResponse r =
        WebClient.builder().build().get(registryUrl + "/directory").request()) {
      SignedDocument signed = Json.read(r.as(byte[].class), SignedDocument.class);
      return Json.read(Base64.getDecoder().decode(signed.payload()), Directory.class);
    }
  }

  /** {@code SIDE CLIENT STATUS} of every record in a gateway's ledger, read from its database. */
  private List<String> ledger(int h, String folder) throws IOException, SQLException {
    Path db = hosts.folder(h, folder).resolve("data/gateway.db");
    List<String> records = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT side, client_id, status FROM ledger_record")) {
      while (r.next()) {
        records.add(r.getString(1) + " " + r.getString(2) + " " + r.getInt(3));
      }
    }
    return records;
  }

  /** A citizen of the sample population database, as its log names them. */
  private String citizen() throws IOException {
    Path log = hosts.folder(1, "systems").resolve("node-demo.log");
    return await()
        .atMost(WAIT)
        .until(
            () -> {
              Matcher m = Pattern.compile("citizens (\\d{12})").matcher(Files.readString(log));
              return m.find() ? m.group(1) : "";
            },
            id -> !id.isEmpty());
  }

  private void admin(int h, String url, String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("registry"));
    all.addAll(List.of(args));
    all.addAll(List.of("--url", url, "--token-file", "admin.token"));
    hosts.run(h, "registry", all.toArray(String[]::new));
  }

  private void tenantAdmin(Tenant t, String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("registry"));
    all.addAll(List.of(args));
    all.addAll(List.of("--url", t.registryUrl(), "--token-file", t.id() + "-admin.token"));
    hosts.run(6, "laas", all.toArray(String[]::new));
  }

  private final Map<String, String> secrets = new ConcurrentHashMap<>();

  private String adminToken(Province p) {
    return secrets.computeIfAbsent("admin " + p.instance(), k -> secret());
  }

  private String reporterToken(Province p) {
    return secrets.computeIfAbsent("reporter " + p.instance(), k -> secret());
  }

  private String statisticsToken(Province p) {
    return secrets.computeIfAbsent("statistics " + p.instance(), k -> secret());
  }

  private String tenantToken(Tenant t) {
    return secrets.computeIfAbsent("tenant " + t.id(), k -> secret());
  }

  private static String secret() {
    return "token-" + UUID.randomUUID();
  }

  private static String sha256(String secret) {
    return Digests.hex(Digests.sha256(secret.getBytes(StandardCharsets.UTF_8)));
  }
}
