package org.openlgsp.ledger;

import org.openlgsp.core.KeyedHash;

/**
 * Keyed hash of a data subject's identifier: base64(HMAC-SHA256(installation secret, id)) ({@link
 * KeyedHash}). The ledger stores only this, so the ID is not in the clear and, without the secret,
 * a 12-digit ID cannot be found by trying all of them.
 */
public final class SubjectHasher {
  private final KeyedHash hash;

  public SubjectHasher(byte[] secret) {
    this.hash = new KeyedHash(secret);
  }

  /** 32 random bytes for a new installation. */
  public static byte[] newSecret() {
    return KeyedHash.newSecret();
  }

  public String hash(String subjectId) {
    return hash.hash(subjectId);
  }
}
