-- Document axis: received edXML packages (bytes on disk), deliveries per recipient, status history,
-- the outbox driving pushes and cross-gateway forwarding, and registered webhooks.
CREATE TABLE edoc_package (
  id                 TEXT PRIMARY KEY,
  dedupe_key         TEXT NOT NULL UNIQUE,
  kind               TEXT NOT NULL,
  document_id        TEXT NOT NULL,
  business_type      TEXT NOT NULL,
  target_document_id TEXT NOT NULL,
  sender             TEXT NOT NULL,
  subject            TEXT NOT NULL,
  status_code        TEXT,
  sha256             TEXT NOT NULL,
  size               BIGINT NOT NULL,
  path               TEXT NOT NULL,
  received_at        BIGINT NOT NULL
);
CREATE INDEX edoc_package_document ON edoc_package (document_id, sender);
CREATE INDEX edoc_package_target ON edoc_package (target_document_id);

CREATE TABLE edoc_delivery (
  id              TEXT PRIMARY KEY,
  package_id      TEXT NOT NULL REFERENCES edoc_package (id),
  recipient       TEXT NOT NULL,
  route           TEXT NOT NULL,
  state           TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  acknowledged_at BIGINT,
  UNIQUE (package_id, recipient)
);
CREATE INDEX edoc_delivery_inbox ON edoc_delivery (recipient, state, created_at);

CREATE TABLE edoc_status (
  seq             ${identity_pk},
  package_id      TEXT NOT NULL REFERENCES edoc_package (id),
  document_id     TEXT NOT NULL,
  original_sender TEXT NOT NULL,
  reporter        TEXT NOT NULL,
  status_code     TEXT NOT NULL,
  description     TEXT NOT NULL,
  reported_at     TEXT NOT NULL,
  received_at     BIGINT NOT NULL
);
CREATE INDEX edoc_status_document ON edoc_status (document_id, original_sender);

CREATE TABLE edoc_outbox (
  id              TEXT PRIMARY KEY,
  delivery_id     TEXT NOT NULL REFERENCES edoc_delivery (id),
  kind            TEXT NOT NULL,
  target          TEXT NOT NULL,
  state           TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_error      TEXT
);
CREATE INDEX edoc_outbox_due ON edoc_outbox (state, next_attempt_at);

CREATE TABLE edoc_webhook (
  agency TEXT PRIMARY KEY,
  url    TEXT NOT NULL
);
