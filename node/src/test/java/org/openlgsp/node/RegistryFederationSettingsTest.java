package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Digests;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.registry.Agreement;
import org.openlgsp.registry.FederatedCatalogue;
import org.openlgsp.registry.Selector;
import org.openlgsp.registry.SignedAgreement;

/**
 * {@code registry.federation} in node.yaml (docs/federation.md): a registry started from a file
 * serves the peer's catalogue signed with the configured validity, re-signs it within the
 * configured regenerate interval, and refuses an agreement it is not a party to.
 */
class RegistryFederationSettingsTest {
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  @Test
  void aRunningRegistryServesTheCatalogueWithTheConfiguredValidityAndRegenerate() throws Exception {
    Credentials own = signer("registry VN-NDXP");
    Credentials peer = signer("registry VN-TAYNINH");
    GatewayNodeSettingsTest.write(dir, "registry-signing", own);
    writeAgreement(own, peer);
    Path file = config("VN-NDXP", "    regenerate: PT2S\n    validity: PT7S\n    refresh: PT1S\n");
    try (RegistryNode node = start(file, "VN-NDXP")) {
      var http = java.net.http.HttpClient.newHttpClient();
      FederatedCatalogue first = fetch(http, node);
      assertThat(Duration.between(first.issuedAt(), first.expiresAt()))
          .isEqualTo(Duration.ofSeconds(7));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> fetch(http, node).issuedAt().isAfter(first.issuedAt()));
      FederatedCatalogue second = fetch(http, node);
      assertThat(Duration.between(first.issuedAt(), second.issuedAt()))
          .isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void theDefaultsAreSixtySecondsAndSixHundredAndAForeignAgreementStopsTheStart() throws Exception {
    Credentials own = signer("registry VN-NDXP");
    Credentials peer = signer("registry VN-TAYNINH");
    GatewayNodeSettingsTest.write(dir, "registry-signing", own);
    writeAgreement(own, peer);
    try (RegistryNode node = start(config("VN-NDXP", ""), "VN-NDXP")) {
      FederatedCatalogue c = fetch(java.net.http.HttpClient.newHttpClient(), node);
      assertThat(Duration.between(c.issuedAt(), c.expiresAt())).isEqualTo(Duration.ofSeconds(600));
    }
    Path laoCai = config("VN-LAOCAI", "");
    assertThatThrownBy(() -> start(laoCai, "VN-LAOCAI")).hasMessageContaining("not a party");
  }

  @Test
  void aPeersHubIsNamedInItsCatalogueAndAReporterTokenOpensTheSummaryRoutesOnly() throws Exception {
    Credentials own = signer("registry VN-NDXP");
    Credentials peer = signer("registry VN-TAYNINH");
    GatewayNodeSettingsTest.write(dir, "registry-signing", own);
    writeAgreement(own, peer);
    String reporter = "reporter-token-tay-ninh";
    Path file =
        config(
            "VN-NDXP",
            "    reporters:\n      - name: tayninh\n        tokenSha256: "
                + Digests.hex(Digests.sha256(reporter.getBytes()))
                + "\n",
            "        hub: VN-NDXP/GOV/000.00.00.A01/hub\n");
    try (RegistryNode node = start(file, "VN-NDXP")) {
      org.openlgsp.core.ClientId ndc =
          org.openlgsp.core.ClientId.parse("VN-NDXP/GOV/000.00.00.A01");
      node.registry().addTrustAnchor(ca.certificate());
      node.registry().addMember(ndc, "Trung tâm dữ liệu quốc gia");
      node.registry()
          .addNode(
              new org.openlgsp.core.NodeId(ndc, "hub"),
              "https://127.0.0.1:5600",
              List.of(
                  ca.issueCredentials(
                          CertificateProfile.NODE_TLS,
                          "hub",
                          "Test",
                          List.of("localhost"),
                          Duration.ofHours(1))
                      .certificate()));
      var http = java.net.http.HttpClient.newHttpClient();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> fetch(http, node).hub().equals("VN-NDXP/GOV/000.00.00.A01/hub"));
      assertThat(fetch(http, node).nodes())
          .anyMatch(n -> n.id().toString().equals("VN-NDXP/GOV/000.00.00.A01/hub"));
      // the reporter's token: the national ranking yes, the rest of the admin API no
      assertThat(
              get(http, node, "/api/v1/federation/ranking?from=2026-12-01&to=2026-12-02", reporter))
          .isEqualTo(200);
      assertThat(get(http, node, "/api/v1/members", reporter)).isEqualTo(403);
      assertThat(get(http, node, "/api/v1/federation/ranking?from=2026-12-01&to=2026-12-02", "x"))
          .isEqualTo(401);
    }
    // a hub that is not a node id stops the reading; one of another instance stops the start
    Path malformed = config("VN-NDXP", "", "        hub: not-a-node\n");
    assertThatThrownBy(() -> NodeConfig.read(malformed)).hasMessageContaining("hub");
    Path foreign = config("VN-NDXP", "", "        hub: VN-TAYNINH/GOV/000.00.00.H53/gw1\n");
    assertThatThrownBy(() -> start(foreign, "VN-NDXP"))
        .hasMessageContaining("is not a node of this instance");
  }

