package org.openlgsp.pki;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * A verified OCSP answer about one certificate, with the signed response it came from (so that a
 * gateway can pass it on to peers, who verify it themselves).
 */
public record RevocationStatus(
    Kind kind,
    Instant thisUpdate,
    Optional<Instant> nextUpdate,
    Optional<IssuedCertificate.Revocation> revocation,
    byte[] response) {

  /** The three answers of RFC 6960 §2.2. */
  public enum Kind {
    GOOD,
    REVOKED,
    UNKNOWN
  }

  public RevocationStatus {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(thisUpdate, "thisUpdate");
    Objects.requireNonNull(nextUpdate, "nextUpdate");
    Objects.requireNonNull(revocation, "revocation");
    response = response.clone();
  }

  @Override
  public byte[] response() {
    return response.clone();
  }

  /** Whether the answer is young enough: within {@code freshness} and before its nextUpdate. */
  public boolean freshAt(Instant now, Duration freshness) {
    return !now.isAfter(thisUpdate.plus(freshness))
        && nextUpdate.map(n -> !now.isAfter(n)).orElse(true);
  }

  /**
   * Passes only a fresh "good" answer.
   *
   * @throws LgspException {@code certificate.revoked}, {@code certificate.issuer_unknown} (the CA
   *     does not know the certificate) or {@code ocsp.stale}
   */
  public void requireGood(X509Certificate certificate, Instant now, Duration freshness) {
    String who = CertificateValidator.describe(certificate);
    switch (kind) {
      case REVOKED -> {
        IssuedCertificate.Revocation r = revocation.orElseThrow();
        throw new LgspException(
            ErrorCode.CERTIFICATE_REVOKED,
            "certificate "
                + who
                + " was revoked at "
                + r.at()
                + " ("
                + r.reason().label()
                + "); its owner must enrol a new key and certificate");
      }
      case UNKNOWN ->
          throw new LgspException(
              ErrorCode.CERTIFICATE_ISSUER_UNKNOWN,
              "the issuing CA's OCSP responder does not know certificate "
                  + who
                  + "; it was not issued by that CA");
      case GOOD -> {
        if (!freshAt(now, freshness)) {
          throw new LgspException(
              ErrorCode.OCSP_STALE,
              "the OCSP answer for "
                  + who
                  + " was produced at "
                  + thisUpdate
                  + ", older than the freshness window of "
                  + freshness
                  + "; check that the OCSP responder is reachable and that clocks are in sync");
        }
      }
    }
  }
}
