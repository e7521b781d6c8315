-- Leak prevention on document routes (docs/privacy.md, "Leak prevention"): the detectors' findings
-- a package's routes alert on ("cccd:alert,phone:alert"; never the matched text) and how many of its
-- attachments were not scanned (not text-like: PDF, Office, images).
ALTER TABLE edoc_package ADD COLUMN leak_findings TEXT NOT NULL DEFAULT '';
ALTER TABLE edoc_package ADD COLUMN attachments_not_scanned INTEGER NOT NULL DEFAULT 0;
