package org.openlgsp.pki;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * Where a CA keeps what it issued and revoked, keyed by issuer (the CA certificate fingerprint).
 */
interface CertificateStore {
  /** Records a newly issued certificate; false when the serial is already taken. */
  boolean record(String issuer, IssuedCertificate certificate);

  Optional<IssuedCertificate> find(String issuer, BigInteger serial);

  /** Marks a certificate revoked; false when it is unknown or already revoked. */
  boolean revoke(String issuer, BigInteger serial, IssuedCertificate.Revocation revocation);

  /** Every revoked certificate of the issuer that has not yet expired. */
  List<IssuedCertificate> revoked(String issuer, java.time.Instant now);

  /** Every certificate of the issuer, newest first, at most {@code limit}. */
  List<IssuedCertificate> list(String issuer, int limit);

  /** The next CRL number, strictly greater than every one handed out before. */
  long nextCrlNumber(String issuer);
}
