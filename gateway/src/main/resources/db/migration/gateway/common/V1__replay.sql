-- Replay memory shared by every instance of a node and kept across restarts (docs/protocol.md):
-- one row per (client, nonce) accepted, live until expires_at (epoch ms), then purged.
CREATE TABLE gateway_replay (
  client     VARCHAR(300) NOT NULL,
  nonce      VARCHAR(64)  NOT NULL,
  expires_at BIGINT       NOT NULL,
  PRIMARY KEY (client, nonce)
);
CREATE INDEX gateway_replay_expiry ON gateway_replay (expires_at);
