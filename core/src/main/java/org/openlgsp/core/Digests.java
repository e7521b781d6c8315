package org.openlgsp.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** SHA-2 digests and their text forms. */
public final class Digests {
  private Digests() {}

  public static MessageDigest sha256() {
    return digest("SHA-256");
  }

  static MessageDigest sha512() {
    return digest("SHA-512");
  }

  public static byte[] sha256(byte[] data) {
    return sha256().digest(data);
  }

  public static byte[] sha512(byte[] data) {
    return sha512().digest(data);
  }

  public static String base64(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }

  public static byte[] fromBase64(String what, String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, what + " is not valid base64");
    }
  }

  public static String hex(byte[] data) {
    return HexFormat.of().formatHex(data);
  }

  /** Compares secrets or digests in time independent of where they differ. */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " missing from the JDK", e);
    }
  }
}
