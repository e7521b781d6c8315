-- A grant's privacy policy (org.openlgsp.core.PrivacyPolicy as JSON); NULL: none (open).
ALTER TABLE registry_grant ADD COLUMN policy TEXT;
