-- Grants across instances (docs/federation.md): one side of each is another instance's client or
-- service, known from a federated catalogue rather than from this registry's own tables.
CREATE TABLE registry_federated_grant (
  id TEXT PRIMARY KEY, client_id TEXT NOT NULL, service_id TEXT NOT NULL,
  agreement TEXT NOT NULL, methods TEXT NOT NULL, path_patterns TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  policy TEXT); -- as registry_grant.policy (V2): NULL is open
