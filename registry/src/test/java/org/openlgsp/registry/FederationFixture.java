package org.openlgsp.registry;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * Two instances' registries for the federation tests: the national platform (VN-NDXP, exporting the
 * population database's citizens service) and Tây Ninh's LGSP (VN-TAYNINH, whose portal may call
 * it), each with its own CA and directory-signing key, served over HTTP on ephemeral ports.
 */
final class FederationFixture {
  static final String NDXP = "VN-NDXP";
  static final String TN = "VN-TAYNINH";
  static final CertificateAuthority NDXP_CA =
      CertificateAuthority.createRoot("NDXP CA", Duration.ofDays(30));
  static final CertificateAuthority TN_CA =
      CertificateAuthority.createRoot("Tay Ninh CA", Duration.ofDays(30));
  static final Credentials NDXP_SIGNER = signer(NDXP_CA, "registry " + NDXP);
  static final Credentials TN_SIGNER = signer(TN_CA, "registry " + TN);

  static final ClientId MPS = ClientId.parse(NDXP + "/GOV/000.00.00.G01");
  static final NodeId MPS_NODE = NodeId.parse(NDXP + "/GOV/000.00.00.G01/gw1");
  static final ClientId POPULATION = ClientId.parse(NDXP + "/GOV/000.00.00.G01/CSDLQGDC");
  static final ServiceId CITIZENS = ServiceId.parse(NDXP + "/GOV/000.00.00.G01/CSDLQGDC/citizens");
  static final ServiceId SECRETS = ServiceId.parse(NDXP + "/GOV/000.00.00.G01/CSDLQGDC/secrets");
  static final ClientId TAY_NINH = ClientId.parse(TN + "/GOV/000.00.00.H53");
  static final NodeId TN_NODE = NodeId.parse(TN + "/GOV/000.00.00.H53/gw1");
  static final ClientId PORTAL = ClientId.parse(TN + "/GOV/000.00.00.H53/DVC");
  static final ClientId WAREHOUSE = ClientId.parse(TN + "/GOV/000.00.00.H53/KHO");

  static Credentials signer(CertificateAuthority ca, String cn) {
    return ca.issueCredentials(
        CertificateProfile.DIRECTORY_SIGNING, cn, "test", List.of(), Duration.ofDays(30));
  }

