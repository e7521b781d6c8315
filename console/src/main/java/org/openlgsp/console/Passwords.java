package org.openlgsp.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (RFC 9106) by Bouncy Castle's {@link Argon2BytesGenerator}. The
 * parameters are OWASP's first recommended set: 19 MiB of memory, 2 passes, 1 lane, a 16-byte salt
 * and a 32-byte tag; each hash is stored with the parameters it was made with, so raising them
 * later leaves old hashes verifiable.
 */
final class Passwords {
  static final int MEMORY_KIB = 19 * 1024;
  static final int ITERATIONS = 2;
  static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A hash and the parameters it was made with. */
  record Hash(byte[] salt, byte[] hash, int memoryKib, int iterations, int parallelism) {}

  private Passwords() {}

  static Hash hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return new Hash(
        salt,
        derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM),
        MEMORY_KIB,
        ITERATIONS,
        PARALLELISM);
  }

  /** True when {@code password} gives {@code stored}'s hash; compared in constant time. */
  static boolean matches(String password, Hash stored) {
    byte[] candidate =
        derive(
            password, stored.salt(), stored.memoryKib(), stored.iterations(), stored.parallelism());
    return MessageDigest.isEqual(candidate, stored.hash());
  }

  static byte[] derive(
      String password, byte[] salt, int memoryKib, int iterations, int parallelism) {
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[HASH_BYTES];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }

  /** A new random password of {@code length} letters and digits (no look-alikes). */
  static String random(int length) {
    String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
