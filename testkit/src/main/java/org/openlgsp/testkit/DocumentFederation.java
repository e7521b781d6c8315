package org.openlgsp.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.NodeId;
import org.openlgsp.documents.AxisServer;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.Packages;
import org.openlgsp.documents.SigningKey;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.node.DocumentsRole;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.node.RegistryNode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.registry.RegistryServer;

/**
 * Two document axis nodes behind two gateways, on loopback, built from configuration files and the
 * registry's admin API: the provincial LGSP of Nghệ An (the People's Committee and its Department
 * of Home Affairs) and the Government Office's node. Documents between them travel as signed
 * gateway exchanges. Used by {@code lgsp demo edoc}, the end-to-end tests and the benchmark.
 */
public final class DocumentFederation implements AutoCloseable {
  public static final String INSTANCE = "VN";
  public static final AgencyCode PROVINCE = AgencyCode.parse("000.00.00.H41");
  public static final AgencyCode DEPARTMENT = AgencyCode.parse("000.00.15.H41");
  public static final AgencyCode GOVERNMENT_OFFICE = AgencyCode.parse("000.00.00.G22");
  static final ClientId NA_MEMBER = ClientId.member(INSTANCE, "GOV", PROVINCE.value());
  static final ClientId VPCP_MEMBER = ClientId.member(INSTANCE, "GOV", GOVERNMENT_OFFICE.value());
  static final ClientId NA_AXIS = ClientId.subsystem(INSTANCE, "GOV", PROVINCE.value(), "EDOC");
  static final ClientId VPCP_AXIS =
      ClientId.subsystem(INSTANCE, "GOV", GOVERNMENT_OFFICE.value(), "EDOC");
  static final NodeId NA_NODE = new NodeId(NA_MEMBER, "gw1");
  static final NodeId VPCP_NODE = new NodeId(VPCP_MEMBER, "gw1");
  private static final Duration YEAR = Duration.ofDays(365);

