package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.gateway.RateLimits;

/**
 * {@code gateway.rateLimits} as the file is read: bound onto the gateway's options with the
 * defaults filled in (period one second, burst the rate), shown by {@code serve --check}, and
 * refused naming the key when a value is nonsense, a key is misspelled or a tenant is unknown. What
 * each key does to a running node: testkit's GatewayRateLimitSettingsTest.
 */
class RateLimitsSettingsTest {
  @TempDir Path dir;

  private Path config(String settings) throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, NodeConfigTest.GATEWAY + settings);
    return file;
  }

  @Test
  void theSectionReachesTheGatewayOptionsWithItsDefaultsFilledIn() throws Exception {
    NodeConfig c =
        NodeConfig.read(
            config(
                """
                  rateLimits:
                    default:
                      clients:
                        - {client: VN/GOV/000.00.00.H53/DVC, rate: 10, period: PT1M, burst: 20, dailyQuota: 5000}
                        - {client: "*", rate: 2}
                      services:
                        - {service: VN/GOV/000.00.00.G01/CSDLQGDC/citizens, rate: 100}
                """));
    RateLimits limits = c.gateway().orElseThrow().options().rateLimits();
    RateLimits.TenantLimits t = limits.tenant(RateLimits.DEFAULT_TENANT);
    assertThat(t.clients().get(0))
        .isEqualTo(
            new RateLimits.ClientLimit(
                "VN/GOV/000.00.00.H53/DVC",
                new RateLimits.Rate(10, Duration.ofMinutes(1), 20),
                Optional.of(5000L)));
    assertThat(t.clients().get(1).bucket())
        .isEqualTo(new RateLimits.Rate(2, Duration.ofSeconds(1), 2));
    assertThat(t.clients().get(1).dailyQuota()).isEmpty();
    assertThat(t.services().get(0).bucket())
        .isEqualTo(new RateLimits.Rate(100, Duration.ofSeconds(1), 100));

    assertThat(NodeConfig.read(config("")).gateway().orElseThrow().options().rateLimits())
        .isEqualTo(RateLimits.none());
  }

  @Test
  void aSectionPerInstanceReachesTheGatewayOptionsBesideTheDefault() throws Exception {
    RateLimits limits =
        NodeConfig.read(
                config(
                    """
                      rateLimits:
                        VN-TAYNINH: {clients: [{client: "*", rate: 5, period: PT1H}]}
                        default: {services: [{service: "*", rate: 100}]}
                    """))
            .gateway()
            .orElseThrow()
            .options()
            .rateLimits();
    assertThat(limits.tenants()).containsOnlyKeys("VN-TAYNINH", RateLimits.DEFAULT_TENANT);
    assertThat(limits.tenant("VN-TAYNINH").clients().getFirst().bucket())
        .isEqualTo(new RateLimits.Rate(5, Duration.ofHours(1), 5));
    assertThat(limits.tenant(RateLimits.DEFAULT_TENANT).services()).hasSize(1);
  }

  @Test
  void serveCheckShowsTheLimitsWithPeriodAndBurstFilledIn() throws Exception {
    Path file =
        GatewayNodeSettingsTest.config(
            dir,
            org.openlgsp.pki.CertificateAuthority.createRoot("Test Root", Duration.ofDays(1)),
            "  rateLimits: {default: {clients: [{client: VN/GOV/000.00.00.H53/DVC, rate: 3}]}}\n");
    RateLimits written = NodeConfig.read(file).gateway().orElseThrow().options().rateLimits();
    String shown = ConfigCheck.effectiveConfiguration(file);
    assertThat(shown)
        .contains("rateLimits:")
        .contains("client: \"VN/GOV/000.00.00.H53/DVC\"")
        .contains("rate: 3")
        .contains("period: \"PT1S\"")
        .contains("burst: 3");
    // and what it shows reads back as the same limits
    Files.writeString(file, shown);
    assertThat(NodeConfig.read(file).gateway().orElseThrow().options().rateLimits())
        .isEqualTo(written);
  }

  @Test
  void aNonsenseValueAMisspelledKeyOrAnUnknownTenantIsRefusedNamingIt() throws Exception {
    String path = "gateway.rateLimits.default.clients[0]";
    assertRefused(
        "  rateLimits: {default: {clients: [{client: VN/GOV/000.00.00.H53/DVC, rate: 0}]}}\n",
        path,
        "rate must be a positive number of calls: 0");
    assertRefused(
        "  rateLimits: {default: {clients: [{client: VN/GOV/000.00.00.H53/DVC, rate: 1,"
            + " burst: -1}]}}\n",
        path,
        "burst must be a positive");
    assertRefused(
        "  rateLimits: {default: {clients: [{client: VN/GOV/000.00.00.H53/DVC, rate: 1,"
            + " period: PT0S}]}}\n",
        path,
        "period must be between");
    assertRefused(
        "  rateLimits: {default: {clients: [{client: VN/GOV/000.00.00.H53/DVC, rate: 1,"
            + " dailyQuota: 0}]}}\n",
        path,
        "dailyQuota must be a positive");
    assertRefused(
        "  rateLimits: {default: {clients: [{client: VN/GOV, rate: 1}]}}\n",
        path,
        "client must be a client id");
    assertRefused(
        "  rateLimits: {default: {clients: [{client: VN/GOV/000.00.00.H53/DVC}]}}\n",
        path,
        "rate is required");
    assertRefused(
        "  rateLimits: {default: {services: [{service: VN/GOV/000.00.00.G01/CSDLQGDC, rate: 1}]}}\n",
        "gateway.rateLimits.default.services[0]",
        "service must be a service id");
    assertRefused(
        "  rateLimits: {default: {clients: [{client: VN/GOV/000.00.00.H53/DVC, rate: 1,"
            + " burts: 5}]}}\n",
        "burts",
        "unknown key");
    assertRefused(
        "  rateLimits: {VN/TAYNINH: {clients: [{client: VN/GOV/000.00.00.H53/DVC, rate: 1}]}}\n",
        "gateway",
        "rateLimits: tenant VN/TAYNINH is neither an instance name");
  }

  private void assertRefused(String settings, String path, String why) throws Exception {
    Path file = config(settings);
    assertThatThrownBy(() -> NodeConfig.read(file))
        .as(settings)
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining(path)
        .hasMessageContaining(why);
  }
}
