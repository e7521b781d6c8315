-- OAuth2 client credentials of local systems created at run time (docs/protocol.md, "Local systems'
-- credentials"): a migration history of its own (lgsp_schema_credentials), beside the gateway's.
-- Only the SHA-256 of a secret is kept; times are epoch milliseconds; the *_by columns name the
-- operator API token (the audit actor) that made the change.
CREATE TABLE gateway_credential (
  client_id       VARCHAR(64)  NOT NULL PRIMARY KEY,
  system          VARCHAR(300) NOT NULL,
  secret_sha256   VARCHAR(64)  NOT NULL,
  previous_sha256 VARCHAR(64),
  previous_until  BIGINT,
  created_at      BIGINT       NOT NULL,
  created_by      VARCHAR(200) NOT NULL,
  rotated_at      BIGINT,
  rotated_by      VARCHAR(200),
  revoked_at      BIGINT,
  revoked_by      VARCHAR(200)
);
CREATE INDEX gateway_credential_system ON gateway_credential (system);
