package org.openlgsp.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.openlgsp.core.NodeId;
import org.openlgsp.ledger.LedgerSource;
import org.openlgsp.ledger.NoteKey;
import org.openlgsp.ledger.SubjectHasher;
import org.openlgsp.storage.Database;

/** The ledger's secret files: the checkpoint signing key and the subject-hash key. */
public final class LedgerFiles {
  private LedgerFiles() {}

  /**
   * The ledger of the gateway a node configuration describes, read from its database (safe beside
   * the running node), with the checkpoint key when the node has made one.
   */
  public static LedgerSource source(Path config) {
    NodeConfig cfg = NodeConfig.read(config);
    Path base = config.toAbsolutePath().getParent();
    if (cfg.gateway().isEmpty()
        && cfg.registry().flatMap(NodeConfig.RegistryRole::consentKey).isPresent()) {
      return consentLogSource(cfg, base);
    }
    NodeConfig.GatewayRole g =
        cfg.gateway()
            .orElseThrow(() -> new NodeConfig.ConfigException(config + " has no gateway role"));
    NodeId node = NodeId.parse(g.node());
    SubjectHasher subjects = subjectHasher(base, g.ledger());
    Database db = Database.open(GatewayNode.resolveJdbc(base, g.database()));
    return Files.exists(checkpointKeyFile(base, g.ledger(), node))
        ? LedgerSource.local(db, checkpointKey(base, g.ledger(), node).verifier(), subjects)
        : LedgerSource.local(db, subjects);
  }

  /**
   * The registry's consent log (docs/privacy.md, "Consent log"), read from the registry's database
   * with its checkpoint key, so {@code lgsp ledger export/verify/prove --config} work on it as on a
   * gateway's ledger. Its subjects are hashed with the consent key, not a ledger subject key: a
   * look-up by personal ID through this source finds nothing (the registry's consent API does).
   */
  private static LedgerSource consentLogSource(NodeConfig cfg, Path base) {
    NodeConfig.RegistryRole r = cfg.registry().orElseThrow();
    Database db = Database.open(GatewayNode.resolveJdbc(base, r.database()));
    SubjectHasher none = new SubjectHasher(SubjectHasher.newSecret());
    // read only: the key the registry made at its first start, never a new one
    return Files.exists(base.resolve(consentLogKeyFile(cfg.instance())))
        ? LedgerSource.local(db, consentLogKey(base, cfg.instance()).verifier(), none)
        : LedgerSource.local(db, none);
  }

  /** Reads the checkpoint key, creating it (named after the origin) on first start. */
  static Path checkpointKeyFile(Path baseDir, NodeConfig.LedgerSettings s, NodeId node) {
    return baseDir.resolve(
        s.checkpointKey()
            .orElse("ledger/" + node.toString().replace('/', '_') + ".checkpoint.key"));
  }

  public static NoteKey checkpointKey(Path baseDir, NodeConfig.LedgerSettings s, NodeId node) {
    return checkpointKey(checkpointKeyFile(baseDir, s, node), s.origin().orElse(node.toString()));
  }

  /**
   * The registry's consent-log checkpoint key, {@code ledger/INSTANCE.consent-log.key} under the
   * node's folder, named {@code INSTANCE/registry/consents}; created on first start.
   */
  static NoteKey consentLogKey(Path baseDir, String instance) {
    return checkpointKey(
        baseDir.resolve(consentLogKeyFile(instance)), instance + "/registry/consents");
  }

  /** A consent-log checkpoint key in {@code file} (a tenant's), named as above. */
  static NoteKey consentLogKeyIn(Path file, String instance) {
    return checkpointKey(file, instance + "/registry/consents");
  }

  static String consentLogKeyFile(String instance) {
    return "ledger/" + instance + ".consent-log.key";
  }

  private static NoteKey checkpointKey(Path file, String origin) {
    if (!Files.exists(file)) {
      NoteKey key = NoteKey.generate(origin, NoteKey.TYPE_ED25519);
      writeSecret(file, key.privateText() + "\n");
      return key;
    }
    NoteKey key;
    try {
      key = NoteKey.parse(Files.readString(file));
    } catch (IOException | IllegalArgumentException e) {
      throw new NodeConfig.ConfigException(
          "cannot read checkpoint key " + file + ": " + e.getMessage());
    }
    if (!key.name().equals(origin)) {
      throw new NodeConfig.ConfigException(
          "checkpoint key " + file + " is named " + key.name() + ", not the origin " + origin);
    }
    return key;
  }

  /** The witness (cosignature, type 0x04) key, created on first use. */
  static NoteKey witnessKey(Path baseDir, NodeConfig.LedgerSettings s, NodeId node) {
    Path file =
        baseDir.resolve(
            s.witnessKey().orElse("ledger/" + node.toString().replace('/', '_') + ".witness.key"));
    return witnessKey(file, node + "/witness");
  }

  /** A witness key in {@code file} named {@code name}, created on first use. */
  static NoteKey witnessKey(Path file, String name) {
    if (!Files.exists(file)) {
      NoteKey key = NoteKey.generate(name, NoteKey.TYPE_COSIGNATURE);
      writeSecret(file, key.privateText() + "\n");
      return key;
    }
    try {
      return NoteKey.parse(Files.readString(file));
    } catch (IOException | IllegalArgumentException e) {
      throw new NodeConfig.ConfigException(
          "cannot read witness key " + file + ": " + e.getMessage());
    }
  }

  public static SubjectHasher subjectHasher(Path baseDir, NodeConfig.LedgerSettings s) {
    Path file = baseDir.resolve(s.subjectKey());
    if (!Files.exists(file)) {
      byte[] secret = SubjectHasher.newSecret();
      writeSecret(file, Base64.getEncoder().encodeToString(secret) + "\n");
      return new SubjectHasher(secret);
    }
    try {
      return new SubjectHasher(Base64.getDecoder().decode(Files.readString(file).strip()));
    } catch (IOException | IllegalArgumentException e) {
      throw new NodeConfig.ConfigException(
          "cannot read subject key " + file + ": " + e.getMessage());
    }
  }

  /**
   * The consent key in {@code file} (base64 of at least 32 bytes); with {@code create}, a new one
   * is generated owner-only when the file is missing (the registry's), else the file must exist (a
   * gateway's copy).
   */
  public static org.openlgsp.core.KeyedHash consentKey(Path file, boolean create) {
    return keyedHash("consent key", file, create);
  }

  /**
   * The keyed-hash key in {@code file} (base64 of at least 32 bytes), generated owner-only when
   * missing and {@code create}; {@code what} names it in errors.
   */
  public static org.openlgsp.core.KeyedHash keyedHash(String what, Path file, boolean create) {
    if (create && !Files.exists(file)) {
      byte[] secret = org.openlgsp.core.KeyedHash.newSecret();
      writeSecret(file, Base64.getEncoder().encodeToString(secret) + "\n");
      return new org.openlgsp.core.KeyedHash(secret);
    }
    try {
      return new org.openlgsp.core.KeyedHash(
          Base64.getDecoder().decode(Files.readString(file).strip()));
    } catch (IOException | IllegalArgumentException e) {
      throw new NodeConfig.ConfigException(
          "cannot read " + what + " " + file + ": " + e.getMessage());
    }
  }

  private static void writeSecret(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try {
        // owner-only from the first byte: never readable by others, not even briefly
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new NodeConfig.ConfigException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
