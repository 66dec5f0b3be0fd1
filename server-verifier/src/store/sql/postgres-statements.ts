/**
 * The PostgreSQL store's SQL. Each has a fixed name, so pg prepares it once per connection and
 * afterwards sends only the parameters. Names carry a prefix that no embedding application should use.
 */
import { HELD_TOKEN_STATES, USER_ID_COLUMNS } from './rows.js';

export interface PgStatement {
  readonly name: string;
  readonly text: string;
}

const HELD = HELD_TOKEN_STATES.map((s) => `'${s}'`).join(', ');
const st = (name: string, text: string): PgStatement => ({ name: `nemid_${name}`, text });

export const PG = {
  insertUser: st(
    'insert_user',
    `INSERT INTO users (id, nemid_number, cpr, alias, name, address, mobile, email, eligibility, status,
       site_log_opt_in, reorder_threshold, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT DO NOTHING`,
  ),
  getUser: st('get_user', 'SELECT *, xmin::text AS xmin FROM users WHERE id = $1'),
  lockUser: st('lock_user', 'SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE'),
  userExists: st('user_exists', 'SELECT 1 FROM users WHERE id = $1'),
  findUser: {
    nemid: st('find_user_nemid', `SELECT id FROM users WHERE ${USER_ID_COLUMNS.nemid} = $1`),
    cpr: st('find_user_cpr', `SELECT id FROM users WHERE ${USER_ID_COLUMNS.cpr} = $1`),
    alias: st('find_user_alias', `SELECT id FROM users WHERE ${USER_ID_COLUMNS.alias} = $1`),
  },
  setAlias: st('set_alias', 'UPDATE users SET alias = $2 WHERE id = $1'),
  // One statement: the password is written only for an existing user, and its lockout goes with it.
  setPassword: st(
    'set_password',
    `WITH u AS (SELECT id FROM users WHERE id = $1),
     p AS (
       INSERT INTO passwords (user_id, hash, is_pin, temporary, set_at) SELECT id, $2, $3, $4, $5 FROM u
       ON CONFLICT (user_id) DO UPDATE SET hash = EXCLUDED.hash, is_pin = EXCLUDED.is_pin,
         temporary = EXCLUDED.temporary, set_at = EXCLUDED.set_at
       RETURNING user_id
     ),
     d AS (DELETE FROM lockouts WHERE kind = 'password' AND subject_id IN (SELECT user_id FROM p))
     SELECT count(*)::int AS n FROM p`,
  ),
  getPassword: st('get_password', 'SELECT hash, is_pin, temporary, set_at FROM passwords WHERE user_id = $1'),
  getLockout: st(
    'get_lockout',
    'SELECT failures, locked_until, locks, blocked FROM lockouts WHERE kind = $1 AND subject_id = $2',
  ),
  /**
   * recordFailure as one statement. A new subject gets the state after one failure ($3..$6, computed
   * by the shared rule). An existing row is locked by ON CONFLICT and, unless blocked or locked at
   * $10 (now), moves by the same rule: $7 maxFailures, $8 lockMs, $9 locksBeforeBlock. No row comes
   * back when the attempt was refused without counting.
   */
  recordFailure: st(
    'record_failure',
    `INSERT INTO lockouts AS l (kind, subject_id, failures, locked_until, locks, blocked)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (kind, subject_id) DO UPDATE SET
       failures = CASE WHEN l.failures + 1 < $7::int THEN l.failures + 1 ELSE 0 END,
       locked_until = CASE
         WHEN l.failures + 1 < $7::int THEN NULL
         WHEN l.locks < $9::int THEN $10::bigint + $8::bigint
         ELSE NULL END,
       locks = CASE WHEN l.failures + 1 >= $7::int AND l.locks < $9::int THEN l.locks + 1 ELSE l.locks END,
       blocked = (l.failures + 1 >= $7::int AND l.locks >= $9::int)
     WHERE NOT l.blocked AND (l.locked_until IS NULL OR $10::bigint >= l.locked_until)
     RETURNING failures, locked_until, locks, blocked`,
  ),
  resetFailures: st(
    'reset_failures',
    `UPDATE lockouts SET failures = 0, locked_until = NULL, locks = 0
     WHERE kind = $1 AND subject_id = $2 AND (failures <> 0 OR locked_until IS NOT NULL OR locks <> 0)`,
  ),
  clearLockout: st('clear_lockout', 'DELETE FROM lockouts WHERE kind = $1 AND subject_id = $2'),
  cardExists: st('card_exists', 'SELECT 1 FROM cards WHERE serial = $1'),
  cardCounts: st(
    'card_counts',
    `SELECT count(*) FILTER (WHERE status = 'active')::int AS active, COALESCE(max(sequence), 0)::int AS last
     FROM cards WHERE user_id = $1`,
  ),
  insertCard: st(
    'insert_card',
    `INSERT INTO cards (serial, user_id, secret, sequence, status, issued_at, reorder_sent_at)
     VALUES ($1, $2, $3, $4, 'active', $5, NULL)
     ON CONFLICT (serial) DO NOTHING
     RETURNING *`,
  ),
  getCard: st('get_card', 'SELECT *, xmin::text AS xmin FROM cards WHERE serial = $1'),
  listCards: st('list_cards', 'SELECT *, xmin::text AS xmin FROM cards WHERE user_id = $1 ORDER BY sequence'),
  setCardStatus: st('set_card_status', 'UPDATE cards SET status = $2 WHERE serial = $1'),
  useKey: st(
    'use_key',
    'INSERT INTO card_used_keys (card_serial, key_number) VALUES ($1, $2) ON CONFLICT DO NOTHING',
  ),
  usedKeys: st(
    'used_keys',
    'SELECT key_number FROM card_used_keys WHERE card_serial = $1 ORDER BY key_number',
  ),
  markReorder: st(
    'mark_reorder',
    'UPDATE cards SET reorder_sent_at = $2 WHERE serial = $1 AND reorder_sent_at IS NULL',
  ),
  insertTokens: st(
    'insert_tokens',
    `INSERT INTO tokens (serial, kind, algorithm, digits, step_seconds, t0, secret, user_id, state,
       last_counter, drift_steps, pending_drift_steps, resync_counter, last_used_at, activated_at)
     SELECT serial, kind, algorithm, digits, step_seconds, t0, secret, NULL, 'stock', -1, 0, NULL, NULL, NULL, NULL
     FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::bigint[], $7::bytea[])
       AS t (serial, kind, algorithm, digits, step_seconds, t0, secret)
     ON CONFLICT DO NOTHING`,
  ),
  getToken: st('get_token', 'SELECT *, xmin::text AS xmin FROM tokens WHERE serial = $1'),
  lockToken: st('lock_token', 'SELECT state FROM tokens WHERE serial = $1 FOR UPDATE'),
  heldToken: st(
    'held_token',
    `SELECT *, xmin::text AS xmin FROM tokens WHERE user_id = $1 AND state IN (${HELD})`,
  ),
  assignToken: st(
    'assign_token',
    "UPDATE tokens SET user_id = $2, state = 'assigned' WHERE serial = $1 AND state = 'stock'",
  ),
  setTokenState: st(
    'set_token_state',
    `UPDATE tokens SET state = $3, activated_at = CASE WHEN $4::boolean THEN $5::bigint ELSE activated_at END
     WHERE serial = $1 AND state = $2`,
  ),
  // Compare-and-set: a racer that waited for the row lock re-checks last_counter and finds it moved.
  advance: st(
    'advance_counter',
    `UPDATE tokens SET last_counter = $3, drift_steps = $4, pending_drift_steps = $5, last_used_at = $6,
       resync_counter = NULL
     WHERE serial = $1 AND last_counter = $2`,
  ),
  setResync: st('set_resync', 'UPDATE tokens SET resync_counter = $2 WHERE serial = $1'),
  insertChallenge: st(
    'insert_challenge',
    `INSERT INTO challenges (id, user_id, purpose, factor, card_serial, key_number, token_serial, batch_digest,
       provider_id, ip, data, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT DO NOTHING`,
  ),
  getChallenge: st('get_challenge', 'SELECT * FROM challenges WHERE id = $1'),
  consumeChallenge: st('consume_challenge', 'DELETE FROM challenges WHERE id = $1 RETURNING *'),
  /**
   * The read half of answerChallenge: the challenge with its user, card or token and provider, in
   * one round trip. Rows come back as JSON objects with the tables' column names (bytea as '\\x' hex).
   */
  loadAnswer: st(
    'load_answer',
    `SELECT to_jsonb(c) AS c, to_jsonb(u) || jsonb_build_object('xmin', u.xmin::text) AS u,
       to_jsonb(k) || jsonb_build_object('xmin', k.xmin::text) AS k,
       to_jsonb(t) || jsonb_build_object('xmin', t.xmin::text) AS t,
       to_jsonb(p) || jsonb_build_object('xmin', p.xmin::text) AS p
     FROM challenges c
     LEFT JOIN users u ON u.id = c.user_id
     LEFT JOIN cards k ON k.serial = c.card_serial
     LEFT JOIN tokens t ON t.serial = c.token_serial
     LEFT JOIN providers p ON p.id = c.provider_id
     WHERE c.id = $1`,
  ),
  /** The settlement half: one call of the function of migrations 2 and 4 (one transaction). */
  settleAnswer: st(
    'settle_answer',
    `SELECT o_outcome, o_failures, o_locked_until, o_locks, o_blocked, o_used_keys, o_token_version
     FROM nemid_settle_answer($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
       $18, $19, $20, $21, $22, $23, $24, $25)`,
  ),
  /** Several settlements in one transaction: the function of migrations 3 and 4 (SettleBatcher). */
  settleAnswers: st(
    'settle_answers',
    `SELECT o_index, o_outcome, o_failures, o_locked_until, o_locks, o_blocked, o_used_keys, o_token_version
     FROM nemid_settle_answers($1::jsonb) ORDER BY o_index`,
  ),
  purgeChallenges: st('purge_challenges', 'DELETE FROM challenges WHERE expires_at <= $1'),
  putProvider: st(
    'put_provider',
    `INSERT INTO providers (id, name, cpr_approved, is_bank) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, cpr_approved = EXCLUDED.cpr_approved,
       is_bank = EXCLUDED.is_bank`,
  ),
  getProvider: st('get_provider', 'SELECT *, xmin::text AS xmin FROM providers WHERE id = $1'),
  appendAudit: st(
    'append_audit',
    `INSERT INTO audit_log (at, user_id, ip, provider_id, site, factor, action, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  ),
  listAudit: st(
    'list_audit',
    `SELECT at, user_id, ip, provider_id, site, factor, action, outcome FROM audit_log
     WHERE user_id = $1 AND at >= $2 ORDER BY at, seq`,
  ),
  listAuditNewest: st(
    'list_audit_newest',
    `SELECT * FROM (
       SELECT seq, at, user_id, ip, provider_id, site, factor, action, outcome FROM audit_log
       WHERE user_id = $1 AND at >= $2 ORDER BY at DESC, seq DESC LIMIT $3
     ) newest ORDER BY at, seq`,
  ),
} as const;
