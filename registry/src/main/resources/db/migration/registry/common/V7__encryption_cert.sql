-- Hub mode (docs/federation.md): a member's encryption (key agreement) certificates, published in
-- the signed directory and the federated catalogue; messages relayed through a hub are encrypted
-- to them end to end.
CREATE TABLE registry_encryption_cert (
  fingerprint TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES registry_member(id),
  der ${blob} NOT NULL, added_at BIGINT NOT NULL);
