package org.openlgsp.pki;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * A verified OCSP answer about one certificate — one of the three of RFC 6960 §2.2 — with the
 * signed response it came from (so that a gateway can pass it on to peers, who verify it
 * themselves).
 */
sealed interface RevocationStatus {

  /** When the responder vouched for the answer. */
  Instant thisUpdate();

  /** When the responder promises a newer answer, if it says. */
  Optional<Instant> nextUpdate();

  /** The DER-encoded OCSP response, a copy. */
  byte[] response();

  /** The certificate is not revoked. */
  record Good(Instant thisUpdate, Optional<Instant> nextUpdate, byte[] response)
      implements RevocationStatus {
    public Good {
      response = checked(thisUpdate, nextUpdate, response);
    }

    @Override
    public byte[] response() {
      return response.clone();
    }
  }

  /** The certificate was revoked at {@code revokedAt} for {@code reason}. */
  record Revoked(
      Instant revokedAt,
      RevocationReason reason,
      Instant thisUpdate,
      Optional<Instant> nextUpdate,
      byte[] response)
      implements RevocationStatus {
    public Revoked {
      Objects.requireNonNull(revokedAt, "revokedAt");
      Objects.requireNonNull(reason, "reason");
      response = checked(thisUpdate, nextUpdate, response);
    }

    @Override
    public byte[] response() {
      return response.clone();
    }
  }

  /** The responder does not know the certificate: its CA did not issue it. */
  record Unknown(Instant thisUpdate, Optional<Instant> nextUpdate, byte[] response)
      implements RevocationStatus {
    public Unknown {
      response = checked(thisUpdate, nextUpdate, response);
    }

    @Override
    public byte[] response() {
      return response.clone();
    }
  }

  /** Whether the answer is young enough: within {@code freshness} and before its nextUpdate. */
  default boolean freshAt(Instant now, Duration freshness) {
    return !now.isAfter(thisUpdate().plus(freshness))
        && nextUpdate().map(n -> !now.isAfter(n)).orElse(true);
  }

  /**
   * Passes only a fresh "good" answer.
   *
   * @throws LgspException {@code certificate.revoked}, {@code certificate.issuer_unknown} (the CA
   *     does not know the certificate) or {@code ocsp.stale}
   */
  default void requireGood(X509Certificate certificate, Instant now, Duration freshness) {
    // The certificate is described only for a refusal: formatting its subject name and serial
    // cost more than the check itself, which passes several times per exchange.
    switch (this) {
      case Revoked r ->
          throw new LgspException(
              ErrorCode.CERTIFICATE_REVOKED,
              "certificate "
                  + CertificateValidator.describe(certificate)
                  + " was revoked at "
                  + r.revokedAt()
                  + " ("
                  + r.reason().label()
                  + "); its owner must enrol a new key and certificate");
      case Unknown u ->
          throw new LgspException(
              ErrorCode.CERTIFICATE_ISSUER_UNKNOWN,
              "the issuing CA's OCSP responder does not know certificate "
                  + CertificateValidator.describe(certificate)
                  + "; it was not issued by that CA");
      case Good g -> {
        if (!freshAt(now, freshness)) {
          throw new LgspException(
              ErrorCode.OCSP_STALE,
              "the OCSP answer for "
                  + CertificateValidator.describe(certificate)
                  + " was produced at "
                  + thisUpdate()
                  + ", older than the freshness window of "
                  + freshness
                  + "; check that the OCSP responder is reachable and that clocks are in sync");
        }
      }
    }
  }

  /** Checks the parts every answer has; returns a private copy of the response. */
  private static byte[] checked(Instant thisUpdate, Optional<Instant> nextUpdate, byte[] response) {
    Objects.requireNonNull(thisUpdate, "thisUpdate");
    Objects.requireNonNull(nextUpdate, "nextUpdate");
    return response.clone();
  }
}