  /** Ports of every listener. */
  public record Ports(
      int registry,
      int naClientHttp,
      int naClientTls,
      int naPeer,
      int naAxis,
      int naRelay,
      int vpcpClientHttp,
      int vpcpClientTls,
      int vpcpPeer,
      int vpcpAxis,
      int vpcpRelay) {
    public static Ports ephemeral() {
      return new Ports(
          free(), free(), free(), free(), free(), free(), free(), free(), free(), free(), free());
    }

    private static int free() {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final Path workDir;
  private final Ports ports;
  private final String adminToken = secret();
  private final String provinceToken = secret();
  private final String departmentToken = secret();
  private final String vpcpToken = secret();
  private final CertificateAuthority ca =
      CertificateAuthority.createRoot("OpenLGSP Development CA", YEAR);
  private final List<AutoCloseable> running = new ArrayList<>();
  private final List<String> keyFiles = new ArrayList<>();
  private SigningKey provinceKey;
  private SigningKey departmentKey;
  private SigningKey vpcpKey;
  private DocumentsNode naAxis;
  private DocumentsNode vpcpAxis;
  private GatewayNode naGateway;
  private GatewayNode vpcpGateway;

  private final List<X509Certificate> extraSignerAnchors;

  private DocumentFederation(Path workDir, Ports ports, List<X509Certificate> extraSignerAnchors) {
    this.workDir = workDir;
    this.ports = ports;
    this.extraSignerAnchors = List.copyOf(extraSignerAnchors);
  }

  /**
   * Starts registry, gateways and both axis nodes; with {@code startGovernmentAxis} false the
   * Government Office's axis is only configured ({@code vpcp-axis.yaml}), for a test to run it in
   * another process.
   */
  public static DocumentFederation start(
      Path workDir, Ports ports, boolean startGovernmentAxis, PrintStream out) {
    return start(workDir, ports, startGovernmentAxis, out, List.of());
  }

  /**
   * As above; both axes also accept document signers certified by {@code extraSignerAnchors} (the
   * benchmark's package built in another JVM by another CA).
   */
  public static DocumentFederation start(
      Path workDir,
      Ports ports,
      boolean startGovernmentAxis,
      PrintStream out,
      List<X509Certificate> extraSignerAnchors) {
    DocumentFederation f = new DocumentFederation(workDir, ports, extraSignerAnchors);
    try {
      f.boot(startGovernmentAxis, out);
      return f;
    } catch (IOException e) {
      f.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      f.close();
      throw e;
    }
  }

  public static DocumentFederation start(Path workDir, Ports ports) {
    return start(workDir, ports, true, new PrintStream(OutputStream.nullOutputStream()));
  }

  private void boot(boolean startGovernmentAxis, PrintStream out) throws IOException {
    Files.createDirectories(workDir.resolve("pki"));
    Credentials directory =
        ca.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING, "OpenLGSP registry", "OpenLGSP", List.of(), YEAR);
    Credentials naTls = tls(NA_NODE, "UBND tỉnh Nghệ An");
    Credentials vpcpTls = tls(VPCP_NODE, "Văn phòng Chính phủ");
    Credentials naSigning = member(NA_MEMBER, "UBND tỉnh Nghệ An");
    Credentials vpcpSigning = member(VPCP_MEMBER, "Văn phòng Chính phủ");
    writeCredentials("registry-signing", directory);
    writeCredentials("na-tls", naTls);
    writeCredentials("vpcp-tls", vpcpTls);
    writeCredentials("na-signing", naSigning);
    writeCredentials("vpcp-signing", vpcpSigning);
    provinceKey = documentKey("province-document", PROVINCE, "UBND tỉnh Nghệ An");
    departmentKey = documentKey("department-document", DEPARTMENT, "Sở Nội vụ tỉnh Nghệ An");
    vpcpKey = documentKey("vpcp-document", GOVERNMENT_OFFICE, "Văn phòng Chính phủ");
    String naSecret = secret();
    String vpcpSecret = secret();
    // The CAs whose document-signing certificates the axes believe (documents.trustAnchors).
    List<Object> anchors = new ArrayList<>(List.of(ca.certificate()));
    anchors.addAll(extraSignerAnchors);
    Files.writeString(workDir.resolve("pki/document-signers-ca.pem"), Pem.write(anchors.toArray()));
    writePrivate("na-axis.secret", naSecret);
    writePrivate("vpcp-axis.secret", vpcpSecret);
    out.printf(
        "[pki]       development CA issued node, member and document-signing certificates into %s%n",
        workDir.resolve("pki"));

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
                null),
            null);
    registryConfig.write(workDir.resolve("registry.yaml"));
    running.add(
        RegistryNode.start(
            INSTANCE,
            registryConfig.registry(),
            workDir,
            new PrintStream(OutputStream.nullOutputStream())));
    RegistryClient admin = new RegistryClient(registryUrl(), adminToken);
    admin.addMember(NA_MEMBER.toString(), "UBND tỉnh Nghệ An");
    admin.addMember(VPCP_MEMBER.toString(), "Văn phòng Chính phủ");
    admin.addSigningCertificate(NA_MEMBER.toString(), Pem.write(naSigning.certificate()));
    admin.addSigningCertificate(VPCP_MEMBER.toString(), Pem.write(vpcpSigning.certificate()));
    admin.addNode(
        NA_NODE.toString(), "https://127.0.0.1:" + ports.naPeer(), Pem.write(naTls.certificate()));
    admin.addNode(
        VPCP_NODE.toString(),
        "https://127.0.0.1:" + ports.vpcpPeer(),
        Pem.write(vpcpTls.certificate()));
    admin.addSystem(NA_AXIS.toString(), "Trục văn bản tỉnh Nghệ An", NA_NODE.toString());
    admin.addSystem(VPCP_AXIS.toString(), "Trục liên thông văn bản quốc gia", VPCP_NODE.toString());
    String naService = NA_AXIS + "/edoc";
    String vpcpService = VPCP_AXIS + "/edoc";
    admin.addService(naService, "http://127.0.0.1:" + ports.naRelay() + "/edoc/v1", "");
    admin.addService(vpcpService, "http://127.0.0.1:" + ports.vpcpRelay() + "/edoc/v1", "");
    admin.grant(NA_AXIS.toString(), vpcpService, List.of("POST"), List.of("/relay"));
    admin.grant(VPCP_AXIS.toString(), naService, List.of("POST"), List.of("/relay"));
    out.printf(
        "[registry]  http://127.0.0.1:%d  2 agencies, 2 gateway nodes, axis services %s and %s, grants POST /relay both ways%n",
        ports.registry(), naService, vpcpService);

