package org.openlgsp.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.openlgsp.node.DocumentsNode;
import org.openlgsp.node.DocumentsRole;
import org.openlgsp.node.MonitoringKeys;
import org.openlgsp.node.NodeConfig;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.KeyEncryptionKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lgsp keys generate-kek | rotate-data-key | reencrypt | rewrap-kek}: the keys of encryption
 * at rest (docs/privacy.md, "Encryption at rest"), run beside a running node.
 */
final class DataKeyCommands {
  private DataKeyCommands() {}

  /** Which of a node's keyrings a command acts on. */
  enum Keyring {
    /** {@code documents.encryption}: edXML packages and subjects. */
    documents,
    /** {@code gateway.monitoring.encryption}: the operational records' free text. */
    monitoring
  }

  /** The node file whose {@code documents.encryption} or monitoring encryption names the keys. */
  static final class NodeFile {
    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description =
            "The node's node.yaml (its documents.encryption or gateway.monitoring.encryption).")
    Path config;

    @Option(
        names = "--keyring",
        defaultValue = "documents",
        paramLabel = "KEYRING",
        description =
            "documents (documents.encryption, the default) or monitoring"
                + " (gateway.monitoring.encryption).")
    Keyring keyring;

    AtRest keyring() {
      return switch (keyring) {
        case documents -> DocumentsNode.keyring(documents(), base());
        case monitoring -> MonitoringKeys.keyring(gateway(), base());
      };
    }

    /** Re-encrypts what the keyring's role stores; {@code progress} hears each item. */
    int reencrypt(Consumer<String> progress) {
      return switch (keyring) {
        case documents -> DocumentsNode.reencryptAtRest(documents(), base(), progress);
        case monitoring ->
            MonitoringKeys.reencrypt(
                gateway(), base(), id -> progress.accept("operational record " + id));
      };
    }

    private DocumentsRole documents() {
      return NodeConfig.read(config)
          .documents()
          .orElseThrow(() -> new IllegalArgumentException(config + " runs no documents role"));
    }

    private NodeConfig.GatewayRole gateway() {
      return NodeConfig.read(config)
          .gateway()
          .orElseThrow(() -> new IllegalArgumentException(config + " runs no gateway role"));
    }

    Path base() {
      Path parent = config.toAbsolutePath().getParent();
      return parent == null ? Path.of(".") : parent;
    }
  }

  @Command(
      name = "generate-kek",
      mixinStandardHelpOptions = true,
      description =
          "Write a new key-encryption key (32 random bytes, base64) to a new owner-only file.")
  static final class GenerateKek implements Callable<Integer> {
    /** Exactly one: a key file, or a key generated inside a PKCS#11 token. */
    static final class Where {
      @Option(names = "--out", paramLabel = "FILE", description = "The key file.")
      Optional<Path> out;

      @picocli.CommandLine.ArgGroup(exclusive = false)
      KeysCommands.Token token;
    }

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (where.token != null) {
        where.token.open().generateAes256(where.token.alias);
        spec.commandLine()
            .getOut()
            .println(
                "AES-256 key-encryption key '"
                    + where.token.alias
                    + "' generated in the token in slot "
                    + where.token.slot
                    + " (sensitive, not extractable)");
        return 0;
      }
      Path out = where.out.orElseThrow();
      KeyEncryptionKey.generateKeyFile(out);
      spec.commandLine().getOut().println("key-encryption key written to " + out + " (rw-------)");
      return 0;
    }
  }

  @Command(
      name = "rotate-data-key",
      mixinStandardHelpOptions = true,
      description =
          "Add a data key that new writes use (a running node within seconds); older keys keep"
              + " decrypting. Then `lgsp keys reencrypt` moves what they encrypt to the new one.")
  static final class RotateDataKey implements Callable<Integer> {
    @picocli.CommandLine.Mixin NodeFile node;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      AtRest keys = node.keyring();
      int id = keys.rotateDataKey();
      spec.commandLine()
          .getOut()
          .printf("tenant %s: data key %d is now current%n", keys.tenant(), id);
      for (AtRest.KeyInfo k : keys.dataKeys()) {
        spec.commandLine()
            .getOut()
            .printf(
                "  %d created %s%s%n",
                k.id(), k.created(), k.current() ? " (current)" : " (retired)");
      }
      return 0;
    }
  }

  @Command(
      name = "reencrypt",
      mixinStandardHelpOptions = true,
      description =
          "Encrypt under the current data key every stored package and subject (or, with"
              + " --keyring monitoring, operational record) that is not (stored before encryption,"
              + " or under a retired key), printing each; with"
              + " --destroy-retired, then destroy the retired data keys.")
  static final class Reencrypt implements Callable<Integer> {
    @picocli.CommandLine.Mixin NodeFile node;

    @Option(
        names = "--destroy-retired",
        description = "Destroy the retired data keys once nothing uses them.")
    boolean destroyRetired;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      var out = spec.commandLine().getOut();
      int n =
          node.reencrypt(
              item -> {
                out.println("re-encrypted " + item);
                out.flush();
              });
      out.println(n + " items re-encrypted");
      if (destroyRetired) {
        AtRest keys = node.keyring();
        for (AtRest.KeyInfo k : keys.dataKeys()) {
          if (!k.current()) {
            keys.destroyDataKey(k.id());
            out.println("destroyed data key " + k.id());
          }
        }
      }
      return 0;
    }
  }

  @Command(
      name = "rewrap-kek",
      mixinStandardHelpOptions = true,
      description =
          "Re-wrap every data key under a new key-encryption key (the data and its ciphertexts"
              + " stay as they are); then point documents.encryption (or gateway.monitoring.encryption)"
              + " (keyFile or pkcs11) at it"
              + " and restart.")
  static final class RewrapKek implements Callable<Integer> {
    @picocli.CommandLine.Mixin NodeFile node;

    /** Exactly one: a new key file, or an AES key in a PKCS#11 token. */
    static final class Next {
      @Option(
          names = "--new-key-file",
          paramLabel = "FILE",
          description = "The new key file (lgsp keys generate-kek --out).")
      Optional<Path> file;

      @picocli.CommandLine.ArgGroup(exclusive = false)
      KeysCommands.Token token;
    }

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Next next;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      KeyEncryptionKey kek =
          next.token != null
              ? next.token.open().keyEncryptionKey(next.token.alias)
              : KeyEncryptionKey.keyFile(next.file.orElseThrow());
      node.keyring().rewrap(kek);
      spec.commandLine().getOut().println("keyring re-wrapped under " + kek.id());
      return 0;
    }
  }
}
