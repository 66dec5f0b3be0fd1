import type Database from 'better-sqlite3';
import type { UserIdKind } from '../store.js';
import { HELD_TOKEN_STATES, USER_ID_COLUMNS } from './rows.js';
import { LOAD_ANSWER_SQL } from './sqlite-answer-load.js';

type Statement = Database.Statement;

const HELD = HELD_TOKEN_STATES.map((s) => `'${s}'`).join(', ');

/** Every statement of the SQLite store. */
export interface SqliteStatements {
  readonly insertUser: Statement;
  readonly getUser: Statement;
  readonly userExists: Statement;
  readonly findUser: Readonly<Record<UserIdKind, Statement>>;
  readonly setAlias: Statement;
  readonly upsertPassword: Statement;
  readonly getPassword: Statement;
  readonly getLockout: Statement;
  readonly recordFailure: Statement;
  readonly resetFailures: Statement;
  readonly putLockout: Statement;
  readonly clearLockout: Statement;
  readonly cardExists: Statement;
  readonly cardCounts: Statement;
  readonly insertCard: Statement;
  readonly getCard: Statement;
  readonly listCards: Statement;
  readonly setCardStatus: Statement;
  readonly useKey: Statement;
  readonly usedKeys: Statement;
  readonly countUsedKeys: Statement;
  readonly markReorder: Statement;
  readonly insertToken: Statement;
  readonly getToken: Statement;
  readonly heldToken: Statement;
  readonly assignToken: Statement;
  readonly setTokenState: Statement;
  /** Returns the columns it wrote (for the answer cache), or no row when the compare failed. */
  readonly advance: Statement;
  readonly setResync: Statement;
  readonly insertChallenge: Statement;
  readonly getChallenge: Statement;
  readonly consumeChallenge: Statement;
  readonly loadAnswer: Statement;
  readonly deleteChallenge: Statement;
  /** Changes when another connection commits (SqliteAnswerCache.validate). */
  readonly dataVersion: Statement;
  readonly purgeChallenges: Statement;
  readonly putProvider: Statement;
  readonly getProvider: Statement;
  readonly appendAudit: Statement;
  readonly listAudit: Statement;
  readonly listAuditNewest: Statement;
}

