CREATE TABLE console_account (
  username TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  agency TEXT,
  password_hash ${blob} NOT NULL,
  password_salt ${blob} NOT NULL,
  argon2_memory_kib INTEGER NOT NULL,
  argon2_iterations INTEGER NOT NULL,
  argon2_parallelism INTEGER NOT NULL,
  totp_secret ${blob},
  totp_last_step BIGINT NOT NULL,
  failures INTEGER NOT NULL,
  locked_until BIGINT NOT NULL,
  created_at BIGINT NOT NULL);
