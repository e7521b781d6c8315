-- Hour buckets of the exchanges a gateway observed (docs/statistics.md). hour: epoch ms of the UTC hour's start.
-- latency: HdrHistogram of total times (ms) in its V2 byte encoding, so hours merge into days and months exactly.
CREATE TABLE stats_hour (
  hour        BIGINT  NOT NULL,
  side        TEXT    NOT NULL,
  agency      TEXT    NOT NULL,
  client_id   TEXT    NOT NULL,
  service_id  TEXT    NOT NULL,
  calls       BIGINT  NOT NULL,
  successes   BIGINT  NOT NULL,
  refused     BIGINT  NOT NULL,
  failed      BIGINT  NOT NULL,
  bytes_in    BIGINT  NOT NULL,
  bytes_out   BIGINT  NOT NULL,
  latency     ${blob},
  PRIMARY KEY (hour, side, client_id, service_id)
);

CREATE TABLE stats_hour_error (
  hour        BIGINT  NOT NULL,
  side        TEXT    NOT NULL,
  client_id   TEXT    NOT NULL,
  service_id  TEXT    NOT NULL,
  error_code  TEXT    NOT NULL,
  calls       BIGINT  NOT NULL,
  PRIMARY KEY (hour, side, client_id, service_id, error_code)
);
