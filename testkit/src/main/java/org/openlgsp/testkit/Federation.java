package org.openlgsp.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.console.ConsoleOptions;
import org.openlgsp.core.AgencyCode;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Digests;
import org.openlgsp.core.Json;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.documents.AxisServer;
import org.openlgsp.documents.DocumentPackage;
import org.openlgsp.documents.Packages;
import org.openlgsp.documents.SigningKey;
import org.openlgsp.edge.ApiLink;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.node.DocumentsRole;
import org.openlgsp.node.EncryptionSettings;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.LedgerFiles;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.node.RegistryNode;
import org.openlgsp.node.TenantSettings;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.CertificateRequest;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.registry.RegistryServer;
import org.openlgsp.storage.KeyEncryptionKey;

/**
 * A whole federation in one process on loopback, built the way operators build one: a development
 * CA issues every certificate to keys their holders generated (enrolment through the registry's
 * admin API), key files and node configurations are written to a work folder, the registry is
 * filled through its admin API and witnesses both gateways' ledgers, and each gateway starts from
 * its configuration file and pulls the signed directory.
 *
 * <p>Behind the two gateways runs one of two {@link Scenario}s: Tây Ninh's public-service portal
 * calling the Ministry of Public Security's population database (a generated sample backend), or
 * two document axes, the provincial LGSP of Nghệ An (its People's Committee and Department of Home
 * Affairs) and the Government Office's. Used by the tests, the benchmarks and {@code lgsp demo}.
 */
public final class Federation implements AutoCloseable {
  public static final String INSTANCE = "VN";
  public static final ClientId TAY_NINH = ClientId.member(INSTANCE, "GOV", "000.00.00.H53");

  /** The member code of the national data center running the hub gateway (hub mode). */
  public static final String HUB_OPERATOR_CODE = "000.00.00.A01";

  public static final ClientId MPS = ClientId.member(INSTANCE, "GOV", "000.00.00.G01");
  public static final ClientId PORTAL = ClientId.subsystem(INSTANCE, "GOV", "000.00.00.H53", "DVC");
  public static final ClientId POPULATION_DB =
      ClientId.subsystem(INSTANCE, "GOV", "000.00.00.G01", "CSDLQGDC");
  public static final ServiceId CITIZENS = new ServiceId(POPULATION_DB, "citizens");
  public static final String CITIZEN_SERVICE = CITIZENS.toString();
  public static final NodeId TN_NODE = new NodeId(TAY_NINH, "gw1");
  public static final NodeId MPS_NODE = new NodeId(MPS, "gw1");

  /**
   * Procedure group 1 (Decree 63/2024): the procedure engine of Tây Ninh's LGSP calls the civil
   * status service of the Ministry of Justice, the residence service of the Ministry of Public
   * Security and the health-insurance service of Vietnam Social Security. The member codes of
   * Justice and Social Security are samples, not the official list.
   */
  public static final ClientId JUSTICE = ClientId.member(INSTANCE, "GOV", "000.00.00.G12");

  public static final ClientId SOCIAL_SECURITY = ClientId.member(INSTANCE, "GOV", "000.00.00.G16");

  /** The Ministry of Justice's gateway node ({@link Scenario#PROCEDURES}). */
  public static final NodeId JUSTICE_NODE = new NodeId(JUSTICE, "gw1");

  /** Vietnam Social Security's gateway node ({@link Scenario#PROCEDURES}). */
  public static final NodeId VSS_NODE = new NodeId(SOCIAL_SECURITY, "gw1");

  /**
   * The provincial general hospital of Tây Ninh (sample member code), which signs birth
   * certificates with its member signing key ({@link Scenario#PROCEDURES}).
   */
  public static final ClientId HOSPITAL = ClientId.member(INSTANCE, "GOV", "000.27.33.H53");

  public static final ClientId PROCEDURE_ENGINE =
      ClientId.subsystem(INSTANCE, "GOV", "000.00.00.H53", "LIENTHONG");
  public static final ServiceId CIVIL_STATUS =
      new ServiceId(ClientId.subsystem(INSTANCE, "GOV", "000.00.00.G12", "HOTICH"), "hotich");
  public static final ServiceId RESIDENCE =
      new ServiceId(ClientId.subsystem(INSTANCE, "GOV", "000.00.00.G01", "CSDLCUTRU"), "cutru");
  public static final ServiceId HEALTH_INSURANCE =
      new ServiceId(ClientId.subsystem(INSTANCE, "GOV", "000.00.00.G16", "BHXH"), "bhxh");

  /** The service each name of the reference procedure's steps stands for in this federation. */
  public static final Map<String, ServiceId> PROCEDURE_SERVICES =
      Map.of("hoTich", CIVIL_STATUS, "cuTru", RESIDENCE, "bhxh", HEALTH_INSURANCE);

  public static final AgencyCode PROVINCE = AgencyCode.parse("000.00.00.H41");
  public static final AgencyCode DEPARTMENT = AgencyCode.parse("000.00.15.H41");
  public static final AgencyCode GOVERNMENT_OFFICE = AgencyCode.parse("000.00.00.G22");

  /**
   * The agencies' names, as their documents name them (the status packages they write reuse them).
   */
  public static final Map<AgencyCode, String> AGENCY_NAMES =
      Map.of(
          PROVINCE, "UBND tỉnh Nghệ An",
          DEPARTMENT, "Sở Nội vụ tỉnh Nghệ An",
          GOVERNMENT_OFFICE, "Văn phòng Chính phủ");

  static final ClientId NA_MEMBER = ClientId.member(INSTANCE, "GOV", PROVINCE.value());
  static final ClientId VPCP_MEMBER = ClientId.member(INSTANCE, "GOV", GOVERNMENT_OFFICE.value());
  static final ClientId NA_AXIS = ClientId.subsystem(INSTANCE, "GOV", PROVINCE.value(), "EDOC");
  static final ClientId VPCP_AXIS =
      ClientId.subsystem(INSTANCE, "GOV", GOVERNMENT_OFFICE.value(), "EDOC");
  static final NodeId NA_NODE = new NodeId(NA_MEMBER, "gw1");
  static final NodeId VPCP_NODE = new NodeId(VPCP_MEMBER, "gw1");
  private static final Duration YEAR = Duration.ofDays(365);

  /** What runs behind the two gateways. */
  public enum Scenario {
    /** Tây Ninh's portal (consumer side) reads the sample population database (provider side). */
    EXCHANGE,
    /** Nghệ An's document axis (consumer side) and the Government Office's (provider side). */
    DOCUMENTS,
    /**
     * {@link #EXCHANGE}, and Tây Ninh's procedure engine (system {@code LIENTHONG}) calling the
     * sample civil status, residence and social insurance services ({@link AgencyBackends}): the
     * residence service on the provider gateway with the population database, civil status and
     * social insurance each behind a gateway of its own agency ({@link #agencyGateway}).
     */
    PROCEDURES
  }

  /** Hub mode of an exchange scenario (docs/federation.md, "Hub mode"). */
  public enum Hub {
    /** No encryption keys, no hub: exchanges go gateway to gateway. */
    NONE,
    /** The portal's and population database's members seal to and open with encryption keys. */
    MEMBER_KEYS,
    /** As {@link #MEMBER_KEYS}, and a hub gateway of this instance relays sealed exchanges. */
    RELAY
  }

  /** Where one gateway's listeners, and the document axis behind it, bind. */
  public record GatewayPorts(int clientHttp, int clientTls, int peer, int axis, int relay) {
    static GatewayPorts ephemeral() {
      return new GatewayPorts(free(), free(), free(), free(), free());
    }
  }

  /** Where each listener binds. */
  public record Ports(
      int registry, int backend, GatewayPorts consumer, GatewayPorts provider, int console) {
    public Ports {
      Objects.requireNonNull(consumer, "consumer");
      Objects.requireNonNull(provider, "provider");
    }

    /** The README's ports, for {@code lgsp demo --keep-running} (the axes' are free ones). */
    public static Ports fixed() {
      return new Ports(
          7070,
          9090,
          new GatewayPorts(8080, 8443, 5500, free(), free()),
          new GatewayPorts(-1, 8444, 5501, free(), free()),
          8480);
    }

    /** Free ports chosen now, for tests and benchmarks that must not collide. */
    public static Ports ephemeral() {
      return new Ports(free(), free(), GatewayPorts.ephemeral(), GatewayPorts.ephemeral(), free());
    }
  }

