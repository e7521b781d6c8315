-- The revocation poll reads only revocations at or after its cursor (minus a look-back): keyed on
-- the revocation time, so it reads the few new rows instead of every revoked one.
CREATE INDEX gateway_credential_revoked ON gateway_credential (revoked_at, client_id);
