package org.openlgsp.registry;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.pki.CertificateProfile;
import org.openlgsp.pki.CertificateValidator;

/**
 * What a certificate must be before the registry publishes it: usable and, once anchors exist,
 * trusted.
 */
final class CertificateChecks {
  private final Supplier<List<X509Certificate>> anchors;
  private final Clock clock;

  CertificateChecks(Supplier<List<X509Certificate>> anchors, Clock clock) {
    this.anchors = anchors;
    this.clock = clock;
  }

  /**
   * A certificate must be usable for its purpose and, once trust anchors are imported, chain to one
   * of them (the anchors may be issuing CAs, so the leaf alone suffices).
   */
  void requireTrusted(X509Certificate certificate, CertificateProfile purpose) {
    CertificateValidator.requireUsable(certificate, purpose, clock.instant());
    List<X509Certificate> trusted = anchors.get();
    if (!trusted.isEmpty()) {
      new CertificateValidator(trusted, clock).validate(List.of(certificate), purpose);
    }
  }

  /** A trust anchor must be a usable CA certificate (basicConstraints CA and keyCertSign). */
  void requireCa(X509Certificate ca) {
    if (ca.getBasicConstraints() < 0 || ca.getKeyUsage() == null || !ca.getKeyUsage()[5]) {
      throw new LgspException(
          ErrorCode.CERTIFICATE_KEY_USAGE,
          "'"
              + ca.getSubjectX500Principal().getName()
              + "' is not a CA certificate (basicConstraints CA and keyCertSign); import the CA's"
              + " certificate, not one it issued");
    }
    CertificateValidator.requireUsable(
        ca,
        ca.getBasicConstraints() > 0
            ? CertificateProfile.ROOT_CA
            : CertificateProfile.INTERMEDIATE_CA,
        clock.instant());
  }
}