  /**
   * How to build the federation.
   *
   * @param citizens how many the sample population database holds ({@link Scenario#EXCHANGE})
   * @param revocationChecking whether gateways check peers' certificates by OCSP
   * @param anchorsInDirectory whether the CA chain is imported as the directory's trust anchors;
   *     without them the registry publishes any usable certificate and a gateway checking
   *     revocation knows the issuing CA only from {@code gateway.revocation.issuers}
   * @param startGovernmentAxis false only configures the Government Office's axis ({@code
   *     vpcp-axis.yaml}), for a test to run it in another process ({@link Scenario#DOCUMENTS})
   * @param extraSignerAnchors further CAs whose document signers the axes accept (the benchmark's
   *     package built in another JVM by another CA)
   * @param out receives a line per step
   * @param instance the instance identifier every identity of this federation carries ({@value
   *     #INSTANCE} unless {@link #withInstance}: two federations of different instances federate
   *     with each other, docs/federation.md)
   * @param tracker whether the gateways open their ledger APIs (auditor and tracker tokens) and the
   *     registry serves the citizen data tracker over them ({@link #withTracker}, exchange
   *     scenarios)
   * @param operatorApis whether the gateways open their monitoring, statistics and alerts APIs and
   *     the registry's console asks them ({@link #withOperatorApis}, exchange scenarios)
   * @param hub hub mode: encryption keys, and a hub gateway ({@link #withHub}, exchange scenario)
   */
  public record Options(
      Scenario scenario,
      Ports ports,
      int citizens,
      boolean revocationChecking,
      boolean anchorsInDirectory,
      boolean startGovernmentAxis,
      List<X509Certificate> extraSignerAnchors,
      PrintStream out,
      String instance,
      boolean tracker,
      boolean operatorApis,
      Hub hub) {
    public Options {
      Objects.requireNonNull(scenario, "scenario");
      Objects.requireNonNull(ports, "ports");
      extraSignerAnchors = List.copyOf(extraSignerAnchors);
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(hub, "hub");
      ClientId.member(instance, "GOV", "000.00.00.H53"); // refuses an invalid instance part
      if (!instance.equals(INSTANCE) && scenario != Scenario.EXCHANGE) {
        throw new IllegalArgumentException("only the exchange scenario runs in another instance");
      }
    }

    /**
     * Hub mode (docs/federation.md): the exchange's two members publish encryption certificates and
     * their gateways hold the keys ({@link Hub#MEMBER_KEYS}); with {@link Hub#RELAY} this instance
     * also runs a hub gateway ({@link #hubNodeId}) relaying sealed exchanges.
     */
    public Options withHub(Hub hub) {
      return new Options(
          scenario,
          ports,
          citizens,
          revocationChecking,
          anchorsInDirectory,
          startGovernmentAxis,
          extraSignerAnchors,
          out,
          instance,
          tracker,
          operatorApis,
          hub);
    }

    /** Every identity in instance {@code instance} (the exchange scenario only). */
    public Options withInstance(String instance) {
      return new Options(
          scenario,
          ports,
          citizens,
          revocationChecking,
          anchorsInDirectory,
          startGovernmentAxis,
          extraSignerAnchors,
          out,
          instance,
          tracker,
          operatorApis,
          hub);
    }

    /** Portal and population database with {@code citizens} generated citizens, silently. */
    public static Options exchange(int citizens) {
      return new Options(
          Scenario.EXCHANGE,
          Ports.ephemeral(),
          citizens,
          true,
          true,
          true,
          List.of(),
          silent(),
          INSTANCE,
          false,
          false,
          Hub.NONE);
    }

    /** {@link Scenario#PROCEDURES} with {@code citizens} citizens, silently. */
    public static Options procedures(int citizens) {
      return new Options(
          Scenario.PROCEDURES,
          Ports.ephemeral(),
          citizens,
          true,
          true,
          true,
          List.of(),
          silent(),
          INSTANCE,
          false,
          false,
          Hub.NONE);
    }

    /** Both document axes, silently; gateways without OCSP checks. */
    public static Options documents() {
      return new Options(
          Scenario.DOCUMENTS,
          Ports.ephemeral(),
          0,
          false,
          true,
          true,
          List.of(),
          silent(),
          INSTANCE,
          false,
          false,
          Hub.NONE);
    }

    public Options withPorts(Ports ports) {
      return new Options(
          scenario,
          ports,
          citizens,
          revocationChecking,
          anchorsInDirectory,
          startGovernmentAxis,
          extraSignerAnchors,
          out,
          instance,
          tracker,
          operatorApis,
          hub);
    }

    /**
     * The gateways' operator APIs (monitoring, statistics, alerts) on, each with its own token in
     * {@code pki/}, and the registry's console asking them ({@code registry.console.gateways}).
     */
    public Options withOperatorApis() {
      return new Options(
          scenario,
          ports,
          citizens,
          revocationChecking,
          anchorsInDirectory,
          startGovernmentAxis,
          extraSignerAnchors,
          out,
          instance,
          tracker,
          true,
          hub);
    }

    /**
     * The gateways' ledger APIs and the registry's citizen data tracker on (docs/privacy.md,
     * "Citizen data tracker").
     */
    public Options withTracker() {
      return new Options(
          scenario,
          ports,
          citizens,
          revocationChecking,
          anchorsInDirectory,
          startGovernmentAxis,
          extraSignerAnchors,
          out,
          instance,
          true,
          operatorApis,
          hub);
    }

    public Options withOut(PrintStream out) {
      return new Options(
          scenario,
          ports,
          citizens,
          revocationChecking,
          anchorsInDirectory,
          startGovernmentAxis,
          extraSignerAnchors,
          out,
          instance,
          tracker,
          operatorApis,
          hub);
    }

    public Options withRevocationChecking(boolean on) {
      return new Options(
          scenario,
          ports,
          citizens,
          on,
          anchorsInDirectory,
          startGovernmentAxis,
          extraSignerAnchors,
          out,
          instance,
          tracker,
          operatorApis,
          hub);
    }

    /** No trust anchors in the directory (see {@link #anchorsInDirectory}). */
    public Options withoutAnchorsInDirectory() {
      return new Options(
          scenario,
          ports,
          citizens,
          revocationChecking,
          false,
          startGovernmentAxis,
          extraSignerAnchors,
          out,
          instance,
          tracker,
          operatorApis,
          hub);
    }

    /** The Government Office's axis is configured but not started. */
    public Options withGovernmentAxisElsewhere() {
      return new Options(
          scenario,
          ports,
          citizens,
          revocationChecking,
          anchorsInDirectory,
          false,
          extraSignerAnchors,
          out,
          instance,
          tracker,
          operatorApis,
          hub);
    }

    public Options withExtraSignerAnchors(List<X509Certificate> anchors) {
      return new Options(
          scenario,
          ports,
          citizens,
          revocationChecking,
          anchorsInDirectory,
          startGovernmentAxis,
          anchors,
          out,
          instance,
          tracker,
          operatorApis,
          hub);
    }

    private static PrintStream silent() {
      return new PrintStream(OutputStream.nullOutputStream());
    }
  }

  /** One agency's gateway: file prefix, owner and configuration (and database) name. */
  private record Side(
      String prefix, ClientId owner, String organization, NodeId node, String name) {}

