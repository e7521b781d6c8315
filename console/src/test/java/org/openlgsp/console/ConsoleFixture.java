package org.openlgsp.console;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.edge.AuthenticationLimits;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.registry.Enrolments;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryOptions;
import org.openlgsp.storage.Database;

/**
 * A registry with two agencies (MPS providing citizens, TN providing procedures), each granted to
 * the other, and its console on a free port with one account per role; {@link Client} signs in over
 * real HTTP as a browser does (pre-session token, password, TOTP set-up) and keeps its cookies.
 */
final class ConsoleFixture implements AutoCloseable {
  static final CertificateAuthority CA =
      CertificateAuthority.createRoot("Console test CA", Duration.ofDays(30));
  static final ClientId MPS = ClientId.parse("VN/GOV/000.00.00.G01");
  static final ClientId TN = ClientId.parse("VN/GOV/000.00.00.H53");
  static final ClientId POPULATION = ClientId.parse("VN/GOV/000.00.00.G01/CSDLQGDC");
  static final ClientId PORTAL = ClientId.parse("VN/GOV/000.00.00.H53/DVC");
  static final ServiceId CITIZENS = ServiceId.parse("VN/GOV/000.00.00.G01/CSDLQGDC/citizens");
  static final ServiceId PROCEDURES = ServiceId.parse("VN/GOV/000.00.00.H53/DVC/procedures");
  static final String PASSWORD = "correct horse battery staple";

  final Database db;
  final Registry registry;
  final Console console;
  final Enrolments enrolments;
  final String mpsGrant;
  final String tnGrant;

  ConsoleFixture(Database db, int failuresPerSource) {
    this(db, failuresPerSource, ConsoleOptions.defaults());
  }

  /** As above, the console started with {@code options} (listening on a free local port). */
  ConsoleFixture(Database db, int failuresPerSource, ConsoleOptions options) {
    this.db = db;
    Credentials signer =
        CA.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING,
            "registry",
            "test",
            List.of(),
            Duration.ofDays(30));
    registry = new Registry(db, RegistryOptions.defaults("VN"), signer.signer(), Clock.systemUTC());
    registry.addTrustAnchor(CA.certificate());
    registry.addMember(MPS, "Bộ Công an");
    registry.addMember(TN, "UBND tỉnh Tây Ninh");
    NodeId mpsNode = NodeId.parse("VN/GOV/000.00.00.G01/gw1");
    NodeId tnNode = NodeId.parse("VN/GOV/000.00.00.H53/gw1");
    registry.addNode(mpsNode, "https://127.0.0.1:5501", List.of(tls("mps-gw")));
    registry.addNode(tnNode, "https://127.0.0.1:5500", List.of(tls("tn-gw")));
    registry.addSystem(POPULATION, "CSDL quốc gia về dân cư", mpsNode);
    registry.addSystem(PORTAL, "Cổng dịch vụ công", tnNode);
    registry.addService(
        CITIZENS,
        "http://127.0.0.1:9090/api",
        "path:2",
        Optional.of(
            "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Công dân\",\"version\":\"1\"},"
                + "\"paths\":{\"/citizens/{id}\":{\"get\":{}}}}"));
    registry.addService(PROCEDURES, "http://127.0.0.1:9091/api", "", Optional.empty());
    mpsGrant = registry.grant(PORTAL, CITIZENS, List.of("GET"), List.of("/citizens/*"));
    tnGrant = registry.grant(POPULATION, PROCEDURES, List.of("GET"), List.of("/*"));
    enrolments = new Enrolments(db, registry, CA, Duration.ofDays(30), Clock.systemUTC());
    console =
        Console.start(
            registry,
            db,
            options.listening("127.0.0.1", 0),
            Clock.systemUTC(),
            new AuthenticationLimits(failuresPerSource, Duration.ofMinutes(1)),
            Optional.of(enrolments));
    console.accounts().create("admin", PASSWORD, ConsoleRole.PLATFORM_ADMIN, Optional.empty());
    console.accounts().create("tn-admin", PASSWORD, ConsoleRole.AGENCY_ADMIN, Optional.of(TN));
    console.accounts().create("officer", PASSWORD, ConsoleRole.SECURITY_OFFICER, Optional.empty());
    console.accounts().create("auditor", PASSWORD, ConsoleRole.AUDITOR, Optional.empty());
  }

  static java.security.cert.X509Certificate tls(String cn) {
    return CA.issueCredentials(
            CertificateProfile.NODE_TLS, cn, "test", List.of("localhost"), Duration.ofDays(30))
        .certificate();
  }

  static String username(ConsoleRole role) {
    return switch (role) {
      case PLATFORM_ADMIN -> "admin";
      case AGENCY_ADMIN -> "tn-admin";
      case SECURITY_OFFICER -> "officer";
      case AUDITOR -> "auditor";
    };
  }

  ConsoleClient client() {
    return new ConsoleClient("http://127.0.0.1:" + console.port());
  }

  /** A client signed in as {@code role}'s account (setting up its TOTP on the first sign-in). */
  ConsoleClient signedIn(ConsoleRole role) throws Exception {
    ConsoleClient c = client();
    c.signIn(username(role), PASSWORD, console.accounts());
    return c;
  }

  @Override
  public void close() {
    console.close();
    db.close();
  }
}
