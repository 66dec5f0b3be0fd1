import type pg from 'pg';
import { applyFailure } from './memory-store.js';
import { migratePostgres } from './sql/postgres-migrate.js';
import { createPostgresPool, type PostgresConnectOptions } from './sql/postgres-pool.js';
import { fromJsonBytes, type JsonBytes, RowCache, toJsonBytes } from './sql/postgres-row-cache.js';
import { POSTGRES_MIGRATIONS } from './sql/postgres-schema.js';
import { SettleBatcher } from './sql/postgres-settle-batch.js';
import { PG, type PgStatement } from './sql/postgres-statements.js';
import {
  type AuditRow,
  blob,
  type CardRow,
  type ChallengeRow,
  type LockoutRow,
  NO_LOCKOUT,
  type PasswordRow,
  type ProviderRow,
  patchColumns,
  type TokenRow,
  toAudit,
  toCard,
  toChallenge,
  toLockout,
  toPassword,
  toProvider,
  toToken,
  toUser,
  USER_PATCH_COLUMNS,
  type UserRow,
} from './sql/rows.js';
import type {
  AddCardResult,
  AnswerJudge,
  AnswerResult,
  AnswerVerdict,
  AssignTokenResult,
  AuditEntry,
  AuditQuery,
  CardRecord,
  CardStatus,
  ChallengeRecord,
  ClosableStore,
  FailureResult,
  LockoutPolicy,
  LockoutState,
  LockoutSubject,
  NewCard,
  NewToken,
  PasswordRecord,
  ProviderRecord,
  SettleResult,
  TokenAdvance,
  TokenRecord,
  TokenState,
  UserIdKind,
  UserPatch,
  UserRecord,
} from './store.js';

type Queryable = pg.Pool | pg.PoolClient;
type Param = string | number | boolean | null | Buffer | readonly unknown[];

const isUniqueViolation = (err: unknown): boolean => (err as { code?: string }).code === '23505';
const PATCHABLE: readonly string[] = Object.values(USER_PATCH_COLUMNS);

/** Thrown inside a transaction to roll it back; never escapes the store. */
class Rollback extends Error {}

/**
 * The store for several backend instances sharing one PostgreSQL database.
 *
 * Atomicity: every check-and-update is one statement whose WHERE clause is the check (PostgreSQL
 * re-evaluates it on the newest row version after waiting for a concurrent writer's row lock, so
 * of two racers exactly one matches), an INSERT ... ON CONFLICT (the unique index decides), or a
 * short transaction that first locks the rows it is about to decide on (SELECT ... FOR UPDATE),
 * so its later reads see every earlier winner.
 */
export class PostgresStore implements ClosableStore {
  private closed = false;
  /** Advice for answerChallenge's one-round-trip path (see RowCache); keys 'u:', 'k:', 't:', 'p:', 'c:'. */
  private readonly recent = new RowCache();

  /** Settlements on their way share transactions (group commit; see SettleBatcher). */
  private readonly settler: SettleBatcher<Param[], SettleRow>;

  constructor(
    private readonly pool: pg.Pool,
    settleBatches = DEFAULT_SETTLE_BATCHES,
  ) {
    this.settler = new SettleBatcher(
      {
        many: (batch) => this.rows<SettleRow>(PG.settleAnswers, [JSON.stringify(batch)]),
        one: async (params) => {
          const [row] = await this.rows<SettleRow>(PG.settleAnswer, params);
          if (row === undefined) throw new Error('nemid_settle_answer returned no row');
          return row;
        },
        // An error the server sent (it has a SQLSTATE) rolled the batch back; anything else (a
        // lost connection) leaves it open whether the batch committed.
        retryAlone: (err) =>
          typeof (err as { code?: unknown }).code === 'string' &&
          /^[0-9A-Z]{5}$/.test((err as { code: string }).code),
      },
      settleBatches,
    );
  }

