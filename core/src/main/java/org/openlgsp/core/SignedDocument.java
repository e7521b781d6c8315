package org.openlgsp.core;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.Objects;

/**
 * A document as published — the directory, a federated catalogue: the exact JSON bytes that were
 * signed (base64), the signature and the signer's certificate. Verification works on those bytes,
 * never on a re-encoding.
 */
public record SignedDocument(
    String payload, String signature, SignatureAlgorithm algorithm, String signerCertificate) {

  /**
   * What a signed document holds: the type its bytes decode to, the error code a bad one gets, and
   * the word that names it in that error's detail.
   */
  public record Kind<T>(Class<T> type, ErrorCode invalid, String what) {
    public Kind {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(invalid, "invalid");
      Objects.requireNonNull(what, "what");
    }

    /** {@code detail} as this kind's error. */
    public LgspException refusal(String detail) {
      return new LgspException(invalid, detail);
    }
  }

  public SignedDocument {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(signerCertificate, "signerCertificate");
  }

  /** Signs {@code document}'s JSON encoding with {@code signer}. */
  public static SignedDocument sign(Object document, MessageSigner signer) {
    byte[] bytes = Json.write(document);
    return new SignedDocument(
        Digests.base64(bytes),
        Digests.base64(signer.sign(bytes)),
        signer.algorithm(),
        Certificates.base64(signer.certificate()));
  }

  /** Reads a published envelope; a malformed one is {@code kind}'s error. */
  public static SignedDocument parse(byte[] json, Kind<?> kind) {
    try {
      return Json.read(json, SignedDocument.class);
    } catch (LgspException e) {
      // Jackson's message names Java types: say only what was expected
      throw kind.refusal(
          "invalid signed "
              + kind.what()
              + ": expected payload, signature, algorithm, signerCertificate");
    }
  }

  public byte[] toJson() {
    return Json.write(this);
  }

  /**
   * Checks that the signer certificate is one of {@code trusted} (byte for byte), valid at {@code
   * now}, of this algorithm, and that its signature over the bytes verifies; then decodes them.
   * Anything else is {@code kind}'s error, naming what failed.
   */
  public <T> T verify(Collection<X509Certificate> trusted, Instant now, Kind<T> kind) {
    String what = kind.what();
    X509Certificate signer;
    try {
      signer = Certificates.fromBase64(signerCertificate);
    } catch (RuntimeException e) {
      throw kind.refusal(what + " signer certificate is unreadable");
    }
    byte[] signerDer = Certificates.der(signer);
    if (trusted.stream().noneMatch(t -> Arrays.equals(Certificates.der(t), signerDer))) {
      throw kind.refusal(what + " signed by an untrusted certificate");
    }
    try {
      signer.checkValidity(Date.from(now));
    } catch (CertificateException e) {
      throw kind.refusal(what + " signing certificate is not valid now");
    }
    if (SignatureAlgorithm.forKeyAlgorithm(signer.getPublicKey().getAlgorithm()) != algorithm) {
      throw kind.refusal(what + " signature algorithm mismatch");
    }
    byte[] bytes = Digests.fromBase64(what + " payload", payload);
    byte[] sig = Digests.fromBase64(what + " signature", signature);
    if (!Signatures.verifier(signer.getPublicKey()).verify(bytes, sig)) {
      throw kind.refusal(what + " signature does not verify");
    }
    try {
      return Json.read(bytes, kind.type());
    } catch (LgspException e) {
      throw kind.refusal(e.detail());
    }
  }
}
