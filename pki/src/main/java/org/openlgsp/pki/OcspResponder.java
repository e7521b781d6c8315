package org.openlgsp.pki;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * An RFC 6960 OCSP responder for the certificates of one CA, answering from the CA's records. It
 * signs with a delegated responder certificate (profile {@link CertificateProfile#OCSP_SIGNING})
 * issued by that CA, so the CA key itself can stay in its HSM or offline.
 */
public final class OcspResponder {
  private static final int MAX_REQUESTS = 32;
  private final X509Certificate caCertificate;
  private final java.util.function.Function<java.math.BigInteger, Optional<IssuedCertificate>>
      records;
  private final java.time.Clock clock;
  private final List<OcspResponder> others;
  private final Credentials responder;
  private final Duration validity;
  private final X509CertificateHolder caHolder;
  private final X509CertificateHolder[] responderChain;
  private final DigestCalculatorProvider digests;

  /**
   * @param validity how long each answer is valid (its nextUpdate); relying parties cache it that
   *     long at most
   */
  public OcspResponder(CertificateAuthority ca, Credentials responder, Duration validity) {
    this(ca.certificate(), ca::find, ca.clock(), responder, validity, List.of());
  }

  private OcspResponder(
      X509Certificate caCertificate,
      java.util.function.Function<java.math.BigInteger, Optional<IssuedCertificate>> records,
      java.time.Clock clock,
      Credentials responder,
      Duration validity,
      List<OcspResponder> others) {
    if (!CertificateProfile.OCSP_SIGNING.permits(responder.certificate())
        || !responder
            .certificate()
            .getIssuerX500Principal()
            .equals(caCertificate.getSubjectX500Principal())) {
      throw new PkiException(
          "the responder needs an ocsp-signing certificate issued by "
              + caCertificate.getSubjectX500Principal());
    }
    this.caCertificate = caCertificate;
    this.records = records;
    this.clock = clock;
    this.others = List.copyOf(others);
    this.responder = responder;
    this.validity = validity;
    try {
      this.caHolder = new JcaX509CertificateHolder(caCertificate);
      this.responderChain =
          new X509CertificateHolder[] {
            new JcaX509CertificateHolder(responder.certificate()), caHolder
          };
      this.digests = new JcaDigestCalculatorProviderBuilder().build();
    } catch (java.security.cert.CertificateEncodingException | OperatorCreationException e) {
      throw new PkiException("cannot prepare OCSP responder", e);
    }
  }

  /** Creates a responder, issuing its certificate from {@code ca} for a fresh key. */
  public static OcspResponder create(CertificateAuthority ca, Duration validity) {
    Credentials creds =
        ca.issueCredentials(
            CertificateProfile.OCSP_SIGNING,
            "OCSP responder",
            "OpenLGSP",
            List.of(),
            CertificateProfile.OCSP_SIGNING.maxValidity());
    return new OcspResponder(ca, creds, validity);
  }

  /**
   * A responder for a CA whose key is not here (an offline root): it answers from the CA's records
   * in {@code db}, signing with a responder certificate that CA delegated.
   */
  public static OcspResponder forRecords(
      X509Certificate caCertificate,
      org.openlgsp.storage.Database db,
      Credentials responder,
      Duration validity,
      java.time.Clock clock) {
    CertificateStore store = new DatabaseCertificateStore(db);
    String issuerId = org.openlgsp.core.Certificates.fingerprint(caCertificate);
    return new OcspResponder(
        caCertificate,
        serial -> store.find(issuerId, serial),
        clock,
        responder,
        validity,
        List.of());
  }

  /**
   * This responder, also answering for the CA of {@code other} (requests are answered by the
   * responder of the CA their first certificate names): one URL for the issuing CA's certificates
   * and for the issuing CA itself.
   */
  public OcspResponder alsoFor(OcspResponder other) {
    List<OcspResponder> all = new java.util.ArrayList<>(others);
    all.add(other);
    return new OcspResponder(caCertificate, records, clock, responder, validity, all);
  }

  X509Certificate certificate() {
    return responder.certificate();
  }

  /** The signing key and chain, to keep in a key store. */
  public Credentials credentials() {
    return responder;
  }

  /** Answers a DER-encoded OCSPRequest with a DER-encoded OCSPResponse; never throws. */
  byte[] respond(byte[] requestDer) {
    try {
      OCSPReq request;
      try {
        request = new OCSPReq(requestDer);
      } catch (IOException | RuntimeException e) {
        return status(OCSPRespBuilder.MALFORMED_REQUEST);
      }
      Req[] list = request.getRequestList();
      if (list.length == 0 || list.length > MAX_REQUESTS) {
        return status(OCSPRespBuilder.MALFORMED_REQUEST);
      }
      for (OcspResponder other : others) {
        if (!list[0].getCertID().matchesIssuer(caHolder, digests)
            && list[0].getCertID().matchesIssuer(other.caHolder, other.digests)) {
          return other.respond(requestDer);
        }
      }
      Instant now = clock.instant();
      BasicOCSPRespBuilder b =
          new JcaBasicOCSPRespBuilder(
              responder.certificate().getPublicKey(), digests.get(CertificateID.HASH_SHA1));
      for (Req r : list) {
        CertificateID id = r.getCertID();
        b.addResponse(id, statusOf(id), Date.from(now), Date.from(now.plus(validity)), null);
      }
      Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
      if (nonce != null) {
        b.setResponseExtensions(new Extensions(nonce));
      }
      var basic =
          b.build(CertificateAuthority.signer(responder.key()), responderChain, Date.from(now));
      return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
    } catch (OCSPException | OperatorCreationException | IOException | RuntimeException e) {
      return status(OCSPRespBuilder.INTERNAL_ERROR);
    }
  }

  private CertificateStatus statusOf(CertificateID id) throws OCSPException {
    if (!id.matchesIssuer(caHolder, digests)) {
      return new UnknownStatus();
    }
    Optional<IssuedCertificate> issued = records.apply(id.getSerialNumber());
    if (issued.isEmpty()) {
      return new UnknownStatus();
    }
    return issued
        .get()
        .revocation()
        .<CertificateStatus>map(
            r ->
                // As in the CRL (RFC 5280 §5.3.1): the reason is left out rather than
                // "unspecified".
                r.reason() == RevocationReason.UNSPECIFIED
                    ? new RevokedStatus(Date.from(r.at()))
                    : new RevokedStatus(Date.from(r.at()), r.reason().code()))
        .orElse(CertificateStatus.GOOD);
  }

  private static byte[] status(int code) {
    try {
      OCSPResp r = new OCSPRespBuilder().build(code, null);
      return r.getEncoded();
    } catch (OCSPException | IOException e) {
      throw new PkiException("cannot encode OCSP status", e);
    }
  }
}
