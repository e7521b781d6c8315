package org.openlgsp.node;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.storage.AtRest;
import org.openlgsp.storage.KeyEncryptionKey;

/**
 * Encryption at rest of what a role stores (docs/privacy.md, "Encryption at rest"): {@code keyFile}
 * holds the key-encryption key (32 random bytes, base64, owner-only: {@code lgsp keys
 * generate-kek}); {@code keyring} the data keys it wraps (default {@code keyring.json} in the
 * role's data folder; created with a first data key when missing); {@code tenant} whose data keys
 * are used (default {@link AtRest#DEFAULT_TENANT}). A missing key file, one others can read, or one
 * that does not open the keyring stops the node at start: it never falls back to plaintext.
 */
public record EncryptionSettings(
    String keyFile, Optional<String> keyring, Optional<String> tenant) {
  public EncryptionSettings {
    Objects.requireNonNull(
        keyFile,
        "keyFile is required: a file holding the key-encryption key (lgsp keys generate-kek)");
    NodeConfig.present(keyring, tenant);
  }

  /** The keyring, opened with the key in {@code keyFile}; both relative to {@code baseDir}. */
  AtRest open(Path baseDir, Path dataDir) {
    Path ring = keyring.map(baseDir::resolve).orElse(dataDir.resolve("keyring.json"));
    return AtRest.open(
        ring,
        KeyEncryptionKey.keyFile(baseDir.resolve(keyFile)),
        tenant.orElse(AtRest.DEFAULT_TENANT));
  }
}
