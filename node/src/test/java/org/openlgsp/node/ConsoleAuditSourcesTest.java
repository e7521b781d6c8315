package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.console.ConsoleClient;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.core.ClientId;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.pki.CertificateAuthority;

/**
 * The running registry node hands its consent log ({@code registry.consentKey}), its witness
 * ({@code registry.witness}) and its citizen data tracker ({@code registry.tracker}) to the web
 * console: the ledger page shows them, a consent's record proves against its checkpoint, and a
 * security officer's look-up goes through the tracker and is audited by keyed hash.
 */
class ConsoleAuditSourcesTest {
  @TempDir Path dir;

  @Test
  void theConsolesLedgerAndSubjectPagesReadTheNodesConsentLogWitnessAndTracker() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
    String gatewayLog =
        NoteKey.generate("VN/GOV/000.00.00.H53/gw1", NoteKey.TYPE_ED25519).verifier().toString();
    Path file =
        ManagementListenerTest.registryConfig(
            dir,
            ca,
            "  consentKey: data/consent.key\n"
                + "  witness: {logs: ['"
                + gatewayLog
                + "']}\n"
                + "  tracker: {deadline: PT2S, readers: [{name: portal, tokenSha256: "
                + "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8}]}\n"
                + "  console: {enabled: true, port: 0}\n");
    try (RegistryNode node =
        RegistryNode.start(
            "VN",
            NodeConfig.read(file).registry().orElseThrow(),
            dir,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      ClientId tn = ClientId.parse("VN/GOV/000.00.00.H53");
      node.registry().addMember(tn, "UBND tỉnh Tây Ninh");
      Instant now = Instant.now();
      String consent =
          node.registry()
              .addConsent("079090001234", "ho-ten", tn, "1.001234", now, now.plusSeconds(3600));
      var accounts = node.console().orElseThrow().accounts();
      String password = accounts.create("officer", ConsoleRole.SECURITY_OFFICER, Optional.empty());
      String url = node.console().orElseThrow().url();
      ConsoleClient officer = new ConsoleClient(url.substring(0, url.length() - 1));
      officer.signIn("officer", password, accounts);

      String ledger = officer.get("/ledger").body();
      assertThat(ledger)
          .contains("VN/registry/consents")
          .contains("data-origin=\"VN/GOV/000.00.00.H53/gw1\"")
          .contains("Chưa có điểm kiểm tra nào được đồng ký.");
      assertThat(officer.get("/ledger/proof?index=0").body())
          .contains(consent)
          .contains("id=\"signature-check\" class=\"ok\"");
      HttpResponse<String> lookup =
          officer.postWithToken(
              "/subjects", Map.of("personalId", "079090001234", "purpose", "1.001234:HS-1"));
      assertThat(lookup.statusCode()).as(lookup.body()).isEqualTo(200);
      assertThat(lookup.body()).contains("*********234").doesNotContain("079090001234");
      assertThat(node.registry().auditLog("tracker.lookup", 0, 10))
          .singleElement()
          .satisfies(e -> assertThat(e.actor()).isEqualTo("officer"));
    }
  }
}
