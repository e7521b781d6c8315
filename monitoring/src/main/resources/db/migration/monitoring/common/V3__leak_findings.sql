-- Leak findings of an exchange (docs/privacy.md, "Leak prevention"): the detectors that found
-- something and what their rule did, comma-separated ("cccd:alert,classification:block"); never the
-- matched text. Empty when nothing was found or no detector ran.
ALTER TABLE opmon_record ADD COLUMN leak_findings TEXT NOT NULL DEFAULT '';
