import type { Migration } from './migration.js';

/**
 * The SQLite schema, as migrations. Times, counters and steps are INTEGER (64-bit in SQLite),
 * booleans 0/1, secrets BLOB (ciphertext only: the domain encrypts before the store sees them).
 * Tables keyed by text ids are WITHOUT ROWID: a lookup by key is one B-tree search, not two.
 * Uniqueness that the domain relies on is enforced here too, so no interleaving can break it:
 * one NemID number/CPR/alias per user, one sequence per card of a user, one held token per user.
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
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
  site_log_opt_in INTEGER NOT NULL CHECK (site_log_opt_in IN (0, 1)),
  reorder_threshold INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE passwords (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  is_pin INTEGER NOT NULL CHECK (is_pin IN (0, 1)),
  temporary INTEGER NOT NULL CHECK (temporary IN (0, 1)),
  set_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE lockouts (
  kind TEXT NOT NULL CHECK (kind IN ('password', 'card', 'token')),
  subject_id TEXT NOT NULL,
  failures INTEGER NOT NULL,
  locked_until INTEGER,
  locks INTEGER NOT NULL,
  blocked INTEGER NOT NULL CHECK (blocked IN (0, 1)),
  PRIMARY KEY (kind, subject_id)
) WITHOUT ROWID;

CREATE TABLE cards (
  serial TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  secret BLOB NOT NULL,
  sequence INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'exhausted', 'blocked', 'revoked')),
  issued_at INTEGER NOT NULL,
  reorder_sent_at INTEGER,
  UNIQUE (user_id, sequence)
) WITHOUT ROWID;

-- One row per used key: the primary key makes "use once" a single insert-if-absent.
CREATE TABLE card_used_keys (
  card_serial TEXT NOT NULL,
  key_number INTEGER NOT NULL,
  PRIMARY KEY (card_serial, key_number)
) WITHOUT ROWID;

CREATE TABLE tokens (
  serial TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('hotp', 'totp')),
  algorithm TEXT NOT NULL CHECK (algorithm IN ('sha1', 'sha256', 'sha512')),
  digits INTEGER NOT NULL,
  step_seconds INTEGER NOT NULL,
  t0 INTEGER NOT NULL,
  secret BLOB NOT NULL,
  user_id TEXT REFERENCES users (id),
  state TEXT NOT NULL CHECK (state IN ('stock', 'assigned', 'active', 'blocked', 'revoked', 'retired')),
  last_counter INTEGER NOT NULL,
  drift_steps INTEGER NOT NULL,
  pending_drift_steps INTEGER,
  resync_counter INTEGER,
  last_used_at INTEGER,
  activated_at INTEGER
) WITHOUT ROWID;
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
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX challenges_expiry ON challenges (expires_at);

CREATE TABLE providers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  cpr_approved INTEGER NOT NULL CHECK (cpr_approved IN (0, 1)),
  is_bank INTEGER NOT NULL CHECK (is_bank IN (0, 1))
) WITHOUT ROWID;

-- seq (the rowid) keeps insertion order for entries with the same time. Not AUTOINCREMENT: rows are
-- never deleted, so the rowid only grows, and AUTOINCREMENT would cost a write per insert.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
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
