-- Perfect-subtree hashes of the RFC 9162 tree, keyed by in-order node id (leaf i = 2i).
CREATE TABLE ledger_node (
  id   INTEGER PRIMARY KEY,
  hash BLOB    NOT NULL
);
-- Signed tree heads (C2SP checkpoints) this node published, with witness cosignatures appended.
CREATE TABLE ledger_checkpoint (
  tree_size       INTEGER PRIMARY KEY,
  root_hash       BLOB    NOT NULL,
  note            TEXT    NOT NULL,
  timestamp_token BLOB    NOT NULL,
  created_at      INTEGER NOT NULL
);
-- As a witness: the latest checkpoint of each log this node has cosigned.
CREATE TABLE ledger_witnessed (
  origin     TEXT    PRIMARY KEY,
  tree_size  INTEGER NOT NULL,
  root_hash  BLOB    NOT NULL,
  note       TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
);
