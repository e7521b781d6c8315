package org.openlgsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.NodeId;

class GatewayOptionsTest {
  static final NodeId NODE = NodeId.parse("VN/GOV/000.00.00.H53/gw1");

  @Test
  void defaultsAreLoopbackWithSafeLimits() {
    GatewayOptions o = GatewayOptions.defaults(NODE);
    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.clientHttpPort()).isEqualTo(-1);
    assertThat(o.replayWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
  }

  @Test
  void invalidValuesAreRefused() {
    GatewayOptions o = GatewayOptions.defaults(NODE);
    assertThatThrownBy(() -> o.withPorts(70000, -1, 0)).hasMessageContaining("clientTlsPort");
    assertThatThrownBy(() -> o.withPorts(0, -2, 0)).hasMessageContaining("clientHttpPort");
    assertThatThrownBy(() -> o.withMaxBodyBytes(0)).hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> o.withDirectoryGrace(Duration.ofSeconds(-1)))
        .hasMessageContaining("directoryGrace");
  }

  @Test
  void localSystemMayLeaveItsCredentialsToRunTimeAndKeepsOnlyTheSecretHash() {
    ClientId id = ClientId.parse("VN/GOV/000.00.00.H53/DVC");
    // the node refuses such a system unless gateway.credentials is configured
    assertThat(new LocalSystem(id, Set.of(), "", "").oauthClientId()).isEmpty();
    assertThatThrownBy(() -> new LocalSystem(id, Set.of(), "portal", ""))
        .hasMessageContaining("go together");
    assertThatThrownBy(() -> new LocalSystem(id.memberId(), Set.of("ab"), "", ""))
        .hasMessageContaining("subsystem");
    LocalSystem s = LocalSystem.withSecret(id, "portal", "s3cret");
    assertThat(s.secretSha256()).hasSize(64).doesNotContain("s3cret");
  }
}
