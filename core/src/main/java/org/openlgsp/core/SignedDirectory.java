package org.openlgsp.core;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;

/**
 * A directory as published: the exact JSON bytes that were signed, the signature and the signer's
 * certificate. Verification works on those bytes, never on a re-encoding.
 */
public record SignedDirectory(
    String payload, String signature, SignatureAlgorithm algorithm, String signerCertificate) {

  public SignedDirectory {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(signerCertificate, "signerCertificate");
  }

  public static SignedDirectory sign(Directory directory, MessageSigner signer) {
    byte[] bytes = Json.write(directory);
    return new SignedDirectory(
        Digests.base64(bytes),
        Digests.base64(signer.sign(bytes)),
        signer.algorithm(),
        Certificates.base64(signer.certificate()));
  }

  public static SignedDirectory parse(byte[] json) {
    try {
      return Json.read(json, SignedDirectory.class);
    } catch (LgspException e) {
      throw new LgspException(ErrorCode.DIRECTORY_INVALID, e.detail());
    }
  }

  public byte[] toJson() {
    return Json.write(this);
  }

  /**
   * Checks that the signer certificate is one of the trusted directory-signing certificates, is
   * currently valid, and signed these bytes; then decodes them.
   */
  public Directory verify(java.util.Collection<X509Certificate> trusted, java.time.Instant now) {
    X509Certificate signer = Certificates.fromBase64(signerCertificate);
    byte[] signerDer = Certificates.der(signer);
    boolean known = trusted.stream().anyMatch(t -> Arrays.equals(Certificates.der(t), signerDer));
    if (!known) {
      throw new LgspException(
          ErrorCode.DIRECTORY_INVALID, "directory signed by an untrusted certificate");
    }
    try {
      signer.checkValidity(java.util.Date.from(now));
    } catch (CertificateException e) {
      throw new LgspException(
          ErrorCode.DIRECTORY_INVALID, "directory signing certificate is not valid now");
    }
    if (SignatureAlgorithm.forKeyAlgorithm(signer.getPublicKey().getAlgorithm()) != algorithm) {
      throw new LgspException(
          ErrorCode.DIRECTORY_INVALID, "directory signature algorithm mismatch");
    }
    byte[] bytes = Digests.fromBase64("directory payload", payload);
    byte[] sig = Digests.fromBase64("directory signature", signature);
    if (!Signatures.verifier(signer.getPublicKey()).verify(bytes, sig)) {
      throw new LgspException(ErrorCode.DIRECTORY_INVALID, "directory signature does not verify");
    }
    try {
      return Json.read(bytes, Directory.class);
    } catch (LgspException e) {
      throw new LgspException(ErrorCode.DIRECTORY_INVALID, e.detail());
    }
  }
}
