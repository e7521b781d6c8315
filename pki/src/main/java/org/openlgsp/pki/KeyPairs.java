package org.openlgsp.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * Key generation. TLS keys are ECDSA P-256 (what every TLS peer speaks); message-signing keys are
 * Ed25519 (fast to sign and verify through Bouncy Castle).
 */
public final class KeyPairs {
  private KeyPairs() {}

  public static KeyPair ecP256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot generate an EC P-256 key", e);
    }
  }

  public static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot generate an Ed25519 key", e);
    }
  }
}
