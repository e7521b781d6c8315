package org.openlgsp.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.openlgsp.registry.FederationFixture.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;

/**
 * Hub mode across two registries (docs/federation.md, "Hub mode"): the national registry names its
 * hub node in the catalogue it exports; the province's registry takes the hub node — address and
 * TLS certificates — from that verified catalogue only, and refuses a catalogue naming a hub it
 * does not carry, a hub of another instance, or a hub whose certificate does not chain.
 */
class CatalogueHubTest {
  private static final ClientId NDC = ClientId.parse(NDXP + "/GOV/000.00.00.A01");
  private static final NodeId HUB = new NodeId(NDC, "hub");

  @TempDir Path dir;

  @Test
  void theProvinceLearnsTheNationalHubNodeFromTheCatalogueAndBothDirectoriesNameIt()
      throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      federateThroughHub(ndxp, tn);
      Directory tnView = tn.registry.directory();
      assertThat(tnView.federation(NDXP).orElseThrow().hubNode()).contains(HUB);
      Directory.Node hub = tnView.node(HUB).orElseThrow();
      assertThat(hub.address()).isEqualTo("https://127.0.0.1:5600");
      assertThat(hub.tlsCertificates())
          .isEqualTo(ndxp.registry.directory().node(HUB).orElseThrow().tlsCertificates());
      // NDXP's own directory says exchanges with Tây Ninh go through its hub (its configuration)
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> ndxp.registry.directory().federation(TN).isPresent());
      assertThat(ndxp.registry.directory().federation(TN).orElseThrow().hubNode()).contains(HUB);
    }
  }

  @Test
  void aCatalogueNamingAHubItDoesNotCarryOrOfAnotherInstanceOrWithAForeignCertificateIsRefused()
      throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite");
        Instance tn = tayNinh(dir, "sqlite")) {
      FederationLinks links = federateThroughHub(ndxp, tn);
      FederatedCatalogue good =
          ndxp.registry
              .federatedCatalogue(TN)
              .verify(List.of(NDXP_SIGNER.certificate()), Instant.now(), FederatedCatalogue.SIGNED);
      assertThat(good.hub()).isEqualTo(HUB.toString());
      Directory held = tn.registry.directory();

      // genuinely signed by NDXP's pinned key, each altered in one way
      List<Directory.Node> withoutHub =
          good.nodes().stream().filter(n -> !n.id().equals(HUB)).toList();
      LgspException notCarried = refusedAsInvalid(links, renewed(good, withoutHub, HUB.toString()));
      LgspException tnNode =
          refusedAsInvalid(links, renewed(good, good.nodes(), TN_NODE.toString()));
      LgspException garbage = refusedAsInvalid(links, renewed(good, good.nodes(), "not-a-node"));
      CertificateAuthority other = CertificateAuthority.createRoot("Other CA", Duration.ofDays(1));
      List<Directory.Node> foreign = new ArrayList<>(withoutHub);
      foreign.add(
          new Directory.Node(
              HUB,
              "https://203.0.113.9:5600",
              List.of(Certificates.base64(cert(other, "evil-hub", CertificateProfile.NODE_TLS)))));
      LgspException foreignCert = refusedAsInvalid(links, renewed(good, foreign, HUB.toString()));

      assertThat(notCarried.detail()).contains("does not carry that node");
      assertThat(tnNode.detail()).contains("of another instance");
      assertThat(garbage.detail()).contains("not a node id");
      assertThat(foreignCert.detail()).contains("node " + HUB).contains("does not validate");
      // the last valid catalogue stays: the hub as NDXP registered it
      Directory after = tn.registry.directory();
      assertThat(after.node(HUB)).isEqualTo(held.node(HUB));
      assertThat(after.federation(NDXP).orElseThrow().hubNode()).contains(HUB);
    }
  }

  @Test
  void aRegistryRefusesToFederateThroughAHubOfAnotherInstance() throws Exception {
    try (Instance ndxp = ndxp(dir, "sqlite")) {
      FederationOptions fast = fast(dir.resolve("c"), signedAgreement(), "http://127.0.0.1:1");
      FederationOptions.Peer p = fast.peers().getFirst();
      FederationOptions withForeignHub =
          new FederationOptions(
              fast.regenerate(),
              fast.validity(),
              fast.refresh(),
              fast.cache(),
              List.of(
                  new FederationOptions.Peer(
                      p.agreement(), p.registryUrl(), Optional.of(TN_NODE))));
      assertThatThrownBy(() -> ndxp.federate(withForeignHub))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a node of this instance " + NDXP);
    }
  }

  /** NDXP with a registered hub node, federated with Tây Ninh through it; Tây Ninh's links. */
  private FederationLinks federateThroughHub(Instance ndxp, Instance tn) {
    SignedAgreement agreement = signedAgreement();
    populateNdxp(ndxp.registry);
    ndxp.registry.addMember(NDC, "Trung tâm dữ liệu quốc gia");
    ndxp.registry.addNode(
        HUB,
        "https://127.0.0.1:5600",
        List.of(cert(NDXP_CA, "ndxp-hub", CertificateProfile.NODE_TLS)));
    FederationOptions fast = fast(dir.resolve("ndxp-cache"), agreement, tn.url());
    ndxp.federate(
        new FederationOptions(
            fast.regenerate(),
            fast.validity(),
            fast.refresh(),
            fast.cache(),
            List.of(new FederationOptions.Peer(agreement, tn.url(), Optional.of(HUB)))));
    tn.federate(dir.resolve("tn-cache"), agreement, ndxp.url());
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> tn.registry.directory().federation(NDXP).flatMap(f -> f.hubNode()).isPresent());
    return tn.registry.federation().orElseThrow();
  }
}
