-- Every certificate a CA of this installation issued, so serials stay unique and revocations
-- survive restarts; the CRL and the OCSP responder are answered from this table.
CREATE TABLE pki_certificate (
  issuer TEXT NOT NULL, serial TEXT NOT NULL, profile TEXT NOT NULL, subject TEXT NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE, der BLOB NOT NULL, not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL, issued_at INTEGER NOT NULL, revoked_at INTEGER,
  revocation_reason INTEGER, PRIMARY KEY (issuer, serial));
CREATE INDEX pki_certificate_revoked ON pki_certificate (issuer, revoked_at);
-- CRL numbers must strictly increase across restarts (RFC 5280 §5.2.3).
CREATE TABLE pki_crl_number (issuer TEXT PRIMARY KEY, last_number INTEGER NOT NULL);
