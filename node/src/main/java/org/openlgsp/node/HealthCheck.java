package org.openlgsp.node;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.openlgsp.core.Certificates;
import org.openlgsp.storage.Database;

/**
 * One readiness check of a running role: its name (e.g. {@code gateway.directory}) and a probe that
 * returns what it found when all is well and throws, with why, when not.
 */
record HealthCheck(String name, Probe probe) {
  /** What a probe does: returns a short description, throws when the check fails. */
  @FunctionalInterface
  interface Probe {
    String run() throws Exception;
  }

  /** The answer of one check, as {@code /health/ready} lists it. */
  record Result(String name, boolean ok, String detail) {
    Result {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(detail, "detail");
    }
  }

  HealthCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(probe, "probe");
  }

  /** Runs the probe; a failure becomes a failed result naming its reason, never an exception. */
  Result run() {
    try {
      return new Result(name, true, probe.run());
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Result(name, false, why);
    }
  }

  /** The database answers a validity check within two seconds. */
  static HealthCheck database(String role, Database db) {
    return new HealthCheck(
        role + ".database",
        () -> {
          try (Connection c = db.connection()) {
            if (!c.isValid(2)) {
              throw new IllegalStateException("the database did not answer within 2 s");
            }
            return db.dialect().name().toLowerCase(java.util.Locale.ROOT) + " reachable";
          } catch (SQLException e) {
            throw new IllegalStateException("database unreachable: " + e.getMessage());
          }
        });
  }

  /** A certificate loaded for a key is valid now. */
  static String validNow(String what, X509Certificate certificate) {
    try {
      certificate.checkValidity();
    } catch (CertificateException e) {
      throw new IllegalStateException(
          what + " certificate " + Certificates.fingerprint(certificate) + " is not valid now");
    }
    return what + " valid until " + certificate.getNotAfter().toInstant();
  }
}
