package org.openlgsp.pki;

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
}
