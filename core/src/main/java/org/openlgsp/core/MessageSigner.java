package org.openlgsp.core;

import java.security.cert.X509Certificate;

/**
 * Something that signs with a private key it does not reveal: a software key today, an HSM token
 * later. The certificate names the public half.
 */
public interface MessageSigner {
  SignatureAlgorithm algorithm();

  byte[] sign(byte[] data);

  X509Certificate certificate();
}
