-- Personal-data breach register (docs/privacy.md "Incidents"). The deadline is fixed when the breach
-- is recorded (detected_at + registry.breaches.notificationPeriod); lists are JSON arrays of text.
-- Timeline entries are only ever inserted: the code has no UPDATE or DELETE for them.
CREATE TABLE registry_breach (
  id TEXT PRIMARY KEY, detected_at BIGINT NOT NULL, deadline BIGINT NOT NULL,
  reported_by TEXT NOT NULL, description TEXT NOT NULL, categories TEXT NOT NULL,
  subjects_approx BIGINT NOT NULL, systems TEXT NOT NULL, consequences TEXT NOT NULL,
  measures TEXT NOT NULL, status TEXT NOT NULL, notified_at BIGINT, authority_reference TEXT,
  delay_reason TEXT, subjects_notified_at BIGINT, closed_at BIGINT, created_at BIGINT NOT NULL);
CREATE TABLE registry_breach_event (
  breach_id TEXT NOT NULL REFERENCES registry_breach(id), seq INTEGER NOT NULL,
  at BIGINT NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
  PRIMARY KEY (breach_id, seq));
