package org.openlgsp.console;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.util.encoders.Base32;

/**
 * RFC 6238 time-based one-time passwords (HMAC-SHA1, 30-second steps, as authenticator apps use) by
 * java-otp. A code is accepted for the current step and one step either side (clock drift); {@link
 * #verify} returns the step it matched so that the caller can refuse a step used before.
 */
final class Totp {
  static final Duration STEP = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();
  private final TimeBasedOneTimePasswordGenerator generator;
  private final int digits;

  Totp(int digits) {
    this.digits = digits;
    this.generator = new TimeBasedOneTimePasswordGenerator(STEP, digits);
  }

  /** A new 160-bit secret (RFC 4226's recommended length). */
  static byte[] newSecret() {
    byte[] secret = new byte[20];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /** The secret as authenticator apps take it: Base32 without padding. */
  static String base32(byte[] secret) {
    return Base32.toBase32String(secret).replace("=", "");
  }

  /** The code for {@code at}, zero-padded to the number of digits. */
  String code(byte[] secret, Instant at) {
    try {
      int value = generator.generateOneTimePassword(new SecretKeySpec(secret, "HmacSHA1"), at);
      return String.format("%0" + digits + "d", value);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA1 refused a TOTP key", e);
    }
  }

  /** The time step {@code code} is valid for at {@code now} (±1 step), if any. */
  Optional<Long> verify(byte[] secret, String code, Instant now) {
    if (code == null || code.length() != digits || !code.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    long step = now.getEpochSecond() / STEP.getSeconds();
    Optional<Long> found = Optional.empty();
    for (long s = step - 1; s <= step + 1; s++) {
      String expected = code(secret, Instant.ofEpochSecond(s * STEP.getSeconds()));
      // every candidate compared, in constant time, whichever matches
      if (java.security.MessageDigest.isEqual(
          expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          code.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
        found = Optional.of(s);
      }
    }
    return found;
  }
}
