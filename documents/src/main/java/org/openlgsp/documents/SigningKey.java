package org.openlgsp.documents;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * An agency's document-signing key and certificate. RSA keys sign with RSA-SHA256, EC keys with
 * ECDSA-SHA256; nothing new is ever signed with SHA-1.
 */
public record SigningKey(PrivateKey privateKey, X509Certificate certificate) {
  public SigningKey {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(certificate, "certificate");
    String alg = privateKey.getAlgorithm();
    if (!alg.equals("RSA") && !alg.equals("EC")) {
      throw new IllegalArgumentException("document signing keys are RSA or EC, not " + alg);
    }
    if (!alg.equals(certificate.getPublicKey().getAlgorithm())) {
      throw new IllegalArgumentException("certificate key type does not match the private key");
    }
  }
}
