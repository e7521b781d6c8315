package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;
import org.openlgsp.registry.AdminRequests;
import org.openlgsp.registry.Registry;
import org.openlgsp.registry.RegistryClient;
import org.openlgsp.registry.RegistryOptions;
import org.openlgsp.registry.RegistryServer;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.TestDatabases;

/**
 * A member's encryption certificate (what consumers seal to when a hub relays) is published and
 * withdrawn from the command line, through the registry's audited admin API; what is not a
 * member-encryption certificate of a trusted CA is refused.
 */
class EncryptionCertificateCommandsTest {
  static final ClientId MPS = ClientId.parse("VN/GOV/000.00.00.G01");
  static final String TOKEN = "encryption-admin-token";

  @TempDir Path dir;
  final CertificateAuthority ca = CertificateAuthority.createRoot("Root", Duration.ofDays(30));
  final CertificateAuthority stranger =
      CertificateAuthority.createRoot("Stranger", Duration.ofDays(30));
  Database db;
  RegistryServer server;
  RegistryClient admin;
  String[] conn;

  @BeforeEach
  void start() throws Exception {
    db = TestDatabases.sqlite(dir);
    Credentials signer =
        ca.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING, "registry", "t", List.of(), Duration.ofDays(1));
    Registry registry =
        new Registry(db, RegistryOptions.defaults("VN"), signer.signer(), Clock.systemUTC());
    server = RegistryServer.start(registry, RegistryServer.hashToken(TOKEN), "127.0.0.1", 0);
    String url = "http://127.0.0.1:" + server.port() + "/";
    admin = new RegistryClient(url, TOKEN);
    admin.addTrustAnchors(new AdminRequests.TrustAnchor(Pem.write(ca.certificate())));
    admin.addMember(new AdminRequests.Member(MPS.toString(), "Bộ Công an"));
    Path token = dir.resolve("admin.token");
    Files.writeString(token, TOKEN);
    conn = new String[] {"--url", url, "--token-file", token.toString()};
  }

  @AfterEach
  void stop() {
    server.close();
    db.close();
  }

  @Test
  void anEncryptionCertificateIsPublishedInTheDirectoryAndRemovedByFingerprint() throws Exception {
    Path pem = pem("mps-enc", ca, CertificateProfile.MEMBER_ENCRYPTION);

    CommandRun added = run("add-encryption-certificate", MPS.toString(), "--certificate", pem);
    assertThat(added.exit()).as(added.err()).isZero();
    String fingerprint = Certificates.fingerprint(Pem.certificates(Files.readString(pem)).get(0));
    assertThat(added.out()).contains(fingerprint);
    assertThat(member().encryptionCertificates()).hasSize(1);

    CommandRun removed =
        run("remove-encryption-certificate", MPS.toString(), "--fingerprint", fingerprint);
    assertThat(removed.exit()).as(removed.err()).isZero();
    assertThat(member().encryptionCertificates()).isEmpty();
    assertThat(
            run("remove-encryption-certificate", MPS.toString(), "--fingerprint", fingerprint)
                .exit())
        .as("a second removal finds nothing")
        .isNotZero();
  }

  @Test
  void aSigningCertificateOrOneFromAnUntrustedCaIsRefusedAsAnEncryptionCertificate()
      throws Exception {
    CommandRun signing =
        run(
            "add-encryption-certificate",
            MPS.toString(),
            "--certificate",
            pem("mps-sign", ca, CertificateProfile.MEMBER_SIGNING));
    CommandRun foreign =
        run(
            "add-encryption-certificate",
            MPS.toString(),
            "--certificate",
            pem("mps-enc-foreign", stranger, CertificateProfile.MEMBER_ENCRYPTION));

    assertThat(signing.exit()).isNotZero();
    assertThat(signing.err()).contains("member-encryption");
    assertThat(foreign.exit()).isNotZero();
    assertThat(member().encryptionCertificates()).isEmpty();
  }

  /** {@code lgsp registry member SUBCOMMAND ARGS... --url ... --token-file ...} */
  private CommandRun run(Object... args) {
    List<String> all = new java.util.ArrayList<>(List.of("registry", "member"));
    for (Object a : args) {
      all.add(a.toString());
    }
    all.addAll(List.of(conn));
    return CommandRun.run(all.toArray(String[]::new));
  }

  private Directory.Member member() {
    return admin.members().stream().filter(m -> m.id().equals(MPS)).findFirst().orElseThrow();
  }

  private Path pem(String cn, CertificateAuthority issuer, CertificateProfile profile)
      throws Exception {
    Path file = dir.resolve(cn + ".pem");
    Files.writeString(
        file,
        Pem.write(
            issuer
                .issueCredentials(profile, cn, "t", List.of(), Duration.ofDays(1))
                .certificate()));
    return file;
  }
}
