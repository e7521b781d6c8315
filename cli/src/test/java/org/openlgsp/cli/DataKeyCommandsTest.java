package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.AxisServer;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.documents.InboxItem;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.CertificateAuthority;
import org.openlgsp.pki.Pem;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.KeyEncryptionKey;
import org.openlgsp.testkit.Federation;

/**
 * {@code lgsp keys generate-kek, rotate-data-key, reencrypt, rewrap-kek} beside a running axis:
 * packages stored before a rotation stay readable, the re-encryption pass prints what it rewrites
 * and leaves nothing under the retired key, and a re-wrapped keyring opens with the new key only.
 */
class DataKeyCommandsTest {
  @TempDir Path dir;

  @Test
  void rotationReencryptionAndRewrapBesideARunningAxis() throws Exception {
    assertThat(CommandRun.run("keys", "rotate-data-key", "--help").out())
        .contains("--config")
        .contains("new writes use");
    assertThat(
            CommandRun.run("keys", "generate-kek", "--out", dir.resolve("kek.key").toString())
                .exit())
        .isZero();
    Path config = nodeFile(dir);
    int port = NodeConfig.read(config).documents().orElseThrow().port();
    AxisClient province = new AxisClient("http://127.0.0.1:" + port, "province-token");
    AxisClient department = new AxisClient("http://127.0.0.1:" + port, "department-token");
    try (DocumentsNode axis =
        DocumentsNode.start(
            NodeConfig.read(config).documents().orElseThrow(), dir, Clock.systemUTC())) {
      byte[] before =
          EdxmlCodec.write(Federation.sampleDocument("51", List.of(Federation.DEPARTMENT)));
      province.send(before);

      CommandRun rotated = CommandRun.run("keys", "rotate-data-key", "--config", config.toString());
      assertThat(rotated.exit()).as(rotated.err()).isZero();
      assertThat(rotated.out()).contains("is now current").contains("(retired)");

      byte[] after =
          EdxmlCodec.write(Federation.sampleDocument("52", List.of(Federation.DEPARTMENT)));
      province.send(after);

      CommandRun re =
          CommandRun.run("keys", "reencrypt", "--config", config.toString(), "--destroy-retired");
      assertThat(re.exit()).as(re.err()).isZero();
      assertThat(re.out()).contains("re-encrypted package file").contains("destroyed data key");

      List<byte[]> read =
          department.inbox(10).stream().map(InboxItem::deliveryId).map(department::fetch).toList();
      assertThat(read).containsExactly(before, after);
    }
    AtRest keys =
        AtRest.open(
            dir.resolve("data/documents/keyring.json"),
            KeyEncryptionKey.keyFile(dir.resolve("kek.key")),
            AtRest.DEFAULT_TENANT);
    assertThat(keys.dataKeys()).singleElement().satisfies(k -> assertThat(k.current()).isTrue());
    try (Stream<Path> files = Files.list(dir.resolve("data/documents/packages"))) {
      assertThat(files.toList())
          .hasSize(2)
          .allSatisfy(f -> assertThat(keys.keyIdOf(f)).hasValue(keys.dataKeys().getFirst().id()));
    }

    CommandRun.run("keys", "generate-kek", "--out", dir.resolve("next.key").toString());
    CommandRun rewrapped =
        CommandRun.run(
            "keys",
            "rewrap-kek",
            "--config",
            config.toString(),
            "--new-key-file",
            dir.resolve("next.key").toString());
    assertThat(rewrapped.exit()).as(rewrapped.err()).isZero();
    assertThat(CommandRun.run("keys", "rotate-data-key", "--config", config.toString()).exit())
        .as("the old key no longer opens the keyring")
        .isNotZero();
  }

  /** A documents node file in {@code dir} whose axis keeps packages encrypted with kek.key. */
  static Path nodeFile(Path dir) throws Exception {
    Files.writeString(
        dir.resolve("agency-ca.pem"),
        Pem.write(CertificateAuthority.createRoot("Agency CA", Duration.ofDays(1)).certificate()));
    int port;
    int relay;
    try (ServerSocket a = new ServerSocket(0);
        ServerSocket b = new ServerSocket(0)) {
      port = a.getLocalPort();
      relay = b.getLocalPort();
    }
    Path file = dir.resolve("node.yaml");
    Files.writeString(
        file,
        "instance: VN\n"
            + "documents:\n"
            + "  port: "
            + port
            + "\n  relayPort: "
            + relay
            + "\n  database: jdbc:sqlite:data/axis.db\n"
            + "  trustAnchors: [agency-ca.pem]\n"
            + "  signatureRequired: false\n"
            + "  encryption: {keyFile: kek.key}\n"
            + "  agencies:\n"
            + "    - {code: "
            + Federation.PROVINCE.value()
            + ", tokenSha256: "
            + AxisServer.hashToken("province-token")
            + "}\n"
            + "    - {code: "
            + Federation.DEPARTMENT.value()
            + ", tokenSha256: "
            + AxisServer.hashToken("department-token")
            + "}\n",
        StandardCharsets.UTF_8);
    return file;
  }
}
