CREATE TABLE edge_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL,
  source TEXT NOT NULL);
CREATE INDEX edge_audit_at ON edge_audit (at);
