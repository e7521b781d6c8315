-- Certificate requests of nodes and members, waiting for the administrator's decision.
CREATE TABLE enrolment_request (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, target TEXT NOT NULL, csr ${blob} NOT NULL,
  status TEXT NOT NULL, submitted_at BIGINT NOT NULL, decided_at BIGINT,
  detail TEXT NOT NULL, certificate ${blob});
