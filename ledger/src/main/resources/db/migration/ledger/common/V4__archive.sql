-- Record segments moved out of the database into compressed files (retention). The tree keeps every
-- node, so proofs still work; the files hold the records for export, verification and lookup.
CREATE TABLE ledger_archive (
  first_idx  ${int64_pk},
  end_idx    BIGINT NOT NULL,
  file       TEXT   NOT NULL,
  sha256     TEXT   NOT NULL,
  created_at BIGINT NOT NULL
);
-- Subject hashes of archived records, so subject-access reports still find them.
CREATE TABLE ledger_archived_subject (
  subject_hash TEXT   NOT NULL,
  idx          BIGINT NOT NULL,
  PRIMARY KEY (subject_hash, idx)
);
