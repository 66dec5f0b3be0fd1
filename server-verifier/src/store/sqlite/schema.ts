import type { Migration } from '../sql/migration.js';

/**
 * The SQLite schema. Version 1 is the baseline (the package is unreleased, so earlier development
 * schemas were folded into it); later versions only add. Times, counters and steps are INTEGER
 * (64-bit), booleans 0/1, secrets BLOB (ciphertext only). Tables keyed by text are WITHOUT ROWID: a
 * lookup by key is one B-tree search. Uniqueness is enforced here as the last word, so no
 * interleaving can break it; every other rule is the domain's.
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'baseline',
    sql: `
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  nem_id_number TEXT NOT NULL UNIQUE,
  cpr TEXT UNIQUE,
  alias TEXT UNIQUE,
  name TEXT NOT NULL,
  address TEXT,
  mobile TEXT,
  email TEXT,
  eligibility TEXT NOT NULL,
  status TEXT NOT NULL,
  site_log_opt_in INTEGER NOT NULL,
  reorder_threshold INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE passwords (
  user_id TEXT PRIMARY KEY REFERENCES users (id),
  sealed BLOB NOT NULL,
  temporary INTEGER NOT NULL,
  set_at INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  locked_until INTEGER,
  locks INTEGER NOT NULL,
  blocked INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE decoys (
  id TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until INTEGER,
  locks INTEGER NOT NULL,
  blocked INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE cards (
  serial TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  secret_ciphertext BLOB NOT NULL,
  sequence INTEGER NOT NULL,
  status TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  reorder_sent_at INTEGER,
  used_slots BLOB NOT NULL,
  failures INTEGER NOT NULL,
  locked_until INTEGER,
  locks INTEGER NOT NULL,
  blocked INTEGER NOT NULL,
  UNIQUE (user_id, sequence)
) WITHOUT ROWID;

CREATE TABLE tokens (
  serial TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  digits INTEGER NOT NULL,
  step_seconds INTEGER NOT NULL,
  t0 INTEGER NOT NULL,
  secret_ciphertext BLOB NOT NULL,
  user_id TEXT REFERENCES users (id),
  state TEXT NOT NULL,
  last_counter INTEGER NOT NULL,
  drift_steps INTEGER NOT NULL,
  pending_drift_steps INTEGER,
  resync_counter INTEGER,
  registered_at INTEGER NOT NULL,
  last_used_at INTEGER,
  activated_at INTEGER,
  failures INTEGER NOT NULL,
  locked_until INTEGER,
  locks INTEGER NOT NULL,
  blocked INTEGER NOT NULL
) WITHOUT ROWID;
-- T-5: one held token per user (the states of holdsToken in store/token-holding.ts).
CREATE UNIQUE INDEX tokens_held ON tokens (user_id) WHERE state IN ('assigned', 'active', 'blocked');

CREATE TABLE challenges (
  id TEXT PRIMARY KEY,
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
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX challenges_expiry ON challenges (expires_at);

CREATE TABLE providers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  cpr_approved INTEGER NOT NULL,
  is_bank INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
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
