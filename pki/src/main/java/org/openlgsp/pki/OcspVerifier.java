package org.openlgsp.pki;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * Verifies an OCSP response about a certificate: signed by its issuer or by a responder the issuer
 * delegated to (id-kp-OCSPSigning), about that very certificate, and not from the future.
 */
final class OcspVerifier {
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private OcspVerifier() {}

  /**
   * @param nonce the nonce extension value sent, when the response answers our own request
   * @throws LgspException {@code ocsp.invalid} or {@code ocsp.unavailable}
   */
  public static RevocationStatus verify(
      byte[] der,
      X509Certificate certificate,
      X509Certificate issuer,
      Optional<byte[]> nonce,
      Instant now) {
    String who = CertificateValidator.describe(certificate);
    try {
      OCSPResp resp = new OCSPResp(der);
      if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
        throw new LgspException(
            ErrorCode.OCSP_UNAVAILABLE,
            "the OCSP responder refused the request (status "
                + resp.getStatus()
                + "); retry later or check the responder's logs");
      }
      if (!(resp.getResponseObject() instanceof BasicOCSPResp basic)) {
        throw invalid("the OCSP response for " + who + " is not a basic response");
      }
      X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
      X509CertificateHolder signer = signer(basic, issuerHolder, now);
      if (!basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(signer))) {
        throw invalid("the OCSP response for " + who + " has a signature that does not verify");
      }
      if (nonce.isPresent()) {
        Extension ext = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (ext == null || !Arrays.equals(ext.getExtnValue().getOctets(), nonce.get())) {
          throw invalid("the OCSP response does not echo our nonce (a replayed answer?)");
        }
      }
      SingleResp single = single(basic, issuerHolder, certificate.getSerialNumber(), who);
      Instant thisUpdate = single.getThisUpdate().toInstant();
      if (thisUpdate.isAfter(now.plus(CLOCK_SKEW))) {
        throw invalid(
            "the OCSP response for "
                + who
                + " is dated "
                + thisUpdate
                + ", in the future; check the clocks (NTP) of this server and of the responder");
      }
      Optional<Instant> nextUpdate =
          Optional.ofNullable(single.getNextUpdate()).map(java.util.Date::toInstant);
      Object status = single.getCertStatus();
      if (status == null) {
        return new RevocationStatus.Good(thisUpdate, nextUpdate, der);
      }
      if (status instanceof RevokedStatus r) {
        RevocationReason reason =
            r.hasRevocationReason()
                ? RevocationReason.fromCode(r.getRevocationReason())
                : RevocationReason.UNSPECIFIED;
        return new RevocationStatus.Revoked(
            r.getRevocationTime().toInstant(), reason, thisUpdate, nextUpdate, der);
      }
      if (status instanceof UnknownStatus) {
        return new RevocationStatus.Unknown(thisUpdate, nextUpdate, der);
      }
      throw invalid("the OCSP response has an unknown certificate status");
    } catch (LgspException e) {
      throw e;
    } catch (Exception e) {
      // Any decoding or crypto failure of untrusted input means the same: unusable answer.
      throw invalid("the OCSP response for " + who + " cannot be read: " + e.getMessage());
    }
  }

  private static X509CertificateHolder signer(
      BasicOCSPResp basic, X509CertificateHolder issuer, Instant now) throws Exception {
    for (X509CertificateHolder c : basic.getCerts()) {
      if (c.equals(issuer)) {
        continue;
      }
      if (c.getIssuer().equals(issuer.getSubject())
          && c.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer))
          && c.isValidOn(java.util.Date.from(now))
          && hasOcspSigning(c)) {
        return c;
      }
    }
    return issuer;
  }

  private static boolean hasOcspSigning(X509CertificateHolder c) {
    var eku = org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(c.getExtensions());
    return eku != null && eku.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning);
  }

  private static SingleResp single(
      BasicOCSPResp basic, X509CertificateHolder issuer, BigInteger serial, String who)
      throws Exception {
    DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
    for (SingleResp s : basic.getResponses()) {
      if (s.getCertID().getSerialNumber().equals(serial)
          && s.getCertID().matchesIssuer(issuer, digests)) {
        return s;
      }
    }
    throw invalid("the OCSP response does not speak about certificate " + who);
  }

  private static LgspException invalid(String detail) {
    return new LgspException(ErrorCode.OCSP_INVALID, detail);
  }
}
