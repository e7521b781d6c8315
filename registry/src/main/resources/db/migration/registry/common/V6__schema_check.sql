-- Data quality (docs/privacy.md): how the provider's gateway checks a service's exchanges against
-- its OpenAPI document: off, warn or block. Published in the signed directory.
ALTER TABLE registry_service ADD COLUMN schema_check TEXT NOT NULL DEFAULT 'off';
