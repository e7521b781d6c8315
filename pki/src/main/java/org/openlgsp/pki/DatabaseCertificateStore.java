package org.openlgsp.pki;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openlgsp.core.Certificates;
import org.openlgsp.storage.Database;
import org.openlgsp.storage.Sql;

/** CA records in the installation's database (SQLite or PostgreSQL), migrated as "pki". */
final class DatabaseCertificateStore implements CertificateStore {
  private static final String COLUMNS =
      "serial, profile, der, issued_at, revoked_at, revocation_reason";
  private final Database db;

  DatabaseCertificateStore(Database db) {
    this.db = db;
    db.migrate("pki");
  }

  @Override
  public boolean record(String issuer, IssuedCertificate c) {
    return Sql.inTransaction(
        db,
        conn -> {
          if (find(conn, issuer, c.serial()).isPresent()) {
            return false;
          }
          try (PreparedStatement s =
              conn.prepareStatement(
                  "INSERT INTO pki_certificate (issuer, serial, profile, subject, fingerprint, der,"
                      + " not_before, not_after, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, issuer);
            s.setString(2, c.serialHex());
            s.setString(3, c.profile().name());
            s.setString(4, c.certificate().getSubjectX500Principal().getName());
            s.setString(5, c.fingerprint());
            s.setBytes(6, Certificates.der(c.certificate()));
            s.setLong(7, c.certificate().getNotBefore().getTime());
            s.setLong(8, c.certificate().getNotAfter().getTime());
            s.setLong(9, c.issuedAt().toEpochMilli());
            s.executeUpdate();
          }
          return true;
        });
  }

  @Override
  public Optional<IssuedCertificate> find(String issuer, BigInteger serial) {
    return Sql.read(db, conn -> find(conn, issuer, serial));
  }

  private static Optional<IssuedCertificate> find(Connection conn, String issuer, BigInteger serial)
      throws SQLException {
    try (PreparedStatement s =
        conn.prepareStatement(
            "SELECT " + COLUMNS + " FROM pki_certificate WHERE issuer = ? AND serial = ?")) {
      s.setString(1, issuer);
      s.setString(2, serial.toString(16));
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(row(r)) : Optional.empty();
      }
    }
  }

  @Override
  public boolean revoke(String issuer, BigInteger serial, IssuedCertificate.Revocation revocation) {
    return Sql.inTransaction(
        db,
        conn -> {
          try (PreparedStatement s =
              conn.prepareStatement(
                  "UPDATE pki_certificate SET revoked_at = ?, revocation_reason = ?"
                      + " WHERE issuer = ? AND serial = ? AND revoked_at IS NULL")) {
            s.setLong(1, revocation.at().toEpochMilli());
            s.setInt(2, revocation.reason().code());
            s.setString(3, issuer);
            s.setString(4, serial.toString(16));
            return s.executeUpdate() == 1;
          }
        });
  }

  @Override
  public List<IssuedCertificate> revoked(String issuer, Instant now) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM pki_certificate WHERE issuer = ? AND revoked_at IS NOT NULL AND not_after > ?"
            + " ORDER BY revoked_at",
        issuer,
        now.toEpochMilli(),
        Integer.MAX_VALUE);
  }

  @Override
  public List<IssuedCertificate> list(String issuer, int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM pki_certificate WHERE issuer = ? AND not_after > ? ORDER BY issued_at DESC",
        issuer,
        Long.MIN_VALUE,
        limit);
  }

  private List<IssuedCertificate> query(String sql, String issuer, long after, int limit) {
    return Sql.read(
        db,
        conn -> {
          try (PreparedStatement s = conn.prepareStatement(sql)) {
            s.setString(1, issuer);
            s.setLong(2, after);
            s.setMaxRows(limit);
            List<IssuedCertificate> result = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                result.add(row(r));
              }
            }
            return result;
          }
        });
  }

  @Override
  public long nextCrlNumber(String issuer) {
    return Sql.inTransaction(
        db,
        conn -> {
          long next;
          try (PreparedStatement s =
              conn.prepareStatement(
                  "SELECT last_number FROM pki_crl_number WHERE issuer = ?"
                      + (db.dialect() == Database.Dialect.POSTGRESQL ? " FOR UPDATE" : ""))) {
            s.setString(1, issuer);
            try (ResultSet r = s.executeQuery()) {
              next = r.next() ? r.getLong(1) + 1 : 1;
            }
          }
          String sql =
              next == 1
                  ? "INSERT INTO pki_crl_number (last_number, issuer) VALUES (?, ?)"
                  : "UPDATE pki_crl_number SET last_number = ? WHERE issuer = ?";
          try (PreparedStatement s = conn.prepareStatement(sql)) {
            s.setLong(1, next);
            s.setString(2, issuer);
            s.executeUpdate();
          }
          return next;
        });
  }

  private static IssuedCertificate row(ResultSet r) throws SQLException {
    long revokedAt = r.getLong("revoked_at");
    boolean revoked = !r.wasNull();
    Optional<IssuedCertificate.Revocation> revocation =
        revoked
            ? Optional.of(
                new IssuedCertificate.Revocation(
                    Instant.ofEpochMilli(revokedAt),
                    RevocationReason.fromCode(r.getInt("revocation_reason"))))
            : Optional.empty();
    return new IssuedCertificate(
        new BigInteger(r.getString("serial"), 16),
        CertificateProfile.valueOf(r.getString("profile")),
        Certificates.fromDer(r.getBytes("der")),
        Instant.ofEpochMilli(r.getLong("issued_at")),
        revocation);
  }
}
