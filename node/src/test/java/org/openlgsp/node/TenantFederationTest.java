package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.registry.Agreement;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.Selector;
import org.openlgsp.registry.SignedAgreement;

/**
 * A tenant of an "LGSP as a Service" installation federates with the national instance like a
 * standalone LGSP ({@code tenants[].federation}, docs/federation.md): the Ministry of Health's
 * tenant {@code byt} (VN-BYT) of the installation and a separate national registry (VN-NDXP)
 * exchange catalogues both ways under their agreement, the tenant's served under its prefix; what
 * the agreement does not name is refused; the installation's other tenant and its own registry see
 * nothing of it.
 */
class TenantFederationTest {
  static final ClientId MPS = ClientId.parse("VN-NDXP/GOV/000.00.00.G01");
  static final NodeId MPS_NODE = NodeId.parse("VN-NDXP/GOV/000.00.00.G01/gw1");
  static final ClientId POPULATION = ClientId.parse("VN-NDXP/GOV/000.00.00.G01/CSDLQGDC");
  static final ServiceId CITIZENS = ServiceId.parse(POPULATION + "/citizens");
  static final ServiceId SECRETS = ServiceId.parse(POPULATION + "/secrets");
  static final ClientId BYT = ClientId.parse("VN-BYT/GOV/000.00.00.G10");
  static final NodeId BYT_NODE = NodeId.parse("VN-BYT/GOV/000.00.00.G10/gw1");
  static final ClientId BYT_PORTAL = ClientId.parse("VN-BYT/GOV/000.00.00.G10/DVC");
  static final ClientId BYT_RECORDS = ClientId.parse("VN-BYT/GOV/000.00.00.G10/KCB");
  static final ServiceId HEALTH_RECORDS = ServiceId.parse(BYT_RECORDS + "/records");

  static final String NOT_AGREED = "403 federation.not_agreed";

  @TempDir Path dir;

