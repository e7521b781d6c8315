package org.openlgsp.pki;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.Certificates;

/** A certificate as the CA's records keep it, with its revocation if any. */
public record IssuedCertificate(
    BigInteger serial,
    CertificateProfile profile,
    X509Certificate certificate,
    Instant issuedAt,
    Optional<Revocation> revocation) {

  public IssuedCertificate {
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(revocation, "revocation");
  }

  /** When and why a certificate was revoked. */
  public record Revocation(Instant at, RevocationReason reason) {
    public Revocation {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The serial as lower-case hex, how the admin API and CLI name certificates. */
  public String serialHex() {
    return serial.toString(16);
  }

  public String fingerprint() {
    return Certificates.fingerprint(certificate);
  }

  public boolean revoked() {
    return revocation.isPresent();
  }
}
