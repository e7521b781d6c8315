package org.openlgsp.storage;

/**
 * Encryption at rest refused something: a ciphertext that does not authenticate, a key that is not
 * in the keyring, a key-encryption key that does not open it, or a key file that is missing or too
 * open. Never carries plaintext or key material.
 */
public final class AtRestException extends StorageException {
  private static final long serialVersionUID = 1L;

  /** Stable codes, for logs, problem documents and tests. */
  public enum Code {
    /** A stored ciphertext failed authentication: altered, truncated, or moved to another place. */
    TAMPERED("at_rest.tampered"),
    /**
     * The ciphertext names a data key the keyring does not hold (destroyed, or another keyring).
     */
    UNKNOWN_KEY("at_rest.unknown_key"),
    /** The key-encryption key does not unwrap the keyring's data keys. */
    WRONG_KEK("at_rest.wrong_kek"),
    /** The key file or keyring is missing, unreadable, malformed or readable by others. */
    KEY_FILE("at_rest.key_file");

    private final String code;

    Code(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final Code code;

  /** For a {@link KeyEncryptionKey} held elsewhere (a PKCS#11 token, module pki). */
  public AtRestException(Code code, String message) {
    super(code.code() + ": " + message);
    this.code = code;
  }

  AtRestException(Code code, String message, Throwable cause) {
    super(code.code() + ": " + message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