  @Test
  void aTenantFederatesWithTheNationalInstanceBothWaysAndTheOthersSeeNothingOfIt()
      throws Exception {
    TenantFixture f = new TenantFixture(dir);
    Credentials byt = f.signer("registry VN-BYT");
    Credentials ndxp = f.signer("registry VN-NDXP");
    GatewayNodeSettingsTest.write(dir, "tenants/byt-signing", byt);
    Path national = Files.createDirectories(dir.resolve("ndxp"));
    GatewayNodeSettingsTest.write(national, "registry-signing", ndxp);
    byte[] agreement = agreement(ndxp, byt);
    Files.write(dir.resolve("tenants/ndxp-byt.agreement.json"), agreement);
    Files.write(national.resolve("ndxp-byt.agreement.json"), agreement);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String laas = "http://127.0.0.1:" + port;
    Files.writeString(
        national.resolve("node.yaml"),
        "instance: VN-NDXP\nregistry:\n  port: 0\n  database: jdbc:sqlite:data/registry.db\n"
            + "  adminTokenSha256: "
            + TenantFixture.sha("token-ndxp")
            + "\n  signing: {certificate: registry-signing.pem, key: registry-signing.key}\n"
            + "  federation:\n    refresh: PT0.2S\n    peers:\n"
            + "      - agreement: ndxp-byt.agreement.json\n"
            + "        registryUrl: "
            + laas
            + "/tenants/byt\n");
    try (TenantFixture.Started ndxpNode = TenantFixture.start(national.resolve("node.yaml"))) {
      Path file =
          f.config(
              TenantFixture.tenant(
                      "byt",
                      "VN-BYT",
                      "    federation:\n      refresh: PT0.2S\n      peers:\n"
                          + "        - agreement: tenants/ndxp-byt.agreement.json\n"
                          + "          registryUrl: "
                          + ndxpNode.url()
                          + "\n      reporters:\n        - name: ndxp\n          tokenSha256: "
                          + TenantFixture.sha("reporter-ndxp")
                          + "\n")
                  + TenantFixture.tenant("a", "VN-TA", ""));
      Files.writeString(file, Files.readString(file).replace("port: 0", "port: " + port));
      try (TenantFixture.Started laasNode = TenantFixture.start(file)) {
        Registry nationalRegistry = ndxpNode.registry().registry();
        Registry tenant = laasNode.registry().tenant("byt").orElseThrow();
        populateNational(f, nationalRegistry);
        populateTenant(f, tenant);

        // NDXP → VN-BYT: only the agreed service, imported by the tenant's own registry
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> tenant.directory().service(CITIZENS).isPresent());
        Directory tenantDirectory = tenant.directory();
        assertThat(tenantDirectory.service(SECRETS)).isEmpty();
        assertThat(tenantDirectory.federated())
            .singleElement()
            .satisfies(fed -> assertThat(fed.instance()).isEqualTo("VN-NDXP"));
        // VN-BYT → NDXP: the tenant's catalogue, served under its prefix, signed with its key
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> nationalRegistry.directory().service(HEALTH_RECORDS).isPresent());
        assertThat(nationalRegistry.directory().system(BYT_PORTAL)).isPresent();
        var served =
            f.send("GET", laas + "/tenants/byt/federation/VN-NDXP/catalogue", null, null, null);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(
                SignedDocument.parse(
                        served.body().getBytes(), org.openlgsp.registry.FederatedCatalogue.SIGNED)
                    .signerCertificate())
            .isEqualTo(Certificates.base64(byt.certificate()));
        // the kept copy in the tenant's own folder
        assertThat(dir.resolve("tenants/byt/federation/ndxp-byt.catalogue")).isRegularFile();

        // refused outside the agreement: a grant to NDXP's service it does not export, either way
        assertThatThrownBy(() -> tenant.grant(BYT_PORTAL, SECRETS, List.of("GET"), List.of("/**")))
            .isInstanceOfSatisfying(
                LgspException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FEDERATION_NOT_AGREED));
        assertThat(tenant.grant(BYT_PORTAL, CITIZENS, List.of("GET"), List.of("/**"))).isNotBlank();
        // NDXP's end: BYT's portal, which the agreement admits, yes; its records system no
        assertThat(nationalRegistry.grant(BYT_PORTAL, CITIZENS, List.of("GET"), List.of("/**")))
            .isNotBlank();
        assertThatThrownBy(
                () -> nationalRegistry.grant(BYT_RECORDS, CITIZENS, List.of("GET"), List.of("/**")))
            .isInstanceOfSatisfying(
                LgspException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FEDERATION_NOT_AGREED));
        // no catalogue for an instance without agreement, at either end
        assertThat(answer(f, laas + "/tenants/byt/federation/VN-TA/catalogue"))
            .isEqualTo(NOT_AGREED);
        assertThat(answer(f, ndxpNode.url() + "/federation/VN-TA/catalogue")).isEqualTo(NOT_AGREED);

        // isolation: the other tenant and the installation itself are not federated
        assertThat(answer(f, laas + "/tenants/a/federation/VN-NDXP/catalogue"))
            .isEqualTo(NOT_AGREED);
        assertThat(answer(f, laas + "/federation/VN-NDXP/catalogue")).isEqualTo(NOT_AGREED);
        for (Directory other :
            List.of(
                laasNode.registry().tenant("a").orElseThrow().directory(),
                laasNode.registry().registry().directory())) {
          assertThat(other.federated()).isEmpty();
          assertThat(other.services()).isEmpty();
          assertThat(other.members())
              .noneMatch(m -> m.id().instance().equals("VN-NDXP"))
              .noneMatch(m -> m.id().instance().equals("VN-BYT"));
        }

        // the tenant's reporters: its federation routes, nothing else of its admin API
        String ranking = "/tenants/byt/api/v1/federation/ranking?from=2026-12-01&to=2026-12-02";
        assertThat(f.send("GET", laas + ranking, "reporter-ndxp", null, null).statusCode())
            .isEqualTo(200);
        assertThat(
                f.send("GET", laas + "/tenants/byt/api/v1/members", "reporter-ndxp", null, null)
                    .statusCode())
            .isEqualTo(403);
        assertThat(
                f.send(
                        "GET",
                        laas + ranking.replace("/tenants/byt", "/tenants/a"),
                        "reporter-ndxp",
                        null,
                        null)
                    .statusCode())
            .isEqualTo(401);
      }
    }
  }

  @Test
  void twoTenantsKeepingTheirCataloguesInOneFolderAreRefused() throws Exception {
    TenantFixture f = new TenantFixture(dir);
    String federation =
        "    federation:\n      cache: shared/federation\n      peers:\n"
            + "        - agreement: x.json\n          registryUrl: http://127.0.0.1:1\n";
    Path file =
        f.config(
            TenantFixture.tenant("a", "VN-TA", federation)
                + TenantFixture.tenant("b", "VN-TB", federation));
    assertThatThrownBy(() -> NodeConfig.read(file))
        .hasMessageContaining("federation.cache of tenant b is also tenant a's");
  }

  /** What {@code url} answers: the status and the error code of a refusal. */
  private static String answer(TenantFixture f, String url) throws Exception {
    var r = f.send("GET", url, null, null, null);
    return r.statusCode()
        + (r.statusCode() == 200
            ? ""
            : " " + org.openlgsp.core.Json.mapper().readTree(r.body()).path("code").asText());
  }

  private static byte[] agreement(Credentials ndxp, Credentials byt) {
    Agreement a =
        new Agreement(
            "ndxp-byt",
            Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofHours(1)),
            List.of(
                new Agreement.Party("VN-NDXP", Certificates.base64(ndxp.certificate())),
                new Agreement.Party("VN-BYT", Certificates.base64(byt.certificate()))),
            List.of(
                new Agreement.Export(
                    "VN-NDXP",
                    "VN-BYT",
                    List.of(Selector.service(CITIZENS)),
                    List.of(new Selector("GOV", "000.00.00.G10", "DVC", ""))),
                new Agreement.Export(
                    "VN-BYT",
                    "VN-NDXP",
                    List.of(Selector.service(HEALTH_RECORDS)),
                    List.of(new Selector("GOV", "000.00.00.G01", "", "")))));
    return SignedAgreement.sign(a, "VN-NDXP", ndxp.signer())
        .countersign("VN-BYT", byt.signer())
        .toJson();
  }

  private static java.security.cert.X509Certificate cert(
      TenantFixture f, String cn, CertificateProfile profile) {
    return f.ca
        .issueCredentials(profile, cn, "Test", List.of("localhost"), Duration.ofHours(1))
        .certificate();
  }

  private static void populateNational(TenantFixture f, Registry r) {
    r.addTrustAnchor(f.ca.certificate());
    r.addMember(MPS, "Bộ Công an");
    r.addSigningCertificate(MPS, cert(f, "mps-sign", CertificateProfile.MEMBER_SIGNING));
    r.addNode(
        MPS_NODE,
        "https://127.0.0.1:5501",
        List.of(cert(f, "mps-gw", CertificateProfile.NODE_TLS)));
    r.addSystem(POPULATION, "CSDL quốc gia về dân cư", MPS_NODE);
    r.addService(CITIZENS, "http://10.0.0.5:9090/api", "path:2", Optional.empty());
    r.addService(SECRETS, "http://10.0.0.5:9090/secrets", "", Optional.empty());
  }

  private static void populateTenant(TenantFixture f, Registry r) {
    r.addTrustAnchor(f.ca.certificate());
    r.addMember(BYT, "Bộ Y tế");
    r.addSigningCertificate(BYT, cert(f, "byt-sign", CertificateProfile.MEMBER_SIGNING));
    r.addNode(
        BYT_NODE,
        "https://127.0.0.1:5502",
        List.of(cert(f, "byt-gw", CertificateProfile.NODE_TLS)));
    r.addSystem(BYT_PORTAL, "Cổng dịch vụ công Bộ Y tế", BYT_NODE);
    r.addSystem(BYT_RECORDS, "Hồ sơ sức khỏe", BYT_NODE);
    r.addService(HEALTH_RECORDS, "http://10.0.0.6:9090/records", "", Optional.empty());
  }
}