  /** One settlement, batched with the others on their way. */
  private settle(id: string, now: number, expect: string | null, v: AnswerVerdict): Promise<SettleRow> {
    // Serial, then key number, then challenge: two batches take shared rows in one order.
    const key = v.use?.kind === 'card-key' ? String(v.use.keyNumber).padStart(4, '0') : '';
    return this.settler.settle({
      params: settleParams(id, now, expect, v),
      lockKey: `${v.subject.id}\u0000${key}\u0000${id}`,
    });
  }

  private async rows<R>(
    statement: PgStatement,
    values: readonly Param[],
    on: Queryable = this.pool,
  ): Promise<R[]> {
    const result = await on.query({ name: statement.name, text: statement.text, values: [...values] });
    return result.rows as R[];
  }

  private async count(
    statement: PgStatement,
    values: readonly Param[],
    on: Queryable = this.pool,
  ): Promise<number> {
    const result = await on.query({ name: statement.name, text: statement.text, values: [...values] });
    return result.rowCount ?? 0;
  }

  /** Runs `fn` in a transaction on one connection; rolls back if it throws. */
  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        // A connection that cannot even roll back is dropped, not returned to the pool.
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  // ---- users ----

  async createUser(u: UserRecord): Promise<'ok' | 'duplicate'> {
    const n = await this.count(PG.insertUser, [
      u.id,
      u.nemIdNumber,
      u.cpr,
      u.alias,
      u.name,
      u.address,
      u.mobile,
      u.email,
      u.eligibility,
      u.status,
      u.siteLogOptIn,
      u.reorderThreshold,
      u.createdAt,
    ]);
    return n === 1 ? 'ok' : 'duplicate';
  }

  async getUser(userId: string): Promise<UserRecord | null> {
    const [row] = await this.rows<UserRow>(PG.getUser, [userId]);
    if (row) this.recent.set(`u:${userId}`, row);
    return row ? toUser(row) : null;
  }

  async findUserId(kind: UserIdKind, value: string): Promise<string | null> {
    const [row] = await this.rows<{ id: string }>(PG.findUser[kind], [value]);
    return row?.id ?? null;
  }

  async updateUser(userId: string, patch: UserPatch): Promise<boolean> {
    this.recent.delete(`u:${userId}`);
    const columns = patchColumns(patch);
    if (columns.length === 0) return (await this.count(PG.userExists, [userId])) === 1;
    const sets = columns.map(([c], i) => `${c} = $${i + 2}`).join(', ');
    // Named by which columns it sets (a bit per column), so the name stays short and unique.
    const mask = columns.reduce((m, [c]) => m | (1 << PATCHABLE.indexOf(c)), 0);
    const statement: PgStatement = {
      name: `nemid_update_user_${mask}`,
      text: `UPDATE users SET ${sets} WHERE id = $1`,
    };
    return (await this.count(statement, [userId, ...columns.map(([, v]) => v)])) === 1;
  }

