package org.openlgsp.core;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** X.509 certificates to and from DER and base64 (the directory's encoding). */
public final class Certificates {
  private Certificates() {}

  public static X509Certificate fromDer(byte[] der) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | ClassCastException e) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "not a valid X.509 certificate");
    }
  }

  public static X509Certificate fromBase64(String base64) {
    return fromDer(Digests.fromBase64("certificate", base64));
  }

  public static byte[] der(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("certificate cannot be encoded", e);
    }
  }

  public static String base64(X509Certificate certificate) {
    return Base64.getEncoder().encodeToString(der(certificate));
  }

  /**
   * SHA-256 fingerprint, hex: how certificates are named in logs and matched against the directory.
   */
  public static String fingerprint(X509Certificate certificate) {
    return Digests.hex(Digests.sha256(der(certificate)));
  }
}
