-- Pages of grants are read in (client, service, id) order after a cursor (GrantQuery): these indexes
-- give each page its own rows only, however far into the list it is.
CREATE INDEX registry_grant_order ON registry_grant (client_id, service_id, id);
CREATE INDEX registry_federated_grant_order ON registry_federated_grant (client_id, service_id, id);
