package org.openlgsp.documents;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * An agency's document-signing key and certificate, with the intermediate CA certificates that
 * receivers need to chain it to their trust anchors (written after it in KeyInfo; the root is left
 * out). RSA keys sign with RSA-SHA256, EC keys with ECDSA-SHA256; nothing new is signed with SHA-1.
 */
public record SigningKey(
    PrivateKey privateKey, X509Certificate certificate, List<X509Certificate> intermediates) {
  public SigningKey {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(certificate, "certificate");
    intermediates = List.copyOf(intermediates);
    String alg = privateKey.getAlgorithm();
    if (!alg.equals("RSA") && !alg.equals("EC")) {
      throw new IllegalArgumentException("document signing keys are RSA or EC, not " + alg);
    }
    if (!alg.equals(certificate.getPublicKey().getAlgorithm())) {
      throw new IllegalArgumentException("certificate key type does not match the private key");
    }
  }

  /** A key whose certificate was issued directly by a trust anchor. */
  public SigningKey(PrivateKey privateKey, X509Certificate certificate) {
    this(privateKey, certificate, List.of());
  }
}
