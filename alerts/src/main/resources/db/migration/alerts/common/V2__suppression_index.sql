-- Deduplication across restarts looks up the latest alert of a rule and key raised within the
-- suppression window (AlertStore.latestRaisedAfter): one index range scan with raised_at in it.
CREATE INDEX alert_rule_key_raised ON alert (rule, dedup_key, raised_at);
DROP INDEX alert_rule_key;
