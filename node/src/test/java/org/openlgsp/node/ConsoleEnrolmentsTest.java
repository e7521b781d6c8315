package org.openlgsp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.console.ConsoleClient;
import org.openlgsp.console.ConsoleRole;
import org.openlgsp.core.ClientId;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateRequest;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;

/**
 * The registry node hands its console the enrolments of its built-in CA: a request submitted
 * through the registry's admin API is on the console's enrolments page and approved there, the
 * admin API then says so; a registry without a CA has a console that says it runs none.
 */
class ConsoleEnrolmentsTest {
  static final String MEMBER = "VN/GOV/000.00.00.H53";
  static final String PASSWORD = "correct horse battery staple";
  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));

  private RegistryNode start(Optional<CertificateAuthority> inProcessCa) throws Exception {
    Path file =
        ManagementListenerTest.registryConfig(dir, ca, "  console: {enabled: true, port: 0}\n");
    NodeConfig.RegistryRole role = NodeConfig.read(file).registry().orElseThrow();
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return inProcessCa.isPresent()
        ? RegistryNode.start("VN", role, dir, out, inProcessCa.get())
        : RegistryNode.start("VN", role, dir, out);
  }

  private static ConsoleClient signedIn(RegistryNode node) throws Exception {
    var accounts = node.console().orElseThrow().accounts();
    accounts.create("ops", PASSWORD, ConsoleRole.PLATFORM_ADMIN, Optional.empty());
    ConsoleClient c = new ConsoleClient("http://127.0.0.1:" + node.console().orElseThrow().port());
    c.signIn("ops", PASSWORD, accounts);
    return c;
  }

  @Test
  void aRequestSubmittedToTheAdminApiIsApprovedOnTheConsole() throws Exception {
    try (RegistryNode node = start(Optional.of(ca))) {
      if (node.registry().trustAnchors().isEmpty()) {
        node.registry().addTrustAnchor(ca.certificate());
      }
      RegistryClient admin = new RegistryClient("http://127.0.0.1:" + node.port(), "admin");
      admin.addMember(new AdminRequests.Member(MEMBER, "UBND tỉnh Tây Ninh"));
      KeyPair key = KeyPairs.ecP256();
      String id =
          admin
              .submitEnrolment(
                  new AdminRequests.Enrolment(
                      "member-signing",
                      MEMBER,
                      CertificateRequest.create(
                              key.getPrivate(), key.getPublic(), MEMBER, "Tây Ninh", List.of())
                          .pem()))
              .id();

      ConsoleClient console = signedIn(node);
      assertThat(console.get("/enrolments").body())
          .contains("/enrolments/" + id + "/approve")
          .contains(MEMBER);
      assertThat(console.postWithToken("/enrolments/" + id + "/approve", Map.of()).statusCode())
          .isEqualTo(303);

      assertThat(admin.enrolments())
          .singleElement()
          .satisfies(e -> assertThat(e.status()).isEqualTo("approved"));
      assertThat(
              node.registry().members().stream()
                  .filter(m -> m.id().equals(ClientId.parse(MEMBER)))
                  .findFirst()
                  .orElseThrow()
                  .signingCertificates())
          .hasSize(1);
    }
  }

  @Test
  void withoutABuiltInCaTheEnrolmentsPageSaysSo() throws Exception {
    try (RegistryNode node = start(Optional.empty())) {
      ConsoleClient console = signedIn(node);
      assertThat(console.get("/enrolments").body()).contains("không chạy CA tích hợp");
      assertThat(console.postWithToken("/enrolments/any/approve", Map.of()).statusCode())
          .isEqualTo(404);
    }
  }
}
