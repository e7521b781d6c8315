package org.openlgsp.storage;

import com.google.crypto.tink.subtle.AesGcmJce;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.openlgsp.core.Digests;

/**
 * The key that wraps the data keys of an {@link AtRest} keyring: an AES-256 key in an owner-only
 * key file ({@link #keyFile}), or one that never leaves a PKCS#11 token (module {@code pki}). Data
 * keys are stored only wrapped by it.
 */
public interface KeyEncryptionKey {
  /** Names the key in the keyring, so a keyring opened with another key says so; not secret. */
  String id();

  /** AES-GCM (fresh nonce) of {@code key}, bound to {@code aad}. */
  byte[] wrap(byte[] key, byte[] aad);

  /** The inverse of {@link #wrap}; fails with {@link AtRestException.Code#WRONG_KEK}. */
  byte[] unwrap(byte[] wrapped, byte[] aad);

  /**
   * The key in {@code file}: 32 random bytes, base64, in a file only its owner may read or write
   * ({@code rw-------}); a file others can read, or that does not hold such a key, is refused.
   */
  static KeyEncryptionKey keyFile(Path file) {
    byte[] key;
    try {
      if (!Files.isRegularFile(file)) {
        throw new AtRestException(
            AtRestException.Code.KEY_FILE, "key file " + file + " does not exist");
      }
      Set<PosixFilePermission> perms =
          Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
      for (PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          throw new AtRestException(
              AtRestException.Code.KEY_FILE,
              "key file "
                  + file
                  + " is "
                  + PosixFilePermissions.toString(perms)
                  + "; it must be readable by its owner only (chmod 600)");
        }
      }
      key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IOException | IllegalArgumentException e) {
      throw new AtRestException(
          AtRestException.Code.KEY_FILE, "cannot read key file " + file + ": " + e.getMessage(), e);
    }
    if (key.length != 32) {
      throw new AtRestException(
          AtRestException.Code.KEY_FILE,
          "key file " + file + " must hold 32 bytes (AES-256), base64; it holds " + key.length);
    }
    return of(key, "file:" + Digests.hex(Digests.sha256(key)).substring(0, 16));
  }

  /** Writes a new random key file, owner-only; refuses to overwrite one. */
  static Path generateKeyFile(Path file) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
      return file;
    } catch (IOException e) {
      throw new AtRestException(
          AtRestException.Code.KEY_FILE, "cannot create key file " + file + ": " + e, e);
    }
  }

  /** A key held in memory (a key file's, or a test's); {@code id} names it. */
  static KeyEncryptionKey of(byte[] key, String id) {
    AesGcmJce aead;
    try {
      aead = new AesGcmJce(key.clone());
    } catch (GeneralSecurityException e) {
      throw new AtRestException(AtRestException.Code.KEY_FILE, "not an AES key", e);
    }
    return new KeyEncryptionKey() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public byte[] wrap(byte[] dataKey, byte[] aad) {
        try {
          return aead.encrypt(dataKey, aad);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("AES-GCM failed", e);
        }
      }

      @Override
      public byte[] unwrap(byte[] wrapped, byte[] aad) {
        try {
          return aead.decrypt(wrapped, aad);
        } catch (GeneralSecurityException e) {
          throw new AtRestException(
              AtRestException.Code.WRONG_KEK,
              "the key-encryption key " + id + " does not unwrap this data key");
        }
      }
    };
  }
}
