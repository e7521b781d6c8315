package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.ledger.Checkpoint;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.SignedNote;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.NodeRoles;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;

/**
 * {@code lgsp tenant export|import} (docs/federation.md, "Export and import"), driven as an
 * operator does: the tenant's administrator works through {@code lgsp registry --url
 * …/tenants/bca}, the installation's operator exports, the new operator imports with the printed
 * digest, and {@code lgsp ledger verify} checks the moved ledger against the checkpoint taken
 * before the move; a forged pre-move checkpoint and a wrong digest are refused.
 */
class TenantCommandsTest {
  @TempDir Path dir;

  @Test
  void exportImportAndTheLedgerVerifiesAcrossTheMoveFromTheCommandLine() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
    write("host", signer(ca, "registry VN-MOH"));
    write("bca", signer(ca, "registry VN-BCA"));
    Files.writeString(dir.resolve("bca.token"), "token-bca");
    Path config = dir.resolve("node.yaml");
    Files.writeString(
        config,
        "instance: VN-MOH\n"
            + "registry:\n"
            + "  port: 0\n"
            + "  database: jdbc:sqlite:data/host.db\n"
            + "  adminTokenSha256: "
            + sha("token-host")
            + "\n"
            + "  signing: {certificate: host-signing.pem, key: host-signing.key}\n"
            + "tenants:\n"
            + "  - id: bca\n"
            + "    instance: VN-BCA\n"
            + "    database: jdbc:sqlite:data/bca.db\n"
            + "    signing: {certificate: bca-signing.pem, key: bca-signing.key}\n"
            + "    adminTokens: [{name: bca-admin, tokenSha256: "
            + sha("token-bca")
            + "}]\n");
    List<AutoCloseable> node = start(config);
    try {
      String[] bca = {
        "--url", url(node) + "/tenants/bca", "--token-file", dir.resolve("bca.token").toString()
      };
      ok(bca, "registry", "member", "add", "VN-BCA/GOV/000.00.00.C01", "--name", "Cục A");
      consent(bca, "079203001234");
      consent(bca, "079203005678");
    } finally {
      NodeRoles.closeAll(node);
    }
    CommandRun export =
        CommandRun.run(
            "tenant",
            "export",
            "-c",
            config.toString(),
            "--tenant",
            "bca",
            "--out",
            dir.resolve("bca.zip").toString());
    assertThat(export.exit()).as(export.err()).isZero();
    String digest =
        export
            .out()
            .lines()
            .filter(l -> l.startsWith("manifest sha256: "))
            .findFirst()
            .orElseThrow()
            .substring("manifest sha256: ".length());
    assertThat(export.out()).contains("ledger 2 records, last checkpoint 2");
    Path before = dir.resolve("before.note");

    Path standalone = dir.resolve("standalone");
    CommandRun wrong = importInto(standalone, "--manifest-sha256", "00".repeat(32));
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err()).startsWith("lgsp: tenant archive invalid: the manifest's SHA-256");
    assertThat(standalone).doesNotExist();
    CommandRun imported = importInto(standalone, "--manifest-sha256", digest, "--port", "0");
    assertThat(imported.exit()).as(imported.err()).isZero();
    Path standaloneConfig = standalone.resolve("node.yaml");
    // the last checkpoint before the move, as the imported node holds it (nothing appended yet)
    CommandRun beforeNote =
        CommandRun.run("ledger", "checkpoint", "--config", standaloneConfig.toString());
    assertThat(beforeNote.out()).startsWith("VN-BCA/registry/consents\n2\n");
    Files.writeString(before, beforeNote.out());

    node = start(standaloneConfig);
    try {
      String[] bca = {"--url", url(node), "--token-file", dir.resolve("bca.token").toString()};
      consent(bca, "079203009999");
    } finally {
      NodeRoles.closeAll(node);
    }
    NoteKey key =
        NoteKey.parse(Files.readString(standalone.resolve("ledger/VN-BCA.consent-log.key")));
    assertThat(key.verifier().toString())
        .isEqualTo(
            NoteKey.parse(Files.readString(dir.resolve("tenants/bca/ledger.key")))
                .verifier()
                .toString());
    Path vkey = dir.resolve("bca.vkey");
    Files.writeString(vkey, key.verifier().toString());
    CommandRun proof =
        CommandRun.run(
            "ledger",
            "consistency",
            "--config",
            standaloneConfig.toString(),
            "--first",
            "2",
            "--second",
            "3");
    assertThat(proof.exit()).as(proof.err()).isZero();
    assertThat(proof.out()).contains("\"first\"").contains("\"second\"");
    CommandRun verify = verify(standaloneConfig, vkey, before);
    assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    // a pre-move checkpoint of another history, signed with the tenant's own key: a fork
    byte[] otherRoot = new byte[32];
    Path forged = dir.resolve("forged.note");
    Files.writeString(
        forged,
        SignedNote.sign(new Checkpoint("VN-BCA/registry/consents", 2, otherRoot).text(), key)
            .format());
    CommandRun fork = verify(standaloneConfig, vkey, forged);
    assertThat(fork.exit()).as(fork.out() + fork.err()).isEqualTo(1);
  }

  /**
   * {@code lgsp ledger verify} of the node's ledger under {@code vkey}, with {@code checkpoint}.
   */
  private static CommandRun verify(Path config, Path vkey, Path checkpoint) {
    return CommandRun.run(
        "ledger",
        "verify",
        "--config",
        config.toString(),
        "--key",
        vkey.toString(),
        "--checkpoint",
        checkpoint.toString());
  }

  private static List<AutoCloseable> start(Path config) {
    return NodeRoles.start(
        NodeConfig.read(config),
        config.toAbsolutePath().getParent(),
        new PrintStream(OutputStream.nullOutputStream()));
  }

  private static String url(List<AutoCloseable> node) {
    return "http://127.0.0.1:" + ((org.openlgsp.node.RegistryNode) node.getFirst()).port();
  }

  private static void consent(String[] conn, String subject) {
    ok(
        conn,
        "registry",
        "consent",
        "add",
        "--subject",
        subject,
        "--category",
        "ho-tich",
        "--recipient",
        "VN-BCA/GOV/000.00.00.C01",
        "--purpose",
        "1.001234",
        "--valid-to",
        Instant.now().plus(Duration.ofDays(1)).toString());
  }

  private CommandRun importInto(Path into, String... options) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "tenant", "import", dir.resolve("bca.zip").toString(), "--into", into.toString()));
    args.addAll(List.of(options));
    return CommandRun.run(args.toArray(String[]::new));
  }

  private static CommandRun ok(String[] conn, String... args) {
    return ConsentCommandsTest.ok(conn, args);
  }

  private static Credentials signer(CertificateAuthority ca, String cn) {
    return ca.issueCredentials(
        CertificateProfile.DIRECTORY_SIGNING, cn, "Test", List.of(), Duration.ofHours(1));
  }

  private void write(String name, Credentials c) throws Exception {
    Files.writeString(dir.resolve(name + "-signing.pem"), Pem.write(c.chain().toArray()));
    Files.writeString(dir.resolve(name + "-signing.key"), Pem.write(c.key()));
  }

  private static String sha(String token) {
    return Digests.hex(Digests.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }
}
