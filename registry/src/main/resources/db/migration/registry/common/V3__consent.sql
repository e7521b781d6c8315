-- Data subjects' consents (docs/privacy.md). The subject is kept only as its keyed hash under the
-- consent key the registry shares with provider gateways; a withdrawal is recorded, never deleted.
CREATE TABLE registry_consent (
  id TEXT PRIMARY KEY, subject_hash TEXT NOT NULL, category TEXT NOT NULL,
  recipient TEXT NOT NULL REFERENCES registry_member(id), purpose TEXT NOT NULL,
  valid_from BIGINT NOT NULL, valid_to BIGINT NOT NULL, withdrawn_at BIGINT,
  created_at BIGINT NOT NULL);
CREATE INDEX registry_consent_subject ON registry_consent (subject_hash);
