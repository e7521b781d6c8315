package org.openlgsp.core;

/** Signature algorithms the platform signs and verifies with, by their JCA names. */
public enum SignatureAlgorithm {
  ED25519("Ed25519"),
  ECDSA_SHA256("SHA256withECDSA"),
  RSA_SHA256("SHA256withRSA");

  private final String jcaName;

  SignatureAlgorithm(String jcaName) {
    this.jcaName = jcaName;
  }

  public String jcaName() {
    return jcaName;
  }

  public static SignatureAlgorithm forKeyAlgorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "Ed25519", "EdDSA" -> ED25519;
      case "EC" -> ECDSA_SHA256;
      case "RSA" -> RSA_SHA256;
      default -> throw new IllegalArgumentException("unsupported key algorithm " + keyAlgorithm);
    };
  }

  public static SignatureAlgorithm fromJcaName(String name) {
    for (SignatureAlgorithm a : values()) {
      if (a.jcaName.equals(name)) {
        return a;
      }
    }
    throw new LgspException(ErrorCode.REQUEST_MALFORMED, "unsupported signature algorithm");
  }
}