  private static int get(
      java.net.http.HttpClient http, RegistryNode node, String path, String token)
      throws Exception {
    return http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + node.port() + path))
                .header("Authorization", "Bearer " + token)
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private Credentials signer(String cn) {
    return ca.issueCredentials(
        CertificateProfile.DIRECTORY_SIGNING, cn, "Test", List.of(), Duration.ofHours(1));
  }

  private void writeAgreement(Credentials ndxp, Credentials tn) throws Exception {
    Agreement a =
        new Agreement(
            "ndxp-tayninh",
            Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)),
            List.of(
                new Agreement.Party("VN-NDXP", Certificates.base64(ndxp.certificate())),
                new Agreement.Party("VN-TAYNINH", Certificates.base64(tn.certificate()))),
            List.of(
                new Agreement.Export(
                    "VN-NDXP", "VN-TAYNINH", List.of(Selector.memberClass("GOV")), List.of())));
    Files.write(
        dir.resolve("agreement.json"),
        SignedAgreement.sign(a, "VN-NDXP", ndxp.signer())
            .countersign("VN-TAYNINH", tn.signer())
            .toJson());
  }

  private Path config(String instance, String settings) throws Exception {
    return config(instance, settings, "");
  }

  private Path config(String instance, String settings, String peer) throws Exception {
    Path file = dir.resolve(instance + ".yaml");
    Files.writeString(
        file,
        "instance: "
            + instance
            + "\nregistry:\n"
            + "  port: 0\n"
            + "  database: jdbc:sqlite:data/"
            + instance
            + ".db\n"
            + "  adminTokenSha256: "
            + Digests.hex(Digests.sha256("admin".getBytes()))
            + "\n"
            + "  signing: {certificate: registry-signing.pem, key: registry-signing.key}\n"
            + "  federation:\n"
            + settings
            + "    cache: data/federation\n"
            + "    peers:\n"
            + "      - agreement: agreement.json\n"
            + "        registryUrl: http://127.0.0.1:1\n"
            + peer);
    return file;
  }

  private RegistryNode start(Path file, String instance) {
    return RegistryNode.start(
        instance,
        NodeConfig.read(file).registry().orElseThrow(),
        dir,
        new PrintStream(OutputStream.nullOutputStream()));
  }

  private static FederatedCatalogue fetch(java.net.http.HttpClient http, RegistryNode node)
      throws Exception {
    var r =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        "http://127.0.0.1:" + node.port() + "/federation/VN-TAYNINH/catalogue"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    SignedDocument signed = SignedDocument.parse(r.body(), FederatedCatalogue.SIGNED);
    return signed.verify(
        java.util.List.of(Certificates.fromBase64(signed.signerCertificate())),
        Instant.now(),
        FederatedCatalogue.SIGNED);
  }
}
