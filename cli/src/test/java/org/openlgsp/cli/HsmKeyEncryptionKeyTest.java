package org.openlgsp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openlgsp.documents.AxisClient;
import org.openlgsp.documents.EdxmlCodec;
import org.openlgsp.documents.InboxItem;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.pki.Pkcs11Token;
import org.openlgsp.pki.SoftHsm;
import org.openlgsp.testkit.Federation;
import org.openlgsp.testpeers.Peer;
import org.openlgsp.testpeers.RequiresPeer;

/**
 * {@code documents.encryption.pkcs11}: the key-encryption key in a PKCS#11 token (SoftHSM2). {@code
 * lgsp keys generate-kek --pkcs11-library} makes it there, {@code rewrap-kek} moves a keyring from
 * a key file to it, and the node then reads what it stored before from the token-wrapped keyring; a
 * token without the named key stops the node saying so (a wrong PIN: pki
 * Pkcs11KeyEncryptionKeyTest).
 */
@RequiresPeer(Peer.SOFTHSM)
class HsmKeyEncryptionKeyTest {
  @TempDir Path dir;

  @Test
  void aKeyringMovesFromAKeyFileToTheTokenAndTheNodeRunsOnIt() throws Exception {
    Pkcs11Token.Config token = SoftHsm.initialise(System.getenv(Pkcs11GatewayTest.PIN_ENV));
    String library = SoftHsm.LIBRARY.toString();
    String slot = Long.toString(token.slot());
    CommandRun.run("keys", "generate-kek", "--out", dir.resolve("kek.key").toString());
    Path config = DataKeyCommandsTest.nodeFile(dir);
    byte[] sent = EdxmlCodec.write(Federation.sampleDocument("61", List.of(Federation.DEPARTMENT)));
    int port = NodeConfig.read(config).documents().orElseThrow().port();
    try (DocumentsNode axis = start(config)) {
      new AxisClient("http://127.0.0.1:" + port, "province-token").send(sent);
    }

    CommandRun made =
        CommandRun.run(
            "keys",
            "generate-kek",
            "--pkcs11-library",
            library,
            "--slot",
            slot,
            "--alias",
            "at-rest-kek");
    assertThat(made.exit()).as(made.err()).isZero();
    assertThat(made.out()).contains("'at-rest-kek' generated in the token").contains("extractable");
    CommandRun moved =
        CommandRun.run(
            "keys",
            "rewrap-kek",
            "--config",
            config.toString(),
            "--pkcs11-library",
            library,
            "--slot",
            slot,
            "--alias",
            "at-rest-kek");
    assertThat(moved.exit()).as(moved.err()).isZero();
    assertThat(moved.out()).contains("re-wrapped under pkcs11:at-rest-kek");
    assertThat(Files.readString(dir.resolve("data/documents/keyring.json")))
        .contains("pkcs11:at-rest-kek");

    String inToken =
        "{pkcs11: {library: "
            + library
            + ", slot: "
            + slot
            + ", alias: %s, pinEnv: "
            + Pkcs11GatewayTest.PIN_ENV
            + "}}";
    Files.writeString(
        config,
        Files.readString(config).replace("{keyFile: kek.key}", inToken.formatted("at-rest-kek")));
    try (DocumentsNode axis = start(config)) {
      AxisClient department = new AxisClient("http://127.0.0.1:" + port, "department-token");
      InboxItem item = department.inbox(10).getFirst();
      assertThat(department.fetch(item.deliveryId())).isEqualTo(sent);
    }
    // the operator's key commands run on the token key too
    assertThat(CommandRun.run("keys", "rotate-data-key", "--config", config.toString()).exit())
        .isZero();

    String withTokenKek = Files.readString(config);
    Files.writeString(config, withTokenKek.replace("alias: at-rest-kek", "alias: no-such-kek"));
    assertThatThrownBy(() -> start(config))
        .hasMessageContaining("encryption.pkcs11")
        .hasMessageContaining("no AES key 'no-such-kek'");
    // a wrong PIN: pki Pkcs11KeyEncryptionKeyTest (in a fresh JVM: a PKCS#11 login holds for the
    // whole process, so this one, logged in above, would not be asked again)
  }

  private DocumentsNode start(Path config) {
    return DocumentsNode.start(
        NodeConfig.read(config).documents().orElseThrow(), dir, Clock.systemUTC());
  }
}
