-- CA certificates (built-in or external, e.g. the government CA) trusted to issue members' and
-- nodes' certificates; published in the signed directory.
CREATE TABLE registry_trust_anchor (
  fingerprint TEXT PRIMARY KEY, subject TEXT NOT NULL, der ${blob} NOT NULL, added_at BIGINT NOT NULL);