    NodeConfig naGw =
        gateway(
            NA_NODE,
            NA_MEMBER,
            "na",
            ports.naClientTls(),
            ports.naClientHttp(),
            ports.naPeer(),
            NA_AXIS,
            "na-axis",
            naSecret);
    NodeConfig vpcpGw =
        gateway(
            VPCP_NODE,
            VPCP_MEMBER,
            "vpcp",
            ports.vpcpClientTls(),
            ports.vpcpClientHttp(),
            ports.vpcpPeer(),
            VPCP_AXIS,
            "vpcp-axis",
            vpcpSecret);
    naGw.write(workDir.resolve("na-gateway.yaml"));
    vpcpGw.write(workDir.resolve("vpcp-gateway.yaml"));
    naGateway = GatewayNode.start(naGw.gateway(), workDir, Clock.systemUTC());
    running.add(naGateway);
    vpcpGateway = GatewayNode.start(vpcpGw.gateway(), workDir, Clock.systemUTC());
    running.add(vpcpGateway);
    out.printf(
        "[gateway]   Nghệ An LGSP %s and Văn phòng Chính phủ %s (mTLS between them, signed exchanges, ledgers)%n",
        NA_NODE, VPCP_NODE);

    NodeConfig naAxisConfig =
        axis(
            "na",
            ports.naAxis(),
            ports.naRelay(),
            ports.naClientHttp(),
            NA_AXIS,
            List.of(
                new DocumentsRole.Agency(
                    PROVINCE.value(), "UBND tỉnh Nghệ An", AxisServer.hashToken(provinceToken)),
                new DocumentsRole.Agency(
                    DEPARTMENT.value(),
                    "Sở Nội vụ tỉnh Nghệ An",
                    AxisServer.hashToken(departmentToken))));
    NodeConfig vpcpAxisConfig =
        axis(
            "vpcp",
            ports.vpcpAxis(),
            ports.vpcpRelay(),
            ports.vpcpClientHttp(),
            VPCP_AXIS,
            List.of(
                new DocumentsRole.Agency(
                    GOVERNMENT_OFFICE.value(),
                    "Văn phòng Chính phủ",
                    AxisServer.hashToken(vpcpToken))));
    naAxisConfig.write(workDir.resolve("na-axis.yaml"));
    vpcpAxisConfig.write(workDir.resolve("vpcp-axis.yaml"));
    naAxis = DocumentsNode.start(naAxisConfig.documents(), workDir, Clock.systemUTC());
    running.add(naAxis);
    if (startGovernmentAxis) {
      vpcpAxis = DocumentsNode.start(vpcpAxisConfig.documents(), workDir, Clock.systemUTC());
      running.add(vpcpAxis);
    }
    out.printf(
        "[axis]      Nghệ An document axis http://127.0.0.1:%d/edoc/v1 (UBND tỉnh %s, Sở Nội vụ %s)%n",
        ports.naAxis(), PROVINCE, DEPARTMENT);
    out.printf(
        "[axis]      Government Office axis http://127.0.0.1:%d/edoc/v1 (%s)%n",
        ports.vpcpAxis(), GOVERNMENT_OFFICE);
  }

  private NodeConfig gateway(
      NodeId node,
      ClientId owner,
      String prefix,
      int tls,
      int http,
      int peer,
      ClientId axis,
      String oauthId,
      String secret) {
    return new NodeConfig(
        INSTANCE,
        null,
        new NodeConfig.GatewayRole(
            node.toString(),
            "127.0.0.1",
            tls,
            http,
            peer,
            "jdbc:sqlite:data/" + prefix + "-gateway.db",
            keys(prefix + "-tls"),
            List.of(
                new NodeConfig.MemberSigning(
                    owner.toString(),
                    "pki/" + prefix + "-signing.pem",
                    "pki/" + prefix + "-signing.key")),
            registryUrl(),
            List.of("pki/registry-signing.pem"),
            Duration.ofSeconds(2),
            Duration.ofHours(1),
            Duration.ofSeconds(60),
            200L * 1024 * 1024,
            List.of(
                new NodeConfig.LocalSystemEntry(
                    axis.toString(), oauthId, LocalFederation.sha256Hex(secret), List.of()))));
  }

  private NodeConfig axis(
      String prefix,
      int port,
      int relay,
      int gatewayHttp,
      ClientId axis,
      List<DocumentsRole.Agency> agencies) {
    return new NodeConfig(
        INSTANCE,
        null,
        null,
        new DocumentsRole(
            "127.0.0.1",
            port,
            "127.0.0.1",
            relay,
            "jdbc:sqlite:data/" + prefix + "-axis.db",
            "data/" + prefix + "-axis",
            160L * 1024 * 1024,
            true,
            Duration.ofMillis(200),
            Duration.ofSeconds(5),
            1000,
            agencies,
            new DocumentsRole.GatewayLink(
                "http://127.0.0.1:" + gatewayHttp,
                axis.toString(),
                prefix + "-axis",
                "pki/" + prefix + "-axis.secret",
                "EDOC",
                "edoc"),
            List.of("pki/document-signers-ca.pem"),
            true,
            null));
  }

  private Credentials tls(NodeId node, String org) {
    return ca.issueCredentials(
        CertificateProfile.NODE_TLS, node.toString(), org, List.of("localhost", "127.0.0.1"), YEAR);
  }

  private Credentials member(ClientId member, String org) {
    return ca.issueCredentials(
        CertificateProfile.MEMBER_SIGNING, member.toString(), org, List.of(), YEAR);
  }

  /** An ECDSA document-signing key of an agency (edXML signatures are RSA or ECDSA). */
  private SigningKey documentKey(String file, AgencyCode agency, String org) throws IOException {
    KeyPair pair = KeyPairs.ecP256();
    X509Certificate cert =
        ca.issue(
            CertificateProfile.MEMBER_SIGNING,
            agency.value(),
            org,
            pair.getPublic(),
            List.of(),
            YEAR);
    Files.writeString(workDir.resolve("pki/" + file + ".pem"), Pem.write(cert));
    writePrivate(file + ".key", Pem.write(pair.getPrivate()));
    keyFiles.add(file);
    return new SigningKey(pair.getPrivate(), cert);
  }

  /** A document from the People's Committee of Nghệ An, unsigned, numbered {@code number}. */
  public static DocumentPackage sampleDocument(String number, List<AgencyCode> to) {
    return Packages.document(
        new Packages.NewDocument(
            DocumentFederation.PROVINCE,
            "UBND tỉnh Nghệ An",
            to,
            number,
            "UBND-VX",
            LocalDate.of(2026, 11, 23),
            "V/v báo cáo tình hình triển khai dịch vụ công trực tuyến",
            "Kính gửi Văn phòng Chính phủ và Sở Nội vụ",
            "Nguyễn Văn Đệ"),
        Instant.now());
  }

  public String registryUrl() {
    return "http://127.0.0.1:" + ports.registry();
  }

  public String provinceAxisUrl() {
    return "http://127.0.0.1:" + ports.naAxis();
  }

  public String governmentAxisUrl() {
    return "http://127.0.0.1:" + ports.vpcpAxis();
  }

  public String provinceToken() {
    return provinceToken;
  }

  public String departmentToken() {
    return departmentToken;
  }

  public String governmentToken() {
    return vpcpToken;
  }

  public SigningKey provinceKey() {
    return provinceKey;
  }

  public SigningKey departmentKey() {
    return departmentKey;
  }

  public SigningKey governmentKey() {
    return vpcpKey;
  }

  public Path workDir() {
    return workDir;
  }

  public Ports ports() {
    return ports;
  }

  /** Entries in the Nghệ An and Government Office gateways' ledgers. */
  public long[] ledgerSizes() {
    return new long[] {naGateway.ledger().size(), vpcpGateway.ledger().size()};
  }

  private NodeConfig.KeyFiles keys(String name) {
    return new NodeConfig.KeyFiles("pki/" + name + ".pem", "pki/" + name + ".key");
  }

  private void writeCredentials(String name, Credentials c) throws IOException {
    Files.writeString(workDir.resolve("pki/" + name + ".pem"), Pem.write(c.chain().toArray()));
    writePrivate(name + ".key", Pem.write(c.key()));
  }

  private void writePrivate(String name, String content) throws IOException {
    Path file = workDir.resolve("pki/" + name);
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

  @Override
  public void close() {
    NodeRoles.closeAll(running);
    running.clear();
  }
}