  /** NDXP exports citizens to Tây Ninh's portal; Tây Ninh exports nothing. */
  static Agreement agreement(Instant now) {
    return new Agreement(
        "ndxp-tayninh-test",
        now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(30)),
        List.of(
            new Agreement.Party(NDXP, Certificates.base64(NDXP_SIGNER.certificate())),
            new Agreement.Party(TN, Certificates.base64(TN_SIGNER.certificate()))),
        List.of(
            new Agreement.Export(
                NDXP,
                TN,
                List.of(Selector.service(CITIZENS)),
                List.of(new Selector("GOV", "000.00.00.H53", "DVC", "")))));
  }

  static SignedAgreement signedAgreement() {
    return SignedAgreement.sign(agreement(Instant.now()), NDXP, NDXP_SIGNER.signer())
        .countersign(TN, TN_SIGNER.signer());
  }

  /** One instance's registry: database, registry, HTTP listener, and its federation once begun. */
  static final class Instance implements AutoCloseable {
    final String name;
    final Database db;
    final Registry registry;
    final Credentials signer;
    RegistryServer server;
    private final List<AutoCloseable> open = new ArrayList<>();

    Instance(String name, Credentials signer, Database db) {
      this.name = name;
      this.signer = signer;
      this.db = db;
      this.registry =
          new Registry(db, RegistryOptions.defaults(name), signer.signer(), Clock.systemUTC());
      this.server = RegistryServer.start(registry, RegistryServer.hashToken("t"), "127.0.0.1", 0);
    }

    String url() {
      return "http://127.0.0.1:" + server.port();
    }

    void federate(Path cache, SignedAgreement agreement, String peerUrl) {
      federate(fast(cache, agreement, peerUrl));
    }

    void federate(FederationOptions options) {
      open.add(registry.federate(options));
    }

    void stopServing() {
      server.close();
    }

    @Override
    public void close() throws Exception {
      for (AutoCloseable c : open) {
        c.close();
      }
      server.close();
      db.close();
    }
  }

  /** Regenerated every second, valid three, fetched five times a second. */
  static FederationOptions fast(Path cache, SignedAgreement agreement, String peerUrl) {
    return new FederationOptions(
        Duration.ofSeconds(1),
        Duration.ofSeconds(3),
        Duration.ofMillis(200),
        cache,
        List.of(new FederationOptions.Peer(agreement, peerUrl)));
  }

  static Instance ndxp(Path dir, String db) {
    return new Instance(NDXP, NDXP_SIGNER, TestDatabases.open(db, dir.resolve("ndxp")));
  }

  static Instance tayNinh(Path dir, String db) {
    return new Instance(TN, TN_SIGNER, TestDatabases.open(db, dir.resolve("tn")));
  }

  static X509Certificate cert(CertificateAuthority ca, String cn, CertificateProfile profile) {
    return ca.issueCredentials(profile, cn, "test", List.of("localhost"), Duration.ofDays(30))
        .certificate();
  }

  /**
   * NDXP's CA as trust anchor, the population database's member, node, system and both services
   * (one outside the filter).
   */
  static void populateNdxp(Registry r) {
    r.addTrustAnchor(NDXP_CA.certificate());
    r.addMember(MPS, "Bộ Công an");
    r.addSigningCertificate(MPS, cert(NDXP_CA, "mps-sign", CertificateProfile.MEMBER_SIGNING));
    r.addNode(
        MPS_NODE,
        "https://127.0.0.1:5501",
        List.of(cert(NDXP_CA, "mps-gw", CertificateProfile.NODE_TLS)));
    r.addSystem(POPULATION, "CSDL quốc gia về dân cư", MPS_NODE);
    r.addService(
        CITIZENS,
        "http://10.0.0.5:9090/api",
        "path:2",
        Optional.of(
            "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"c\",\"version\":\"1\"},\"paths\":{}}"));
    r.addService(SECRETS, "http://10.0.0.5:9090/secrets", "", Optional.empty());
  }

  /**
   * Tây Ninh's CA as trust anchor, its member, node, its portal (a client the agreement admits) and
   * a warehouse system.
   */
  static void populateTayNinh(Registry r) {
    r.addTrustAnchor(TN_CA.certificate());
    r.addMember(TAY_NINH, "UBND tỉnh Tây Ninh");
    r.addSigningCertificate(TAY_NINH, cert(TN_CA, "tn-sign", CertificateProfile.MEMBER_SIGNING));
    r.addNode(
        TN_NODE,
        "https://127.0.0.1:5500",
        List.of(cert(TN_CA, "tn-gw", CertificateProfile.NODE_TLS)));
    r.addSystem(PORTAL, "Cổng dịch vụ công", TN_NODE);
    r.addSystem(WAREHOUSE, "Kho dữ liệu", TN_NODE);
  }

  /**
   * {@code c} signed by NDXP's pinned key and offered to {@code links}: refused with {@code
   * federation.catalogue_invalid}; the refusal.
   */
  static org.openlgsp.core.LgspException refusedAsInvalid(
      FederationLinks links, FederatedCatalogue c) {
    byte[] raw = org.openlgsp.core.SignedDocument.sign(c, NDXP_SIGNER.signer()).toJson();
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> links.accept(NDXP, raw));
    org.assertj.core.api.Assertions.assertThat(t)
        .isInstanceOf(org.openlgsp.core.LgspException.class);
    org.openlgsp.core.LgspException e = (org.openlgsp.core.LgspException) t;
    org.assertj.core.api.Assertions.assertThat(e.code())
        .isEqualTo(org.openlgsp.core.ErrorCode.FEDERATION_CATALOGUE_INVALID);
    return e;
  }

  /** {@code c} as a newer catalogue (a later serial, valid from now) with these nodes and hub. */
  static FederatedCatalogue renewed(FederatedCatalogue c, List<Directory.Node> nodes, String hub) {
    Instant now = Instant.now();
    return new FederatedCatalogue(
        c.agreement(),
        c.from(),
        c.to(),
        c.serial() + 1,
        now,
        now.plusSeconds(30),
        c.members(),
        c.systems(),
        nodes,
        c.services(),
        c.trustAnchors(),
        hub);
  }

  private FederationFixture() {}
}
