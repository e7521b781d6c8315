-- Data quality (docs/privacy.md): one row per exchange of a service whose schema check is on, written
-- by the provider's gateway off the hot path. No value of a body: where and why it failed its schema
-- (JSON Pointer and keyword), keyed hashes of the request and of the subject for duplicates, the response body's digest
-- and the age of its data-time field. Times are epoch milliseconds.
CREATE TABLE quality_record (
  id               ${identity_pk},
  ts               BIGINT  NOT NULL,
  service_id       TEXT    NOT NULL,
  client_id        TEXT    NOT NULL,
  mode             TEXT    NOT NULL,
  status_code      INTEGER NOT NULL,
  error_code       TEXT    NOT NULL,
  violations       TEXT    NOT NULL,
  unchecked        TEXT    NOT NULL,
  request_key      TEXT    NOT NULL,
  response_digest  TEXT    NOT NULL,
  subject_hash     TEXT    NOT NULL,
  data_age_ms      BIGINT
);
CREATE INDEX quality_record_service ON quality_record (service_id, ts);
