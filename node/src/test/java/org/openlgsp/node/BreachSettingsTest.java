package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.Breach;
import org.openlgsp.registry.RegistryClient;

/**
 * {@code registry.breaches.notificationPeriod}: the running registry node sets the deadline of the
 * breaches recorded through its admin API from it (docs/privacy.md "Incidents").
 */
class BreachSettingsTest {
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  private RegistryNode startNode(String section) throws Exception {
    Path file = ManagementListenerTest.registryConfig(dir, ca, section);
    return RegistryNode.start(
        "VN",
        NodeConfig.read(file).registry().orElseThrow(),
        dir,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  private Breach recordThroughTheNode(String section) throws Exception {
    try (RegistryNode registry = startNode(section)) {
      return new RegistryClient("http://127.0.0.1:" + registry.port(), "admin")
          .recordBreach(
              new AdminRequests.BreachRecord(
                  DETECTED, "DPO", "Lộ dữ liệu", List.of("họ tên"), 10L, List.of(), "", ""));
    }
  }

  /**
   * The report API serves PDF on {@code Accept: application/pdf}: the same document, page for page
   * and word for word, as the CLI renders from the HTML it gets (statistics.PdfDocuments); HTML
   * stays the answer otherwise.
   */
  @Test
  void theReportApiServesThePdfTheCliMakes() throws Exception {
    try (RegistryNode registry = startNode("")) {
      RegistryClient client = new RegistryClient("http://127.0.0.1:" + registry.port(), "admin");
      Breach b =
          client.recordBreach(
              new AdminRequests.BreachRecord(
                  DETECTED,
                  "DPO",
                  "Lộ dữ liệu hộ tịch",
                  List.of("họ tên"),
                  10L,
                  List.of(),
                  "",
                  ""));
      String id = b.id();

      byte[] served = client.breachReportPdf(id, "vi");
      byte[] cli = org.openlgsp.statistics.PdfDocuments.fromHtml(client.breachReport(id, "vi"));

      assertThat(new String(served, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
      assertThat(client.breachReport(id, "vi")).contains("<html").doesNotContain("%PDF");
      try (var a = org.apache.pdfbox.Loader.loadPDF(served);
          var c = org.apache.pdfbox.Loader.loadPDF(cli)) {
        assertThat(a.getNumberOfPages()).isEqualTo(c.getNumberOfPages());
        String text = new org.apache.pdfbox.text.PDFTextStripper().getText(a);
        assertThat(text).contains("Lộ dữ liệu hộ tịch");
        // digits masked: the report names the moment it was made
        assertThat(text.replaceAll("\\d", "#"))
            .isEqualTo(
                new org.apache.pdfbox.text.PDFTextStripper().getText(c).replaceAll("\\d", "#"));
      }
    }
  }

  static final Instant DETECTED = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);

  @Test
  void theNotificationPeriodIsTheTimeFromDetectionToTheDeadline() throws Exception {
    assertThat(recordThroughTheNode("  breaches: {notificationPeriod: PT24H}\n").deadline())
        .isEqualTo(DETECTED.plus(Duration.ofHours(24)));
  }

  @Test
  void withoutTheSectionTheDeadlineIsSeventyTwoHoursAndServeCheckShowsIt() throws Exception {
    assertThat(recordThroughTheNode("").deadline()).isEqualTo(DETECTED.plus(Duration.ofHours(72)));
    assertThat(ConfigCheck.effectiveConfiguration(dir.resolve("registry.yaml")))
        .containsPattern("breaches:\\s+notificationPeriod: \"?(PT72H|259200\\.0+)\"?");
  }

  @Test
  void aMisspelledOrOutOfRangeKeyStopsTheStart() throws Exception {
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    ManagementListenerTest.registryConfig(
                        dir, ca, "  breaches: {notificationPeriode: PT24H}\n")))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("notificationPeriode");
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    ManagementListenerTest.registryConfig(
                        dir, ca, "  breaches: {notificationPeriod: PT10M}\n")))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("notificationPeriod");
  }

  @Test
  void serveCheckReadsTheRegistryAlertsFilesAndRedactsTheirSecrets() throws Exception {
    Path missing =
        ManagementListenerTest.registryConfig(
            dir,
            ca,
            "  alerts: {webhooks: [{url: 'https://soc.example/hook', secretFile: none.secret}]}\n");
    assertThatThrownBy(() -> ConfigCheck.effectiveConfiguration(missing))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("registry.alerts.webhooks[0].secretFile");
    Path inline =
        ManagementListenerTest.registryConfig(
            dir,
            ca,
            "  alerts: {webhooks: [{url: 'https://soc.example/hook',"
                + " secret: webhook-secret-0123456789}]}\n");
    assertThat(ConfigCheck.effectiveConfiguration(inline))
        .contains("https://soc.example/hook")
        .doesNotContain("webhook-secret-0123456789");
  }

  /**
   * {@code registry.breaches.officers}: an officer's token keeps the breach register through the
   * started node (record, read) and opens nothing else; without the key the same token is nobody.
   */
  @Test
  void aBreachOfficerTokenKeepsTheRegisterAndOpensNothingElse() throws Exception {
    String officer = "dpo-token-0123456789abcdef";
    String section =
        "  breaches:\n    officers:\n      - name: dpo\n        tokenSha256: "
            + org.openlgsp.edge.BearerTokens.hash(officer)
            + "\n";
    try (RegistryNode registry = startNode(section)) {
      RegistryClient dpo = new RegistryClient("http://127.0.0.1:" + registry.port(), officer);
      Breach b =
          dpo.recordBreach(
              new AdminRequests.BreachRecord(
                  DETECTED, "DPO", "Lộ dữ liệu", List.of("họ tên"), 10L, List.of(), "", ""));
      assertThat(dpo.breaches(java.util.Optional.empty()))
          .extracting(Breach::id)
          .containsExactly(b.id());
      assertThat(dpo.breach(b.id()).timeline()).isNotEmpty();
      assertThatThrownBy(dpo::members)
          .isInstanceOfSatisfying(
              org.openlgsp.core.LgspException.class,
              e -> assertThat(e.code()).isEqualTo(org.openlgsp.core.ErrorCode.ADMIN_FORBIDDEN));
      // the audit log names the officer as the actor of the record
      assertThat(new RegistryClient("http://127.0.0.1:" + registry.port(), "admin").auditLog(50))
          .anySatisfy(
              a -> {
                assertThat(a.actor()).isEqualTo("dpo");
                assertThat(a.action()).isEqualTo("breach.record");
              });
    }
    try (RegistryNode registry = startNode("")) {
      RegistryClient nobody = new RegistryClient("http://127.0.0.1:" + registry.port(), officer);
      assertThatThrownBy(() -> nobody.breaches(java.util.Optional.empty()))
          .isInstanceOfSatisfying(
              org.openlgsp.core.LgspException.class,
              e ->
                  assertThat(e.code())
                      .isEqualTo(org.openlgsp.core.ErrorCode.ADMIN_UNAUTHENTICATED));
    }
    assertThatThrownBy(
            () ->
                NodeConfig.read(
                    ManagementListenerTest.registryConfig(
                        dir,
                        ca,
                        "  breaches: {officers: [{name: admin, tokenSha256: "
                            + "a".repeat(64)
                            + "}]}\n")))
        .isInstanceOf(NodeConfig.ConfigException.class)
        .hasMessageContaining("admin");
  }
}
