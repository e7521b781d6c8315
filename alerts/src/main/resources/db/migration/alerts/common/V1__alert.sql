-- Security alerts (docs/alerts.md). Placeholders (storage's Database.Dialect): ${identity_pk}.
-- Times are epoch milliseconds; evidence is the JSON of the Evidence record.
CREATE TABLE alert (
  id            ${identity_pk},
  rule          TEXT    NOT NULL,
  severity      TEXT    NOT NULL,
  dedup_key     TEXT    NOT NULL,
  summary       TEXT    NOT NULL,
  evidence      TEXT    NOT NULL,
  raised_at     BIGINT  NOT NULL,
  last_seen_at  BIGINT  NOT NULL,
  occurrences   INTEGER NOT NULL,
  state         TEXT    NOT NULL,
  ack_by        TEXT,
  ack_at        BIGINT,
  resolved_by   TEXT,
  resolved_at   BIGINT
);
CREATE INDEX alert_raised ON alert (raised_at);
CREATE INDEX alert_rule_key ON alert (rule, dedup_key);
