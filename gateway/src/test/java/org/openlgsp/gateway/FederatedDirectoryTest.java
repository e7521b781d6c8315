package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.NodeId;
import org.openlgsp.core.ServiceId;
import org.openlgsp.core.SignedDocument;
import org.openlgsp.core.SubjectLocator;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;

/**
 * A directory carrying another instance's federated catalogue: the gateway uses those entries until
 * that catalogue's own expiry, not the directory's (docs/federation.md).
 */
class FederatedDirectoryTest {
  static final CertificateAuthority CA =
      CertificateAuthority.createRoot("Test Root", Duration.ofDays(30));
  static final Credentials SIGNER =
      CA.issueCredentials(
          CertificateProfile.DIRECTORY_SIGNING, "registry", "t", List.of(), Duration.ofDays(30));
  static final ClientId PORTAL = ClientId.parse("VN-TAYNINH/GOV/000.00.00.H53/DVC");
  static final NodeId TN_NODE = NodeId.parse("VN-TAYNINH/GOV/000.00.00.H53/gw1");
  static final ClientId MPS = ClientId.parse("VN-NDXP/GOV/000.00.00.G01");
  static final ClientId POPULATION = ClientId.parse("VN-NDXP/GOV/000.00.00.G01/CSDLQGDC");
  static final NodeId MPS_NODE = NodeId.parse("VN-NDXP/GOV/000.00.00.G01/gw1");
  static final ServiceId CITIZENS = new ServiceId(POPULATION, "citizens");
  static final ServiceId HOUSEHOLDS = new ServiceId(POPULATION, "households");

  @Test
  void importedEntriesLeaveAtTheirCataloguesExpiryWhileLocalOnesStay() {
    Instant start = Instant.now();
    MutableClock clock = MutableClock.standingAt(start);
    Instant catalogueExpiry = start.plusSeconds(600);
    Directory d =
        directory(
            start,
            List.of(
                new Directory.Federated(
                    "VN-NDXP", "ndxp-tayninh", 3, catalogueExpiry, List.of("ndxp-anchor"))));
    DirectoryHolder holder =
        new DirectoryHolder(List.of(SIGNER.certificate()), Duration.ZERO, clock);
    holder.accept(SignedDocument.sign(d, SIGNER.signer()));

    DirectoryView before = holder.require();
    assertThat(before.service(CITIZENS)).isPresent();
    assertThat(before.grants(PORTAL, CITIZENS)).hasSize(1);
    assertThat(before.notFederated(HOUSEHOLDS))
        .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.FEDERATION_NOT_AGREED));
    assertThat(before.notFederated(ServiceId.parse("VN-LAOCAI/GOV/000.00.00.H29/DVC/x")))
        .as("an instance without an agreement: plain unknown service")
        .isEmpty();

    clock.advance(Duration.ofSeconds(599));
    assertThat(holder.require().service(CITIZENS)).isPresent();

    clock.advance(Duration.ofSeconds(1));
    DirectoryView after = holder.require();
    assertThat(after.serial()).isEqualTo(7);
    assertThat(after.service(CITIZENS)).isEmpty();
    assertThat(after.system(POPULATION)).isEmpty();
    assertThat(after.node(MPS_NODE)).isEmpty();
    assertThat(after.grants(PORTAL, CITIZENS)).isEmpty();
    assertThat(after.directory().trustAnchors()).isEmpty();
    assertThat(after.directory().member(MPS)).isEmpty();
    assertThat(after.system(PORTAL)).as("this instance's own entries stay").isPresent();
    assertThat(after.node(TN_NODE)).isPresent();
    assertThat(after.notFederated(CITIZENS))
        .hasValueSatisfying(
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.FEDERATION_CATALOGUE_EXPIRED);
              assertThat(e).isInstanceOf(LgspException.class);
            });
    assertThat(holder.current().orElseThrow().federated()).isEmpty();
  }

  @Test
  void theHubOfEachFederatedInstanceIsFoundAndAGatewaysOwnRouteComesFirst() {
    Instant now = Instant.now();
    NodeId ndxpHub = NodeId.parse("VN-NDXP/GOV/000.00.00.A01/hub");
    NodeId ownRoute = NodeId.parse("VN-NDXP/GOV/000.00.00.A01/hub2");
    List<Directory.Federated> federated =
        List.of(
            new Directory.Federated(
                "VN-NDXP", "ndxp-tayninh", 3, now.plusSeconds(600), List.of(), ndxpHub.toString()),
            new Directory.Federated(
                "VN-LAOCAI", "laocai-tayninh", 1, now.plusSeconds(600), List.of(), ""));
    Directory d = directory(now, federated);
    DirectoryView view = new DirectoryView(d);
    for (String instance : List.of("VN-NDXP", "VN-LAOCAI", "VN-HANOI")) {
      assertThat(view.federation(instance)).isEqualTo(d.federation(instance));
    }
    assertThat(view.hubFor(HubRouting.none(), "VN-NDXP")).contains(ndxpHub);
    assertThat(view.hubFor(HubRouting.none(), "VN-LAOCAI")).as("gateway to gateway").isEmpty();
    assertThat(view.hubFor(HubRouting.none(), "VN-HANOI")).isEmpty();
    assertThat(view.hubFor(new HubRouting(false, java.util.Map.of("VN-NDXP", ownRoute)), "VN-NDXP"))
        .contains(ownRoute);
  }

  /** Tây Ninh's directory carrying NDXP's citizens service, federated with {@code federated}. */
  private static Directory directory(Instant start, List<Directory.Federated> federated) {
    return new Directory(
        "VN-TAYNINH",
        7,
        start,
        start.plus(Duration.ofHours(1)),
        List.of(
            new Directory.Member(PORTAL.memberId(), "Tây Ninh", List.of(), List.of()),
            new Directory.Member(MPS, "Bộ Công an", List.of(), List.of())),
        List.of(
            new Directory.SystemEntry(PORTAL, "portal", TN_NODE),
            new Directory.SystemEntry(POPULATION, "population", MPS_NODE)),
        List.of(
            new Directory.Node(TN_NODE, "https://127.0.0.1:5500", List.of()),
            new Directory.Node(MPS_NODE, "https://127.0.0.1:5501", List.of())),
        List.of(new Directory.Service(CITIZENS, "https://127.0.0.1:5501", SubjectLocator.NONE)),
        List.of(new Directory.Grant(PORTAL, CITIZENS, List.of(), List.of())),
        List.of("ndxp-anchor"),
        List.of(),
        federated);
  }
}
