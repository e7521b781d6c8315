package org.openlgsp.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Records of a development CA that lives as long as its process. */
final class MemoryCertificateStore implements CertificateStore {
  private final Map<String, IssuedCertificate> certificates = new HashMap<>();
  private final Map<String, Long> crlNumbers = new HashMap<>();

  private static String key(String issuer, BigInteger serial) {
    return issuer + "/" + serial.toString(16);
  }

  @Override
  public synchronized boolean record(String issuer, IssuedCertificate certificate) {
    return certificates.putIfAbsent(key(issuer, certificate.serial()), certificate) == null;
  }

  @Override
  public synchronized Optional<IssuedCertificate> find(String issuer, BigInteger serial) {
    return Optional.ofNullable(certificates.get(key(issuer, serial)));
  }

  @Override
  public synchronized boolean revoke(
      String issuer, BigInteger serial, IssuedCertificate.Revocation revocation) {
    IssuedCertificate c = certificates.get(key(issuer, serial));
    if (c == null || c.revoked()) {
      return false;
    }
    certificates.put(
        key(issuer, serial),
        new IssuedCertificate(
            c.serial(), c.profile(), c.certificate(), c.issuedAt(), Optional.of(revocation)));
    return true;
  }

  @Override
  public synchronized List<IssuedCertificate> revoked(String issuer, Instant now) {
    return certificates.entrySet().stream()
        .filter(e -> e.getKey().startsWith(issuer + "/"))
        .map(Map.Entry::getValue)
        .filter(IssuedCertificate::revoked)
        .filter(c -> c.certificate().getNotAfter().toInstant().isAfter(now))
        .toList();
  }

  @Override
  public synchronized List<IssuedCertificate> list(String issuer, int limit) {
    return certificates.entrySet().stream()
        .filter(e -> e.getKey().startsWith(issuer + "/"))
        .map(Map.Entry::getValue)
        .sorted(Comparator.comparing(IssuedCertificate::issuedAt).reversed())
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized long nextCrlNumber(String issuer) {
    return crlNumbers.merge(issuer, 1L, Long::sum);
  }
}
