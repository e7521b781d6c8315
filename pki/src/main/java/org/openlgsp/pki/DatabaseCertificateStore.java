package org.openlgsp.pki;

import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
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
        h -> {
          if (find(h, issuer, c.serial()).isPresent()) {
            return false;
          }
          h.createUpdate(
                  "INSERT INTO pki_certificate (issuer, serial, profile, subject, fingerprint, der,"
                      + " not_before, not_after, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
              .bind(0, issuer)
              .bind(1, c.serialHex())
              .bind(2, c.profile().name())
              .bind(3, c.certificate().getSubjectX500Principal().getName())
              .bind(4, c.fingerprint())
              .bind(5, Certificates.der(c.certificate()))
              .bind(6, c.certificate().getNotBefore().getTime())
              .bind(7, c.certificate().getNotAfter().getTime())
              .bind(8, c.issuedAt().toEpochMilli())
              .execute();
          return true;
        });
  }

  @Override
  public Optional<IssuedCertificate> find(String issuer, BigInteger serial) {
    return Sql.read(db, h -> find(h, issuer, serial));
  }

  private static Optional<IssuedCertificate> find(Handle h, String issuer, BigInteger serial) {
    return h.createQuery(
            "SELECT " + COLUMNS + " FROM pki_certificate WHERE issuer = ? AND serial = ?")
        .bind(0, issuer)
        .bind(1, serial.toString(16))
        .map(DatabaseCertificateStore::row)
        .findOne();
  }

  @Override
  public boolean revoke(String issuer, BigInteger serial, IssuedCertificate.Revocation revocation) {
    return Sql.inTransaction(
        db,
        h ->
            h.execute(
                    "UPDATE pki_certificate SET revoked_at = ?, revocation_reason = ?"
                        + " WHERE issuer = ? AND serial = ? AND revoked_at IS NULL",
                    revocation.at().toEpochMilli(),
                    revocation.reason().code(),
                    issuer,
                    serial.toString(16))
                == 1);
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
        h ->
            h.createQuery(sql)
                .bind(0, issuer)
                .bind(1, after)
                .setMaxRows(limit)
                .map(DatabaseCertificateStore::row)
                .list());
  }

  @Override
  public long nextCrlNumber(String issuer) {
    String lock = db.dialect() == Database.Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    return Sql.inTransaction(
        db,
        h -> {
          long next =
              h.createQuery("SELECT last_number FROM pki_crl_number WHERE issuer = ?" + lock)
                      .bind(0, issuer)
                      .mapTo(Long.class)
                      .findOne()
                      .orElse(0L)
                  + 1;
          h.execute(
              next == 1
                  ? "INSERT INTO pki_crl_number (last_number, issuer) VALUES (?, ?)"
                  : "UPDATE pki_crl_number SET last_number = ? WHERE issuer = ?",
              next,
              issuer);
          return next;
        });
  }

  private static IssuedCertificate row(ResultSet r, StatementContext ctx) throws SQLException {
    long revokedAt = r.getLong("revoked_at");
    Optional<IssuedCertificate.Revocation> revocation =
        r.wasNull()
            ? Optional.empty()
            : Optional.of(
                new IssuedCertificate.Revocation(
                    Instant.ofEpochMilli(revokedAt),
                    RevocationReason.fromCode(r.getInt("revocation_reason"))));
    return new IssuedCertificate(
        new BigInteger(r.getString("serial"), 16),
        CertificateProfile.valueOf(r.getString("profile")),
        Certificates.fromDer(r.getBytes("der")),
        Instant.ofEpochMilli(r.getLong("issued_at")),
        revocation);
  }
}