  private final Path workDir;
  private final Options options;
  // The exchange scenario's identities in this federation's instance (the constants above: "VN").
  private final ClientId tayNinh;
  private final ClientId mps;
  private final ClientId portal;
  private final ClientId populationDb;
  private final ServiceId citizens;
  private final NodeId tnNode;
  private final NodeId mpsNode;
  private final Ports ports;
  private final Side consumerSide;
  private final Side providerSide;
  // procedures: the Ministry of Justice's and Vietnam Social Security's own gateways
  private final Side justiceSide =
      new Side("moj", JUSTICE, "Bộ Tư pháp", JUSTICE_NODE, "moj-gateway");
  private final Side vssSide =
      new Side("vss", SOCIAL_SECURITY, "Bảo hiểm xã hội Việt Nam", VSS_NODE, "vss-gateway");
  private final Map<Side, GatewayPorts> agencyPorts =
      new java.util.HashMap<>(
          Map.of(
              justiceSide, new GatewayPorts(-1, free(), free(), 0, 0),
              vssSide, new GatewayPorts(-1, free(), free(), 0, 0)));
  // hub mode (Options.hub RELAY): the national data center's hub gateway, relaying only
  private final Side hubSide;
  private final Map<Side, GatewayNode> agencyGateways = new java.util.LinkedHashMap<>();
  private final Side hospitalSide =
      new Side(
          "hospital",
          HOSPITAL,
          "Bệnh viện Đa khoa tỉnh Tây Ninh",
          new NodeId(HOSPITAL, "gw1"),
          "hospital");
  private Credentials hospitalSigning;
  private final String adminToken = secret();
  private final String portalSecret = secret();
  private final String provinceToken = secret();
  private final String departmentToken = secret();
  private final String vpcpToken = secret();
  private final String engineSecret = secret();
  // the gateways' auditor API (exchange scenarios) and the citizen data tracker
  private final String auditorToken = secret();
  private final String gatewayTrackerToken = secret();
  private final String trackerReaderToken = secret();
  private final int consumerLedgerApi = free();
  private final int providerLedgerApi = free();
  // the gateways' operator APIs and the console's tokens for them (Options.operatorApis)
  private final String monitoringToken = secret();
  private final String statisticsToken = secret();
  private final String alertsReaderToken = secret();
  private final String alertsOperatorToken = secret();
  private AgencyBackends agencies;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final WebClient http = WebClient.builder().followRedirects(false).build();
  private final BuiltInCa ca;
  private final PopulationService population;
  private Credentials consumerTls;
  private Credentials consumerSigning;
  private RegistryNode registry;
  // "LGSP as a Service": this instance is tenant <id> of an installation of instance <host>
  private Optional<Tenancy> tenancy = Optional.empty();
  private GatewayNode consumer;
  private GatewayNode provider;
  private SigningKey provinceKey;
  private SigningKey departmentKey;
  private SigningKey vpcpKey;

  private Federation(Path workDir, Options options, BuiltInCa ca) {
    this.workDir = workDir;
    this.options = options;
    this.ports = options.ports();
    this.ca = ca;
    this.population = new PopulationService(options.citizens(), PopulationService.SEED);
    boolean exchange = options.scenario() != Scenario.DOCUMENTS;
    String instance = options.instance();
    this.tayNinh = ClientId.member(instance, "GOV", TAY_NINH.memberCode());
    this.mps = ClientId.member(instance, "GOV", MPS.memberCode());
    this.portal = ClientId.subsystem(instance, "GOV", TAY_NINH.memberCode(), "DVC");
    this.populationDb = ClientId.subsystem(instance, "GOV", MPS.memberCode(), "CSDLQGDC");
    this.citizens = new ServiceId(populationDb, CITIZENS.serviceCode());
    this.tnNode = new NodeId(tayNinh, TN_NODE.nodeCode());
    this.mpsNode = new NodeId(mps, MPS_NODE.nodeCode());
    this.consumerSide =
        exchange
            ? new Side("tn", tayNinh, "UBND tỉnh Tây Ninh", tnNode, "tay-ninh-gateway")
            : new Side("na", NA_MEMBER, "UBND tỉnh Nghệ An", NA_NODE, "na-gateway");
    this.providerSide =
        exchange
            ? new Side("mps", mps, "Bộ Công an", mpsNode, "mps-gateway")
            : new Side("vpcp", VPCP_MEMBER, "Văn phòng Chính phủ", VPCP_NODE, "vpcp-gateway");
    ClientId hubOwner = ClientId.member(instance, "GOV", HUB_OPERATOR_CODE);
    this.hubSide =
        new Side(
            "hub",
            hubOwner,
            "Trung tâm dữ liệu quốc gia",
            new NodeId(hubOwner, "hub"),
            "hub-gateway");
    agencyPorts.put(hubSide, new GatewayPorts(-1, free(), free(), 0, 0));
  }

  /** Starts everything in {@code workDir}. */
  public static Federation start(Path workDir, Options options) {
    return start(workDir, options, Optional.empty());
  }

  /**
   * The hosting of an instance as a tenant of an "LGSP as a Service" installation
   * (docs/federation.md): the installation's own instance and the tenant's id.
   */
  public record Tenancy(String installation, String id) {}

  /**
   * As {@link #start(Path, Options)}, the instance's registry being tenant {@code tenancy.id} of an
   * "LGSP as a Service" installation of instance {@code tenancy.installation} (its own registry,
   * key and token), served under {@code /tenants/<id>}: the gateways fetch the tenant's directory
   * there; the tenant's keys are issued by the built-in CA and published through the tenant's admin
   * API (a tenant's registry runs no enrolment), and no registry witnesses the gateways' ledgers.
   * Exchange scenario without the tracker only.
   */
  public static Federation startAsTenant(Path workDir, Options options, Tenancy tenancy) {
    if (options.scenario() != Scenario.EXCHANGE || options.tracker()) {
      throw new IllegalArgumentException("a tenant runs the exchange scenario without tracker");
    }
    return start(workDir, options, Optional.of(tenancy));
  }

  private static Federation start(Path workDir, Options options, Optional<Tenancy> tenancy) {
    BuiltInCa ca;
    try {
      ca = BuiltInCa.start(workDir.resolve("data"), "OpenLGSP Demo", YEAR);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the demo CA: " + e.getMessage(), e);
    }
    Federation f;
    try {
      f = new Federation(workDir, options, ca);
      f.tenancy = tenancy;
    } catch (RuntimeException e) {
      ca.close();
      throw e;
    }
    f.running.add(ca);
    try {
      f.boot();
      return f;
    } catch (IOException e) {
      f.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      f.close();
      throw e;
    }
  }

  private boolean exchange() {
    return options.scenario() != Scenario.DOCUMENTS;
  }

  private boolean procedures() {
    return options.scenario() == Scenario.PROCEDURES;
  }

  private void boot() throws IOException {
    PrintStream out = options.out();
    Files.createDirectories(workDir.resolve("pki"));
    List<String> dbs =
        new ArrayList<>(List.of("registry", consumerSide.name(), providerSide.name()));
    agencySides().forEach(a -> dbs.add(a.name()));
    for (String db : dbs) {
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.deleteIfExists(workDir.resolve("data").resolve(db + ".db" + suffix));
      }
    }
    writeCert("ca.pem", ca.rootCertificate());
    writeCert("issuing-ca.pem", ca.issuingCertificate());
    Credentials directory =
        ca.enrol(
            CertificateProfile.DIRECTORY_SIGNING,
            "OpenLGSP registry " + options.instance(),
            "OpenLGSP",
            List.of(),
            YEAR);
    writeCredentials("registry-signing", directory);
    writeSecret("admin.token", adminToken);
    if (exchange()) {
      writeCredentials(
          "portal-client",
          ca.enrol(
              CertificateProfile.SYSTEM_CLIENT,
              portal.toString(),
              "UBND tỉnh Tây Ninh",
              List.of(),
              YEAR));
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
      if (procedures()) {
        agencies = AgencyBackends.start("127.0.0.1");
        running.add(agencies);
        writeSecret("lienthong.secret", engineSecret);
        out.printf(
            "[backend]   sample agencies: civil status %s, residence %s, social insurance %s%n",
            agencies.url(AgencyBackends.Agency.CIVIL_STATUS),
            agencies.url(AgencyBackends.Agency.RESIDENCE),
            agencies.url(AgencyBackends.Agency.SOCIAL_INSURANCE));
      }
    } else {
      provinceKey = documentKey("province-document", PROVINCE, "UBND tỉnh Nghệ An");
      departmentKey = documentKey("department-document", DEPARTMENT, "Sở Nội vụ tỉnh Nghệ An");
      vpcpKey = documentKey("vpcp-document", GOVERNMENT_OFFICE, "Văn phòng Chính phủ");
      // The CAs whose document-signing certificates the axes believe (documents.trustAnchors).
      List<Object> anchors =
          new ArrayList<>(List.of(ca.issuingCertificate(), ca.rootCertificate()));
      anchors.addAll(options.extraSignerAnchors());
      Files.writeString(
          workDir.resolve("pki/document-signers-ca.pem"), Pem.write(anchors.toArray()));
      out.printf(
          "[pki]       development CA issued node, member and document-signing certificates into %s%n",
          workDir.resolve("pki"));
    }

    startRegistry();
    register(new RegistryClient(registryUrl(), adminToken));

