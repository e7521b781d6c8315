package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.openlgsp.registry.FederationFixture.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.pki.CertificateProfile;

/**
 * Two real registries (VN-NDXP and VN-TAYNINH) federated over HTTP under one signed agreement: what
 * the national one exports reaches Tây Ninh's directory, filtered, fresh and never past its expiry
 * (docs/federation.md).
 */
class CatalogueSyncTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;

  private static Optional<Directory.Service> service(Instance i, ServiceId id) {
    return i.registry.directory().service(id);
  }

  @Test
  void aServiceAddedChangedAndRemovedAtTheExporterReachesTheImportersDirectory() throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      SignedAgreement agreement = signedAgreement();
      ndxp.federate(dir.resolve("ndxp-cache"), agreement, tn.url());
      tn.federate(dir.resolve("tn-cache"), agreement, ndxp.url());
      long before = tn.registry.serial();

      populateNdxp(ndxp.registry);
      await().atMost(WAIT).until(() -> service(tn, CITIZENS).isPresent());

      Directory d = tn.registry.directory();
      Directory.Service citizens = d.service(CITIZENS).orElseThrow();
      assertThat(citizens.backendUrl())
          .as("the peer sees the provider node's address, never the backend")
          .isEqualTo("https://127.0.0.1:5501");
      assertThat(citizens.openApiDocument()).isPresent();
      assertThat(citizens.subjectLocator().toString()).isEqualTo("path:2");
      assertThat(d.system(POPULATION)).map(Directory.SystemEntry::node).hasValue(MPS_NODE);
      assertThat(d.node(MPS_NODE)).isPresent();
      assertThat(d.member(MPS).orElseThrow().signingCertificates()).hasSize(1);
      assertThat(d.federation(NDXP))
          .hasValueSatisfying(
              f -> {
                assertThat(f.agreement()).isEqualTo("ndxp-tayninh-test");
                assertThat(f.expiresAt()).isAfter(Instant.now());
                assertThat(f.expiresAt()).isBefore(Instant.now().plusSeconds(4));
              });
      assertThat(tn.registry.serial()).as("the import bumped the serial").isGreaterThan(before);

      // change: the provider rotates its signing key; both certificates travel
      ndxp.registry.addSigningCertificate(
          MPS, cert(NDXP_CA, "mps-sign-2", CertificateProfile.MEMBER_SIGNING));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  tn.registry.directory().member(MPS).orElseThrow().signingCertificates().size()
                      == 2);

      // remove
      ndxp.registry.removeService(CITIZENS);
      await().atMost(WAIT).until(() -> service(tn, CITIZENS).isEmpty());
      assertThat(tn.registry.directory().system(POPULATION))
          .as("a provider system with nothing exported no longer crosses")
          .isEmpty();
    }
  }

  @Test
  void aServiceOutsideTheAgreementIsNeitherExportedNorImportedEvenWhenSent() throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      SignedAgreement agreement = signedAgreement();
      populateNdxp(ndxp.registry);
      ndxp.federate(dir.resolve("ndxp-cache"), agreement, tn.url());
      tn.federate(dir.resolve("tn-cache"), agreement, ndxp.url());
      await().atMost(WAIT).until(() -> service(tn, CITIZENS).isPresent());
      assertThat(service(tn, SECRETS)).isEmpty();
      String served =
          new String(
              Base64.getDecoder().decode(ndxp.registry.federatedCatalogue(TN).payload()),
              StandardCharsets.UTF_8);
      assertThat(served)
          .contains("/citizens")
          .doesNotContain("/secrets")
          .doesNotContain("10.0.0.5");

      // A catalogue really signed by NDXP's registry, but holding more than the agreement allows:
      // the service outside the filter, a third instance's node and system, a Tây Ninh identity.
      Directory full = ndxp.registry.directory();
      NodeId laoCaiNode = NodeId.parse("VN-LAOCAI/GOV/000.00.00.H29/gw1");
      ClientId laoCaiPortal = ClientId.parse("VN-LAOCAI/GOV/000.00.00.H29/DVC");
      NodeId fakeTnNode = NodeId.parse(TN + "/GOV/000.00.00.H53/gw9");
      ClientId fakeTnSystem = ClientId.parse(TN + "/GOV/000.00.00.H53/GIA");
      List<Directory.Node> nodes = new java.util.ArrayList<>(full.nodes());
      nodes.add(new Directory.Node(laoCaiNode, "https://10.9.9.9:5500", List.of()));
      nodes.add(new Directory.Node(fakeTnNode, "https://10.9.9.8:5500", List.of()));
      List<Directory.SystemEntry> systems = new java.util.ArrayList<>(full.systems());
      systems.add(new Directory.SystemEntry(laoCaiPortal, "x", laoCaiNode));
      systems.add(new Directory.SystemEntry(fakeTnSystem, "x", fakeTnNode));
      Instant now = Instant.now();
      FederatedCatalogue forged =
          new FederatedCatalogue(
              "ndxp-tayninh-test",
              NDXP,
              TN,
              ndxp.registry.serial() + 100,
              now,
              now.plusSeconds(3),
              full.members(),
              systems,
              nodes,
              full.services(),
              full.trustAnchors(),
              "");
      FederationLinks links = tn.registry.federation().orElseThrow();
      assertThat(links.accept(NDXP, SignedDocument.sign(forged, NDXP_SIGNER.signer()).toJson()))
          .isTrue();
      Directory d = tn.registry.directory();
      assertThat(d.service(CITIZENS)).isPresent();
      assertThat(d.service(SECRETS)).isEmpty();
      assertThat(d.node(laoCaiNode)).isEmpty();
      assertThat(d.system(laoCaiPortal)).isEmpty();
      assertThat(d.node(fakeTnNode)).isEmpty();
      assertThat(d.system(fakeTnSystem)).isEmpty();
    }
  }

  @Test
  void expiredTamperedOrWronglySignedDocumentsAreRefusedAndTheLastValidOneStays() throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      SignedAgreement agreement = signedAgreement();
      populateNdxp(ndxp.registry);
      ndxp.federate(dir.resolve("ndxp-cache"), agreement, tn.url());
      tn.federate(dir.resolve("tn-cache"), agreement, ndxp.url());
      await().atMost(WAIT).until(() -> service(tn, CITIZENS).isPresent());
      FederationLinks links = tn.registry.federation().orElseThrow();
      SignedDocument good = ndxp.registry.federatedCatalogue(TN);
      FederatedCatalogue content =
          good.verify(List.of(NDXP_SIGNER.certificate()), Instant.now(), FederatedCatalogue.SIGNED);

      // tampered: one byte of the signed payload changed
      byte[] payload = Base64.getDecoder().decode(good.payload());
      String text = new String(payload, StandardCharsets.UTF_8).replace("5501", "6601");
      SignedDocument tampered =
          new SignedDocument(
              Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)),
              good.signature(),
              good.algorithm(),
              good.signerCertificate());
      assertRefused(links, tampered, ErrorCode.FEDERATION_CATALOGUE_INVALID, "does not verify");

      // signed by a key the agreement does not pin (Tây Ninh's own, or another NDXP key)
      assertRefused(
          links,
          SignedDocument.sign(content, TN_SIGNER.signer()),
          ErrorCode.FEDERATION_CATALOGUE_INVALID,
          "untrusted certificate");
      assertRefused(
          links,
          SignedDocument.sign(content, signer(NDXP_CA, "rogue").signer()),
          ErrorCode.FEDERATION_CATALOGUE_INVALID,
          "untrusted certificate");

      // expired, though genuinely signed
      Instant now = Instant.now();
      FederatedCatalogue expired =
          new FederatedCatalogue(
              content.agreement(),
              NDXP,
              TN,
              content.serial() + 1,
              now.minusSeconds(600),
              now.minusSeconds(1),
              content.members(),
              content.systems(),
              content.nodes(),
              content.services(),
              content.trustAnchors(),
              "");
      assertRefused(
          links,
          SignedDocument.sign(expired, NDXP_SIGNER.signer()),
          ErrorCode.FEDERATION_CATALOGUE_EXPIRED,
          "expired");

      // genuinely signed but for the other direction
      FederatedCatalogue reversed =
          new FederatedCatalogue(
              content.agreement(),
              NDXP,
              NDXP,
              content.serial() + 1,
              now,
              now.plusSeconds(3),
              List.of(),
              List.of(),
              List.of(),
              List.of(),
              List.of(),
              "");
      assertRefused(
          links,
          SignedDocument.sign(reversed, NDXP_SIGNER.signer()),
          ErrorCode.FEDERATION_CATALOGUE_INVALID,
          "expected");

      assertThat(tn.registry.directory().service(CITIZENS))
          .hasValueSatisfying(s -> assertThat(s.backendUrl()).endsWith(":5501"));
    }
  }

  /** Valid 12 s: long enough for a registry to restart on a loaded machine. */
  private static FederationOptions slow(Path cache, SignedAgreement agreement, String peerUrl) {
    return new FederationOptions(
        Duration.ofSeconds(1),
        Duration.ofSeconds(12),
        Duration.ofMillis(200),
        cache,
        List.of(new FederationOptions.Peer(agreement, peerUrl)));
  }

  private static void assertRefused(
      FederationLinks links, SignedDocument c, ErrorCode code, String why) {
    assertThatThrownBy(() -> links.accept(NDXP, c.toJson()))
        .isInstanceOf(LgspException.class)
        .satisfies(e -> assertThat(((LgspException) e).code()).isEqualTo(code))
        .hasMessageContaining(why);
  }

  @Test
  void withThePeerDownTheKeptCatalogueServesAfterARestartUntilItExpiresThenLeaves()
      throws Exception {
    Path tnCache = dir.resolve("tn-cache");
    SignedAgreement agreement = signedAgreement();
    try (Instance ndxp = ndxp(dir, "sqlite")) {
      populateNdxp(ndxp.registry);
      try (Instance tn = tayNinh(dir, "sqlite")) {
        ndxp.federate(slow(dir.resolve("ndxp-cache"), agreement, tn.url()));
        tn.federate(slow(tnCache, agreement, ndxp.url()));
        await().atMost(WAIT).until(() -> service(tn, CITIZENS).isPresent());
      }
      ndxp.stopServing();
      Path kept = tnCache.resolve("ndxp-tayninh-test.catalogue");
      assertThat(kept).exists();
      if (Files.getFileStore(kept).supportsFileAttributeView("posix")) {
        assertThat(
                java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(kept)))
            .isEqualTo("rw-------");
      }
      // Tây Ninh's registry restarts while the national one is down: the kept copy serves
      try (Instance tn = tayNinh(dir, "sqlite")) {
        tn.federate(slow(tnCache, agreement, ndxp.url()));
        Directory d = tn.registry.directory();
        assertThat(d.service(CITIZENS)).isPresent();
        Instant expiry = d.federation(NDXP).orElseThrow().expiresAt();
        await().atMost(WAIT.multipliedBy(2)).until(() -> service(tn, CITIZENS).isEmpty());
        assertThat(Instant.now()).isAfterOrEqualTo(expiry);
        Directory after = tn.registry.directory();
        assertThat(after.federation(NDXP)).isEmpty();
        assertThat(after.node(MPS_NODE)).isEmpty();
        assertThat(after.member(MPS)).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void grantsAcrossInstancesAreRefusedUnlessTheAgreementAllowsThemOnEachEnd(String db)
      throws Exception {
    try (Instance ndxp = ndxp(dir, db);
        Instance tn = tayNinh(dir, db)) {
      SignedAgreement agreement = signedAgreement();
      populateNdxp(ndxp.registry);
      populateTayNinh(tn.registry);
      ndxp.federate(dir.resolve("ndxp-cache"), agreement, tn.url());
      tn.federate(dir.resolve("tn-cache"), agreement, ndxp.url());
      await().atMost(WAIT).until(() -> service(tn, CITIZENS).isPresent());

      // Tây Ninh's end: its portal may call citizens; not its warehouse, not the secrets
      String grant = tn.registry.grant(PORTAL, CITIZENS, List.of("GET"), List.of("/citizens/*"));
      assertNotAgreed(() -> tn.registry.grant(WAREHOUSE, CITIZENS, List.of(), List.of()));
      assertNotAgreed(() -> tn.registry.grant(PORTAL, SECRETS, List.of(), List.of()));
      assertNotAgreed(
          () ->
              tn.registry.grant(
                  PORTAL,
                  ServiceId.parse("VN-LAOCAI/GOV/000.00.00.H29/DVC/x"),
                  List.of(),
                  List.of()));
      assertThat(tn.registry.directory().grants())
          .anySatisfy(g -> assertThat(g.service()).isEqualTo(CITIZENS));

      // the national end: the portal (exported by Tây Ninh as an admitted client) may be granted
      await().atMost(WAIT).until(() -> ndxp.registry.directory().system(PORTAL).isPresent());
      assertThat(ndxp.registry.directory().system(WAREHOUSE))
          .as("a client the agreement does not admit is not exported")
          .isEmpty();
      ndxp.registry.grant(PORTAL, CITIZENS, List.of("GET"), List.of("/citizens/*"));
      assertNotAgreed(() -> ndxp.registry.grant(WAREHOUSE, CITIZENS, List.of(), List.of()));
      assertNotAgreed(() -> ndxp.registry.grant(PORTAL, SECRETS, List.of(), List.of()));
      assertNotAgreed(
          () ->
              ndxp.registry.grant(
                  ClientId.parse("VN-LAOCAI/GOV/000.00.00.H29/DVC"),
                  CITIZENS,
                  List.of(),
                  List.of()));
      assertThat(ndxp.registry.directory().grants())
          .anySatisfy(
              g -> {
                assertThat(g.client()).isEqualTo(PORTAL);
                assertThat(g.service()).isEqualTo(CITIZENS);
              });
      assertThat(ndxp.registry.directory().member(TAY_NINH)).isPresent();
      assertThat(ndxp.registry.directory().node(TN_NODE)).isPresent();

      // grants across instances are revoked like any other
      tn.registry.revokeGrant(grant);
      assertThat(tn.registry.directory().grants()).isEmpty();
    }
  }

  private static void assertNotAgreed(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(LgspException.class)
        .satisfies(
            e -> assertThat(((LgspException) e).code()).isEqualTo(ErrorCode.FEDERATION_NOT_AGREED));
  }

  @Test
  void theCatalogueIsServedOnlyToAnInstanceWithAnAgreementAndIsReSignedWithinRegenerate()
      throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      ndxp.federate(dir.resolve("ndxp-cache"), signedAgreement(), tn.url());
      var http = java.net.http.HttpClient.newHttpClient();
      var other =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(ndxp.url() + "/federation/VN-LAOCAI/catalogue"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(403);
      assertThat(other.body()).contains("federation.not_agreed");
      var ok =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(ndxp.url() + "/federation/" + TN + "/catalogue"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(ok.statusCode()).isEqualTo(200);
      FederatedCatalogue first =
          SignedDocument.parse(ok.body(), FederatedCatalogue.SIGNED)
              .verify(List.of(NDXP_SIGNER.certificate()), Instant.now(), FederatedCatalogue.SIGNED);
      assertThat(Duration.between(first.issuedAt(), first.expiresAt()))
          .isEqualTo(Duration.ofSeconds(3));
      assertThat(first.trustAnchors()).isEmpty();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  ndxp.registry
                      .federatedCatalogue(TN)
                      .verify(
                          List.of(NDXP_SIGNER.certificate()),
                          Instant.now(),
                          FederatedCatalogue.SIGNED)
                      .issuedAt()
                      .isAfter(first.issuedAt()));
      assertThat(Certificates.base64(NDXP_SIGNER.certificate()))
          .isEqualTo(
              SignedDocument.parse(ok.body(), FederatedCatalogue.SIGNED).signerCertificate());
    }
  }
}
