-- Placeholders (storage's Database.Dialect): ${identity_pk} is the auto-numbered key.
CREATE TABLE edge_audit (
  id ${identity_pk}, at BIGINT NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL,
  source TEXT NOT NULL);
CREATE INDEX edge_audit_at ON edge_audit (at);
