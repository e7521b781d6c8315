package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openlgsp.registry.FederationFixture.*;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.Directory;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;

/**
 * The importing registry takes a peer's member signing and node TLS certificates only when they
 * chain to the trust anchors the peer's catalogue carries (docs/federation.md, "Catalogue sync"): a
 * catalogue genuinely signed by the pinned registry key but holding a certificate of another CA is
 * refused, naming the entry, and the last valid catalogue stays.
 */
class CatalogueChainTest {
  @TempDir Path dir;

  @Test
  void aCertificateOfACaOutsideTheCataloguesAnchorsRefusesTheCatalogueAndTheLastValidStays()
      throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      FederationLinks links = federate(ndxp, tn);
      FederatedCatalogue good = served(ndxp);
      Directory.Member held = imported(tn).orElseThrow();
      CertificateAuthority other = CertificateAuthority.createRoot("Other CA", Duration.ofDays(1));
      String foreignSigning = b64(cert(TN_CA, "mps-sign-2", CertificateProfile.MEMBER_SIGNING));
      String otherTls = b64(cert(other, "mps-gw-2", CertificateProfile.NODE_TLS));

      LgspException member =
          refused(
              links,
              good,
              c -> withMembers(c, withCertificate(c.members().getFirst(), foreignSigning)));
      LgspException node =
          refused(links, good, c -> withNodes(c, withCertificate(c.nodes().getFirst(), otherTls)));
      LgspException noAnchors = refused(links, good, c -> withAnchors(c, List.of()));

      assertThat(member.detail())
          .contains("member " + MPS)
          .contains(Certificates.fingerprint(Certificates.fromBase64(foreignSigning)))
          .contains("does not validate against the catalogue's trust anchors");
      assertThat(node.detail()).contains("node " + MPS_NODE).contains("does not validate");
      assertThat(noAnchors.detail()).contains("no trust anchors");
      assertThat(imported(tn)).contains(held);

      // the same certificates are taken once the catalogue carries their CAs as anchors
      List<String> anchors =
          List.of(
              good.trustAnchors().getFirst(), b64(TN_CA.certificate()), b64(other.certificate()));
      FederatedCatalogue trusted =
          next(
              withAnchors(
                  withNodes(
                      withMembers(good, withCertificate(good.members().getFirst(), foreignSigning)),
                      withCertificate(good.nodes().getFirst(), otherTls)),
                  anchors));
      assertThat(links.accept(NDXP, SignedDocument.sign(trusted, NDXP_SIGNER.signer()).toJson()))
          .isTrue();
      assertThat(imported(tn).orElseThrow().signingCertificates()).contains(foreignSigning);
      assertThat(tn.registry.directory().node(MPS_NODE).orElseThrow().tlsCertificates())
          .contains(otherTls);
    }
  }

  @Test
  void anExpiredCertificateIsCheckedAtTheEndOfItsValidityAndDoesNotCutTheFederation()
      throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      FederationLinks links = federate(ndxp, tn);
      FederatedCatalogue good = served(ndxp);
      // a CA started ten days ago issued a one-day certificate: expired nine days ago
      Clock tenDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(10)), ZoneOffset.UTC);
      CertificateAuthority old =
          CertificateAuthority.createRoot("Old CA", Duration.ofDays(30), tenDaysAgo);
      CertificateAuthority stranger =
          CertificateAuthority.createRoot("Stranger CA", Duration.ofDays(30), tenDaysAgo);
      String expired = b64(expiredSigning(old));
      String expiredForeign = b64(expiredSigning(stranger));
      Directory.Member current = good.members().getFirst();
      List<String> anchors = List.of(good.trustAnchors().getFirst(), b64(old.certificate()));

      // kept beside the current certificate (a rotation): the catalogue is taken
      FederatedCatalogue rotating =
          next(
              withAnchors(
                  withMembers(
                      good,
                      new Directory.Member(
                          current.id(),
                          current.name(),
                          List.of(current.signingCertificates().getFirst(), expired),
                          List.of())),
                  anchors));
      assertThat(links.accept(NDXP, SignedDocument.sign(rotating, NDXP_SIGNER.signer()).toJson()))
          .isTrue();
      // expired or not, a certificate of a CA outside the anchors still refuses it
      LgspException foreign =
          refused(
              links,
              rotating,
              c -> withMembers(c, withCertificate(c.members().getFirst(), expiredForeign)));
      assertThat(foreign.detail()).contains("member " + MPS).contains("does not validate");
    }
  }

  private static java.security.cert.X509Certificate expiredSigning(CertificateAuthority ca) {
    return ca.issueCredentials(
            CertificateProfile.MEMBER_SIGNING,
            "mps-sign-old",
            "test",
            List.of(),
            Duration.ofDays(1))
        .certificate();
  }

  /** Both registries federated, Tây Ninh holding NDXP's first catalogue; Tây Ninh's links. */
  private FederationLinks federate(Instance ndxp, Instance tn) throws Exception {
    SignedAgreement agreement = signedAgreement();
    populateNdxp(ndxp.registry);
    ndxp.federate(dir.resolve("ndxp-cache"), agreement, tn.url());
    tn.federate(dir.resolve("tn-cache"), agreement, ndxp.url());
    await().atMost(Duration.ofSeconds(15)).until(() -> imported(tn).isPresent());
    return tn.registry.federation().orElseThrow();
  }

  /** The catalogue NDXP serves Tây Ninh, verified. */
  private static FederatedCatalogue served(Instance ndxp) {
    return ndxp.registry
        .federatedCatalogue(TN)
        .verify(List.of(NDXP_SIGNER.certificate()), Instant.now(), FederatedCatalogue.SIGNED);
  }

  private static java.util.Optional<Directory.Member> imported(Instance tn) {
    return tn.registry.directory().member(MPS);
  }

  private static LgspException refused(
      FederationLinks links, FederatedCatalogue good, UnaryOperator<FederatedCatalogue> change) {
    return refusedAsInvalid(links, next(change.apply(good)));
  }

  private static String b64(java.security.cert.X509Certificate c) {
    return Certificates.base64(c);
  }

  private static Directory.Member withCertificate(Directory.Member m, String cert) {
    return new Directory.Member(m.id(), m.name(), List.of(cert), m.encryptionCertificates());
  }

  private static Directory.Node withCertificate(Directory.Node n, String cert) {
    return new Directory.Node(n.id(), n.address(), List.of(cert));
  }

  private static FederatedCatalogue withMembers(FederatedCatalogue c, Directory.Member m) {
    return copy(c, List.of(m), c.nodes(), c.trustAnchors());
  }

  private static FederatedCatalogue withNodes(FederatedCatalogue c, Directory.Node n) {
    return copy(c, c.members(), List.of(n), c.trustAnchors());
  }

  private static FederatedCatalogue withAnchors(FederatedCatalogue c, List<String> anchors) {
    return copy(c, c.members(), c.nodes(), anchors);
  }

  /** The catalogue as a newer one: a later serial, valid from now. */
  private static FederatedCatalogue next(FederatedCatalogue c) {
    return renewed(c, c.nodes(), c.hub());
  }

  private static FederatedCatalogue copy(
      FederatedCatalogue c,
      List<Directory.Member> members,
      List<Directory.Node> nodes,
      List<String> anchors) {
    return new FederatedCatalogue(
        c.agreement(),
        c.from(),
        c.to(),
        c.serial(),
        c.issuedAt(),
        c.expiresAt(),
        members,
        c.systems(),
        nodes,
        c.services(),
        anchors,
        "");
  }
}
