package org.openlgsp.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hash of a data subject's identifier: base64(HMAC-SHA256(secret, id)), the ID stripped of
 * surrounding blanks. Only holders of the secret can link a hash to an ID: without it a 12-digit ID
 * cannot be found by trying all of them. The ledger's subject hashes and the consents the registry
 * publishes are made with it (each under its own secret).
 */
public final class KeyedHash {
  private final SecretKeySpec key;

  public KeyedHash(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("a subject key must be at least 32 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** 32 random bytes for a new secret. */
  public static byte[] newSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }

  public String hash(String subjectId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(subjectId.strip().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
