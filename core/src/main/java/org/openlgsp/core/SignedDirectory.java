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
   * The bytes of a signed document (the directory, a federated catalogue) once its signer
   * certificate is one of {@code trusted} (byte for byte), valid at {@code now}, of {@code
   * algorithm}, and its signature over them verifies; otherwise {@code code}, naming {@code what}.
   */
  public static byte[] verifiedBytes(
      String payload,
      String signature,
      SignatureAlgorithm algorithm,
      String signerCertificate,
      java.util.Collection<X509Certificate> trusted,
      java.time.Instant now,
      ErrorCode code,
      String what) {
    X509Certificate signer;
    try {
      signer = Certificates.fromBase64(signerCertificate);
    } catch (RuntimeException e) {
      throw new LgspException(code, what + " signer certificate is unreadable");
    }
    byte[] signerDer = Certificates.der(signer);
    boolean known = trusted.stream().anyMatch(t -> Arrays.equals(Certificates.der(t), signerDer));
    if (!known) {
      throw new LgspException(code, what + " signed by an untrusted certificate");
    }
    try {
      signer.checkValidity(java.util.Date.from(now));
    } catch (CertificateException e) {
      throw new LgspException(code, what + " signing certificate is not valid now");
    }
    if (SignatureAlgorithm.forKeyAlgorithm(signer.getPublicKey().getAlgorithm()) != algorithm) {
      throw new LgspException(code, what + " signature algorithm mismatch");
    }
    byte[] bytes = Digests.fromBase64(what + " payload", payload);
    byte[] sig = Digests.fromBase64(what + " signature", signature);
    if (!Signatures.verifier(signer.getPublicKey()).verify(bytes, sig)) {
      throw new LgspException(code, what + " signature does not verify");
    }
    return bytes;
  }

  /**
   * Checks that the signer certificate is one of the trusted directory-signing certificates, is
   * currently valid, and signed these bytes; then decodes them.
   */
  public Directory verify(java.util.Collection<X509Certificate> trusted, java.time.Instant now) {
    byte[] bytes =
        verifiedBytes(
            payload,
            signature,
            algorithm,
            signerCertificate,
            trusted,
            now,
            ErrorCode.DIRECTORY_INVALID,
            "directory");
    try {
      return Json.read(bytes, Directory.class);
    } catch (LgspException e) {
      throw new LgspException(ErrorCode.DIRECTORY_INVALID, e.detail());
    }
  }
}