/** Prepares every statement once per connection. */
export function prepareSqliteStatements(db: Database.Database): SqliteStatements {
  const p = (sql: string): Statement => db.prepare(sql);
  return {
    insertUser: p(`INSERT INTO users (id, nemid_number, cpr, alias, name, address, mobile, email, eligibility,
        status, site_log_opt_in, reorder_threshold, created_at)
      VALUES (@id, @nemIdNumber, @cpr, @alias, @name, @address, @mobile, @email, @eligibility, @status,
        @siteLogOptIn, @reorderThreshold, @createdAt)
      ON CONFLICT DO NOTHING`),
    getUser: p('SELECT * FROM users WHERE id = ?'),
    userExists: p('SELECT 1 FROM users WHERE id = ?').pluck(),
    findUser: {
      nemid: p(`SELECT id FROM users WHERE ${USER_ID_COLUMNS.nemid} = ?`).pluck(),
      cpr: p(`SELECT id FROM users WHERE ${USER_ID_COLUMNS.cpr} = ?`).pluck(),
      alias: p(`SELECT id FROM users WHERE ${USER_ID_COLUMNS.alias} = ?`).pluck(),
    },
    setAlias: p('UPDATE users SET alias = ? WHERE id = ?'),
    upsertPassword: p(`INSERT INTO passwords (user_id, hash, is_pin, temporary, set_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, is_pin = excluded.is_pin,
        temporary = excluded.temporary, set_at = excluded.set_at`),
    getPassword: p('SELECT hash, is_pin, temporary, set_at FROM passwords WHERE user_id = ?'),
    getLockout: p(
      'SELECT failures, locked_until, locks, blocked FROM lockouts WHERE kind = ? AND subject_id = ?',
    ),
    /**
     * recordFailure as one statement (the PostgreSQL store has its twin): a new subject gets the
     * state after one failure (@f, @lu, @l, @b, from the shared rule); an existing one moves by the
     * same rule unless blocked or locked at @now. No row comes back when the try was refused.
     */
    recordFailure: p(`INSERT INTO lockouts (kind, subject_id, failures, locked_until, locks, blocked)
      VALUES (@kind, @id, @f, @lu, @l, @b)
      ON CONFLICT (kind, subject_id) DO UPDATE SET
        failures = CASE WHEN failures + 1 < @max THEN failures + 1 ELSE 0 END,
        locked_until = CASE
          WHEN failures + 1 < @max THEN NULL
          WHEN locks < @lbb THEN @now + @lockMs
          ELSE NULL END,
        locks = CASE WHEN failures + 1 >= @max AND locks < @lbb THEN locks + 1 ELSE locks END,
        blocked = (failures + 1 >= @max AND locks >= @lbb)
      WHERE blocked = 0 AND (locked_until IS NULL OR @now >= locked_until)
      RETURNING failures, locked_until, locks, blocked`),
    resetFailures: p(`UPDATE lockouts SET failures = 0, locked_until = NULL, locks = 0
      WHERE kind = ? AND subject_id = ? AND (failures <> 0 OR locked_until IS NOT NULL OR locks <> 0)`),
    // answerChallenge writes a state it computed under the write lock (read and write in one transaction).
    putLockout: p(`INSERT INTO lockouts (kind, subject_id, failures, locked_until, locks, blocked)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (kind, subject_id) DO UPDATE SET failures = excluded.failures,
        locked_until = excluded.locked_until, locks = excluded.locks, blocked = excluded.blocked`),
    clearLockout: p('DELETE FROM lockouts WHERE kind = ? AND subject_id = ?'),
    cardExists: p('SELECT 1 FROM cards WHERE serial = ?').pluck(),
    cardCounts: p(`SELECT COALESCE(SUM(status = 'active'), 0) AS active, COALESCE(MAX(sequence), 0) AS last
      FROM cards WHERE user_id = ?`),
    insertCard: p(`INSERT INTO cards (serial, user_id, secret, sequence, status, issued_at, reorder_sent_at)
      VALUES (?, ?, ?, ?, 'active', ?, NULL)`),
    getCard: p('SELECT * FROM cards WHERE serial = ?'),
    listCards: p('SELECT * FROM cards WHERE user_id = ? ORDER BY sequence'),
    setCardStatus: p('UPDATE cards SET status = ? WHERE serial = ?'),
    useKey: p('INSERT INTO card_used_keys (card_serial, key_number) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    usedKeys: p('SELECT key_number FROM card_used_keys WHERE card_serial = ? ORDER BY key_number').pluck(),
    countUsedKeys: p('SELECT count(*) FROM card_used_keys WHERE card_serial = ?').pluck(),
    markReorder: p('UPDATE cards SET reorder_sent_at = ? WHERE serial = ? AND reorder_sent_at IS NULL'),
    insertToken:
      p(`INSERT INTO tokens (serial, kind, algorithm, digits, step_seconds, t0, secret, user_id, state,
        last_counter, drift_steps, pending_drift_steps, resync_counter, last_used_at, activated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 'stock', -1, 0, NULL, NULL, NULL, NULL)
      ON CONFLICT DO NOTHING`),
    getToken: p('SELECT * FROM tokens WHERE serial = ?'),
    heldToken: p(`SELECT * FROM tokens WHERE user_id = ? AND state IN (${HELD})`),
    assignToken: p("UPDATE tokens SET user_id = ?, state = 'assigned' WHERE serial = ? AND state = 'stock'"),
    setTokenState: p(`UPDATE tokens SET state = @to,
        activated_at = CASE WHEN @activates THEN @now ELSE activated_at END
      WHERE serial = @serial AND state = @from`),
    // Compare-and-set: only the caller that still sees the expected counter (the last value) writes.
    // Bound by position (new value, drift steps, pending drift steps, last used at, serial, expected
    // counter), which saves building an object per verification.
    advance: p(`UPDATE tokens SET last_counter = ?, drift_steps = ?, pending_drift_steps = ?,
        last_used_at = ?, resync_counter = NULL
      WHERE serial = ? AND last_counter = ?
      RETURNING last_counter, drift_steps, pending_drift_steps, resync_counter, last_used_at`),
    setResync: p('UPDATE tokens SET resync_counter = ? WHERE serial = ?'),
    insertChallenge:
      p(`INSERT INTO challenges (id, user_id, purpose, factor, card_serial, key_number, token_serial,
        batch_digest, provider_id, ip, data, created_at, expires_at)
      VALUES (@id, @userId, @purpose, @factor, @cardSerial, @keyNumber, @tokenSerial, @batchDigest, @providerId,
        @ip, @data, @createdAt, @expiresAt)
      ON CONFLICT DO NOTHING`),
    getChallenge: p('SELECT * FROM challenges WHERE id = ?'),
    consumeChallenge: p('DELETE FROM challenges WHERE id = ? RETURNING *'),
    loadAnswer: p(LOAD_ANSWER_SQL).raw(),
    deleteChallenge: p('DELETE FROM challenges WHERE id = ?'),
    dataVersion: p('PRAGMA data_version').pluck(),
    purgeChallenges: p('DELETE FROM challenges WHERE expires_at <= ?'),
    putProvider: p(`INSERT INTO providers (id, name, cpr_approved, is_bank) VALUES (?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, cpr_approved = excluded.cpr_approved,
        is_bank = excluded.is_bank`),
    getProvider: p('SELECT * FROM providers WHERE id = ?'),
    appendAudit: p(`INSERT INTO audit_log (at, user_id, ip, provider_id, site, factor, action, outcome)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    listAudit: p(`SELECT at, user_id, ip, provider_id, site, factor, action, outcome FROM audit_log
      WHERE user_id = ? AND at >= ? ORDER BY at, seq`),
    listAuditNewest: p(`SELECT * FROM (
        SELECT seq, at, user_id, ip, provider_id, site, factor, action, outcome FROM audit_log
        WHERE user_id = ? AND at >= ? ORDER BY at DESC, seq DESC LIMIT ?
      ) ORDER BY at, seq`),
  };
}
