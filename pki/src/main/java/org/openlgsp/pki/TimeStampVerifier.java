package org.openlgsp.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampToken;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * Verifies an RFC 3161 token: it covers the expected SHA-256 digest, is signed by the certificate
 * it names (ESS signing-certificate attribute), and that certificate is a time-stamping certificate
 * chaining to a trust anchor and valid at the token's time.
 */
public final class TimeStampVerifier {
  private final Collection<X509Certificate> anchors;

  public TimeStampVerifier(Collection<X509Certificate> trustAnchors) {
    this.anchors = List.copyOf(trustAnchors);
  }

  public Timestamp verify(byte[] token, byte[] sha256) {
    TimeStampToken t;
    try {
      t = new TimeStampToken(new CMSSignedData(token));
    } catch (Exception e) {
      throw invalid("the time-stamp token cannot be read; it is not a CMS SignedData token");
    }
    var info = t.getTimeStampInfo();
    if (!info.getMessageImprintAlgOID().equals(TSPAlgorithms.SHA256)
        || !Arrays.equals(info.getMessageImprintDigest(), sha256)) {
      throw invalid("the time-stamp token covers another digest than the one given");
    }
    List<X509Certificate> certs = new ArrayList<>();
    X509Certificate signer = null;
    try {
      JcaX509CertificateConverter convert = new JcaX509CertificateConverter();
      for (X509CertificateHolder h : t.getCertificates().getMatches(null)) {
        X509Certificate c = convert.getCertificate(h);
        if (t.getSID().match(h)) {
          signer = c;
        } else {
          certs.add(c);
        }
      }
    } catch (java.security.cert.CertificateException e) {
      throw invalid("a certificate in the time-stamp token cannot be read");
    }
    if (signer == null) {
      throw invalid(
          "the time-stamp token does not carry its signer's certificate; request it with certReq");
    }
    try {
      t.validate(new JcaSimpleSignerInfoVerifierBuilder().build(signer));
    } catch (Exception e) {
      throw invalid("the time-stamp token's signature or signing-certificate attribute is wrong");
    }
    java.time.Instant time = info.getGenTime().toInstant();
    try {
      new CertificateValidator(anchors, java.time.Clock.fixed(time, java.time.ZoneOffset.UTC))
          .validate(signer, certs, CertificateProfile.TIME_STAMPING);
    } catch (LgspException e) {
      throw invalid("the TSA certificate is not acceptable: " + e.detail());
    }
    try {
      return new Timestamp(t.getEncoded(), time, info.getSerialNumber(), sha256);
    } catch (java.io.IOException e) {
      throw invalid("the time-stamp token cannot be re-encoded");
    }
  }

  private static LgspException invalid(String detail) {
    return new LgspException(ErrorCode.TIMESTAMP_INVALID, detail);
  }
}
