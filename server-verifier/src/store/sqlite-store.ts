import type Database from 'better-sqlite3';
import { applyFailure } from './memory-store.js';
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
  type UserRow,
} from './sql/rows.js';
import { splitAnswerRow } from './sql/sqlite-answer-load.js';
import { migrateSqlite } from './sql/sqlite-migrate.js';
import { openSqliteDatabase, type SqliteOpenOptions } from './sql/sqlite-open.js';
import { SQLITE_MIGRATIONS } from './sql/sqlite-schema.js';
import { prepareSqliteStatements, type SqliteStatements } from './sql/sqlite-statements.js';
import type {
  AddCardResult,
  AnswerJudge,
  AnswerResult,
  AnswerUse,
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

const isUniqueViolation = (err: unknown): boolean =>
  (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' ||
  (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';

const sqlBool = (b: boolean): number => (b ? 1 : 0);

/** Operations sharing one transaction (grouped commit mode), and how to tell them it is over. */
interface CommitGroup {
  readonly committed: Promise<void>;
  settle(err?: unknown): void;
}

/** Stores of this process with an open group, so one can make the others commit first. */
const OPEN_GROUPS = new Set<SqliteStore>();

/** Thrown inside a transaction to roll it back; never escapes the store. */
class Rollback extends Error {}

/**
 * The embedded store: one SQLite file in WAL mode that several processes may open at once.
 *
 * Atomicity: better-sqlite3 runs each call synchronously, so within one process nothing interleaves
 * inside a method. Across processes, every check-and-update is either one statement (SQLite runs
 * each statement atomically under the file's write lock) or runs under a transaction begun with
 * BEGIN IMMEDIATE, which takes the write lock before the first read, so the values it checks cannot
 * change before it writes. Writers queue on busy_timeout instead of failing. See `op` for how
 * writes are grouped into one commit per event-loop turn.
 */
export class SqliteStore implements ClosableStore {
  private readonly s: SqliteStatements;
  private readonly patchStatements = new Map<string, Database.Statement>();

  /** The open group of writes (grouped mode): its transaction and the promise of its commit. */
  private group: CommitGroup | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly commitMode: 'grouped' | 'each' = 'grouped',
  ) {
    this.s = prepareSqliteStatements(db);
  }

  /**
   * Runs one store operation. Mode 'each': the operation is its own transaction (one statement,
   * or BEGIN IMMEDIATE for several), committed before the call returns.
   *
   * Mode 'grouped' (group commit): the first write in an event-loop turn opens one BEGIN IMMEDIATE
   * transaction and every operation until the end of the turn runs inside it (operations of several
   * statements in a savepoint of their own); the transaction commits on setImmediate, and no call
   * resolves before that commit, so nothing is reported that is not durable. One process runs its
   * operations one after another anyway, and the write lock is held from BEGIN to COMMIT, so every
   * check-and-update stays atomic towards other processes; what changes is that one commit (one WAL
   * sync) serves all the operations of a turn. Reads outside a group run on their own, without the
   * write lock.
   */
  private op<T>(write: boolean, fn: () => T): Promise<T> {
    if (this.commitMode === 'each') {
      if (write) for (const other of OPEN_GROUPS) other.commitGroup();
      return new Promise<T>((resolve) => resolve(fn()));
    }
    if (this.group !== null && !this.db.inTransaction) this.abandonGroup();
    if (write && this.group === null) this.openGroup();
    const group = this.group;
    if (group === null) return new Promise<T>((resolve) => resolve(fn()));
    let value: T;
    try {
      value = fn();
    } catch (err) {
      // The failed statement (or the operation's savepoint) was rolled back; the group goes on.
      return Promise.reject(err);
    }
    return group.committed.then(() => value);
  }

  private openGroup(): void {
    // Another store in this process holding the write lock (same file) would make BEGIN wait for a
    // commit that only this blocked event loop could run: commit every other open group first.
    for (const other of OPEN_GROUPS) if (other !== this) other.commitGroup();
    this.db.exec('BEGIN IMMEDIATE');
    let settle!: (err?: unknown) => void;
    const committed = new Promise<void>((resolve, reject) => {
      settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    // Callers who never await a failed commit must not crash the process.
    committed.catch(() => undefined);
    const group: CommitGroup = { committed, settle };
    this.group = group;
    OPEN_GROUPS.add(this);
    setImmediate(() => {
      if (this.group === group) this.commitGroup();
    });
  }

  /** Commits the open group now and tells its operations. */
  private commitGroup(): void {
    const group = this.group;
    if (group === null) return;
    this.group = null;
    OPEN_GROUPS.delete(this);
    try {
      this.db.exec('COMMIT');
      group.settle();
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      group.settle(err);
    }
  }

  /** SQLite rolled the whole transaction back (an I/O error, say): fail its operations. */
  private abandonGroup(): void {
    this.group?.settle(new Error('the SQLite transaction was rolled back'));
    this.group = null;
    OPEN_GROUPS.delete(this);
  }

  // ---- users ----

  async createUser(user: UserRecord): Promise<'ok' | 'duplicate'> {
    return this.op(true, () => {
      const r = this.s.insertUser.run({ ...user, siteLogOptIn: sqlBool(user.siteLogOptIn) });
      return r.changes === 1 ? 'ok' : 'duplicate';
    });
  }

  async getUser(userId: string): Promise<UserRecord | null> {
    return this.op(false, () => {
      const row = this.s.getUser.get(userId) as UserRow | undefined;
      return row ? toUser(row) : null;
    });
  }

  async findUserId(kind: UserIdKind, value: string): Promise<string | null> {
    return this.op(false, () => {
      return (this.s.findUser[kind].get(value) as string | undefined) ?? null;
    });
  }

  async updateUser(userId: string, patch: UserPatch): Promise<boolean> {
    return this.op(true, () => {
      const columns = patchColumns(patch);
      if (columns.length === 0) return this.s.userExists.get(userId) !== undefined;
      const key = columns.map(([c]) => c).join(',');
      let stmt = this.patchStatements.get(key);
      if (!stmt) {
        stmt = this.db.prepare(
          `UPDATE users SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`,
        );
        this.patchStatements.set(key, stmt);
      }
      const values = columns.map(([, v]) => (typeof v === 'boolean' ? sqlBool(v) : v));
      return stmt.run(...values, userId).changes === 1;
    });
  }

  async setAlias(userId: string, alias: string | null): Promise<'ok' | 'taken' | 'no-user'> {
    return this.op(true, () => {
      try {
        return this.s.setAlias.run(alias, userId).changes === 1 ? 'ok' : 'no-user';
      } catch (err) {
        if (isUniqueViolation(err)) return 'taken';
        throw err;
      }
    });
  }

  // ---- passwords ----

  async setPassword(userId: string, password: PasswordRecord): Promise<boolean> {
    return this.op(true, () => {
      return this.immediate(() => {
        if (this.s.userExists.get(userId) === undefined) return false;
        const { hash, isPin, temporary, setAt } = password;
        this.s.upsertPassword.run(userId, hash, sqlBool(isPin), sqlBool(temporary), setAt);
        this.s.clearLockout.run('password', userId);
        return true;
      });
    });
  }

  async getPassword(userId: string): Promise<PasswordRecord | null> {
    return this.op(false, () => {
      const row = this.s.getPassword.get(userId) as PasswordRow | undefined;
      return row ? toPassword(row) : null;
    });
  }

  // ---- lockouts ----

  async getLockout(subject: LockoutSubject): Promise<LockoutState> {
    return this.op(false, () => {
      return toLockout(this.s.getLockout.get(subject.kind, subject.id) as LockoutRow | undefined);
    });
  }

  async recordFailure(subject: LockoutSubject, now: number, policy: LockoutPolicy): Promise<FailureResult> {
    return this.op(true, () => {
      // One UPSERT decides and writes atomically (a statement runs under the file's write lock).
      const first = applyFailure(NO_LOCKOUT, now, policy).state;
      for (;;) {
        const counted = this.s.recordFailure.get({
          kind: subject.kind,
          id: subject.id,
          f: first.failures,
          lu: first.lockedUntil,
          l: first.locks,
          b: sqlBool(first.blocked),
          max: policy.maxFailures,
          lockMs: policy.lockMs,
          lbb: policy.locksBeforeBlock,
          now,
        }) as LockoutRow | undefined;
        if (counted) return { outcome: 'counted', state: toLockout(counted) };
        // Refused without counting: say why (if the lock or block was lifted meanwhile, try again).
        const state = toLockout(this.s.getLockout.get(subject.kind, subject.id) as LockoutRow | undefined);
        if (state.blocked) return { outcome: 'blocked', state };
        if (state.lockedUntil !== null && now < state.lockedUntil) return { outcome: 'locked', state };
      }
    });
  }

  async resetFailures(subject: LockoutSubject): Promise<void> {
    return this.op(true, () => {
      this.s.resetFailures.run(subject.kind, subject.id);
    });
  }

  async clearLockout(subject: LockoutSubject): Promise<void> {
    return this.op(true, () => {
      this.s.clearLockout.run(subject.kind, subject.id);
    });
  }

  // ---- key cards ----

  async addCard(card: NewCard, maxActiveCards: number): Promise<AddCardResult> {
    return this.op(true, () => {
      return this.immediate((): AddCardResult => {
        if (this.s.userExists.get(card.userId) === undefined) return { ok: false, reason: 'no-user' };
        if (this.s.cardExists.get(card.serial) !== undefined)
          return { ok: false, reason: 'duplicate-serial' };
        const { active, last } = this.s.cardCounts.get(card.userId) as { active: number; last: number };
        if (active >= maxActiveCards) return { ok: false, reason: 'limit' };
        this.s.insertCard.run(card.serial, card.userId, blob(card.secretCiphertext), last + 1, card.issuedAt);
        return { ok: true, card: toCard(this.s.getCard.get(card.serial) as CardRow) };
      });
    });
  }

  async getCard(serial: string): Promise<CardRecord | null> {
    return this.op(false, () => {
      const row = this.s.getCard.get(serial) as CardRow | undefined;
      return row ? toCard(row) : null;
    });
  }

  async listCards(userId: string): Promise<CardRecord[]> {
    return this.op(false, () => {
      return (this.s.listCards.all(userId) as CardRow[]).map(toCard);
    });
  }

  async setCardStatus(serial: string, status: CardStatus): Promise<boolean> {
    return this.op(true, () => {
      return this.s.setCardStatus.run(status, serial).changes === 1;
    });
  }

  async useCardKey(serial: string, keyNumber: number): Promise<'ok' | 'already-used'> {
    return this.op(true, () => {
      // The primary key (card, key) makes this one insert-if-absent: exactly one caller inserts.
      return this.s.useKey.run(serial, keyNumber).changes === 1 ? 'ok' : 'already-used';
    });
  }

  async listUsedKeys(serial: string): Promise<number[]> {
    return this.op(false, () => {
      return this.s.usedKeys.all(serial) as number[];
    });
  }

  async markReorderSent(serial: string, now: number): Promise<boolean> {
    return this.op(true, () => {
      return this.s.markReorder.run(now, serial).changes === 1;
    });
  }

  // ---- tokens ----

  async addTokens(tokens: readonly NewToken[]): Promise<'ok' | 'duplicate-serial'> {
    return this.op(true, () => {
      try {
        return this.immediate(() => {
          for (const t of tokens) {
            const r = this.s.insertToken.run(
              t.serial,
              t.kind,
              t.algorithm,
              t.digits,
              t.stepSeconds,
              t.t0,
              blob(t.secretCiphertext),
            );
            if (r.changes !== 1) throw new Rollback();
          }
          return 'ok' as const;
        });
      } catch (err) {
        if (err instanceof Rollback) return 'duplicate-serial';
        throw err;
      }
    });
  }

  async getToken(serial: string): Promise<TokenRecord | null> {
    return this.op(false, () => {
      const row = this.s.getToken.get(serial) as TokenRow | undefined;
      return row ? toToken(row) : null;
    });
  }

  async findUserToken(userId: string): Promise<TokenRecord | null> {
    return this.op(false, () => {
      const row = this.s.heldToken.get(userId) as TokenRow | undefined;
      return row ? toToken(row) : null;
    });
  }

  async assignToken(serial: string, userId: string): Promise<AssignTokenResult> {
    return this.op(true, () => {
      return this.immediate((): AssignTokenResult => {
        const token = this.s.getToken.get(serial) as TokenRow | undefined;
        if (!token) return 'no-token';
        if (this.s.userExists.get(userId) === undefined) return 'no-user';
        if (token.state !== 'stock') return 'not-in-stock';
        if (this.s.heldToken.get(userId) !== undefined) return 'user-has-token';
        this.s.assignToken.run(userId, serial);
        return 'ok';
      });
    });
  }

  async setTokenState(serial: string, from: TokenState, to: TokenState, now: number): Promise<boolean> {
    return this.op(true, () => {
      const activates = sqlBool(from === 'assigned' && to === 'active');
      try {
        return this.s.setTokenState.run({ serial, from, to, now, activates }).changes === 1;
      } catch (err) {
        // The move would give the user a second held token (T-5): refuse like a failed compare.
        if (isUniqueViolation(err)) return false;
        throw err;
      }
    });
  }

  async advanceTokenCounter(
    serial: string,
    expectedLast: number,
    newValue: number,
    advance: TokenAdvance,
  ): Promise<boolean> {
    return this.op(true, () => {
      if (!(newValue > expectedLast)) return false;
      // Compare-and-set in one statement: only the caller that still sees expectedLast writes.
      const r = this.s.advance.run({ serial, expectedLast, newValue, ...advance });
      return r.changes === 1;
    });
  }

  async setTokenResync(serial: string, counter: number | null): Promise<boolean> {
    return this.op(true, () => {
      return this.s.setResync.run(counter, serial).changes === 1;
    });
  }

  // ---- challenges ----

  async createChallenge(challenge: ChallengeRecord): Promise<'ok' | 'duplicate'> {
    return this.op(true, () => {
      return this.s.insertChallenge.run(challenge).changes === 1 ? 'ok' : 'duplicate';
    });
  }

  async getChallenge(id: string): Promise<ChallengeRecord | null> {
    return this.op(false, () => {
      const row = this.s.getChallenge.get(id) as ChallengeRow | undefined;
      return row ? toChallenge(row) : null;
    });
  }

  async consumeChallenge(id: string, now: number): Promise<ChallengeRecord | null> {
    return this.op(true, () => {
      // DELETE ... RETURNING: the one caller whose delete removed the row gets it.
      const row = this.s.consumeChallenge.get(id) as ChallengeRow | undefined;
      return row && now < row.expires_at ? toChallenge(row) : null;
    });
  }

  async answerChallenge(id: string, now: number, judge: AnswerJudge): Promise<AnswerResult> {
    // One transaction (a savepoint in a commit group) under the write lock: consumption, the reads
    // the judge needs, and the settlement cannot interleave with another process's writes.
    return this.op(true, () => {
      return this.immediate((): AnswerResult => {
        // One joined read, then the delete: under the write lock nothing can come in between.
        const values = this.s.loadAnswer.get(id) as unknown[] | undefined;
        if (values === undefined) return { loaded: null, settled: null };
        this.s.deleteChallenge.run(id);
        const rows = splitAnswerRow(values);
        if (!(now < rows.c.expires_at)) return { loaded: null, settled: null };
        const loaded = {
          challenge: toChallenge(rows.c),
          user: rows.u ? toUser(rows.u) : null,
          card: rows.k ? toCard(rows.k) : null,
          token: rows.t ? toToken(rows.t) : null,
          provider: rows.p ? toProvider(rows.p) : null,
        };
        const verdict = judge(loaded);
        return { loaded, settled: verdict === null ? null : this.settle(verdict, now) };
      });
    });
  }

  /** The settlement of `answerChallenge`; runs inside its transaction. */
  private settle(v: AnswerVerdict, now: number): SettleResult {
    const { kind, id } = v.subject;
    const state = toLockout(this.s.getLockout.get(kind, id) as LockoutRow | undefined);
    if (state.blocked) return { outcome: 'blocked', state };
    if (state.lockedUntil !== null && now < state.lockedUntil) return { outcome: 'locked', state };
    if (v.use !== null && this.makeUse(v.use)) {
      if (state.failures !== 0 || state.lockedUntil !== null || state.locks !== 0)
        this.s.resetFailures.run(kind, id);
      const e = v.audit;
      if (e !== null)
        this.s.appendAudit.run(e.at, e.userId, e.ip, e.providerId, e.site, e.factor, e.action, e.outcome);
      const usedKeys = v.use.kind === 'card-key' ? (this.s.countUsedKeys.get(v.use.serial) as number) : 0;
      return { outcome: 'accepted', usedKeys };
    }
    const next = applyFailure(state, now, v.policy).state;
    this.s.putLockout.run(kind, id, next.failures, next.lockedUntil, next.locks, sqlBool(next.blocked));
    return { outcome: v.use === null ? 'counted' : 'replayed', state: next };
  }

  private makeUse(use: AnswerUse): boolean {
    if (use.kind === 'card-key') return this.s.useKey.run(use.serial, use.keyNumber).changes === 1;
    if (!(use.newValue > use.expectedLast)) return false;
    const { serial, expectedLast, newValue, advance } = use;
    return this.s.advance.run({ serial, expectedLast, newValue, ...advance }).changes === 1;
  }

  async purgeExpiredChallenges(now: number): Promise<number> {
    return this.op(true, () => {
      return this.s.purgeChallenges.run(now).changes;
    });
  }

  // ---- providers ----

  async putProvider(provider: ProviderRecord): Promise<void> {
    return this.op(true, () => {
      this.s.putProvider.run(
        provider.id,
        provider.name,
        sqlBool(provider.cprApproved),
        sqlBool(provider.isBank),
      );
    });
  }

  async getProvider(id: string): Promise<ProviderRecord | null> {
    return this.op(false, () => {
      const row = this.s.getProvider.get(id) as ProviderRow | undefined;
      return row ? toProvider(row) : null;
    });
  }

  // ---- audit ----

  async appendAudit(e: AuditEntry): Promise<void> {
    return this.op(true, () => {
      this.s.appendAudit.run(e.at, e.userId, e.ip, e.providerId, e.site, e.factor, e.action, e.outcome);
    });
  }

  async listAudit(userId: string, query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.op(false, () => {
      const since = query.since ?? Number.MIN_SAFE_INTEGER;
      const rows =
        query.limit === undefined
          ? this.s.listAudit.all(userId, since)
          : this.s.listAuditNewest.all(userId, since, Math.max(0, Math.floor(query.limit)));
      return (rows as AuditRow[]).map(toAudit);
    });
  }

  async close(): Promise<void> {
    // Let an open group commit first.
    while (this.group !== null) await this.group.committed.catch(() => undefined);
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction (write lock first), committing unless it throws. */
  private immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}

export interface SqliteStoreOptions extends SqliteOpenOptions {
  /**
   * 'grouped' (default): the writes of one event-loop turn share one transaction and one commit
   * (see SqliteStore.op); far faster under concurrent load, same guarantees. 'each': every
   * operation commits on its own.
   */
  readonly commitMode?: 'grouped' | 'each';
}

/**
 * Opens (creating if needed) the verifier's SQLite file and brings its schema up to date. Several
 * processes may open the same file; they share it through WAL and SQLite's locks.
 */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteStore {
  const db = openSqliteDatabase(file, options);
  try {
    migrateSqlite(db, SQLITE_MIGRATIONS);
    return new SqliteStore(db, options.commitMode ?? 'grouped');
  } catch (err) {
    db.close();
    throw err;
  }
}
