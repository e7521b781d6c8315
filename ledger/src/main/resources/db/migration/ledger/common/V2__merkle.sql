-- Perfect-subtree hashes of the RFC 9162 tree, keyed by in-order node id (leaf i = 2i).
CREATE TABLE ledger_node (
  id   ${int64_pk},
  hash ${blob} NOT NULL
);
-- Signed tree heads (C2SP checkpoints) this node published, with witness cosignatures appended.
CREATE TABLE ledger_checkpoint (
  tree_size       ${int64_pk},
  root_hash       ${blob} NOT NULL,
  note            TEXT    NOT NULL,
  timestamp_token ${blob} NOT NULL,
  created_at      BIGINT  NOT NULL
);
-- As a witness: the latest checkpoint of each log this node has cosigned.
CREATE TABLE ledger_witnessed (
  origin     TEXT    PRIMARY KEY,
  tree_size  BIGINT  NOT NULL,
  root_hash  ${blob} NOT NULL,
  note       TEXT    NOT NULL,
  updated_at BIGINT  NOT NULL
);
