CREATE TABLE ledger_record (
  idx         BIGINT  PRIMARY KEY,
  message_id  TEXT    NOT NULL,
  side        TEXT    NOT NULL,
  client_id   TEXT    NOT NULL,
  service_id  TEXT    NOT NULL,
  status      INTEGER NOT NULL,
  recorded_at BIGINT  NOT NULL,
  record      BYTEA   NOT NULL,
  leaf_hash   BYTEA   NOT NULL
);
CREATE INDEX ledger_record_message ON ledger_record (message_id);
CREATE INDEX ledger_record_client ON ledger_record (client_id, recorded_at);
