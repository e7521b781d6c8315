package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.edge.BearerTokens;
import org.openlgsp.edge.DatabaseAuditLog;
import org.openlgsp.node.GatewayNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pem;

/** {@code lgsp gateway credential ...} against a started gateway node's credentials API. */
class GatewayCredentialCommandsTest {
  static final String TOKEN = "ops-token-of-alice-0123456789";
  static final String PORTAL = "VN/GOV/000.00.00.H53/DVC";
  static final Pattern SECRET = Pattern.compile("client_secret: (\\S+)");
  static final Pattern CLIENT = Pattern.compile("client_id:\\s+(\\S+)");
  @TempDir Path dir;
  GatewayNode node;
  String url;
  String tokenFile;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    CertificateAuthority ca = CertificateAuthority.createRoot("Test Root", Duration.ofDays(1));
    write(
        "tls",
        ca.issueCredentials(
            CertificateProfile.NODE_TLS, "gw1", "T", List.of(), Duration.ofHours(1)));
    write(
        "signing",
        ca.issueCredentials(
            CertificateProfile.MEMBER_SIGNING,
            "VN/GOV/000.00.00.H53",
            "T",
            List.of(),
            Duration.ofHours(1)));
    Files.writeString(dir.resolve("registry.pem"), Pem.write(ca.certificate()));
    Path file = dir.resolve("node.yaml");
    Files.writeString(
        file,
        """
        instance: VN
        gateway:
          node: VN/GOV/000.00.00.H53/gw1
          database: jdbc:sqlite:data/gw.db
          tls: {certificate: tls.pem, key: tls.key}
          signing:
            - {member: VN/GOV/000.00.00.H53, certificate: signing.pem, key: signing.key}
          registryUrl: http://127.0.0.1:1
          directoryTrust: [registry.pem]
          clientTlsPort: 0
          clientHttpPort: 0
          peerPort: 0
          localSystems: [{id: %s}]
          credentials:
            apiPort: 0
            tokens: [{name: alice, tokenSha256: %s, role: operator}]
        """
            .formatted(PORTAL, BearerTokens.hash(TOKEN)));
    node = GatewayNode.start(NodeConfig.read(file).gateway().orElseThrow(), dir, Clock.systemUTC());
    url = "http://127.0.0.1:" + node.credentialsApiPort().orElseThrow();
    tokenFile = dir.resolve("ops.token").toString();
    Files.writeString(Path.of(tokenFile), TOKEN + "\n");
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void createRotateRevokeAndListThroughTheApiWithTheSecretShownOnceOnly() throws Exception {
    CommandRun created =
        CommandRun.run(
            "gateway",
            "credential",
            "create",
            "--url",
            url,
            "--token-file",
            tokenFile,
            "--system",
            PORTAL);
    assertThat(created.exit()).as(created.err()).isZero();
    String clientId = group(CLIENT, created.out());
    String secret = group(SECRET, created.out());
    assertThat(token(clientId, secret)).isEqualTo(200);

    CommandRun rotated =
        CommandRun.run(
            "gateway",
            "credential",
            "rotate",
            clientId,
            "--overlap",
            "PT0S",
            "--url",
            url,
            "--token-file",
            tokenFile);
    assertThat(rotated.exit()).as(rotated.err()).isZero();
    String newSecret = group(SECRET, rotated.out());
    assertThat(token(clientId, secret)).as("no overlap asked: refused at once").isEqualTo(401);
    assertThat(token(clientId, newSecret)).isEqualTo(200);

    CommandRun listed =
        CommandRun.run("gateway", "credential", "list", "--url", url, "--token-file", tokenFile);
    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out())
        .contains(PORTAL + "\t" + clientId + "\tactive")
        .contains("alice")
        .doesNotContain(secret)
        .doesNotContain(newSecret);

    CommandRun revoked =
        CommandRun.run(
            "gateway", "credential", "revoke", clientId, "--url", url, "--token-file", tokenFile);
    assertThat(revoked.exit()).as(revoked.err()).isZero();
    assertThat(token(clientId, newSecret)).isEqualTo(401);
    CommandRun again =
        CommandRun.run(
            "gateway", "credential", "revoke", clientId, "--url", url, "--token-file", tokenFile);
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).contains("resource.conflict");

    try (org.openlgsp.storage.Database db =
        org.openlgsp.storage.Database.sqlite(dir.resolve("data/gw.db"))) {
      assertThat(DatabaseAuditLog.open(db).recent(20))
          .filteredOn(e -> e.action().startsWith("gateway.credential."))
          .extracting(org.openlgsp.edge.spi.AuditEvent::actor)
          .containsOnly("alice")
          .hasSize(4);
      assertThat(DatabaseAuditLog.open(db).recent(100))
          .allSatisfy(
              e -> assertThat(e.toString()).doesNotContain(secret).doesNotContain(newSecret));
    }
  }

  @Test
  void anUnknownSystemOrAWrongTokenIsRefusedWithTheProblemsCode() throws Exception {
    CommandRun unknown =
        CommandRun.run(
            "gateway",
            "credential",
            "create",
            "--url",
            url,
            "--token-file",
            tokenFile,
            "--system",
            "VN/GOV/000.00.00.H53/OTHER");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("resource.not_found");
    Path wrong = dir.resolve("wrong.token");
    Files.writeString(wrong, "not-the-token");
    CommandRun refused =
        CommandRun.run(
            "gateway", "credential", "list", "--url", url, "--token-file", wrong.toString());
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("admin.unauthenticated");
    CommandRun help = CommandRun.run("gateway", "credential", "--help");
    assertThat(help.out())
        .contains("create")
        .contains("rotate")
        .contains("revoke")
        .contains("list");
  }

  private void write(String name, Credentials c) throws Exception {
    Files.writeString(dir.resolve(name + ".pem"), Pem.write(c.chain().toArray()));
    Files.writeString(dir.resolve(name + ".key"), Pem.write(c.key()));
  }

  private static String group(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  private int token(String clientId, String secret) throws Exception {
    return org.openlgsp.gateway.TokenRequests.status(
        node.gateway().clientHttpPort().orElseThrow(), clientId, secret);
  }
}
