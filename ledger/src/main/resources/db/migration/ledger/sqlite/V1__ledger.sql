CREATE TABLE ledger_record (
  idx         INTEGER PRIMARY KEY,
  message_id  TEXT    NOT NULL,
  side        TEXT    NOT NULL,
  client_id   TEXT    NOT NULL,
  service_id  TEXT    NOT NULL,
  status      INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  record      BLOB    NOT NULL,
  leaf_hash   BLOB    NOT NULL
);
CREATE INDEX ledger_record_message ON ledger_record (message_id);
CREATE INDEX ledger_record_client ON ledger_record (client_id, recorded_at);
