-- Statistics reported upward (docs/statistics.md, "Reported upward"): the last signed daily
-- summary each federated instance sent, kept as received (the signed envelope's bytes).
CREATE TABLE registry_federation_summary (
  instance TEXT NOT NULL, day TEXT NOT NULL, issued_at BIGINT NOT NULL, digest TEXT NOT NULL,
  signed ${blob} NOT NULL, received_at BIGINT NOT NULL, PRIMARY KEY (instance, day));
