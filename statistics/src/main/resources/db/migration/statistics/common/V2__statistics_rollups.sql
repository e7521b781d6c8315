-- The hour buckets added up per agency and per service (docs/statistics.md, "Rollups"): dim 'agency' or
-- 'service', name the agency's or service's identifier. Written in the same transaction as stats_hour, so
-- a dashboard or ranking over a day reads (hours x agencies) rows instead of (hours x systems x services).
-- The primary key is the read's: one dimension, a range of hours.
CREATE TABLE stats_rollup (
  dim         TEXT    NOT NULL,
  hour        BIGINT  NOT NULL,
  name        TEXT    NOT NULL,
  calls       BIGINT  NOT NULL,
  successes   BIGINT  NOT NULL,
  refused     BIGINT  NOT NULL,
  failed      BIGINT  NOT NULL,
  bytes_in    BIGINT  NOT NULL,
  bytes_out   BIGINT  NOT NULL,
  latency     ${blob},
  PRIMARY KEY (dim, hour, name)
);

CREATE TABLE stats_rollup_error (
  dim         TEXT    NOT NULL,
  hour        BIGINT  NOT NULL,
  name        TEXT    NOT NULL,
  error_code  TEXT    NOT NULL,
  calls       BIGINT  NOT NULL,
  PRIMARY KEY (dim, hour, name, error_code)
);

-- The purge deletes by hour across every dimension.
CREATE INDEX stats_rollup_hour ON stats_rollup (hour);
CREATE INDEX stats_rollup_error_hour ON stats_rollup_error (hour);

-- The buckets stored before this version are rolled up once, by the first gateway that starts with it
-- (StatisticsStore), which then deletes this row.
CREATE TABLE stats_rollup_pending (what TEXT PRIMARY KEY);
INSERT INTO stats_rollup_pending (what) VALUES ('rebuild');
