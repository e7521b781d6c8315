-- Keyed hash of the data subject's personal ID (never the ID itself), for subject-access reports.
ALTER TABLE ledger_record ADD COLUMN subject_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX ledger_record_subject ON ledger_record (subject_hash);
