package org.openlgsp.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * Checks that a certificate chains to one of the trust anchors (the built-in root or imported
 * external CAs), is valid now and was issued for the purpose it is used for. Each failure carries
 * its own error code and says what to do about it. Revocation is checked separately, by OCSP.
 */
public final class CertificateValidator {
  private final Set<TrustAnchor> anchors;
  private final Clock clock;

  public CertificateValidator(Collection<X509Certificate> trustAnchors, Clock clock) {
    if (trustAnchors.isEmpty()) {
      throw new IllegalArgumentException("at least one trust anchor is needed");
    }
    Set<TrustAnchor> a = new HashSet<>();
    trustAnchors.forEach(c -> a.add(new TrustAnchor(c, null)));
    this.anchors = Set.copyOf(a);
    this.clock = clock;
  }

  /**
   * Validates {@code chain} (leaf first, then any intermediates; the anchor itself may be left out)
   * for use as {@code purpose}.
   *
   * @throws LgspException with {@code certificate.expired}, {@code certificate.not_yet_valid},
   *     {@code certificate.issuer_unknown} or {@code certificate.key_usage}
   */
  public void validate(List<X509Certificate> chain, CertificateProfile purpose) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("empty chain");
    }
    X509Certificate leaf = chain.getFirst();
    Instant now = clock.instant();
    checkDates(leaf, now);
    if (!purpose.permits(leaf)) {
      throw new LgspException(
          ErrorCode.CERTIFICATE_KEY_USAGE,
          "certificate "
              + describe(leaf)
              + " lacks the key usage or extended key usage of a "
              + purpose.label()
              + " certificate; request one with profile "
              + purpose.label());
    }
    // The path ends below the first trust anchor: what the peer sent above it is not needed.
    List<X509Certificate> path = new java.util.ArrayList<>();
    for (X509Certificate c : chain) {
      if (anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c))) {
        break;
      }
      path.add(c);
    }
    if (path.isEmpty()) {
      return; // the certificate is itself a trust anchor
    }
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
    } catch (CertPathValidatorException e) {
      throw translate(e, path, now);
    } catch (GeneralSecurityException e) {
      throw new LgspException(
          ErrorCode.CERTIFICATE_ISSUER_UNKNOWN,
          "certificate " + describe(leaf) + " cannot be validated: " + e.getMessage());
    }
  }

  /** As {@link #validate(List, CertificateProfile)}, with intermediates in any order. */
  public void validate(
      X509Certificate leaf, Collection<X509Certificate> others, CertificateProfile purpose) {
    List<X509Certificate> chain = new java.util.ArrayList<>();
    chain.add(leaf);
    X509Certificate at = leaf;
    while (chain.size() <= others.size()) {
      X509Certificate current = at;
      Optional<X509Certificate> up =
          others.stream()
              .filter(c -> c.getSubjectX500Principal().equals(current.getIssuerX500Principal()))
              .filter(c -> !chain.contains(c))
              .findFirst();
      if (up.isEmpty()) {
        break;
      }
      chain.add(up.get());
      at = up.get();
    }
    validate(chain, purpose);
  }

  /**
   * Checks what can be checked without trust anchors: that {@code certificate} is valid at {@code
   * now} and was issued for {@code purpose}. The registry runs it before publishing a certificate.
   *
   * @throws LgspException {@code certificate.expired}, {@code certificate.not_yet_valid} or {@code
   *     certificate.key_usage}
   */
  public static void requireUsable(
      X509Certificate certificate, CertificateProfile purpose, Instant now) {
    checkDates(certificate, now);
    if (!purpose.permits(certificate)) {
      throw new LgspException(
          ErrorCode.CERTIFICATE_KEY_USAGE,
          "certificate "
              + describe(certificate)
              + " lacks the key usage or extended key usage of a "
              + purpose.label()
              + " certificate; request one with profile "
              + purpose.label());
    }
  }

  private static LgspException translate(
      CertPathValidatorException e, List<X509Certificate> path, Instant now) {
    int index = e.getIndex();
    X509Certificate at = index >= 0 && index < path.size() ? path.get(index) : path.getFirst();
    if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
        || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
      checkDates(at, now);
    }
    if (e.getReason() == PKIXReason.INVALID_KEY_USAGE) {
      return new LgspException(
          ErrorCode.CERTIFICATE_KEY_USAGE,
          "CA certificate " + describe(at) + " may not sign certificates (no keyCertSign)");
    }
    return new LgspException(
        ErrorCode.CERTIFICATE_ISSUER_UNKNOWN,
        "certificate "
            + describe(path.getFirst())
            + " does not chain to a trusted CA (issuer "
            + path.getLast().getIssuerX500Principal().getName()
            + "); have the built-in CA issue it, or import its CA chain as a trust anchor"
            + " (`lgsp registry trust-anchor add`)");
  }

  private static void checkDates(X509Certificate c, Instant now) {
    Instant notBefore = c.getNotBefore().toInstant();
    Instant notAfter = c.getNotAfter().toInstant();
    if (now.isAfter(notAfter)) {
      throw new LgspException(
          ErrorCode.CERTIFICATE_EXPIRED,
          "certificate "
              + describe(c)
              + " expired at "
              + notAfter
              + "; enrol a new key and certificate (`lgsp enrol`) and publish it before the"
              + " old one expires");
    }
    if (now.isBefore(notBefore)) {
      throw new LgspException(
          ErrorCode.CERTIFICATE_NOT_YET_VALID,
          "certificate "
              + describe(c)
              + " is valid only from "
              + notBefore
              + " but this server's clock says "
              + now
              + "; check the clocks (NTP) of this server and of the issuing CA");
    }
  }

  static String describe(X509Certificate c) {
    return "'"
        + c.getSubjectX500Principal().getName()
        + "' (serial "
        + c.getSerialNumber().toString(16)
        + ")";
  }
}