    NodeConfig consumerConfig = gatewayConfig(consumerSide, ports.consumer(), consumerSystems());
    NodeConfig providerConfig =
        gatewayConfig(
            providerSide,
            exchange() // the population database's gateway takes no local clients
                ? new GatewayPorts(-1, ports.provider().clientTls(), ports.provider().peer(), 0, 0)
                : ports.provider(),
            providerSystems());
    consumerConfig.write(workDir.resolve(consumerSide.name() + ".yaml"));
    providerConfig.write(workDir.resolve(providerSide.name() + ".yaml"));
    consumer =
        GatewayNode.start(consumerConfig.gateway().orElseThrow(), workDir, Clock.systemUTC());
    running.add(consumer);
    provider =
        GatewayNode.start(providerConfig.gateway().orElseThrow(), workDir, Clock.systemUTC());
    running.add(provider);
    for (Side side : agencySides()) {
      NodeConfig config = gatewayConfig(side, agencyPorts.get(side), List.of());
      config.write(workDir.resolve(side.name() + ".yaml"));
      GatewayNode node =
          GatewayNode.start(config.gateway().orElseThrow(), workDir, Clock.systemUTC());
      running.add(node);
      agencyGateways.put(side, node);
      out.printf(
          "[gateway]   %s %s  peers https://127.0.0.1:%d → backend%n",
          side.organization(), side.node(), agencyPorts.get(side).peer());
    }
    if (exchange()) {
      out.printf(
          "[gateway]   Tây Ninh LGSP   %s  local systems http://127.0.0.1:%d and https://127.0.0.1:%d, peers https://127.0.0.1:%d%n",
          tnNode,
          ports.consumer().clientHttp(),
          ports.consumer().clientTls(),
          ports.consumer().peer());
      out.printf(
          "[gateway]   Bộ Công an      %s  peers https://127.0.0.1:%d → backend%n",
          mpsNode, ports.provider().peer());
      long serial = consumer.directory().current().orElseThrow().serial();
      out.printf(
          "[directory] both gateways pulled and verified directory serial %d (Ed25519, signed by %s)%n",
          serial, directory.certificate().getSubjectX500Principal().getName());
    } else {
      out.printf(
          "[gateway]   Nghệ An LGSP %s and Văn phòng Chính phủ %s (mTLS between them, signed exchanges, ledgers)%n",
          NA_NODE, VPCP_NODE);
      startAxes();
    }
  }

  /**
   * The installation of "LGSP as a Service" with this instance as its tenant: the installation's
   * own registry (its own key, database and token) and the tenant's, on one listener.
   */
  private void startInstallation(Tenancy t) throws IOException {
    writeCredentials(
        "installation-signing",
        ca.enrol(
            CertificateProfile.DIRECTORY_SIGNING,
            "OpenLGSP registry " + t.installation(),
            "OpenLGSP",
            List.of(),
            YEAR));
    Files.deleteIfExists(workDir.resolve("data/installation.db"));
    NodeConfig.RegistryRole installation =
        new NodeConfig.RegistryRole(
            "127.0.0.1",
            ports.registry(),
            "jdbc:sqlite:data/installation.db",
            RegistryServer.hashToken(secret()),
            Optional.of(Duration.ofHours(1)),
            keys("installation-signing"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    TenantSettings tenant =
        new TenantSettings(
            t.id(),
            options.instance(),
            "jdbc:sqlite:data/registry.db",
            keys("registry-signing"),
            List.of(new TenantSettings.AdminToken("admin", RegistryServer.hashToken(adminToken))),
            null,
            CONSENT_KEY,
            Optional.of(Duration.ofHours(1)),
            Optional.empty());
    NodeConfig config =
        new NodeConfig(
            t.installation(),
            Optional.of(installation),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            null,
            null,
            null,
            List.of(tenant));
    config.write(workDir.resolve("registry.yaml"));
    registry =
        RegistryNode.start(
            t.installation(),
            installation,
            workDir,
            new PrintStream(OutputStream.nullOutputStream()),
            List.of(tenant));
    running.add(registry);
    options
        .out()
        .printf(
            "[registry]  LGSP as a Service %s on http://127.0.0.1:%d; tenant %s (%s) under %s%n",
            t.installation(), registry.port(), t.id(), options.instance(), tenant.prefix());
  }

  /** The registry, witnessing both gateways' logs and issuing approved enrolments in-process. */
  private void startRegistry() throws IOException {
    if (tenancy.isPresent()) {
      startInstallation(tenancy.get());
      return;
    }
    // The gateways' checkpoint keys exist before the registry starts, so it can witness both logs.
    List<String> logs = new ArrayList<>();
    List<Side> witnessed = new ArrayList<>(List.of(consumerSide, providerSide));
    witnessed.addAll(agencySides());
    for (Side side : witnessed) {
      logs.add(
          LedgerFiles.checkpointKey(workDir, ledgerSettings(), side.node()).verifier().toString());
    }
    NodeConfig registryConfig =
        NodeConfig.registryOnly(
            options.instance(),
            new NodeConfig.RegistryRole(
                "127.0.0.1",
                ports.registry(),
                "jdbc:sqlite:data/registry.db",
                RegistryServer.hashToken(adminToken),
                Optional.of(Duration.ofHours(1)),
                keys("registry-signing"),
                Optional.empty(),
                Optional.of(new NodeConfig.RegistryWitness(null, logs)),
                Optional.of(consoleOptions()),
                // consents (docs/privacy.md): generated at start, copied to the provider gateway
                Optional.of(CONSENT_KEY),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                tracker()));
    registryConfig.write(workDir.resolve("registry.yaml"));
    registry =
        RegistryNode.start(
            options.instance(),
            registryConfig.registry().orElseThrow(),
            workDir,
            new PrintStream(OutputStream.nullOutputStream()),
            ca.issuing());
    running.add(registry);
    if (exchange()) {
      options
          .out()
          .printf(
              "[registry]  http://127.0.0.1:%d  (admin API /api/v1, signed directory /directory,"
                  + " SQLite;%n"
                  + "            witness of both gateways' ledger checkpoints)%n",
              registry.port());
    }
  }

  /**
   * The citizen data tracker (docs/privacy.md): the portal ({@code portal}) may look citizens up;
   * the registry asks both gateways' ledger APIs with the token in {@code pki/tracker.token}: the
   * consumer's as configured (an override), the provider's only as the directory publishes it.
   */
  private Optional<NodeConfig.RegistryTracker> tracker() {
    if (!exchange() || !options.tracker()) {
      return Optional.empty();
    }
    try {
      writeSecret("tracker.token", gatewayTrackerToken);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.of(
        new NodeConfig.RegistryTracker(
            List.of(
                new NodeConfig.TrackerReader(
                    "portal", RegistryServer.hashToken(trackerReaderToken))),
            List.of(
                new NodeConfig.TrackerGateway(
                    consumerSide.node().toString(), ledgerApiUrl(true), "pki/tracker.token")),
            Optional.of(Duration.ofSeconds(5)),
            Optional.empty(),
            Optional.of("pki/tracker.token")));
  }

  /** The consumer's ({@code true}) or provider's ledger API (exchange scenarios). */
  public String ledgerApiUrl(boolean consumerGateway) {
    return "http://127.0.0.1:" + (consumerGateway ? consumerLedgerApi : providerLedgerApi);
  }

  /** The auditor token of both gateways' ledger APIs (exchange scenarios). */
  public String auditorToken() {
    return auditorToken;
  }

  /** The portal's token for the registry's citizen data tracker (role {@code tracker.reader}). */
  public String trackerReaderToken() {
    return trackerReaderToken;
  }

  private void register(RegistryClient admin) throws IOException {
    if (options.anchorsInDirectory()) {
      admin.addTrustAnchors(
          new AdminRequests.TrustAnchor(Pem.write(ca.issuingCertificate(), ca.rootCertificate())));
    }
    for (Side side : List.of(consumerSide, providerSide)) {
      admin.addMember(new AdminRequests.Member(side.owner().toString(), side.organization()));
    }
    for (Side side : agencySides()) {
      admin.addMember(new AdminRequests.Member(side.owner().toString(), side.organization()));
      admin.addNode(
          new AdminRequests.Node(
              side.node().toString(), "https://127.0.0.1:" + agencyPorts.get(side).peer()));
    }
    // with the tracker on, the gateways publish their ledger APIs in the directory
    boolean publish = exchange() && options.tracker();
    admin.addNode(
        new AdminRequests.Node(
            consumerSide.node().toString(),
            "https://127.0.0.1:" + ports.consumer().peer(),
            List.of(),
            publish ? ledgerApiUrl(true) : ""));
    admin.addNode(
        new AdminRequests.Node(
            providerSide.node().toString(),
            "https://127.0.0.1:" + ports.provider().peer(),
            List.of(),
            publish ? ledgerApiUrl(false) : ""));
    // Enrolment: each holder generates its key and CSR; the administrator approves; the CA issues
    // and the certificate lands in the directory.
    consumerSigning = enrol(admin, "member-signing", consumerSide.owner(), consumerSide);
    Credentials providerSigning =
        enrol(admin, "member-signing", providerSide.owner(), providerSide);
    consumerTls = enrol(admin, "node-tls", consumerSide.node(), consumerSide);
    Credentials providerTls = enrol(admin, "node-tls", providerSide.node(), providerSide);
    writeCredentials(consumerSide.prefix() + "-tls", consumerTls);
    writeCredentials(consumerSide.prefix() + "-signing", consumerSigning);
    writeCredentials(providerSide.prefix() + "-tls", providerTls);
    writeCredentials(providerSide.prefix() + "-signing", providerSigning);
    if (procedures()) {
      // the hospital signs birth certificates; its certificate is published in the directory
      admin.addMember(
          new AdminRequests.Member(hospitalSide.owner().toString(), hospitalSide.organization()));
      hospitalSigning = enrol(admin, "member-signing", HOSPITAL, hospitalSide);
      writeCredentials("hospital-signing", hospitalSigning);
    }
    // each agency of the procedures on a gateway of its own: own signing key, TLS key, ledger
    for (Side side : agencySides()) {
      writeCredentials(
          side.prefix() + "-signing", enrol(admin, "member-signing", side.owner(), side));
      writeCredentials(side.prefix() + "-tls", enrol(admin, "node-tls", side.node(), side));
    }
    if (exchange() && options.hub() != Hub.NONE) {
      // hub mode: each exchanging member's encryption key, generated by its holder, issued by
      // the CA and published in the directory (and in the federated catalogue)
      for (Side side : List.of(consumerSide, providerSide)) {
        Credentials enc =
            ca.enrol(
                CertificateProfile.MEMBER_ENCRYPTION,
                side.owner().toString(),
                side.organization(),
                List.of(),
                YEAR);
        writeCredentials(side.prefix() + "-encryption", enc);
        admin.addEncryptionCertificate(
            new AdminRequests.MemberCertificate(
                side.owner().toString(), Pem.write(enc.chain().getFirst())));
      }
    }
    if (exchange()) {
      registerPopulationService(admin);
    } else {
      registerAxes(admin);
    }
  }

  private void registerPopulationService(RegistryClient admin) {
    PrintStream out = options.out();
    out.println(
        "[enrolment] built-in CA chain imported as the directory's trust anchors; 4 keys generated"
            + " by their holders, CSRs submitted to the registry admin API, approved, issued by the"
            + " built-in CA and published in the directory");
    admin.addSystem(
        new AdminRequests.SystemEntry(
            portal.toString(), "Cổng dịch vụ công tỉnh Tây Ninh", tnNode.toString()));
    admin.addSystem(
        new AdminRequests.SystemEntry(
            populationDb.toString(), "Cơ sở dữ liệu quốc gia về dân cư", mpsNode.toString()));
    // GET /citizens/{id} names the citizen in the path; POST /citizens/verify in its body
    admin.addService(
        new AdminRequests.Service(
            citizens.toString(), backendUrl() + "/api", "json:/SoDinhDanh,path:2"));
    admin.grant(
        new AdminRequests.Grant(
            portal.toString(),
            citizens.toString(),
            List.of("GET", "POST"),
            List.of("/citizens/*")));
    out.println(
        "[registry]  registered through the admin API: 2 agencies (000.00.00.H53 UBND tỉnh Tây Ninh, 000.00.00.G01 Bộ Công an),");
    out.println(
        "            their signing certificates, 2 gateway nodes, 2 systems, service "
            + citizens
            + ",");
    out.println("            grant " + portal + " → citizens: GET, POST on /citizens/*");
    if (procedures()) {
      registerProcedureServices(admin);
    }
  }

  private void registerProcedureServices(RegistryClient admin) {
    admin.addSystem(
        new AdminRequests.SystemEntry(
            PROCEDURE_ENGINE.toString(),
            "Hệ thống liên thông thủ tục tỉnh Tây Ninh",
            tnNode.toString()));
    Map<ServiceId, String> names =
        Map.of(
            CIVIL_STATUS, "Hệ thống đăng ký, quản lý hộ tịch điện tử",
            RESIDENCE, "Hệ thống quản lý cư trú",
            HEALTH_INSURANCE, "Hệ thống cấp thẻ bảo hiểm y tế");
    Map<ServiceId, AgencyBackends.Agency> backends =
        Map.of(
            CIVIL_STATUS, AgencyBackends.Agency.CIVIL_STATUS,
            RESIDENCE, AgencyBackends.Agency.RESIDENCE,
            HEALTH_INSURANCE, AgencyBackends.Agency.SOCIAL_INSURANCE);
    // the operations of procedure groups 1 and 2 the engine may call, and nothing else
    Map<ServiceId, List<String>> operations =
        Map.of(
            CIVIL_STATUS, List.of("/dangKyKhaiSinh", "/dangKyKhaiTu"),
            RESIDENCE,
                List.of("/dangKyThuongTru", "/xoaDangKyThuongTru", "/khoiPhucDangKyThuongTru"),
            HEALTH_INSURANCE, List.of("/capTheBhytTreEm", "/giaiQuyetTroCapMaiTang"));
    for (ServiceId s : List.of(CIVIL_STATUS, RESIDENCE, HEALTH_INSURANCE)) {
      NodeId host =
          s.equals(CIVIL_STATUS) ? JUSTICE_NODE : s.equals(HEALTH_INSURANCE) ? VSS_NODE : mpsNode;
      admin.addSystem(
          new AdminRequests.SystemEntry(s.provider().toString(), names.get(s), host.toString()));
      // the data subject of every step: the mother (group 1) or the deceased (group 2)
      admin.addService(
          new AdminRequests.Service(
              s.toString(),
              agencies.url(backends.get(s)),
              "json:/hoSo/me/soDinhDanh,json:/hoSo/nguoiChet/soDinhDanh"));
      admin.grant(
          new AdminRequests.Grant(
              PROCEDURE_ENGINE.toString(), s.toString(), List.of("POST"), operations.get(s)));
    }
    options
        .out()
        .println(
            "[registry]  procedure engine "
                + PROCEDURE_ENGINE
                + " granted POST on the operations of groups 1 and 2 of "
                + CIVIL_STATUS
                + ", "
                + RESIDENCE
                + ", "
                + HEALTH_INSURANCE);
  }

  private void registerAxes(RegistryClient admin) {
    admin.addSystem(
        new AdminRequests.SystemEntry(
            NA_AXIS.toString(), "Trục văn bản tỉnh Nghệ An", NA_NODE.toString()));
    admin.addSystem(
        new AdminRequests.SystemEntry(
            VPCP_AXIS.toString(), "Trục liên thông văn bản quốc gia", VPCP_NODE.toString()));
    String naService = NA_AXIS + "/edoc";
    String vpcpService = VPCP_AXIS + "/edoc";
    admin.addService(
        new AdminRequests.Service(
            naService, "http://127.0.0.1:" + ports.consumer().relay() + "/edoc/v1", ""));
    admin.addService(
        new AdminRequests.Service(
            vpcpService, "http://127.0.0.1:" + ports.provider().relay() + "/edoc/v1", ""));
    admin.grant(
        new AdminRequests.Grant(
            NA_AXIS.toString(), vpcpService, List.of("POST"), List.of("/relay")));
    admin.grant(
        new AdminRequests.Grant(
            VPCP_AXIS.toString(), naService, List.of("POST"), List.of("/relay")));
    options
        .out()
        .printf(
            "[registry]  http://127.0.0.1:%d  2 agencies, 2 gateway nodes, axis services %s and %s, grants POST /relay both ways%n",
            ports.registry(), naService, vpcpService);
  }

  private List<NodeConfig.LocalSystemEntry> consumerSystems() throws IOException {
    if (procedures()) {
      return List.of(
          new NodeConfig.LocalSystemEntry(
              portal.toString(),
              "portal",
              sha256Hex(portalSecret),
              List.of("pki/portal-client.pem")),
          new NodeConfig.LocalSystemEntry(
              PROCEDURE_ENGINE.toString(), "lienthong", sha256Hex(engineSecret), List.of()));
    }
    return exchange()
        ? List.of(
            new NodeConfig.LocalSystemEntry(
                portal.toString(),
                "portal",
                sha256Hex(portalSecret),
                List.of("pki/portal-client.pem")))
        : List.of(axisSystem(consumerSide, NA_AXIS));
  }

  private List<NodeConfig.LocalSystemEntry> providerSystems() throws IOException {
    return exchange() ? List.of() : List.of(axisSystem(providerSide, VPCP_AXIS));
  }

  /** The axis authenticates to its gateway with a client secret kept beside the configuration. */
  private NodeConfig.LocalSystemEntry axisSystem(Side side, ClientId axis) throws IOException {
    String secret = secret();
    writeSecret(side.prefix() + "-axis.secret", secret);
    return new NodeConfig.LocalSystemEntry(
        axis.toString(), side.prefix() + "-axis", sha256Hex(secret), List.of());
  }

  private NodeConfig gatewayConfig(
      Side side, GatewayPorts listen, List<NodeConfig.LocalSystemEntry> systems) {
    return NodeConfig.gatewayOnly(
        options.instance(),
        new NodeConfig.GatewayRole(
            side.node().toString(),
            Optional.of("127.0.0.1"),
            Optional.of(listen.clientTls()),
            Optional.of(listen.clientHttp()),
            Optional.of(listen.peer()),
            "jdbc:sqlite:data/" + side.name() + ".db",
            keys(side.prefix() + "-tls"),
            signing(side),
            registryUrl(),
            List.of("pki/registry-signing.pem"),
            // Short, so a demo or test change in the registry (or a key rotation) shows quickly.
            Duration.ofSeconds(2),
            Optional.of(Duration.ofHours(1)),
            // Both gateways' files share the work folder, so each keeps its own copy.
            Optional.of("data/" + side.name() + "-directory.cache"),
            Optional.of(Duration.ofSeconds(60)),
            Optional.of((exchange() ? 10L : 200L) * 1024 * 1024),
            Optional.empty(),
            systems,
            options.revocationChecking()
                // No CA files: the gateways take the CAs from the directory's trust anchors.
                ? Optional.of(
                    new NodeConfig.RevocationSettings(
                        List.of(), Duration.ofMinutes(1), Duration.ofSeconds(5)))
                : Optional.empty(),
            ledgerSettings(side),
            // the modules' defaults: operational records, statistics and alerts on, no API
            // (unless Options.operatorApis)
            operatorApis() ? Optional.of(monitoringSettings(side)) : Optional.empty(),
            List.of(),
            operatorApis() ? Optional.of(statisticsSettings(side)) : Optional.empty(),
            operatorApis() ? Optional.of(alertsOptions(side)) : Optional.empty(),
            // only the provider checks consents, with the registry's key (same work folder)
            side.equals(providerSide) ? Optional.of(CONSENT_KEY) : Optional.empty(),
            // the observers on their default database: beside the gateway's,
            // data/<side>-observers.db
            Optional.empty(),
            encryption(side),
            hubSettings(side),
            // no rate limits, no instance name (GatewayRateLimitSettingsTest writes them), no
            // node-local console, no run-time credentials
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()));
  }

  private boolean operatorApis() {
    return exchange() && options.operatorApis();
  }

  /** The port of {@code side}'s monitoring (0), statistics (1) or alerts (2) API. */
  private int operatorPort(Side side, int api) {
    return operatorPorts.computeIfAbsent(side.name() + api, k -> free());
  }

  private final Map<String, Integer> operatorPorts = new java.util.concurrent.ConcurrentHashMap<>();

  private NodeConfig.MonitoringSettings monitoringSettings(Side side) {
    return new NodeConfig.MonitoringSettings(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(operatorPort(side, 0)),
        Optional.of(sha256Hex(monitoringToken)),
        // the records' free text sealed at rest, as a production gateway should keep it
        Optional.of(
            new EncryptionSettings(
                Optional.of(atRestKey()),
                Optional.empty(),
                Optional.of("data/" + side.name() + "-monitoring-keyring.json"),
                Optional.empty())));
  }

  private NodeConfig.StatisticsSettings statisticsSettings(Side side) {
    return new NodeConfig.StatisticsSettings(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        // figures show within a second (default PT10S)
        Optional.of(Duration.ofSeconds(1)),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(operatorPort(side, 1)),
        Optional.of(sha256Hex(statisticsToken)));
  }

  private org.openlgsp.alerts.AlertsOptions alertsOptions(Side side) {
    return org.openlgsp.alerts.AlertsOptions.defaults()
        .withApi(
            new org.openlgsp.alerts.AlertsOptions.Api(
                operatorPort(side, 2),
                sha256Hex(alertsReaderToken),
                sha256Hex(alertsOperatorToken),
                null));
  }

  /** The console's gateways: both gateways' operator APIs, the tokens in {@code pki/}. */
  private ConsoleOptions consoleOptions() {
    ConsoleOptions console = ConsoleOptions.defaults().listening("127.0.0.1", ports.console());
    if (!operatorApis()) {
      return console;
    }
    try {
      writeSecret("monitoring.token", monitoringToken);
      writeSecret("statistics.token", statisticsToken);
      writeSecret("alerts-operator.token", alertsOperatorToken);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ConsoleOptions.Gateway> gateways = new ArrayList<>();
    for (Side side : List.of(consumerSide, providerSide)) {
      gateways.add(
          new ConsoleOptions.Gateway(
              side.node().toString(),
              Optional.of(new ApiLink(operatorApiUrl(side, 0), "pki/monitoring.token")),
              Optional.of(new ApiLink(operatorApiUrl(side, 1), "pki/statistics.token")),
              Optional.of(new ApiLink(operatorApiUrl(side, 2), "pki/alerts-operator.token"))));
    }
    return console.withGateways(gateways);
  }

  private String operatorApiUrl(Side side, int api) {
    return "http://127.0.0.1:" + operatorPort(side, api);
  }

  /**
   * The alerts API of the consumer ({@code true}) or provider gateway ({@link
   * Options#withOperatorApis}).
   */
  public String alertsApiUrl(boolean consumerGateway) {
    return operatorApiUrl(consumerGateway ? consumerSide : providerSide, 2);
  }

  /**
   * The statistics API of the consumer ({@code true}) or provider gateway ({@link
   * Options#withOperatorApis}); its token is in {@code pki/statistics.token}.
   */
  public String statisticsApiUrl(boolean consumerGateway) {
    return operatorApiUrl(consumerGateway ? consumerSide : providerSide, 1);
  }

  /** The alerts API's reader token ({@link Options#withOperatorApis}). */
  public String alertsReaderToken() {
    return alertsReaderToken;
  }

  /** The member a gateway signs for: its owner. */
  private List<NodeConfig.MemberSigning> signing(Side side) {
    return List.of(
        NodeConfig.MemberSigning.pem(
            side.owner().toString(),
            "pki/" + side.prefix() + "-signing.pem",
            "pki/" + side.prefix() + "-signing.key"));
  }

  /**
   * The hospital's member signing key ({@link Scenario#PROCEDURES}): it signs birth certificates.
   */
  public Credentials hospitalSigning() {
    if (hospitalSigning == null) {
      throw new IllegalStateException("no hospital outside the PROCEDURES scenario");
    }
    return hospitalSigning;
  }

  /** The registry's directory-signing certificates, which every reader of the directory trusts. */
  public List<X509Certificate> registrySigners() {
    try {
      return Pem.certificates(Files.readString(workDir.resolve("pki/registry-signing.pem")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The gateways of Justice and Social Security ({@link Scenario#PROCEDURES}), else none. */
  private List<Side> agencySides() {
    if (procedures()) {
      return List.of(justiceSide, vssSide);
    }
    return options.hub() == Hub.RELAY ? List.of(hubSide) : List.of();
  }

  /** The hub gateway's node ({@link Hub#RELAY}): {@code INSTANCE/GOV/000.00.00.A01/hub}. */
  public NodeId hubNodeId() {
    return hubSide.node();
  }

  /** The hub gateway ({@link Hub#RELAY}). */
  public GatewayNode hubNode() {
    GatewayNode hub = agencyGateways.get(hubSide);
    if (hub == null) {
      throw new IllegalStateException("this federation runs no hub gateway");
    }
    return hub;
  }

  /** The encryption keys a side's gateway opens sealed messages with (hub mode). */
  private List<NodeConfig.MemberEncryption> encryption(Side side) {
    if (options.hub() == Hub.NONE || !(side.equals(consumerSide) || side.equals(providerSide))) {
      return List.of();
    }
    return List.of(
        new NodeConfig.MemberEncryption(
            side.owner().toString(),
            "pki/" + side.prefix() + "-encryption.pem",
            "pki/" + side.prefix() + "-encryption.key"));
  }

  /** The hub gateway relays; the others route as the directory says. */
  private Optional<NodeConfig.HubSettings> hubSettings(Side side) {
    return side.equals(hubSide) && options.hub() == Hub.RELAY
        ? Optional.of(new NodeConfig.HubSettings(true, Map.of()))
        : Optional.empty();
  }

  /**
   * The Ministry of Justice's ({@link Federation#JUSTICE}) or Vietnam Social Security's ({@link
   * Federation#SOCIAL_SECURITY}) gateway, each of its own ({@link Scenario#PROCEDURES}).
   */
  public GatewayNode agencyGateway(ClientId member) {
    return agencyGateways.entrySet().stream()
        .filter(e -> e.getKey().owner().equals(member))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no gateway of its own for " + member));
  }

  /** The registry's consent key file, which the provider gateway reads too. */
  static final String CONSENT_KEY = "data/consent.key";

  /**
   * The gateways' ledgers: checkpoints time-stamped by the built-in TSA (trusted through the demo
   * root) and cosigned by the registry's witness.
   */
  /**
   * A gateway's ledger: as {@link #ledgerSettings()}, with the auditor API and the tracker's token
   * when {@link Options#tracker}.
   */
  private NodeConfig.LedgerSettings ledgerSettings(Side side) {
    if (!exchange() || !options.tracker()) {
      return ledgerSettings();
    }
    return ledgerSettings()
        .withAuditorApi(
            side.equals(consumerSide) ? consumerLedgerApi : providerLedgerApi,
            RegistryServer.hashToken(auditorToken))
        .withTrackerToken(RegistryServer.hashToken(gatewayTrackerToken));
  }

  private NodeConfig.LedgerSettings ledgerSettings() {
    return NodeConfig.LedgerSettings.defaults()
        .withWitnesses(
            tenancy.isPresent() // a tenant's registry is no witness
                ? List.of()
                : List.of(new NodeConfig.LedgerSettings.WitnessEntry("registry", registryUrl())))
        .withTsa(ca.trustServicesUrl() + "/tsa", List.of("pki/ca.pem"));
  }

  private void startAxes() {
    NodeConfig naAxisConfig =
        axisConfig(
            "na",
            ports.consumer(),
            NA_AXIS,
            List.of(
                new DocumentsRole.Agency(PROVINCE.value(), AxisServer.hashToken(provinceToken)),
                new DocumentsRole.Agency(
                    DEPARTMENT.value(), AxisServer.hashToken(departmentToken))));
    NodeConfig vpcpAxisConfig =
        axisConfig(
            "vpcp",
            ports.provider(),
            VPCP_AXIS,
            List.of(
                new DocumentsRole.Agency(
                    GOVERNMENT_OFFICE.value(), AxisServer.hashToken(vpcpToken))));
    naAxisConfig.write(workDir.resolve("na-axis.yaml"));
    vpcpAxisConfig.write(workDir.resolve("vpcp-axis.yaml"));
    running.add(
        DocumentsNode.start(naAxisConfig.documents().orElseThrow(), workDir, Clock.systemUTC()));
    if (options.startGovernmentAxis()) {
      running.add(
          DocumentsNode.start(
              vpcpAxisConfig.documents().orElseThrow(), workDir, Clock.systemUTC()));
    }
    options
        .out()
        .printf(
            "[axis]      Nghệ An document axis http://127.0.0.1:%d/edoc/v1 (UBND tỉnh %s, Sở Nội vụ %s)%n",
            ports.consumer().axis(), PROVINCE, DEPARTMENT);
    options
        .out()
        .printf(
            "[axis]      Government Office axis http://127.0.0.1:%d/edoc/v1 (%s)%n",
            ports.provider().axis(), GOVERNMENT_OFFICE);
  }

  private NodeConfig axisConfig(
      String prefix, GatewayPorts listen, ClientId axis, List<DocumentsRole.Agency> agencies) {
    return NodeConfig.documentsOnly(
        INSTANCE,
        new DocumentsRole(
            "127.0.0.1",
            listen.axis(),
            "127.0.0.1",
            listen.relay(),
            "jdbc:sqlite:data/" + prefix + "-axis.db",
            "data/" + prefix + "-axis",
            Optional.of(160L * 1024 * 1024),
            Optional.of(true),
            Optional.of(Duration.ofMillis(200)),
            Optional.of(Duration.ofSeconds(5)),
            Optional.of(1000),
            agencies,
            Optional.of(
                new DocumentsRole.GatewayLink(
                    "http://127.0.0.1:" + listen.clientHttp(),
                    axis.toString(),
                    prefix + "-axis",
                    "pki/" + prefix + "-axis.secret",
                    "EDOC",
                    "edoc")),
            List.of("pki/document-signers-ca.pem"),
            true,
            Optional.empty(),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            // packages kept encrypted at rest, as a production axis should keep them
            Optional.of(EncryptionSettings.keyFile(atRestKey())),
            Optional.empty()));
  }

  /** The axis nodes' key-encryption key file (relative to the work folder), made once. */
  private String atRestKey() {
    Path key = workDir.resolve("pki/at-rest.key");
    if (!Files.exists(key)) {
      KeyEncryptionKey.generateKeyFile(key);
    }
    return "pki/at-rest.key";
  }

  /** An ECDSA document-signing key of an agency (edXML signatures are RSA or ECDSA). */
  private SigningKey documentKey(String file, AgencyCode agency, String org) throws IOException {
    KeyPair pair = KeyPairs.ecP256();
    Credentials c =
        ca.enrol(pair, CertificateProfile.MEMBER_SIGNING, agency.value(), org, List.of(), YEAR);
    Files.writeString(workDir.resolve("pki/" + file + ".pem"), Pem.write(c.certificate()));
    writePrivate(workDir.resolve("pki/" + file + ".key"), Pem.write(pair.getPrivate()));
    return new SigningKey(pair.getPrivate(), c.certificate());
  }

  /** The holder generates its key and CSR, the administrator approves, the CA issues. */
  private Credentials enrol(RegistryClient admin, String kind, Object target, Side holder) {
    boolean tls = kind.equals("node-tls");
    if (tenancy.isPresent()) {
      // a tenant's registry runs no enrolment: the CA issues, the tenant's administrator publishes
      Credentials c =
          ca.enrol(
              tls ? CertificateProfile.NODE_TLS : CertificateProfile.MEMBER_SIGNING,
              target.toString(),
              holder.organization(),
              tls ? List.of("localhost", "127.0.0.1") : List.of(),
              YEAR);
      String pem = Pem.write(c.chain().getFirst());
      if (tls) {
        admin.addNodeTlsCertificate(new AdminRequests.NodeCertificate(target.toString(), pem));
      } else {
        admin.addSigningCertificate(new AdminRequests.MemberCertificate(target.toString(), pem));
      }
      return c;
    }
    KeyPair key = tls ? KeyPairs.ecP256() : KeyPairs.ed25519();
    CertificateRequest csr =
        CertificateRequest.create(
            key.getPrivate(),
            key.getPublic(),
            target.toString(),
            holder.organization(),
            tls ? List.of("localhost", "127.0.0.1") : List.of());
    String id =
        admin.submitEnrolment(new AdminRequests.Enrolment(kind, target.toString(), csr.pem())).id();
    return new Credentials(
        key.getPrivate(), Pem.certificates(admin.approveEnrolment(id).certificate()));
  }

  private WebServer startBackend() {
    return population.serve("127.0.0.1", ports.backend());
  }

  /** A document from the People's Committee of Nghệ An, unsigned, numbered {@code number}. */
  public static DocumentPackage sampleDocument(String number, List<AgencyCode> to) {
    return Packages.document(
        new Packages.NewDocument(
            PROVINCE,
            "UBND tỉnh Nghệ An",
            to,
            number,
            "UBND-VX",
            LocalDate.of(2026, 11, 23),
            "V/v báo cáo tình hình triển khai dịch vụ công trực tuyến",
            "Kính gửi Văn phòng Chính phủ và Sở Nội vụ",
            "Nguyễn Văn Đệ",
            AGENCY_NAMES),
        Instant.now());
  }

  /** This federation's instance identifier. */
  public String instance() {
    return options.instance();
  }

  /** The portal (the consumer side's local system) in this federation's instance. */
  public ClientId portal() {
    return portal;
  }

  /** The population database's citizens service in this federation's instance. */
  public ServiceId citizensService() {
    return citizens;
  }

  public NodeId consumerNodeId() {
    return tnNode;
  }

  public NodeId providerNodeId() {
    return mpsNode;
  }

  public Path workDir() {
    return workDir;
  }

  public Ports ports() {
    return ports;
  }

  public String registryUrl() {
    return "http://127.0.0.1:"
        + ports.registry()
        + tenancy.map(t -> TenantSettings.PREFIX + t.id()).orElse("");
  }

  /** This instance's registry: its own node's, or its tenant's in the installation. */
  public org.openlgsp.registry.Registry registry() {
    return tenancy.map(t -> registry.tenant(t.id()).orElseThrow()).orElseGet(registry::registry);
  }

  public String adminToken() {
    return adminToken;
  }

  public RegistryNode registryNode() {
    return registry;
  }

  /** Tây Ninh's (or Nghệ An's) gateway. */
  public GatewayNode consumerNode() {
    return consumer;
  }

  /** The Ministry of Public Security's (or the Government Office's) gateway. */
  public GatewayNode providerNode() {
    return provider;
  }

  /** The consumer node's TLS credentials: the demo's attacker is assumed to have stolen them. */
  public Credentials consumerNodeTls() {
    return consumerTls;
  }

  /**
   * A client of the provider's peer port presenting the consumer node's TLS identity (as an
   * attacker holding its stolen key would), trusting only the provider node's certificate {@code
   * providerTlsFingerprint} (taken while the provider node runs in this process).
   */
  public WebClient peerClientWithConsumerTls(String providerTlsFingerprint) {
    return WebClient.builder()
        .tls(
            io.helidon.common.tls.Tls.builder()
                .sslContext(
                    org.openlgsp.pki.TlsContexts.create(
                        consumerTls,
                        new org.openlgsp.pki.PinnedTrustManager(
                            () -> java.util.Set.of(providerTlsFingerprint))))
                .build())
        .followRedirects(false)
        .build();
  }

  /** The consumer member's signing key, which its gateway holds and an attacker does not. */
  public Credentials consumerSigning() {
    return consumerSigning;
  }

  /** The certificate the built-in TSA chains to. */
  public X509Certificate tsaTrustAnchor() {
    return ca.rootCertificate();
  }

  /**
   * Stops the CA's trust services (OCSP, CRL, TSA) and holds their port with a listener that takes
   * connections and never answers, as a hung responder does, until the returned listener or the
   * federation closes (then connections to the port are refused).
   */
  public ServerSocket silenceTrustServices() throws IOException {
    ca.stopServices();
    int port = java.net.URI.create(ca.trustServicesUrl()).getPort();
    ServerSocket silent = new ServerSocket();
    silent.setReuseAddress(true);
    silent.bind(new java.net.InetSocketAddress("127.0.0.1", port), 50);
    running.add(silent);
    return silent;
  }

  /** Entries in the consumer and provider gateways' ledgers. */
  public long[] ledgerSizes() {
    return new long[] {consumer.ledger().size(), provider.ledger().size()};
  }

  /** The sample population database answers each citizen lookup only after {@code delay}. */
  public void delayBackend(Duration delay) {
    population.delayLookups(delay);
  }

  /** How many citizen lookups the backend is answering now. */
  public int backendLookupsInProgress() {
    return population.lookupsInProgress();
  }

  /** How many citizen lookups the backend has been asked for since it started. */
  public long backendLookups() {
    return population.lookupsStarted();
  }

  /** How many citizen lookups reached the backend with each message id ({@code X-Road-Id}). */
  public Map<String, Integer> backendMessageIds() {
    return population.messageIds();
  }

  public String backendUrl() {
    return "http://127.0.0.1:" + ports.backend();
  }

  public String consumerHttpUrl() {
    return "http://127.0.0.1:" + ports.consumer().clientHttp();
  }

  public String consumerTlsUrl() {
    return "https://127.0.0.1:" + ports.consumer().clientTls();
  }

  public String providerPeerUrl() {
    return "https://127.0.0.1:" + ports.provider().peer();
  }

  public List<String> citizenIds() {
    return population.ids();
  }

  /** A bearer token for the portal system, from the consumer gateway's {@code POST /token}. */
  public String portalToken() {
    String form = "grant_type=client_credentials&client_id=portal&client_secret=" + portalSecret;
    try (HttpClientResponse r =
        http.post(consumerHttpUrl() + "/token")
            .header(HeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
            .submit(form.getBytes(StandardCharsets.UTF_8))) {
      String body = r.as(String.class);
      if (r.status().code() != 200) {
        throw new IllegalStateException(
            "token endpoint answered " + r.status().code() + ": " + body);
      }
      return Json.read(body.getBytes(StandardCharsets.UTF_8), JsonNode.class)
          .path("access_token")
          .asText();
    } catch (UncheckedIOException e) {
      throw new IllegalStateException("token endpoint unreachable", e);
    }
  }

  /** A gateway's answer to the portal: its status and body. */
  public record Reply(int statusCode, String body) {}

  /**
   * The portal looks up a citizen through the consumer gateway as officer VN072090000001, giving
   * {@code issue} (the case file) when not empty.
   */
  public Reply lookUpCitizen(String citizen, String issue) {
    return call(citizens, "/citizens/" + citizen, issue);
  }

  /**
   * The portal calls {@code service} (of this instance or a federated one) at {@code path} through
   * the consumer gateway as officer VN072090000001, giving {@code issue} when not empty.
   */
  public Reply call(ServiceId service, String path, String issue) {
    HttpClientRequest request =
        http.get(consumerHttpUrl() + "/r1/" + service.encoded() + path)
            .header(HeaderNames.AUTHORIZATION, "Bearer " + portalToken())
            // refusals as problem details, so callers can check OpenLGSP's statuses and codes
            .header(HeaderNames.ACCEPT, "application/problem+json")
            .header(HeaderNames.create("X-Road-Client"), portal.toString())
            .header(HeaderNames.create("X-Road-UserId"), "VN072090000001");
    if (!issue.isEmpty()) {
      request.header(HeaderNames.create("X-Road-Issue"), issue);
    }
    try (HttpClientResponse r = request.request()) {
      return new Reply(r.status().code(), r.as(String.class));
    }
  }

  /** The sample agencies behind their gateways ({@link Scenario#PROCEDURES}). */
  public AgencyBackends agencies() {
    if (agencies == null) {
      throw new IllegalStateException("no agencies outside the PROCEDURES scenario");
    }
    return agencies;
  }

  /**
   * The procedure engine's client secret at the consumer gateway (OAuth client {@code lienthong}).
   */
  public String procedureEngineSecret() {
    return engineSecret;
  }

  public String provinceAxisUrl() {
    return "http://127.0.0.1:" + ports.consumer().axis();
  }

  public String governmentAxisUrl() {
    return "http://127.0.0.1:" + ports.provider().axis();
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

  private NodeConfig.KeyFiles keys(String name) {
    return NodeConfig.KeyFiles.pem("pki/" + name + ".pem", "pki/" + name + ".key");
  }

  private void writeCredentials(String name, Credentials c) throws IOException {
    Files.writeString(workDir.resolve("pki/" + name + ".pem"), Pem.write(c.chain().toArray()));
    writePrivate(workDir.resolve("pki/" + name + ".key"), Pem.write(c.key()));
  }

  private void writeCert(String name, X509Certificate cert) throws IOException {
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
    return Digests.hex(Digests.sha256(s.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A port that is free now, to be bound later by a node started from a configuration file. Chosen
   * below the kernel's ephemeral range (32768 and up on Linux), so that no listener bound to port 0
   * and no outgoing connection — in this JVM or another test run on the machine — can take it in
   * between; only another run picking the same one of ~12,000 ports at once could. A port is handed
   * out once per JVM: two picks for nodes not yet started must not land on the same port (with ten
   * or so picks per federation, a repeat would otherwise come every few hundred federations).
   */
  private static final java.util.Set<Integer> HANDED_OUT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A free port as described above (also for peers a benchmark or test starts, e.g. nginx). */
  public static int free() {
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = random.nextInt(20_000, 32_000);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new UncheckedIOException("no free port", new IOException("200 ports in use"));
  }

  @Override
  public void close() {
    NodeRoles.closeAll(running);
    running.clear();
  }
}
