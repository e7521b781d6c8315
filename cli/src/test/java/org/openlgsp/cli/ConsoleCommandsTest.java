package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.core.Digests;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.node.RegistryNode;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;

/** {@code lgsp console account add|list} on a registry's configuration. */
class ConsoleCommandsTest {
  @TempDir Path dir;

  @Test
  void anAccountAddedOnTheCommandLineSignsInWithItsPrintedPasswordAndIsAudited() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
    Credentials signing =
        ca.issueCredentials(
            CertificateProfile.DIRECTORY_SIGNING,
            "registry",
            "Test",
            List.of(),
            Duration.ofHours(1));
    Files.writeString(dir.resolve("registry-signing.pem"), Pem.write(signing.chain().toArray()));
    Files.writeString(dir.resolve("registry-signing.key"), Pem.write(signing.key()));
    Path config = dir.resolve("registry.yaml");
    Files.writeString(
        config,
        "instance: VN\n"
            + "registry:\n"
            + "  port: 0\n"
            + "  database: jdbc:sqlite:data/registry.db\n"
            + "  adminTokenSha256: "
            + Digests.hex(Digests.sha256("admin".getBytes()))
            + "\n"
            + "  signing: {certificate: registry-signing.pem, key: registry-signing.key}\n"
            + "  console: {enabled: true, port: 0}\n");

    CommandRun add =
        CommandRun.run(
            "console",
            "account",
            "add",
            "-c",
            config.toString(),
            "--username",
            "tn-admin",
            "--role",
            "agency-admin",
            "--agency",
            "VN/GOV/000.00.00.H53");
    CommandRun bad =
        CommandRun.run(
            "console",
            "account",
            "add",
            "-c",
            config.toString(),
            "--username",
            "x2",
            "--role",
            "root");
    CommandRun list = CommandRun.run("console", "account", "list", "-c", config.toString());

    assertThat(add.exit()).as(add.err()).isZero();
    Matcher m = Pattern.compile("password \\(shown once\\): (\\S+)").matcher(add.out());
    assertThat(m.find()).as(add.out()).isTrue();
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown role root");
    assertThat(list.out())
        .contains("tn-admin\tagency-admin\tVN/GOV/000.00.00.H53\ttotp not set up");
    try (RegistryNode registry =
        RegistryNode.start(
            "VN",
            NodeConfig.read(config).registry().orElseThrow(),
            dir,
            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))) {
      var accounts = registry.console().orElseThrow().accounts();
      assertThat(accounts.checkPassword("tn-admin", m.group(1))).isPresent();
      assertThat(registry.registry().auditLog("console.account.create", 0, 5))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.actor()).startsWith("cli:");
                assertThat(e.target()).isEqualTo("console account tn-admin");
                assertThat(e.detail()).contains("agency-admin").contains("VN/GOV/000.00.00.H53");
              });
    }
  }

  /**
   * On a gateway node's file (no registry role) the account belongs to its node-local console:
   * written to the gateway's database, its creation in the gateway's {@code edge_audit}.
   */
  @Test
  void onAGatewayNodesFileTheAccountIsTheNodeConsolesInTheGatewaysDatabase() throws Exception {
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(
        config,
        """
        instance: VN
        gateway:
          node: VN/GOV/000.00.00.H53/gw1
          database: jdbc:sqlite:data/gw.db
          tls: {certificate: tls.pem, key: tls.key}
          signing:
            - {member: VN/GOV/000.00.00.H53, certificate: s.pem, key: s.key}
          registryUrl: http://127.0.0.1:7070
          directoryTrust: [registry.pem]
          console: {enabled: true, port: 0}
        """);
    CommandRun add =
        CommandRun.run(
            "console",
            "account",
            "add",
            "-c",
            config.toString(),
            "--username",
            "ops",
            "--role",
            "security-officer");
    assertThat(add.exit()).as(add.err()).isZero();
    Matcher m = Pattern.compile("password \\(shown once\\): (\\S+)").matcher(add.out());
    assertThat(m.find()).as(add.out()).isTrue();
    assertThat(CommandRun.run("console", "account", "list", "-c", config.toString()).out())
        .contains("ops\tsecurity-officer\t-\ttotp not set up");
    try (org.openlgsp.storage.Database db =
        org.openlgsp.storage.Database.open("jdbc:sqlite:" + dir.resolve("data/gw.db"))) {
      var accounts =
          new org.openlgsp.console.Accounts(
              db,
              NodeConfig.read(config).gateway().orElseThrow().consoleOptions(),
              java.time.Clock.systemUTC());
      assertThat(accounts.checkPassword("ops", m.group(1))).isPresent();
      try (java.sql.Connection c = db.connection();
          var rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT actor, target, detail FROM edge_audit"
                          + " WHERE action = 'console.account.create'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).startsWith("cli:");
        assertThat(rs.getString(2)).isEqualTo("console account ops");
        assertThat(rs.getString(3)).contains("security-officer");
      }
    }
  }
}
