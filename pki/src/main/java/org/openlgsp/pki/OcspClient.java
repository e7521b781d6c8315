package org.openlgsp.pki;

import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/** Asks a certificate's OCSP responder for its status, with a nonce, and verifies the answer. */
public final class OcspClient {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final TrustHttp http;
  private final Clock clock;

  public OcspClient(Duration timeout, Clock clock) {
    this.http = new TrustHttp(timeout);
    this.clock = clock;
  }

  /** The OCSP responder URL from the certificate's authority information access extension. */
  static Optional<String> responderUrl(X509Certificate certificate) {
    byte[] ext = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
    if (ext == null) {
      return Optional.empty();
    }
    AuthorityInformationAccess aia =
        AuthorityInformationAccess.getInstance(
            org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets());
    for (AccessDescription d : aia.getAccessDescriptions()) {
      if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
          && d.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
        return Optional.of(d.getAccessLocation().getName().toString());
      }
    }
    return Optional.empty();
  }

  /** Queries the responder named in the certificate. */
  RevocationStatus status(X509Certificate certificate, X509Certificate issuer) {
    String url =
        responderUrl(certificate)
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.OCSP_UNAVAILABLE,
                        "certificate "
                            + CertificateValidator.describe(certificate)
                            + " names no OCSP responder; its CA must publish one (AIA extension)"));
    return status(url, certificate, issuer);
  }

  RevocationStatus status(String url, X509Certificate certificate, X509Certificate issuer) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    byte[] request;
    byte[] nonce;
    try {
      // RFC 8954: the extension value is an OCTET STRING holding the nonce.
      nonce = new DEROctetString(random).getEncoded();
      CertificateID id =
          new CertificateID(
              new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
              new JcaX509CertificateHolder(issuer),
              certificate.getSerialNumber());
      request =
          new OCSPReqBuilder()
              .addRequest(id)
              .setRequestExtensions(
                  new Extensions(
                      new Extension(
                          OCSPObjectIdentifiers.id_pkix_ocsp_nonce,
                          false,
                          new DEROctetString(nonce))))
              .build()
              .getEncoded();
    } catch (IOException
        | java.security.GeneralSecurityException
        | org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.cert.ocsp.OCSPException e) {
      throw new PkiException("cannot build OCSP request", e);
    }
    byte[] answer =
        http.post(
            url,
            "application/ocsp-request",
            "application/ocsp-response",
            request,
            ErrorCode.OCSP_UNAVAILABLE);
    return OcspVerifier.verify(answer, certificate, issuer, Optional.of(nonce), clock.instant());
  }
}
