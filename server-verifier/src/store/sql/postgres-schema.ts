import type { Migration } from './migration.js';

/**
 * The PostgreSQL schema, as migrations: the same tables as SQLite. Times, counters and steps are
 * BIGINT (read back as JS numbers: every value stays below 2^53), secrets BYTEA (ciphertext only).
 * Uniqueness the domain relies on is enforced by constraints, so no interleaving of instances can
 * break it: one NemID number/CPR/alias per user, one sequence per card of a user, one held token
 * per user (a partial unique index).
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial verifier schema',
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  nemid_number TEXT NOT NULL UNIQUE,
  cpr TEXT UNIQUE,
  alias TEXT UNIQUE,
  name TEXT NOT NULL,
  address TEXT,
  mobile TEXT,
  email TEXT,
  eligibility TEXT NOT NULL CHECK (eligibility IN ('full', 'bank-only')),
  status TEXT NOT NULL CHECK (status IN ('active', 'blocked', 'deleted')),
  site_log_opt_in BOOLEAN NOT NULL,
  reorder_threshold INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE passwords (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  is_pin BOOLEAN NOT NULL,
  temporary BOOLEAN NOT NULL,
  set_at BIGINT NOT NULL
);

CREATE TABLE lockouts (
  kind TEXT NOT NULL CHECK (kind IN ('password', 'card', 'token')),
  subject_id TEXT NOT NULL,
  failures INTEGER NOT NULL,
  locked_until BIGINT,
  locks INTEGER NOT NULL,
  blocked BOOLEAN NOT NULL,
  PRIMARY KEY (kind, subject_id)
);

CREATE TABLE cards (
  serial TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  secret BYTEA NOT NULL,
  sequence INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'exhausted', 'blocked', 'revoked')),
  issued_at BIGINT NOT NULL,
  reorder_sent_at BIGINT,
  UNIQUE (user_id, sequence)
);

-- One row per used key: the primary key makes "use once" a single insert-if-absent.
CREATE TABLE card_used_keys (
  card_serial TEXT NOT NULL,
  key_number INTEGER NOT NULL,
  PRIMARY KEY (card_serial, key_number)
);

CREATE TABLE tokens (
  serial TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('hotp', 'totp')),
  algorithm TEXT NOT NULL CHECK (algorithm IN ('sha1', 'sha256', 'sha512')),
  digits INTEGER NOT NULL,
  step_seconds INTEGER NOT NULL,
  t0 BIGINT NOT NULL,
  secret BYTEA NOT NULL,
  user_id TEXT REFERENCES users (id),
  state TEXT NOT NULL CHECK (state IN ('stock', 'assigned', 'active', 'blocked', 'revoked', 'retired')),
  last_counter BIGINT NOT NULL,
  drift_steps BIGINT NOT NULL,
  pending_drift_steps BIGINT,
  resync_counter BIGINT,
  last_used_at BIGINT,
  activated_at BIGINT
);
-- T-5: at most one token per user in a state where it is the user's token.
CREATE UNIQUE INDEX tokens_one_held_per_user ON tokens (user_id)
  WHERE state IN ('assigned', 'active', 'blocked');

-- No foreign key to users: a challenge is short-lived and removed when used or expired.
CREATE TABLE challenges (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  factor TEXT NOT NULL CHECK (factor IN ('card', 'token')),
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

-- seq keeps insertion order for entries with the same time.
CREATE TABLE audit_log (
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
CREATE INDEX audit_log_user_time ON audit_log (user_id, at, seq);
`,
  },
];
