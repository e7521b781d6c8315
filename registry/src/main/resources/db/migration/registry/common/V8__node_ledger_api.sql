-- Citizen data tracker (docs/privacy.md): where a gateway node's ledger API listens, published
-- with the node in the signed directory so the registry's tracker finds every gateway (NULL: none).
ALTER TABLE registry_node ADD COLUMN ledger_api TEXT;
