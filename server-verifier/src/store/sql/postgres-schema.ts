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
  {
    version: 2,
    name: 'answer settlement function',
    // The settlement half of Store.answerChallenge as one function call: one round trip and one
    // transaction per verification (with p_expect, the whole answer in one round trip). Rows are locked in a fixed order (challenge, lockout counter,
    // then the key or token), so concurrent settlements queue instead of deadlocking.
    sql: `
CREATE FUNCTION nemid_settle_answer(
  p_challenge TEXT, p_now BIGINT, p_expect JSONB, p_kind TEXT, p_subject TEXT,
  p_max INTEGER, p_lock_ms BIGINT, p_locks_before_block INTEGER,
  p_use TEXT, p_serial TEXT, p_key_number INTEGER,
  p_expected BIGINT, p_new BIGINT, p_drift BIGINT, p_pending BIGINT, p_used_at BIGINT,
  p_audit BOOLEAN, p_at BIGINT, p_user TEXT, p_ip TEXT, p_provider TEXT, p_site TEXT,
  p_factor TEXT, p_action TEXT, p_outcome TEXT)
RETURNS TABLE (o_outcome TEXT, o_failures INTEGER, o_locked_until BIGINT, o_locks INTEGER,
  o_blocked BOOLEAN, o_used_keys INTEGER)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_expires BIGINT;
  v_failures INTEGER;
  v_locked_until BIGINT;
  v_locks INTEGER;
  v_blocked BOOLEAN;
  v_took BOOLEAN := FALSE;
  v_row_locked BOOLEAN := FALSE;
  v_used INTEGER := 0;
BEGIN
  -- p_expect: rows the caller judged from its cache ({"u": user, "k": card | "t": token, "p": provider},
  -- each as to_jsonb gives it). If any differs now, or the challenge is gone, nothing is written:
  -- 'stale' tells the caller to read fresh rows and judge again.
  IF p_expect IS NOT NULL AND (
    NOT EXISTS (SELECT 1 FROM challenges WHERE id = p_challenge)
    OR (p_expect ? 'u' AND NOT EXISTS (SELECT 1 FROM users u
      WHERE u.id = p_expect->'u'->>'id' AND to_jsonb(u) @> (p_expect->'u')))
    OR (p_expect ? 'k' AND NOT EXISTS (SELECT 1 FROM cards k
      WHERE k.serial = p_expect->'k'->>'serial' AND to_jsonb(k) @> (p_expect->'k')))
    OR (p_expect ? 't' AND NOT EXISTS (SELECT 1 FROM tokens t
      WHERE t.serial = p_expect->'t'->>'serial' AND to_jsonb(t) @> (p_expect->'t')))
    OR (p_expect ? 'p' AND NOT EXISTS (SELECT 1 FROM providers p
      WHERE p.id = p_expect->'p'->>'id' AND to_jsonb(p) @> (p_expect->'p')))
  ) THEN
    RETURN QUERY SELECT 'stale'::TEXT, 0, NULL::BIGINT, 0, FALSE, 0;
    RETURN;
  END IF;
  -- Single use: only the caller whose delete removes the challenge settles anything.
  DELETE FROM challenges WHERE id = p_challenge RETURNING expires_at INTO v_expires;
  IF NOT FOUND OR p_now >= v_expires THEN
    RETURN QUERY SELECT 'gone'::TEXT, 0, NULL::BIGINT, 0, FALSE, 0;
    RETURN;
  END IF;
  -- The common case, a right answer on a clean counter, needs no lockout write: a failure counted
  -- concurrently is simply ordered after this answer. Anything else locks the counter row first,
  -- so every settlement and recordFailure on this card or token queues there.
  SELECT failures, locked_until, locks, blocked INTO v_failures, v_locked_until, v_locks, v_blocked
    FROM lockouts WHERE kind = p_kind AND subject_id = p_subject;
  IF p_use IS NULL OR (FOUND AND (v_failures <> 0 OR v_locked_until IS NOT NULL OR v_locks <> 0 OR v_blocked))
  THEN
    INSERT INTO lockouts (kind, subject_id, failures, locked_until, locks, blocked)
      VALUES (p_kind, p_subject, 0, NULL, 0, FALSE) ON CONFLICT DO NOTHING;
    SELECT failures, locked_until, locks, blocked INTO v_failures, v_locked_until, v_locks, v_blocked
      FROM lockouts WHERE kind = p_kind AND subject_id = p_subject FOR UPDATE;
    v_row_locked := TRUE;
  ELSIF NOT FOUND THEN
    v_failures := 0;
    v_locked_until := NULL;
    v_locks := 0;
    v_blocked := FALSE;
  END IF;
  IF v_blocked THEN
    RETURN QUERY SELECT 'blocked'::TEXT, v_failures, v_locked_until, v_locks, v_blocked, 0;
    RETURN;
  END IF;
  IF v_locked_until IS NOT NULL AND p_now < v_locked_until THEN
    RETURN QUERY SELECT 'locked'::TEXT, v_failures, v_locked_until, v_locks, v_blocked, 0;
    RETURN;
  END IF;
  IF p_use = 'card-key' THEN
    INSERT INTO card_used_keys (card_serial, key_number) VALUES (p_serial, p_key_number)
      ON CONFLICT DO NOTHING;
    v_took := FOUND;
  ELSIF p_use = 'token-counter' AND p_new > p_expected THEN
    -- Compare-and-set: a racer that waited for the row lock re-checks last_counter.
    UPDATE tokens SET last_counter = p_new, drift_steps = p_drift, pending_drift_steps = p_pending,
      last_used_at = p_used_at, resync_counter = NULL
      WHERE serial = p_serial AND last_counter = p_expected;
    v_took := FOUND;
  END IF;
  IF v_took THEN
    IF v_failures <> 0 OR v_locked_until IS NOT NULL OR v_locks <> 0 THEN
      UPDATE lockouts SET failures = 0, locked_until = NULL, locks = 0
        WHERE kind = p_kind AND subject_id = p_subject;
    END IF;
    IF p_audit THEN
      INSERT INTO audit_log (at, user_id, ip, provider_id, site, factor, action, outcome)
        VALUES (p_at, p_user, p_ip, p_provider, p_site, p_factor, p_action, p_outcome);
    END IF;
    IF p_use = 'card-key' THEN
      SELECT count(*)::INTEGER INTO v_used FROM card_used_keys WHERE card_serial = p_serial;
    END IF;
    RETURN QUERY SELECT 'accepted'::TEXT, 0, NULL::BIGINT, 0, FALSE, v_used;
    RETURN;
  END IF;
  -- A wrong answer, or a right one whose key or counter was used meanwhile: one failure, by the
  -- rule of recordFailure (lock after p_max, block after p_locks_before_block locks), counted
  -- under the counter row's lock (taken now if the clean-case read above went without it).
  IF NOT v_row_locked THEN
    INSERT INTO lockouts (kind, subject_id, failures, locked_until, locks, blocked)
      VALUES (p_kind, p_subject, 0, NULL, 0, FALSE) ON CONFLICT DO NOTHING;
    SELECT failures, locked_until, locks, blocked INTO v_failures, v_locked_until, v_locks, v_blocked
      FROM lockouts WHERE kind = p_kind AND subject_id = p_subject FOR UPDATE;
    IF v_blocked THEN
      RETURN QUERY SELECT 'blocked'::TEXT, v_failures, v_locked_until, v_locks, v_blocked, 0;
      RETURN;
    END IF;
    IF v_locked_until IS NOT NULL AND p_now < v_locked_until THEN
      RETURN QUERY SELECT 'locked'::TEXT, v_failures, v_locked_until, v_locks, v_blocked, 0;
      RETURN;
    END IF;
  END IF;
  IF v_failures + 1 < p_max THEN
    v_failures := v_failures + 1;
    v_locked_until := NULL;
  ELSIF v_locks < p_locks_before_block THEN
    v_failures := 0;
    v_locked_until := p_now + p_lock_ms;
    v_locks := v_locks + 1;
  ELSE
    v_failures := 0;
    v_locked_until := NULL;
    v_blocked := TRUE;
  END IF;
  UPDATE lockouts SET failures = v_failures, locked_until = v_locked_until, locks = v_locks,
    blocked = v_blocked
    WHERE kind = p_kind AND subject_id = p_subject;
  RETURN QUERY SELECT CASE WHEN p_use IS NULL THEN 'counted' ELSE 'replayed' END,
    v_failures, v_locked_until, v_locks, v_blocked, 0;
END
$fn$;
`,
  },
  {
    version: 3,
    name: 'batched answer settlement',
    // Group commit (SettleBatcher): several settlements in one call, one transaction, one WAL
    // flush. Each element of p_batch is the argument list of nemid_settle_answer, in its order;
    // the elements are settled one after another exactly as single calls would settle them.
    sql: `
CREATE FUNCTION nemid_settle_answers(p_batch JSONB)
RETURNS TABLE (o_index INTEGER, o_outcome TEXT, o_failures INTEGER, o_locked_until BIGINT, o_locks INTEGER,
  o_blocked BOOLEAN, o_used_keys INTEGER)
LANGUAGE plpgsql AS $fn$
DECLARE
  e JSONB;
  i INTEGER := 0;
  r RECORD;
BEGIN
  FOR e IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
    FOR r IN SELECT * FROM nemid_settle_answer(e->>0, (e->>1)::BIGINT, (e->>2)::JSONB, e->>3, e->>4,
        (e->>5)::INTEGER, (e->>6)::BIGINT, (e->>7)::INTEGER, e->>8, e->>9, (e->>10)::INTEGER,
        (e->>11)::BIGINT, (e->>12)::BIGINT, (e->>13)::BIGINT, (e->>14)::BIGINT, (e->>15)::BIGINT,
        (e->>16)::BOOLEAN, (e->>17)::BIGINT, e->>18, e->>19, e->>20, e->>21, e->>22, e->>23, e->>24)
    LOOP
      o_index := i;
      o_outcome := r.o_outcome;
      o_failures := r.o_failures;
      o_locked_until := r.o_locked_until;
      o_locks := r.o_locks;
      o_blocked := r.o_blocked;
      o_used_keys := r.o_used_keys;
      RETURN NEXT;
    END LOOP;
    i := i + 1;
  END LOOP;
END
$fn$;
`,
  },
  {
    version: 4,
    name: 'answer settlement by row version',
    // The one-round-trip path compared whole rows (to_jsonb(row) @> cached row): correct but the
    // costliest part of a settlement. Rows are now compared by version (xmin, changed by every
    // update), and an accepted token answer returns the token row's new version for the cache.
    // The return type changes, so both functions are dropped and made again.
    sql: `
DROP FUNCTION nemid_settle_answers(JSONB);
DROP FUNCTION nemid_settle_answer(TEXT, BIGINT, JSONB, TEXT, TEXT, INTEGER, BIGINT, INTEGER, TEXT, TEXT, INTEGER, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BOOLEAN, BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT);
CREATE FUNCTION nemid_settle_answer(
  p_challenge TEXT, p_now BIGINT, p_expect JSONB, p_kind TEXT, p_subject TEXT,
  p_max INTEGER, p_lock_ms BIGINT, p_locks_before_block INTEGER,
  p_use TEXT, p_serial TEXT, p_key_number INTEGER,
  p_expected BIGINT, p_new BIGINT, p_drift BIGINT, p_pending BIGINT, p_used_at BIGINT,
  p_audit BOOLEAN, p_at BIGINT, p_user TEXT, p_ip TEXT, p_provider TEXT, p_site TEXT,
  p_factor TEXT, p_action TEXT, p_outcome TEXT)
RETURNS TABLE (o_outcome TEXT, o_failures INTEGER, o_locked_until BIGINT, o_locks INTEGER,
  o_blocked BOOLEAN, o_used_keys INTEGER, o_token_version TEXT)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_expires BIGINT;
  v_failures INTEGER;
  v_locked_until BIGINT;
  v_locks INTEGER;
  v_blocked BOOLEAN;
  v_took BOOLEAN := FALSE;
  v_row_locked BOOLEAN := FALSE;
  v_used INTEGER := 0;
  v_token_version TEXT;
BEGIN
  -- p_expect: the versions of the rows the caller judged from its cache ({"u": {"id", "v"}, "k":
  -- {"serial", "v"} | "t": {"serial", "v"}, "p": {"id", "v"}}; "v" is the row's xmin, which every
  -- update of the row changes). If any row was updated since, or the challenge is gone, nothing is
  -- written: 'stale' tells the caller to read fresh rows and judge again.
  IF p_expect IS NOT NULL AND (
    NOT EXISTS (SELECT 1 FROM challenges WHERE id = p_challenge)
    OR (p_expect ? 'u' AND NOT EXISTS (SELECT 1 FROM users u
      WHERE u.id = p_expect->'u'->>'id' AND u.xmin::text = p_expect->'u'->>'v'))
    OR (p_expect ? 'k' AND NOT EXISTS (SELECT 1 FROM cards k
      WHERE k.serial = p_expect->'k'->>'serial' AND k.xmin::text = p_expect->'k'->>'v'))
    OR (p_expect ? 't' AND NOT EXISTS (SELECT 1 FROM tokens t
      WHERE t.serial = p_expect->'t'->>'serial' AND t.xmin::text = p_expect->'t'->>'v'))
    OR (p_expect ? 'p' AND NOT EXISTS (SELECT 1 FROM providers p
      WHERE p.id = p_expect->'p'->>'id' AND p.xmin::text = p_expect->'p'->>'v'))
  ) THEN
    RETURN QUERY SELECT 'stale'::TEXT, 0, NULL::BIGINT, 0, FALSE, 0, NULL::TEXT;
    RETURN;
  END IF;
  -- Single use: only the caller whose delete removes the challenge settles anything.
  DELETE FROM challenges WHERE id = p_challenge RETURNING expires_at INTO v_expires;
  IF NOT FOUND OR p_now >= v_expires THEN
    RETURN QUERY SELECT 'gone'::TEXT, 0, NULL::BIGINT, 0, FALSE, 0, NULL::TEXT;
    RETURN;
  END IF;
  -- The common case, a right answer on a clean counter, needs no lockout write: a failure counted
  -- concurrently is simply ordered after this answer. Anything else locks the counter row first,
  -- so every settlement and recordFailure on this card or token queues there.
  SELECT failures, locked_until, locks, blocked INTO v_failures, v_locked_until, v_locks, v_blocked
    FROM lockouts WHERE kind = p_kind AND subject_id = p_subject;
  IF p_use IS NULL OR (FOUND AND (v_failures <> 0 OR v_locked_until IS NOT NULL OR v_locks <> 0 OR v_blocked))
  THEN
    INSERT INTO lockouts (kind, subject_id, failures, locked_until, locks, blocked)
      VALUES (p_kind, p_subject, 0, NULL, 0, FALSE) ON CONFLICT DO NOTHING;
    SELECT failures, locked_until, locks, blocked INTO v_failures, v_locked_until, v_locks, v_blocked
      FROM lockouts WHERE kind = p_kind AND subject_id = p_subject FOR UPDATE;
    v_row_locked := TRUE;
  ELSIF NOT FOUND THEN
    v_failures := 0;
    v_locked_until := NULL;
    v_locks := 0;
    v_blocked := FALSE;
  END IF;
  IF v_blocked THEN
    RETURN QUERY SELECT 'blocked'::TEXT, v_failures, v_locked_until, v_locks, v_blocked, 0, NULL::TEXT;
    RETURN;
  END IF;
  IF v_locked_until IS NOT NULL AND p_now < v_locked_until THEN
    RETURN QUERY SELECT 'locked'::TEXT, v_failures, v_locked_until, v_locks, v_blocked, 0, NULL::TEXT;
    RETURN;
  END IF;
  IF p_use = 'card-key' THEN
    INSERT INTO card_used_keys (card_serial, key_number) VALUES (p_serial, p_key_number)
      ON CONFLICT DO NOTHING;
    v_took := FOUND;
  ELSIF p_use = 'token-counter' AND p_new > p_expected THEN
    -- Compare-and-set: a racer that waited for the row lock re-checks last_counter.
    UPDATE tokens SET last_counter = p_new, drift_steps = p_drift, pending_drift_steps = p_pending,
      last_used_at = p_used_at, resync_counter = NULL
      WHERE serial = p_serial AND last_counter = p_expected
      RETURNING xmin::text INTO v_token_version;
    v_took := FOUND;
  END IF;
  IF v_took THEN
    IF v_failures <> 0 OR v_locked_until IS NOT NULL OR v_locks <> 0 THEN
      UPDATE lockouts SET failures = 0, locked_until = NULL, locks = 0
        WHERE kind = p_kind AND subject_id = p_subject;
    END IF;
    IF p_audit THEN
      INSERT INTO audit_log (at, user_id, ip, provider_id, site, factor, action, outcome)
        VALUES (p_at, p_user, p_ip, p_provider, p_site, p_factor, p_action, p_outcome);
    END IF;
    IF p_use = 'card-key' THEN
      SELECT count(*)::INTEGER INTO v_used FROM card_used_keys WHERE card_serial = p_serial;
    END IF;
    RETURN QUERY SELECT 'accepted'::TEXT, 0, NULL::BIGINT, 0, FALSE, v_used, v_token_version;
    RETURN;
  END IF;
  -- A wrong answer, or a right one whose key or counter was used meanwhile: one failure, by the
  -- rule of recordFailure (lock after p_max, block after p_locks_before_block locks), counted
  -- under the counter row's lock (taken now if the clean-case read above went without it).
  IF NOT v_row_locked THEN
    INSERT INTO lockouts (kind, subject_id, failures, locked_until, locks, blocked)
      VALUES (p_kind, p_subject, 0, NULL, 0, FALSE) ON CONFLICT DO NOTHING;
    SELECT failures, locked_until, locks, blocked INTO v_failures, v_locked_until, v_locks, v_blocked
      FROM lockouts WHERE kind = p_kind AND subject_id = p_subject FOR UPDATE;
    IF v_blocked THEN
      RETURN QUERY SELECT 'blocked'::TEXT, v_failures, v_locked_until, v_locks, v_blocked, 0, NULL::TEXT;
      RETURN;
    END IF;
    IF v_locked_until IS NOT NULL AND p_now < v_locked_until THEN
      RETURN QUERY SELECT 'locked'::TEXT, v_failures, v_locked_until, v_locks, v_blocked, 0, NULL::TEXT;
      RETURN;
    END IF;
  END IF;
  IF v_failures + 1 < p_max THEN
    v_failures := v_failures + 1;
    v_locked_until := NULL;
  ELSIF v_locks < p_locks_before_block THEN
    v_failures := 0;
    v_locked_until := p_now + p_lock_ms;
    v_locks := v_locks + 1;
  ELSE
    v_failures := 0;
    v_locked_until := NULL;
    v_blocked := TRUE;
  END IF;
  UPDATE lockouts SET failures = v_failures, locked_until = v_locked_until, locks = v_locks,
    blocked = v_blocked
    WHERE kind = p_kind AND subject_id = p_subject;
  RETURN QUERY SELECT CASE WHEN p_use IS NULL THEN 'counted' ELSE 'replayed' END,
    v_failures, v_locked_until, v_locks, v_blocked, 0, NULL::TEXT;
END
$fn$;

CREATE FUNCTION nemid_settle_answers(p_batch JSONB)
RETURNS TABLE (o_index INTEGER, o_outcome TEXT, o_failures INTEGER, o_locked_until BIGINT, o_locks INTEGER,
  o_blocked BOOLEAN, o_used_keys INTEGER, o_token_version TEXT)
LANGUAGE plpgsql AS $fn$
DECLARE
  e JSONB;
  i INTEGER := 0;
  r RECORD;
BEGIN
  FOR e IN SELECT value FROM jsonb_array_elements(p_batch) LOOP
    FOR r IN SELECT * FROM nemid_settle_answer(e->>0, (e->>1)::BIGINT, (e->>2)::JSONB, e->>3, e->>4,
        (e->>5)::INTEGER, (e->>6)::BIGINT, (e->>7)::INTEGER, e->>8, e->>9, (e->>10)::INTEGER,
        (e->>11)::BIGINT, (e->>12)::BIGINT, (e->>13)::BIGINT, (e->>14)::BIGINT, (e->>15)::BIGINT,
        (e->>16)::BOOLEAN, (e->>17)::BIGINT, e->>18, e->>19, e->>20, e->>21, e->>22, e->>23, e->>24)
    LOOP
      o_index := i;
      o_outcome := r.o_outcome;
      o_failures := r.o_failures;
      o_locked_until := r.o_locked_until;
      o_locks := r.o_locks;
      o_blocked := r.o_blocked;
      o_used_keys := r.o_used_keys;
      o_token_version := r.o_token_version;
      RETURN NEXT;
    END LOOP;
    i := i + 1;
  END LOOP;
END
$fn$;
`,
  },
];
