CREATE TABLE registry_member (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE registry_signing_cert (
  fingerprint TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES registry_member(id),
  der ${blob} NOT NULL, added_at BIGINT NOT NULL);
CREATE TABLE registry_node (
  id TEXT PRIMARY KEY, owner_id TEXT NOT NULL REFERENCES registry_member(id),
  address TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE registry_node_tls_cert (
  fingerprint TEXT PRIMARY KEY, node_id TEXT NOT NULL REFERENCES registry_node(id),
  der ${blob} NOT NULL, added_at BIGINT NOT NULL);
CREATE TABLE registry_system (
  id TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES registry_member(id), name TEXT NOT NULL,
  node_id TEXT NOT NULL REFERENCES registry_node(id), created_at BIGINT NOT NULL);
CREATE TABLE registry_service (
  id TEXT PRIMARY KEY, system_id TEXT NOT NULL REFERENCES registry_system(id),
  backend_url TEXT NOT NULL, subject_locator TEXT NOT NULL, openapi TEXT,
  created_at BIGINT NOT NULL);
CREATE TABLE registry_grant (
  id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES registry_system(id),
  service_id TEXT NOT NULL REFERENCES registry_service(id), methods TEXT NOT NULL,
  path_patterns TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE registry_state (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1), serial BIGINT NOT NULL);
INSERT INTO registry_state (singleton, serial) VALUES (1, 1);
CREATE TABLE registry_audit (
  id ${identity_pk}, at BIGINT NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL);
