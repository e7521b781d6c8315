package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.CertificateRequest;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.KeyPairs;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.registry.RegistryServer;
import org.openlgsp.testkit.Federation;

/**
 * {@code registry.ca} reaches the running registry: with the section, an approved enrolment is a
 * certificate issued by the folder's issuing CA for {@code ca.validity}; without it, the registry
 * takes no enrolment and says it runs no built-in CA.
 */
class RegistryCaSettingsTest {
  static final String MEMBER = "VN/GOV/000.00.00.H53";
  static final String TOKEN = "admin-token-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void theCaSectionIssuesApprovedEnrolmentsForItsValidityAndWithoutItThereIsNoCa()
      throws Exception {
    Files.writeString(dir.resolve("ca.password"), "correct horse battery staple");
    EnrolmentCommandsTest.ok(
        "ca",
        "init",
        "--dir",
        dir.resolve("ca").toString(),
        "--password-file",
        dir.resolve("ca.password").toString(),
        "--name",
        "LGSP Test");
    Credentials signing =
        CertificateAuthority.createRoot("Registry test root", Duration.ofDays(2))
            .issueCredentials(
                CertificateProfile.DIRECTORY_SIGNING,
                "registry VN",
                "OpenLGSP",
                List.of(),
                Duration.ofDays(1));
    Files.writeString(dir.resolve("registry.pem"), Pem.write(signing.chain().toArray()));
    Files.writeString(dir.resolve("registry.key"), Pem.write(signing.key()));
    int port = Federation.Ports.ephemeral().registry();
    String without =
        "instance: VN\n"
            + "registry:\n"
            + "  port: "
            + port
            + "\n"
            + "  database: jdbc:sqlite:data/registry.db\n"
            + "  adminTokenSha256: "
            + RegistryServer.hashToken(TOKEN)
            + "\n"
            + "  signing: {certificate: registry.pem, key: registry.key}\n";
    RegistryClient admin = new RegistryClient("http://127.0.0.1:" + port, TOKEN);

    List<AutoCloseable> running =
        start(without + "  ca: {dir: ca, passwordFile: ca.password, validity: P30D}\n");
    try {
      admin.addMember(new AdminRequests.Member(MEMBER, "UBND tỉnh Tây Ninh"));
      String id = admin.submitEnrolment(enrolment()).id();
      List<X509Certificate> chain = Pem.certificates(admin.approveEnrolment(id).certificate());
      X509Certificate issued = chain.getFirst();
      assertThat(issued.getIssuerX500Principal().getName()).contains("LGSP Test Issuing CA");
      assertThat(issued.getSubjectX500Principal().getName()).contains(MEMBER);
      assertThat(
              Duration.between(issued.getNotBefore().toInstant(), issued.getNotAfter().toInstant()))
          .isBetween(Duration.ofDays(29), Duration.ofDays(31));
    } finally {
      NodeRoles.closeAll(running);
    }

    running = start(without);
    try {
      assertThatThrownBy(() -> admin.submitEnrolment(enrolment()))
          .isInstanceOfSatisfying(
              LgspException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
                assertThat(e.detail()).contains("runs no built-in CA");
              });
    } finally {
      NodeRoles.closeAll(running);
    }
  }

  private List<AutoCloseable> start(String yaml) throws Exception {
    Path file = dir.resolve("registry.yaml");
    Files.writeString(file, yaml);
    return NodeRoles.start(
        NodeConfig.read(file), dir, new PrintStream(new ByteArrayOutputStream()));
  }

  private static AdminRequests.Enrolment enrolment() {
    KeyPair key = KeyPairs.ed25519();
    CertificateRequest csr =
        CertificateRequest.create(
            key.getPrivate(), key.getPublic(), MEMBER, "UBND tỉnh Tây Ninh", List.of());
    return new AdminRequests.Enrolment("member-signing", MEMBER, csr.pem());
  }
}
