import type { Migration } from '../sql/migration.js';

/**
 * The PostgreSQL schema (in the pool's schema, see pool.ts). Version 1 is the baseline (the
 * package is unreleased, so earlier development schemas were folded into it); later versions only
 * add. Times, counters and steps are BIGINT (read as JS numbers), secrets BYTEA (ciphertext only).
 * Unique constraints are named `table.column`, the name StoreConflictError reports, as SQLite does.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'baseline',
    sql: `
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE users (
  id TEXT CONSTRAINT "users.id" PRIMARY KEY,
  nem_id_number TEXT NOT NULL CONSTRAINT "users.nem_id_number" UNIQUE,
  cpr TEXT CONSTRAINT "users.cpr" UNIQUE,
  alias TEXT CONSTRAINT "users.alias" UNIQUE,
  name TEXT NOT NULL,
  address TEXT,
  mobile TEXT,
  email TEXT,
  eligibility TEXT NOT NULL,
  status TEXT NOT NULL,
  site_log_opt_in BOOLEAN NOT NULL,
  reorder_threshold INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE passwords (
  user_id TEXT PRIMARY KEY REFERENCES users (id),
  sealed BYTEA NOT NULL,
  temporary BOOLEAN NOT NULL,
  set_at BIGINT NOT NULL,
  failures INTEGER NOT NULL,
  locked_until BIGINT,
  locks INTEGER NOT NULL,
  blocked BOOLEAN NOT NULL
);

CREATE TABLE decoys (
  id TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until BIGINT,
  locks INTEGER NOT NULL,
  blocked BOOLEAN NOT NULL
);

CREATE TABLE cards (
  serial TEXT CONSTRAINT "cards.serial" PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  secret_ciphertext BYTEA NOT NULL,
  sequence INTEGER NOT NULL,
  status TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  reorder_sent_at BIGINT,
  used_slots BYTEA NOT NULL,
  failures INTEGER NOT NULL,
  locked_until BIGINT,
  locks INTEGER NOT NULL,
  blocked BOOLEAN NOT NULL,
  CONSTRAINT "cards.sequence" UNIQUE (user_id, sequence)
);

CREATE TABLE tokens (
  serial TEXT CONSTRAINT "tokens.serial" PRIMARY KEY,
  kind TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  digits INTEGER NOT NULL,
  step_seconds INTEGER NOT NULL,
  t0 BIGINT NOT NULL,
  secret_ciphertext BYTEA NOT NULL,
  user_id TEXT REFERENCES users (id),
  state TEXT NOT NULL,
  last_counter BIGINT NOT NULL,
  drift_steps BIGINT NOT NULL,
  pending_drift_steps BIGINT,
  resync_counter BIGINT,
  registered_at BIGINT NOT NULL,
  last_used_at BIGINT,
  activated_at BIGINT,
  failures INTEGER NOT NULL,
  locked_until BIGINT,
  locks INTEGER NOT NULL,
  blocked BOOLEAN NOT NULL
);
-- T-5: one held token per user (the states of holdsToken in store/token-holding.ts).
CREATE UNIQUE INDEX "tokens.user_id" ON tokens (user_id) WHERE state IN ('assigned', 'active', 'blocked');

CREATE TABLE challenges (
  id TEXT CONSTRAINT "challenges.id" PRIMARY KEY,
  user_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  factor TEXT NOT NULL,
  card_serial TEXT,
  key_number INTEGER,
  token_serial TEXT,
  batch_digest TEXT,
  provider_id TEXT,
  ip TEXT,
  data TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX challenges_expiry ON challenges (expires_at);

CREATE TABLE providers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  cpr_approved BOOLEAN NOT NULL,
  is_bank BOOLEAN NOT NULL
);

CREATE TABLE audit (
  seq BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  user_id TEXT,
  ip TEXT,
  provider_id TEXT,
  site TEXT,
  factor TEXT NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL
);
CREATE INDEX audit_user ON audit (user_id, at, seq);
`,
  },
];
