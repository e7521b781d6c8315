-- The notifications' outbox (docs/procedures.md "Notifications"): one row per status a case
-- reached and channel that tells it, written in the engine's transaction that changed the status,
-- delivered by Notifications' worker with backoff; SENT, SKIPPED (no address) or DEAD after the
-- last attempt. PostgreSQL only, like the engine (Flowable has no SQLite support).
CREATE TABLE procedure_notice (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_code TEXT NOT NULL,
  procedure_key TEXT NOT NULL,
  status TEXT NOT NULL,
  channel TEXT NOT NULL,
  changed_at BIGINT NOT NULL,
  state TEXT NOT NULL DEFAULT 'PENDING',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  last_error TEXT,
  done_at BIGINT
);
CREATE INDEX procedure_notice_due ON procedure_notice (state, next_at);
CREATE INDEX procedure_notice_case ON procedure_notice (case_code, channel, id);
