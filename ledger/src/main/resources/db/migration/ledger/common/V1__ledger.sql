-- Placeholders (storage's Database.Dialect): ${int64_pk} is SQLite's rowid, ${blob} BLOB or BYTEA.
CREATE TABLE ledger_record (
  idx         ${int64_pk},
  message_id  TEXT    NOT NULL,
  side        TEXT    NOT NULL,
  client_id   TEXT    NOT NULL,
  service_id  TEXT    NOT NULL,
  status      INTEGER NOT NULL,
  recorded_at BIGINT  NOT NULL,
  record      ${blob} NOT NULL,
  leaf_hash   ${blob} NOT NULL
);
CREATE INDEX ledger_record_message ON ledger_record (message_id);
CREATE INDEX ledger_record_client ON ledger_record (client_id, recorded_at);
