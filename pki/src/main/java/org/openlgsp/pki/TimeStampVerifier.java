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
 * (critical extendedKeyUsage id-kp-timeStamping only, RFC 3161 §2.3) chaining to a trust anchor and
 * valid at the token's time. A token that fails the last two is {@code timestamp.untrusted}; one
 * that is malformed or covers another digest is {@code timestamp.invalid}.
 */
public final class TimeStampVerifier {
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
  private static final String TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
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
    // Before the signature check: Bouncy Castle's check also refuses a wrong usage, but with a
    // message that would blame the signature.
    requireTimeStampingUsage(signer);
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
      throw new LgspException(
          ErrorCode.TIMESTAMP_UNTRUSTED,
          "the TSA certificate "
              + CertificateValidator.describe(signer)
              + " is not trusted at the token's time "
              + time
              + ": "
              + e.detail()
              + ". If this TSA is meant to be trusted, add its CA certificate to the time-stamp"
              + " trust anchors of this installation; otherwise use the built-in TSA");
    }
    try {
      return new Timestamp(t.getEncoded(), time, info.getSerialNumber(), sha256);
    } catch (java.io.IOException e) {
      throw invalid("the time-stamp token cannot be re-encoded");
    }
  }

  /**
   * RFC 3161 §2.3: the TSA's certificate carries exactly one extendedKeyUsage, id-kp-timeStamping,
   * and the extension is critical. Checked before the chain, so the message names the real fault.
   */
  private static void requireTimeStampingUsage(X509Certificate signer) {
    List<String> usages;
    try {
      usages = signer.getExtendedKeyUsage();
    } catch (java.security.cert.CertificateParsingException e) {
      usages = null;
    }
    java.util.Set<String> critical = signer.getCriticalExtensionOIDs();
    boolean isCritical = critical != null && critical.contains(EXTENDED_KEY_USAGE);
    if (usages != null && usages.equals(List.of(TIME_STAMPING)) && isCritical) {
      return;
    }
    String found =
        usages == null
            ? "no extendedKeyUsage"
            : (isCritical ? "a critical" : "a non-critical")
                + " extendedKeyUsage "
                + usages.stream().map(TimeStampVerifier::purposeName).toList();
    throw new LgspException(
        ErrorCode.TIMESTAMP_UNTRUSTED,
        "the TSA certificate "
            + CertificateValidator.describe(signer)
            + " has "
            + found
            + ", but RFC 3161 §2.3 requires a critical extendedKeyUsage with only id-kp-timeStamping;"
            + " the TSA must sign with a certificate issued for time-stamping (built-in CA:"
            + " `lgsp ca issue --profile time-stamping`)");
  }

  private static String purposeName(String oid) {
    return switch (oid) {
      case TIME_STAMPING -> "id-kp-timeStamping";
      case "1.3.6.1.5.5.7.3.1" -> "id-kp-serverAuth";
      case "1.3.6.1.5.5.7.3.2" -> "id-kp-clientAuth";
      case "1.3.6.1.5.5.7.3.4" -> "id-kp-emailProtection";
      case "1.3.6.1.5.5.7.3.9" -> "id-kp-OCSPSigning";
      default -> oid;
    };
  }

  private static LgspException invalid(String detail) {
    return new LgspException(ErrorCode.TIMESTAMP_INVALID, detail);
  }
}
