package org.openlgsp.node;

import java.nio.file.Path;
import java.util.Optional;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.KeyEncryptionKey;

/**
 * Encryption at rest of what a role stores (docs/privacy.md, "Encryption at rest"). The
 * key-encryption key is one of: {@code keyFile}, a file holding it (32 random bytes, base64,
 * owner-only: {@code lgsp keys generate-kek}); or {@code pkcs11}, an AES key inside a PKCS#11 token
 * ({@code library}, {@code slot}, {@code alias}, and {@code pinEnv} or {@code pinFile}; {@code lgsp
 * keys generate-kek --pkcs11-library ...}) that wraps and unwraps the data keys there and never
 * leaves it. {@code keyring} holds the data keys it wraps (default {@code keyring.json} in the
 * role's data folder; created with a first data key when missing); {@code tenant} whose data keys
 * are used (default {@link AtRest#DEFAULT_TENANT}). A missing key file, one others can read, a
 * wrong PIN, a token without the key, or a key that does not open the keyring stops the node at
 * start: it never falls back to plaintext.
 */
public record EncryptionSettings(
    Optional<String> keyFile,
    Optional<NodeConfig.Pkcs11Key> pkcs11,
    Optional<String> keyring,
    Optional<String> tenant) {
  public EncryptionSettings {
    keyFile = keyFile == null ? Optional.empty() : keyFile;
    pkcs11 = pkcs11 == null ? Optional.empty() : pkcs11;
    NodeConfig.present(keyring, tenant);
    if (keyFile.isPresent() == pkcs11.isPresent()) {
      throw new IllegalArgumentException(
          "encryption needs one of keyFile (a file holding the key-encryption key: lgsp keys"
              + " generate-kek) or pkcs11 (an AES key in a token)");
    }
  }

  /** The key-encryption key in {@code keyFile}, the keyring and tenant by default. */
  public static EncryptionSettings keyFile(String keyFile) {
    return new EncryptionSettings(
        Optional.of(keyFile), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * The keyring, opened with the configured key-encryption key; both relative to {@code baseDir}.
   */
  AtRest open(Path baseDir, Path dataDir) {
    Path ring = keyring.map(baseDir::resolve).orElse(dataDir.resolve("keyring.json"));
    return AtRest.open(ring, kek(baseDir), tenant.orElse(AtRest.DEFAULT_TENANT));
  }

  /** The configured key-encryption key: the key file's, or the token's. */
  KeyEncryptionKey kek(Path baseDir) {
    if (keyFile.isPresent()) {
      return KeyEncryptionKey.keyFile(baseDir.resolve(keyFile.get()));
    }
    return new NodeKeys(baseDir).keyEncryptionKey("encryption.pkcs11", pkcs11.orElseThrow());
  }
}
