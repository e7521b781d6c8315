package org.openlgsp.pki;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.openlgsp.core.MessageSigner;
import org.openlgsp.core.Signatures;

/** A private key with its certificate chain, leaf first. */
public record Credentials(PrivateKey key, List<X509Certificate> chain) {
  public Credentials {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
  }

  public X509Certificate certificate() {
    return chain.getFirst();
  }

  public MessageSigner signer() {
    return Signatures.software(key, certificate());
  }

  /**
   * Proves possession: signs a probe with the key and verifies it with the certificate's public
   * key, so a key file and a certificate file replaced out of step are refused before any handshake
   * would fail on them.
   *
   * @throws IllegalArgumentException when the key does not belong to the certificate
   */
  public void requireMatchingKey() {
    X509Certificate cert = certificate();
    byte[] probe = "openlgsp key possession probe".getBytes(StandardCharsets.UTF_8);
    boolean ok;
    try {
      // jca, not software: the key may live in a PKCS#11 token and never leave it.
      byte[] signature = Signatures.jca(key, cert).sign(probe);
      ok = Signatures.verifier(cert.getPublicKey()).verify(probe, signature);
    } catch (RuntimeException e) {
      ok = false;
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "the private key does not belong to certificate "
              + CertificateValidator.describe(cert)
              + "; install the key and the certificate issued for it together");
    }
  }
}
