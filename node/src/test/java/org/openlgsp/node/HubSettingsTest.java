package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.NodeId;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;

/**
 * {@code gateway.encryption} and {@code gateway.hub} (hub mode, docs/federation.md) from a node's
 * file: the encryption key a started gateway opens sealed messages with must be a member-encryption
 * certificate (a signing certificate stops the start), and the hub routes bind onto the gateway's
 * {@code HubRouting}. What the gateway then does with them is HubRelayTest's (gateway).
 */
class HubSettingsTest {
  @TempDir Path dir;

  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  @Test
  void aGatewayStartsWithAMemberEncryptionKeyAndRefusesASigningCertificateInItsPlace()
      throws Exception {
    GatewayNodeSettingsTest.write(
        dir,
        "encryption",
        ca.issueCredentials(
            CertificateProfile.MEMBER_ENCRYPTION,
            "VN/GOV/000.00.00.H53",
            "Test",
            List.of(),
            Duration.ofHours(1)));
    Path good =
        GatewayNodeSettingsTest.config(
            dir,
            ca,
            "  clientTlsPort: 0\n  peerPort: 0\n"
                + "  encryption:\n"
                + "    - {member: VN/GOV/000.00.00.H53, certificate: encryption.pem,"
                + " key: encryption.key}\n"
                + "  hub:\n    routes: {VN-NDXP: VN-NDXP/GOV/000.00.00.A01/hub}\n");
    NodeConfig.GatewayRole role = NodeConfig.read(good).gateway().orElseThrow();
    assertThat(role.hub().orElseThrow().routing().hubFor("VN-NDXP"))
        .contains(NodeId.parse("VN-NDXP/GOV/000.00.00.A01/hub"));
    assertThat(role.hub().orElseThrow().routing().relay()).isFalse();
    try (GatewayNode node = GatewayNode.start(role, dir, Clock.systemUTC())) {
      assertThat(node.gateway().peerPort()).isPositive();
    }

    // the member's signing certificate and key in place of its encryption key: no start
    java.nio.file.Files.delete(dir.resolve("node.yaml"));
    Path wrong =
        GatewayNodeSettingsTest.config(
            dir,
            ca,
            "  clientTlsPort: 0\n  peerPort: 0\n"
                + "  encryption:\n"
                + "    - {member: VN/GOV/000.00.00.H53, certificate: signing.pem,"
                + " key: signing.key}\n");
    NodeConfig.GatewayRole wrongRole = NodeConfig.read(wrong).gateway().orElseThrow();
    assertThatThrownBy(() -> GatewayNode.start(wrongRole, dir, Clock.systemUTC()))
        .hasMessageContaining("gateway.encryption of VN/GOV/000.00.00.H53")
        .hasMessageContaining("not a member-encryption certificate");
  }

  @Test
  void aHubRouteMustNameANodeAndRelayDefaultsToOff() throws Exception {
    Path relay =
        GatewayNodeSettingsTest.config(
            dir, ca, "  clientTlsPort: 0\n  peerPort: 0\n  hub: {relay: true}\n");
    NodeConfig.GatewayRole role = NodeConfig.read(relay).gateway().orElseThrow();
    assertThat(role.hub().orElseThrow().routing().relay()).isTrue();
    assertThat(role.hub().orElseThrow().routing().routes()).isEqualTo(Map.of());
    try (GatewayNode node = GatewayNode.start(role, dir, Clock.systemUTC())) {
      assertThat(node.gateway().peerPort()).isPositive();
    }
    java.nio.file.Files.delete(dir.resolve("node.yaml"));
    Path bad =
        GatewayNodeSettingsTest.config(
            dir, ca, "  clientTlsPort: 0\n  peerPort: 0\n  hub: {routes: {VN-NDXP: nowhere}}\n");
    assertThatThrownBy(() -> NodeConfig.read(bad))
        .hasMessageContaining("hub.routes.VN-NDXP: not a node id");
  }
}