  async setAlias(userId: string, alias: string | null): Promise<'ok' | 'taken' | 'no-user'> {
    this.recent.delete(`u:${userId}`);
    try {
      return (await this.count(PG.setAlias, [userId, alias])) === 1 ? 'ok' : 'no-user';
    } catch (err) {
      if (isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }

  // ---- passwords ----

  async setPassword(userId: string, p: PasswordRecord): Promise<boolean> {
    const [row] = await this.rows<{ n: number }>(PG.setPassword, [
      userId,
      p.hash,
      p.isPin,
      p.temporary,
      p.setAt,
    ]);
    return row?.n === 1;
  }

  async getPassword(userId: string): Promise<PasswordRecord | null> {
    const [row] = await this.rows<PasswordRow>(PG.getPassword, [userId]);
    return row ? toPassword(row) : null;
  }

  // ---- lockouts ----

  async getLockout(subject: LockoutSubject): Promise<LockoutState> {
    const [row] = await this.rows<LockoutRow>(PG.getLockout, [subject.kind, subject.id]);
    return toLockout(row);
  }

  async recordFailure(subject: LockoutSubject, now: number, policy: LockoutPolicy): Promise<FailureResult> {
    const first = applyFailure(NO_LOCKOUT, now, policy).state;
    for (;;) {
      const [counted] = await this.rows<LockoutRow>(PG.recordFailure, [
        subject.kind,
        subject.id,
        first.failures,
        first.lockedUntil,
        first.locks,
        first.blocked,
        policy.maxFailures,
        policy.lockMs,
        policy.locksBeforeBlock,
        now,
      ]);
      if (counted) return { outcome: 'counted', state: toLockout(counted) };
      // Refused without counting: report why. The decision above was atomic; this read only
      // describes it. If the block or lock was lifted in between, try again.
      const state = await this.getLockout(subject);
      if (state.blocked) return { outcome: 'blocked', state };
      if (state.lockedUntil !== null && now < state.lockedUntil) return { outcome: 'locked', state };
    }
  }

  async resetFailures(subject: LockoutSubject): Promise<void> {
    await this.count(PG.resetFailures, [subject.kind, subject.id]);
  }

  async clearLockout(subject: LockoutSubject): Promise<void> {
    await this.count(PG.clearLockout, [subject.kind, subject.id]);
  }

  // ---- key cards ----

  async addCard(card: NewCard, maxActiveCards: number): Promise<AddCardResult> {
    return this.transaction(async (c): Promise<AddCardResult> => {
      // The user's row lock serialises adds for one user, so the count below is current.
      if ((await this.count(PG.lockUser, [card.userId], c)) === 0) return { ok: false, reason: 'no-user' };
      if ((await this.count(PG.cardExists, [card.serial], c)) === 1) {
        return { ok: false, reason: 'duplicate-serial' };
      }
      const [{ active, last }] = await this.rows<{ active: number; last: number }>(
        PG.cardCounts,
        [card.userId],
        c,
      );
      if (active >= maxActiveCards) return { ok: false, reason: 'limit' };
      const [row] = await this.rows<CardRow>(
        PG.insertCard,
        [card.serial, card.userId, blob(card.secretCiphertext), last + 1, card.issuedAt],
        c,
      );
      // Another user's card with this serial was committed after our check.
      if (!row) return { ok: false, reason: 'duplicate-serial' };
      return { ok: true, card: toCard(row) };
    });
  }

  async getCard(serial: string): Promise<CardRecord | null> {
    const [row] = await this.rows<CardRow>(PG.getCard, [serial]);
    if (row) this.recent.set(`k:${serial}`, toJsonBytes(row));
    return row ? toCard(row) : null;
  }

  async listCards(userId: string): Promise<CardRecord[]> {
    const rows = await this.rows<CardRow>(PG.listCards, [userId]);
    for (const row of rows) this.recent.set(`k:${row.serial}`, toJsonBytes(row));
    return rows.map(toCard);
  }

  async setCardStatus(serial: string, status: CardStatus): Promise<boolean> {
    this.recent.delete(`k:${serial}`);
    return (await this.count(PG.setCardStatus, [serial, status])) === 1;
  }

  async useCardKey(serial: string, keyNumber: number): Promise<'ok' | 'already-used'> {
    // Insert-if-absent on the (card, key) primary key: exactly one caller inserts.
    return (await this.count(PG.useKey, [serial, keyNumber])) === 1 ? 'ok' : 'already-used';
  }

  async listUsedKeys(serial: string): Promise<number[]> {
    return (await this.rows<{ key_number: number }>(PG.usedKeys, [serial])).map((r) => r.key_number);
  }

  async markReorderSent(serial: string, now: number): Promise<boolean> {
    this.recent.delete(`k:${serial}`);
    return (await this.count(PG.markReorder, [serial, now])) === 1;
  }

  // ---- tokens ----

  async addTokens(tokens: readonly NewToken[]): Promise<'ok' | 'duplicate-serial'> {
    if (tokens.length === 0) return 'ok';
    try {
      return await this.transaction(async (c) => {
        const inserted = await this.count(
          PG.insertTokens,
          [
            tokens.map((t) => t.serial),
            tokens.map((t) => t.kind),
            tokens.map((t) => t.algorithm),
            tokens.map((t) => t.digits),
            tokens.map((t) => t.stepSeconds),
            tokens.map((t) => t.t0),
            tokens.map((t) => blob(t.secretCiphertext)),
          ],
          c,
        );
        // Fewer rows than tokens: a serial existed (or repeats in the batch). All or nothing.
        if (inserted !== tokens.length) throw new Rollback();
        return 'ok' as const;
      });
    } catch (err) {
      if (err instanceof Rollback) return 'duplicate-serial';
      throw err;
    }
  }

  async getToken(serial: string): Promise<TokenRecord | null> {
    const [row] = await this.rows<TokenRow>(PG.getToken, [serial]);
    if (row) this.recent.set(`t:${serial}`, toJsonBytes(row));
    return row ? toToken(row) : null;
  }

  async findUserToken(userId: string): Promise<TokenRecord | null> {
    const [row] = await this.rows<TokenRow>(PG.heldToken, [userId]);
    if (row) this.recent.set(`t:${row.serial}`, toJsonBytes(row));
    return row ? toToken(row) : null;
  }

  async assignToken(serial: string, userId: string): Promise<AssignTokenResult> {
    this.recent.delete(`t:${serial}`);
    try {
      return await this.transaction(async (c): Promise<AssignTokenResult> => {
        // Lock the token, then the user: racers for the token queue on the first lock, racers
        // for the user (two tokens at once) on the second, so each check below is current.
        const [token] = await this.rows<{ state: string }>(PG.lockToken, [serial], c);
        if (!token) return 'no-token';
        if ((await this.count(PG.lockUser, [userId], c)) === 0) return 'no-user';
        if (token.state !== 'stock') return 'not-in-stock';
        if ((await this.count(PG.heldToken, [userId], c)) > 0) return 'user-has-token';
        await this.count(PG.assignToken, [serial, userId], c);
        return 'ok';
      });
    } catch (err) {
      // The partial unique index (one held token per user) is the last word.
      if (isUniqueViolation(err)) return 'user-has-token';
      throw err;
    }
  }

  async setTokenState(serial: string, from: TokenState, to: TokenState, now: number): Promise<boolean> {
    this.recent.delete(`t:${serial}`);
    const activates = from === 'assigned' && to === 'active';
    try {
      return (await this.count(PG.setTokenState, [serial, from, to, activates, now])) === 1;
    } catch (err) {
      // The move would give the user a second held token (T-5): refuse like a failed compare.
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async advanceTokenCounter(
    serial: string,
    expectedLast: number,
    newValue: number,
    advance: TokenAdvance,
  ): Promise<boolean> {
    if (!(newValue > expectedLast)) return false;
    this.recent.delete(`t:${serial}`);
    const n = await this.count(PG.advance, [
      serial,
      expectedLast,
      newValue,
      advance.driftSteps,
      advance.pendingDriftSteps,
      advance.lastUsedAt,
    ]);
    return n === 1;
  }

  async setTokenResync(serial: string, counter: number | null): Promise<boolean> {
    this.recent.delete(`t:${serial}`);
    return (await this.count(PG.setResync, [serial, counter])) === 1;
  }

  // ---- challenges ----

  async createChallenge(ch: ChallengeRecord): Promise<'ok' | 'duplicate'> {
    const n = await this.count(PG.insertChallenge, [
      ch.id,
      ch.userId,
      ch.purpose,
      ch.factor,
      ch.cardSerial,
      ch.keyNumber,
      ch.tokenSerial,
      ch.batchDigest,
      ch.providerId,
      ch.ip,
      ch.data,
      ch.createdAt,
      ch.expiresAt,
    ]);
    if (n === 1) this.recent.set(`c:${ch.id}`, { ...ch });
    return n === 1 ? 'ok' : 'duplicate';
  }

  async getChallenge(id: string): Promise<ChallengeRecord | null> {
    const [row] = await this.rows<ChallengeRow>(PG.getChallenge, [id]);
    return row ? toChallenge(row) : null;
  }

  async consumeChallenge(id: string, now: number): Promise<ChallengeRecord | null> {
    // DELETE ... RETURNING: the one caller whose delete removed the row gets it.
    this.recent.delete(`c:${id}`);
    const [row] = await this.rows<ChallengeRow>(PG.consumeChallenge, [id]);
    return row && now < row.expires_at ? toChallenge(row) : null;
  }

  async answerChallenge(id: string, now: number, judge: AnswerJudge): Promise<AnswerResult> {
    // Usually one round trip: the challenge this instance made moments ago and the rows it read
    // for it are judged from the cache, and one function call checks them against the database,
    // consumes the challenge and settles the verdict in one transaction.
    const fast = await this.answerFromCache(id, now, judge);
    if (fast !== null) return fast;
    // Otherwise two: a read (no commit), the judge, then the same function without expectations.
    // The read is only advice too: what the settlement relies on is re-checked there under row
    // locks (the challenge still exists, the lock state, the key unused or the counter unchanged).
    this.recent.delete(`c:${id}`);
    const [row] = await this.rows<LoadRow>(PG.loadAnswer, [id]);
    if (!row) return { loaded: null, settled: null };
    const challenge = toChallenge(row.c);
    if (!(now < challenge.expiresAt)) {
      await this.count(PG.consumeChallenge, [id]);
      return { loaded: null, settled: null };
    }
    if (row.u) this.recent.set(`u:${row.u.id}`, row.u);
    if (row.k) this.recent.set(`k:${row.k.serial}`, row.k);
    if (row.t) this.recent.set(`t:${row.t.serial}`, row.t);
    if (row.p) this.recent.set(`p:${row.p.id}`, row.p);
    const loaded = {
      challenge,
      user: row.u ? toUser(row.u) : null,
      card: row.k ? toCard(fromJsonBytes(row.k)) : null,
      token: row.t ? toToken(fromJsonBytes(row.t)) : null,
      provider: row.p ? toProvider(row.p) : null,
    };
    const verdict = judge(loaded);
    if (verdict === null) {
      // Refused before any check of the answer: the challenge is spent all the same.
      await this.count(PG.consumeChallenge, [id]);
      return { loaded, settled: null };
    }
    const r = await this.settle(id, now, null, verdict);
    const settled = toSettle(r);
    this.afterSettle(verdict, settled, r.o_token_version);
    return { loaded, settled };
  }

  /** The one-round-trip path, or null when something is not cached, refused, or stale. */
  private async answerFromCache(id: string, now: number, judge: AnswerJudge): Promise<AnswerResult | null> {
    const c = this.recent.get<ChallengeRecord>(`c:${id}`);
    if (c === undefined || !(now < c.expiresAt)) return null;
    const u = this.recent.get<UserRow>(`u:${c.userId}`);
    const k = c.cardSerial === null ? null : this.recent.get<JsonBytes<CardRow>>(`k:${c.cardSerial}`);
    const t = c.tokenSerial === null ? null : this.recent.get<JsonBytes<TokenRow>>(`t:${c.tokenSerial}`);
    const p = c.providerId === null ? null : this.recent.get<ProviderRow>(`p:${c.providerId}`);
    if (u === undefined || k === undefined || t === undefined || p === undefined) return null;
    const loaded = {
      challenge: { ...c },
      user: toUser(u),
      card: k === null ? null : toCard(fromJsonBytes(k)),
      token: t === null ? null : toToken(fromJsonBytes(t)),
      provider: p === null ? null : toProvider(p),
    };
    // A refusal judged on cached rows is not trusted: the fresh path judges again.
    const verdict = judge(loaded);
    if (verdict === null) return null;
    const expect = expectations(u, k, t, p);
    if (expect === null) return null;
    const r = await this.settle(id, now, expect, verdict);
    if (r.o_outcome === 'stale') {
      for (const key of [`u:${c.userId}`, `k:${c.cardSerial}`, `t:${c.tokenSerial}`, `p:${c.providerId}`])
        this.recent.delete(key);
      return null;
    }
    this.recent.delete(`c:${id}`);
    const settled = toSettle(r);
    this.afterSettle(verdict, settled, r.o_token_version);
    return { loaded, settled };
  }

  /** Keeps a cached token row in step with the counter the settlement just advanced. */
  private afterSettle(v: AnswerVerdict, settled: SettleResult, version: string | null): void {
    const use = v.use;
    if (use?.kind !== 'token-counter') return;
    const key = `t:${use.serial}`;
    const t = this.recent.get<JsonBytes<TokenRow>>(key);
    if (t === undefined) return;
    if (settled.outcome !== 'accepted') {
      if (settled.outcome === 'replayed') this.recent.delete(key);
      return;
    }
    // The row as the settlement left it, with the version it gave it (absent: forget the row).
    if (typeof version !== 'string') {
      this.recent.delete(key);
      return;
    }
    this.recent.set(key, {
      ...t,
      last_counter: use.newValue,
      drift_steps: use.advance.driftSteps,
      pending_drift_steps: use.advance.pendingDriftSteps,
      last_used_at: use.advance.lastUsedAt,
      resync_counter: null,
      xmin: version,
    });
  }

  async purgeExpiredChallenges(now: number): Promise<number> {
    return this.count(PG.purgeChallenges, [now]);
  }

  // ---- providers ----

  async putProvider(p: ProviderRecord): Promise<void> {
    this.recent.delete(`p:${p.id}`);
    await this.count(PG.putProvider, [p.id, p.name, p.cprApproved, p.isBank]);
  }

  async getProvider(id: string): Promise<ProviderRecord | null> {
    const [row] = await this.rows<ProviderRow>(PG.getProvider, [id]);
    if (row) this.recent.set(`p:${id}`, row);
    return row ? toProvider(row) : null;
  }

  // ---- audit ----

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.count(PG.appendAudit, [
      e.at,
      e.userId,
      e.ip,
      e.providerId,
      e.site,
      e.factor,
      e.action,
      e.outcome,
    ]);
  }

  async listAudit(userId: string, query: AuditQuery = {}): Promise<AuditEntry[]> {
    const since = query.since ?? Number.MIN_SAFE_INTEGER;
    const rows =
      query.limit === undefined
        ? await this.rows<AuditRow>(PG.listAudit, [userId, since])
        : await this.rows<AuditRow>(PG.listAuditNewest, [
            userId,
            since,
            Math.max(0, Math.floor(query.limit)),
          ]);
    return rows.map(toAudit);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** loadAnswer's row: each table's row as JSON (null when the join found nothing). */
interface LoadRow {
  c: ChallengeRow;
  u: UserRow | null;
  k: JsonBytes<CardRow> | null;
  t: JsonBytes<TokenRow> | null;
  p: ProviderRow | null;
}

interface SettleRow {
  o_outcome: string;
  o_failures: number;
  o_locked_until: number | null;
  o_locks: number;
  o_blocked: boolean;
  o_used_keys: number;
  /** An accepted token answer: the token row's new version (xmin), for the cache. */
  o_token_version: string | null;
}

/** A cached row with its version (xmin::text as the store read it). */
type Versioned = { readonly xmin?: unknown };

/**
 * What the settlement checks before it writes anything: that every cached row the verdict was
 * judged on is still the version that was read ({"u": {"id", "v"}, ...}; see migration 4). Null
 * when a row's version is unknown (the answer then takes the fresh path).
 */
function expectations(
  u: UserRow & Versioned,
  k: (JsonBytes<CardRow> & Versioned) | null,
  t: (JsonBytes<TokenRow> & Versioned) | null,
  p: (ProviderRow & Versioned) | null,
): string | null {
  const rows: [string, string, string, unknown][] = [['u', 'id', u.id, u.xmin]];
  if (k !== null) rows.push(['k', 'serial', k.serial, k.xmin]);
  if (t !== null) rows.push(['t', 'serial', t.serial, t.xmin]);
  if (p !== null) rows.push(['p', 'id', p.id, p.xmin]);
  const out: Record<string, Record<string, string>> = {};
  for (const [name, keyColumn, key, version] of rows) {
    if (typeof version !== 'string') return null;
    out[name] = { [keyColumn]: key, v: version };
  }
  return JSON.stringify(out);
}

/** nemid_settle_answer's arguments, in its order (exported for the tests of the SQL function). */
export function settleParams(id: string, now: number, expect: string | null, v: AnswerVerdict): Param[] {
  const u = v.use;
  const key = u?.kind === 'card-key' ? u : null;
  const counter = u?.kind === 'token-counter' ? u : null;
  const a = v.audit;
  return [
    id,
    now,
    expect,
    v.subject.kind,
    v.subject.id,
    v.policy.maxFailures,
    v.policy.lockMs,
    v.policy.locksBeforeBlock,
    u?.kind ?? null,
    u?.serial ?? null,
    key?.keyNumber ?? null,
    counter?.expectedLast ?? null,
    counter?.newValue ?? null,
    counter?.advance.driftSteps ?? null,
    counter?.advance.pendingDriftSteps ?? null,
    counter?.advance.lastUsedAt ?? null,
    a !== null,
    a?.at ?? null,
    a?.userId ?? null,
    a?.ip ?? null,
    a?.providerId ?? null,
    a?.site ?? null,
    a?.factor ?? null,
    a?.action ?? null,
    a?.outcome ?? null,
  ];
}

function toSettle(r: SettleRow | undefined): SettleResult {
  if (r === undefined) throw new Error('nemid_settle_answer returned no row');
  const outcome = r.o_outcome;
  if (outcome === 'gone') return { outcome };
  // 'stale' is handled by answerFromCache and never comes back without expectations.
  if (outcome === 'accepted') return { outcome, usedKeys: r.o_used_keys };
  if (outcome === 'counted' || outcome === 'replayed' || outcome === 'locked' || outcome === 'blocked') {
    return {
      outcome,
      state: toLockout({
        failures: r.o_failures,
        locked_until: r.o_locked_until,
        locks: r.o_locks,
        blocked: r.o_blocked,
      }),
    };
  }
  throw new Error(`nemid_settle_answer returned an unknown outcome: ${outcome}`);
}

export interface PostgresStoreOptions extends PostgresConnectOptions {
  /**
   * Settlement batches on their way at once (default 4). Answers that arrive while these run are
   * settled together in the next batch: one transaction and one commit for all of them.
   */
  readonly settleBatches?: number;
}

const DEFAULT_SETTLE_BATCHES = 4;

/**
 * Connects to PostgreSQL (its own pool), creates the schema if asked for one, and brings the
 * tables up to date. Instances starting together migrate one at a time. Close the store to end
 * the pool.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const batches = options.settleBatches;
  if (batches !== undefined && !(Number.isInteger(batches) && batches >= 1))
    throw new RangeError(`settleBatches must be a whole number of at least 1, not ${batches}`);
  const pool = await createPostgresPool(options);
  try {
    await migratePostgres(pool, POSTGRES_MIGRATIONS);
    return new PostgresStore(pool, options.settleBatches);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}
