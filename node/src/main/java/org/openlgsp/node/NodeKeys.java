package org.openlgsp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import org.openlgsp.core.Digests;
import org.openlgsp.pki.Credentials;
import org.openlgsp.pki.Pkcs11Token;
import org.openlgsp.pki.PkiException;

/**
 * The gateway's keys as its configuration names them: PEM files, or keys in PKCS#11 tokens. Each
 * token (library and slot) is logged in to once and shared by the entries that name it; the PIN is
 * read from its environment variable or file only for that login and is not kept.
 */
public final class NodeKeys {
  private final Path baseDir;
  private final Map<Pkcs11Token.Config, Pkcs11Token> tokens = new HashMap<>();

  public NodeKeys(Path baseDir) {
    this.baseDir = baseDir;
  }

  /** The key and chain of entry {@code where}, checked to belong together. */
  public Credentials credentials(String where, NodeConfig.KeyFiles entry) {
    Credentials c =
        entry
            .token()
            .map(k -> issued(where, token(where, k), k))
            .orElseGet(
                () ->
                    GatewayNode.credentials(
                        baseDir, entry.certificate().orElseThrow(), entry.key().orElseThrow()));
    try {
      c.requireMatchingKey();
    } catch (IllegalArgumentException e) {
      throw new NodeConfig.ConfigException(where + ": " + e.getMessage());
    }
    return c;
  }

  /** What the key watcher looks at for entry {@code where} (docs/pki.md, "Rotation"). */
  KeyFileWatcher.Source source(String where, NodeConfig.KeyFiles entry) {
    if (entry.token().isEmpty()) {
      return KeyFileWatcher.files(
          baseDir.resolve(entry.certificate().orElseThrow()),
          baseDir.resolve(entry.key().orElseThrow()));
    }
    NodeConfig.Pkcs11Key key = entry.token().orElseThrow();
    Pkcs11Token token = token(where, key);
    return new KeyFileWatcher.Source() {
      @Override
      public String describe() {
        return "key '" + key.alias() + "' in the PKCS#11 token in slot " + key.slot();
      }

      @Override
      public byte[] stamp() {
        // Another process (lgsp keys store-certificate) may have stored a new chain.
        token.refresh();
        return token.credentials(key.alias()).map(NodeKeys::chainDigest).orElse(new byte[0]);
      }

      @Override
      public Credentials load() {
        return issued(where, token, key);
      }
    };
  }

  private Pkcs11Token token(String where, NodeConfig.Pkcs11Key key) {
    Pkcs11Token.Config config = new Pkcs11Token.Config(baseDir.resolve(key.library()), key.slot());
    Pkcs11Token open = tokens.get(config);
    if (open == null) {
      try {
        open = Pkcs11Token.open(config, pin(where, key));
      } catch (PkiException e) {
        throw new NodeConfig.ConfigException(where + ": " + e.getMessage());
      }
      tokens.put(config, open);
    }
    return open;
  }

  /**
   * The AES key {@code key.alias()} in the token as the key-encryption key of encryption at rest; a
   * wrong PIN or a token without that key is refused, saying which.
   */
  org.openlgsp.storage.KeyEncryptionKey keyEncryptionKey(String where, NodeConfig.Pkcs11Key key) {
    Pkcs11Token token = token(where, key);
    try {
      return token.keyEncryptionKey(key.alias());
    } catch (PkiException e) {
      throw new NodeConfig.ConfigException(where + ": " + e.getMessage());
    }
  }

  /** The user PIN, from the named environment variable or file; its value is never in a message. */
  char[] pin(String where, NodeConfig.Pkcs11Key key) {
    String pin;
    if (key.pinEnv().isPresent()) {
      String variable = key.pinEnv().get();
      pin = System.getenv(variable);
      if (pin == null || pin.isBlank()) {
        throw new NodeConfig.ConfigException(
            where + ": environment variable " + variable + " (pkcs11.pinEnv) is not set");
      }
    } else {
      Path file = baseDir.resolve(key.pinFile().orElseThrow());
      try {
        pin = Files.readString(file);
      } catch (IOException e) {
        throw new NodeConfig.ConfigException(where + ": cannot read pkcs11.pinFile " + file);
      }
      pin = pin.strip();
      if (pin.isEmpty()) {
        throw new NodeConfig.ConfigException(where + ": pkcs11.pinFile " + file + " is empty");
      }
    }
    return pin.toCharArray();
  }

  /**
   * The alias's key with the chain a CA issued for it; a key that still has only the placeholder
   * {@code lgsp keys csr} stored with it (self-issued) is refused.
   */
  private static Credentials issued(String where, Pkcs11Token token, NodeConfig.Pkcs11Key key) {
    Credentials c =
        token
            .credentials(key.alias())
            .orElseThrow(
                () ->
                    new NodeConfig.ConfigException(
                        where
                            + ": no key '"
                            + key.alias()
                            + "' in the PKCS#11 token in slot "
                            + key.slot()
                            + " (lgsp keys csr --alias)"));
    X509Certificate leaf = c.certificate();
    if (leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
      throw new NodeConfig.ConfigException(
          where
              + ": key '"
              + key.alias()
              + "' in the token has no issued certificate yet; store the chain the CA issued"
              + " with lgsp keys store-certificate");
    }
    return c;
  }

  private static byte[] chainDigest(Credentials c) {
    try {
      StringBuilder all = new StringBuilder();
      for (X509Certificate cert : c.chain()) {
        all.append(Digests.hex(Digests.sha256(cert.getEncoded())));
      }
      return Digests.sha256(all.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (CertificateEncodingException e) {
      return new byte[0];
    }
  }
}
