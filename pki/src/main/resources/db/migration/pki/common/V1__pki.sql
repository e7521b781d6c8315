-- Every certificate a CA of this installation issued, so serials stay unique and revocations
-- survive restarts; the CRL and the OCSP responder are answered from this table.
CREATE TABLE pki_certificate (
  issuer TEXT NOT NULL, serial TEXT NOT NULL, profile TEXT NOT NULL, subject TEXT NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE, der ${blob} NOT NULL, not_before BIGINT NOT NULL,
  not_after BIGINT NOT NULL, issued_at BIGINT NOT NULL, revoked_at BIGINT,
  revocation_reason BIGINT, PRIMARY KEY (issuer, serial));
CREATE INDEX pki_certificate_revoked ON pki_certificate (issuer, revoked_at);
-- CRL numbers must strictly increase across restarts (RFC 5280 §5.2.3).
CREATE TABLE pki_crl_number (issuer TEXT PRIMARY KEY, last_number BIGINT NOT NULL);
