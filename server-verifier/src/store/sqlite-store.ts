import { resolve } from 'node:path';
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
import { SqliteAnswerCache } from './sql/sqlite-answer-cache.js';
import { splitAnswerRow } from './sql/sqlite-answer-load.js';
import { WalCheckpointer } from './sql/sqlite-checkpointer.js';
import { migrateSqlite } from './sql/sqlite-migrate.js';
import { openSqliteDatabase, type SqliteOpenOptions } from './sql/sqlite-open.js';
import { SQLITE_MIGRATIONS } from './sql/sqlite-schema.js';
import { prepareSqliteStatements, type SqliteStatements } from './sql/sqlite-statements.js';
import { WalSync } from './sql/sqlite-wal-sync.js';
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
  LoadedChallenge,
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

const nullable = <R, T>(row: R | undefined, to: (r: R) => T): T | null =>
  row === undefined ? null : to(row);

/** Operations sharing one transaction (grouped commit mode), and how to tell them it is over. */
interface CommitGroup {
  readonly committed: Promise<void>;
  settle(err?: unknown): void;
  /** Write operations run in it so far. */
  ops: number;
}

/** What the `advance` statement gives back: the columns it wrote. */
interface TokenAdvanceRow {
  last_counter: number;
  drift_steps: number;
  pending_drift_steps: number | null;
  resync_counter: number | null;
  last_used_at: number | null;
}

/** Stores of this process with an open group, so one can make the others commit first. */
const OPEN_GROUPS = new Set<SqliteStore>();

/** Thrown inside a transaction to roll it back; never escapes the store. */
class Rollback extends Error {}

/**
 * What an operation does. A write that changes a row the answer cache may hold (a user, card,
 * token, provider or lockout) drops that row from the cache itself, by key, before it writes.
 */
type Access = 'read' | 'write';

/** How the store commits (see `SqliteStore.op`). */
export interface SqliteCommitOptions {
  readonly commitMode: 'grouped' | 'each';
  /**
   * Grouped mode with full durability: syncs the WAL off the event loop before a commit is
   * reported (the connection itself runs with synchronous=NORMAL). Null: commits are reported as
   * soon as SQLite has made them (durability as the connection's own synchronous setting gives).
   */
  readonly walSync: WalSync | null;
  /** Grouped mode: a group commits after this many write operations, even within one turn. */
  readonly maxGroupOps: number;
  /** Checkpoints on a worker thread (null: SQLite's automatic checkpoint in the committing call). */
  readonly checkpointer: WalCheckpointer | null;
}

const DEFAULT_COMMIT: SqliteCommitOptions = {
  commitMode: 'grouped',
  walSync: null,
  maxGroupOps: 32,
  checkpointer: null,
};

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
  private readonly commit: SqliteCommitOptions;
  private readonly inImmediate: (fn: () => unknown) => unknown;

  /** The open group of writes (grouped mode): its transaction and the promise of its commit. */
  private group: CommitGroup | null = null;
  /** Rows answerChallenge would read back (see SqliteAnswerCache for why it is exact). */
  private readonly cache = new SqliteAnswerCache();

  constructor(
    private readonly db: Database.Database,
    commit: Partial<SqliteCommitOptions> = {},
  ) {
    this.s = prepareSqliteStatements(db);
    this.commit = { ...DEFAULT_COMMIT, ...commit };
    this.inImmediate = db.transaction((fn: () => unknown) => fn()).immediate;
  }

  /**
   * Runs one store operation. Mode 'each': the operation is its own transaction (one statement,
   * or BEGIN IMMEDIATE for several), committed before the call returns.
   *
   * Mode 'grouped' (group commit): the first write opens one BEGIN IMMEDIATE transaction and the
   * operations after it join (operations of several statements in a savepoint of their own) until
   * the end of the event-loop turn or `maxGroupOps` writes; then it commits, and no call resolves
   * before its commit is durable, so nothing is reported that a power cut could take back. With
   * full durability the WAL is synced on the thread pool (WalSync) while the event loop runs the
   * next group, so the disk's flush latency overlaps with work instead of stalling it. One process
   * runs its operations one after another anyway, and the write lock is held from BEGIN to COMMIT,
   * so every check-and-update stays atomic towards other processes; what changes is that one
   * commit and one sync serve many operations. Reads outside a group run on their own, without the
   * write lock, and resolve once what they may have seen is durable.
   */
  private op<T>(access: Access, fn: () => T): Promise<T> {
    // The store's methods return this promise as it is (they are not async functions, which would
    // add a promise and three microtask turns per call), so nothing here may throw past it.
    try {
      return this.start(access, fn);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The body of `op`. */
  private start<T>(access: Access, fn: () => T): Promise<T> {
    const write = access === 'write';
    const broken = this.commit.walSync?.broken ?? null;
    if (broken !== null) return Promise.reject(broken);
    if (this.commit.commitMode === 'each') {
      if (write) for (const other of OPEN_GROUPS) other.commitGroup();
      return new Promise<T>((resolve) => resolve(fn()));
    }
    if (this.group !== null && !this.db.inTransaction) this.abandonGroup();
    if (write && this.group === null) this.openGroup();
    const group = this.group;
    if (group === null) {
      const unsynced = this.commit.walSync?.pending() ?? null;
      const value = new Promise<T>((resolve) => resolve(fn()));
      if (unsynced === null) return value;
      // Handled through the chain below; without this a failed read would count as unhandled
      // while the sync runs, and take the process down.
      value.catch(() => undefined);
      return unsynced.then(() => value);
    }
    let value: T;
    try {
      value = fn();
    } catch (err) {
      // The failed statement (or the operation's savepoint) was rolled back; the group goes on.
      return Promise.reject(err);
    } finally {
      if (write && ++group.ops >= this.commit.maxGroupOps && this.group === group) this.commitGroup();
    }
    return group.committed.then(() => value);
  }

  private openGroup(): void {
    // Another store in this process holding the write lock (same file) would make BEGIN wait for a
    // commit that only this blocked event loop could run: commit every other open group first.
    for (const other of OPEN_GROUPS) if (other !== this) other.commitGroup();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      // The write lock is held until COMMIT, so no other connection can commit in between: one
      // look at data_version serves every answer in the group.
      this.cache.validate(this.s.dataVersion.get() as number);
    } catch (err) {
      this.db.exec('ROLLBACK');
      this.cache.clearAll();
      throw err;
    }
    let settle!: (err?: unknown) => void;
    const committed = new Promise<void>((resolve, reject) => {
      settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    // Callers who never await a failed commit must not crash the process.
    committed.catch(() => undefined);
    const group: CommitGroup = { committed, settle, ops: 0 };
    this.group = group;
    OPEN_GROUPS.add(this);
    setImmediate(() => {
      if (this.group === group) this.commitGroup();
    });
  }

  /** Commits the open group now and tells its operations once it is durable. */
  private commitGroup(): void {
    const group = this.group;
    if (group === null) return;
    this.group = null;
    OPEN_GROUPS.delete(this);
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.cache.clearAll();
      group.settle(err);
      return;
    }
    this.commit.checkpointer?.committed();
    const walSync = this.commit.walSync;
    if (walSync === null) group.settle();
    else walSync.afterCommit().then(() => group.settle(), group.settle);
  }

  /**
   * Runs `fn` so that it takes effect whole or not at all. In an open commit group it runs without
   * a savepoint of its own (saving two statements per call), and if it throws, the whole group is
   * rolled back and every operation in it fails: none has been reported yet, so nothing reported
   * is lost, and no half of `fn` is ever committed. Otherwise it is its own BEGIN IMMEDIATE
   * transaction. For operations that never throw by design (a throw here means broken storage);
   * operations that roll back on purpose use `immediate`.
   */
  private atomically<T>(fn: () => T): T {
    const group = this.group;
    if (group === null) {
      try {
        return this.immediate(fn);
      } catch (err) {
        // Rolled back: what fn noted in the cache did not happen.
        this.cache.clearAll();
        throw err;
      }
    }
    try {
      return fn();
    } catch (err) {
      if (this.group === group) this.failGroup(err);
      throw err;
    }
  }

  /** Rolls the open group back and fails its operations with `err`. */
  private failGroup(err: unknown): void {
    const group = this.group;
    if (group === null) return;
    this.group = null;
    OPEN_GROUPS.delete(this);
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.cache.clearAll();
    group.settle(err);
  }

  /** SQLite rolled the whole transaction back (an I/O error, say): fail its operations. */
  private abandonGroup(): void {
    this.cache.clearAll();
    this.group?.settle(new Error('the SQLite transaction was rolled back'));
    this.group = null;
    OPEN_GROUPS.delete(this);
  }

  // ---- users ----

  createUser(user: UserRecord): Promise<'ok' | 'duplicate'> {
    return this.op('write', () => {
      this.cache.forgetUser(user.id);
      const r = this.s.insertUser.run({ ...user, siteLogOptIn: sqlBool(user.siteLogOptIn) });
      return r.changes === 1 ? 'ok' : 'duplicate';
    });
  }

  getUser(userId: string): Promise<UserRecord | null> {
    return this.op('read', () => {
      const row = this.s.getUser.get(userId) as UserRow | undefined;
      return row ? toUser(row) : null;
    });
  }

  findUserId(kind: UserIdKind, value: string): Promise<string | null> {
    return this.op('read', () => {
      return (this.s.findUser[kind].get(value) as string | undefined) ?? null;
    });
  }

  updateUser(userId: string, patch: UserPatch): Promise<boolean> {
    return this.op('write', () => {
      this.cache.forgetUser(userId);
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

  setAlias(userId: string, alias: string | null): Promise<'ok' | 'taken' | 'no-user'> {
    return this.op('write', () => {
      this.cache.forgetUser(userId);
      try {
        return this.s.setAlias.run(alias, userId).changes === 1 ? 'ok' : 'no-user';
      } catch (err) {
        if (isUniqueViolation(err)) return 'taken';
        throw err;
      }
    });
  }

  // ---- passwords ----

  setPassword(userId: string, password: PasswordRecord): Promise<boolean> {
    return this.op('write', () => {
      return this.immediate(() => {
        if (this.s.userExists.get(userId) === undefined) return false;
        const { hash, isPin, temporary, setAt } = password;
        this.s.upsertPassword.run(userId, hash, sqlBool(isPin), sqlBool(temporary), setAt);
        this.cache.forgetLockout({ kind: 'password', id: userId });
        this.s.clearLockout.run('password', userId);
        return true;
      });
    });
  }

  getPassword(userId: string): Promise<PasswordRecord | null> {
    return this.op('read', () => {
      const row = this.s.getPassword.get(userId) as PasswordRow | undefined;
      return row ? toPassword(row) : null;
    });
  }

  // ---- lockouts ----

  getLockout(subject: LockoutSubject): Promise<LockoutState> {
    return this.op('read', () => {
      return toLockout(this.s.getLockout.get(subject.kind, subject.id) as LockoutRow | undefined);
    });
  }

  recordFailure(subject: LockoutSubject, now: number, policy: LockoutPolicy): Promise<FailureResult> {
    return this.op('write', () => {
      this.cache.forgetLockout(subject);
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

  resetFailures(subject: LockoutSubject): Promise<void> {
    return this.op('write', () => {
      this.cache.forgetLockout(subject);
      this.s.resetFailures.run(subject.kind, subject.id);
    });
  }

  clearLockout(subject: LockoutSubject): Promise<void> {
    return this.op('write', () => {
      this.cache.forgetLockout(subject);
      this.s.clearLockout.run(subject.kind, subject.id);
    });
  }

  // ---- key cards ----

  addCard(card: NewCard, maxActiveCards: number): Promise<AddCardResult> {
    return this.op('write', () => {
      this.cache.forgetCard(card.serial);
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

  getCard(serial: string): Promise<CardRecord | null> {
    return this.op('read', () => {
      const row = this.s.getCard.get(serial) as CardRow | undefined;
      return row ? toCard(row) : null;
    });
  }

  listCards(userId: string): Promise<CardRecord[]> {
    return this.op('read', () => {
      return (this.s.listCards.all(userId) as CardRow[]).map(toCard);
    });
  }

  setCardStatus(serial: string, status: CardStatus): Promise<boolean> {
    return this.op('write', () => {
      this.cache.forgetCard(serial);
      return this.s.setCardStatus.run(status, serial).changes === 1;
    });
  }

  useCardKey(serial: string, keyNumber: number): Promise<'ok' | 'already-used'> {
    return this.op('write', () => {
      // The primary key (card, key) makes this one insert-if-absent: exactly one caller inserts.
      this.cache.forgetUsedKeys(serial);
      return this.s.useKey.run(serial, keyNumber).changes === 1 ? 'ok' : 'already-used';
    });
  }

  listUsedKeys(serial: string): Promise<number[]> {
    return this.op('read', () => {
      return this.s.usedKeys.all(serial) as number[];
    });
  }

  markReorderSent(serial: string, now: number): Promise<boolean> {
    return this.op('write', () => {
      this.cache.forgetCard(serial);
      return this.s.markReorder.run(now, serial).changes === 1;
    });
  }

  // ---- tokens ----

  addTokens(tokens: readonly NewToken[]): Promise<'ok' | 'duplicate-serial'> {
    return this.op('write', () => {
      try {
        return this.immediate(() => {
          for (const t of tokens) {
            this.cache.forgetToken(t.serial);
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

  getToken(serial: string): Promise<TokenRecord | null> {
    return this.op('read', () => {
      const row = this.s.getToken.get(serial) as TokenRow | undefined;
      return row ? toToken(row) : null;
    });
  }

  findUserToken(userId: string): Promise<TokenRecord | null> {
    return this.op('read', () => {
      const row = this.s.heldToken.get(userId) as TokenRow | undefined;
      return row ? toToken(row) : null;
    });
  }

  assignToken(serial: string, userId: string): Promise<AssignTokenResult> {
    return this.op('write', () => {
      this.cache.forgetToken(serial);
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

  setTokenState(serial: string, from: TokenState, to: TokenState, now: number): Promise<boolean> {
    return this.op('write', () => {
      this.cache.forgetToken(serial);
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

  advanceTokenCounter(
    serial: string,
    expectedLast: number,
    newValue: number,
    advance: TokenAdvance,
  ): Promise<boolean> {
    return this.op('write', () => {
      this.cache.forgetToken(serial);
      return this.advanceCounter(serial, expectedLast, newValue, advance) !== undefined;
    });
  }

  setTokenResync(serial: string, counter: number | null): Promise<boolean> {
    return this.op('write', () => {
      this.cache.forgetToken(serial);
      return this.s.setResync.run(counter, serial).changes === 1;
    });
  }

  // ---- challenges ----

  createChallenge(challenge: ChallengeRecord): Promise<'ok' | 'duplicate'> {
    return this.op('write', () => {
      if (this.s.insertChallenge.run(challenge).changes !== 1) return 'duplicate';
      this.cache.noteChallenge(challenge);
      return 'ok';
    });
  }

  getChallenge(id: string): Promise<ChallengeRecord | null> {
    return this.op('read', () => {
      const row = this.s.getChallenge.get(id) as ChallengeRow | undefined;
      return row ? toChallenge(row) : null;
    });
  }

  consumeChallenge(id: string, now: number): Promise<ChallengeRecord | null> {
    return this.op('write', () => {
      // DELETE ... RETURNING: the one caller whose delete removed the row gets it.
      this.cache.forgetChallenge(id);
      const row = this.s.consumeChallenge.get(id) as ChallengeRow | undefined;
      return row && now < row.expires_at ? toChallenge(row) : null;
    });
  }

  answerChallenge(id: string, now: number, judge: AnswerJudge): Promise<AnswerResult> {
    // One transaction (a savepoint in a commit group) under the write lock: consumption, the reads
    // the judge needs, and the settlement cannot interleave with another process's writes.
    return this.op('write', () => {
      return this.atomically((): AnswerResult => {
        // Under the write lock nothing can come between the reads, the delete and the settlement.
        // (An open group looked at data_version when it took the lock.)
        if (this.group === null) this.cache.validate(this.s.dataVersion.get() as number);
        const loaded = this.loadCached(id) ?? this.loadJoined(id);
        if (loaded === null || !(now < loaded.challenge.expiresAt)) return { loaded: null, settled: null };
        const verdict = judge(loaded);
        return { loaded, settled: verdict === null ? null : this.settle(verdict, now) };
      });
    });
  }

  /**
   * A challenge this connection made: its DELETE decides whether it still exists; the rows come
   * from the cache or a point read each. Undefined when not cached.
   */
  private loadCached(id: string): LoadedChallenge | null | undefined {
    const c = this.cache.takeChallenge(id);
    if (c === undefined) return undefined;
    if (this.s.deleteChallenge.run(id).changes !== 1) return null;
    const { cardSerial, tokenSerial, providerId } = c;
    const s = this.s;
    return {
      challenge: c,
      user: this.cache.user(c.userId, () => nullable(s.getUser.get(c.userId) as UserRow | undefined, toUser)),
      card:
        cardSerial === null
          ? null
          : this.cache.card(cardSerial, () =>
              nullable(s.getCard.get(cardSerial) as CardRow | undefined, toCard),
            ),
      token:
        tokenSerial === null
          ? null
          : this.cache.token(tokenSerial, () =>
              nullable(s.getToken.get(tokenSerial) as TokenRow | undefined, toToken),
            ),
      provider:
        providerId === null
          ? null
          : this.cache.provider(providerId, () =>
              nullable(s.getProvider.get(providerId) as ProviderRow | undefined, toProvider),
            ),
    };
  }

  /** Any other challenge: one joined read, then the delete. */
  private loadJoined(id: string): LoadedChallenge | null {
    const values = this.s.loadAnswer.get(id) as unknown[] | undefined;
    if (values === undefined) return null;
    this.s.deleteChallenge.run(id);
    const rows = splitAnswerRow(values);
    const loaded = {
      challenge: toChallenge(rows.c),
      user: rows.u ? toUser(rows.u) : null,
      card: rows.k ? toCard(rows.k) : null,
      token: rows.t ? toToken(rows.t) : null,
      provider: rows.p ? toProvider(rows.p) : null,
    };
    this.cache.remember(loaded.user, loaded.card, loaded.token, loaded.provider);
    return loaded;
  }

  /** The settlement of `answerChallenge`; runs inside its transaction. */
  private settle(v: AnswerVerdict, now: number): SettleResult {
    const { kind, id } = v.subject;
    const state = this.cache.lockout(v.subject, () =>
      toLockout(this.s.getLockout.get(kind, id) as LockoutRow | undefined),
    );
    if (state.blocked) return { outcome: 'blocked', state };
    if (state.lockedUntil !== null && now < state.lockedUntil) return { outcome: 'locked', state };
    if (v.use !== null && this.makeUse(v.use)) {
      if (state.failures !== 0 || state.lockedUntil !== null || state.locks !== 0) {
        this.cache.forgetLockout(v.subject);
        this.s.resetFailures.run(kind, id);
      }
      const e = v.audit;
      if (e !== null)
        this.s.appendAudit.run(e.at, e.userId, e.ip, e.providerId, e.site, e.factor, e.action, e.outcome);
      const card = v.use.kind === 'card-key' ? v.use.serial : null;
      const usedKeys =
        card === null ? 0 : this.cache.keyUsed(card, () => this.s.countUsedKeys.get(card) as number);
      return { outcome: 'accepted', usedKeys };
    }
    const next = applyFailure(state, now, v.policy).state;
    this.cache.forgetLockout(v.subject);
    this.s.putLockout.run(kind, id, next.failures, next.lockedUntil, next.locks, sqlBool(next.blocked));
    return { outcome: v.use === null ? 'counted' : 'replayed', state: next };
  }

  private makeUse(use: AnswerUse): boolean {
    if (use.kind === 'card-key') return this.s.useKey.run(use.serial, use.keyNumber).changes === 1;
    const { serial, expectedLast, newValue, advance } = use;
    // The columns the compare-and-set wrote go into the kept row (exact: this statement is the
    // write, and the kept row was checked under the same lock).
    const row = this.advanceCounter(serial, expectedLast, newValue, advance);
    if (row === undefined) {
      this.cache.forgetToken(serial);
      return false;
    }
    this.cache.tokenAdvanced(serial, {
      lastCounter: row.last_counter,
      driftSteps: row.drift_steps,
      pendingDriftSteps: row.pending_drift_steps,
      resyncCounter: row.resync_counter,
      lastUsedAt: row.last_used_at,
    });
    return true;
  }

  /**
   * Compare-and-set of a token's counter in one statement: only the caller that still sees
   * `expectedLast` writes, and only forwards. The columns written, or undefined when it did not.
   */
  private advanceCounter(
    serial: string,
    expectedLast: number,
    newValue: number,
    advance: TokenAdvance,
  ): TokenAdvanceRow | undefined {
    if (!(newValue > expectedLast)) return undefined;
    const { driftSteps, pendingDriftSteps, lastUsedAt } = advance;
    return this.s.advance.get(newValue, driftSteps, pendingDriftSteps, lastUsedAt, serial, expectedLast) as
      | TokenAdvanceRow
      | undefined;
  }

  purgeExpiredChallenges(now: number): Promise<number> {
    return this.op('write', () => {
      return this.s.purgeChallenges.run(now).changes;
    });
  }

  // ---- providers ----

  putProvider(provider: ProviderRecord): Promise<void> {
    return this.op('write', () => {
      this.cache.forgetProvider(provider.id);
      this.s.putProvider.run(
        provider.id,
        provider.name,
        sqlBool(provider.cprApproved),
        sqlBool(provider.isBank),
      );
    });
  }

  getProvider(id: string): Promise<ProviderRecord | null> {
    return this.op('read', () => {
      const row = this.s.getProvider.get(id) as ProviderRow | undefined;
      return row ? toProvider(row) : null;
    });
  }

  // ---- audit ----

  appendAudit(e: AuditEntry): Promise<void> {
    return this.op('write', () => {
      this.s.appendAudit.run(e.at, e.userId, e.ip, e.providerId, e.site, e.factor, e.action, e.outcome);
    });
  }

  listAudit(userId: string, query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.op('read', () => {
      const since = query.since ?? Number.MIN_SAFE_INTEGER;
      const rows =
        query.limit === undefined
          ? this.s.listAudit.all(userId, since)
          : this.s.listAuditNewest.all(userId, since, Math.max(0, Math.floor(query.limit)));
      return (rows as AuditRow[]).map(toAudit);
    });
  }

  async close(): Promise<void> {
    // Let an open group commit first, and its sync finish.
    while (this.group !== null) await this.group.committed.catch(() => undefined);
    await this.commit.walSync?.close();
    await this.commit.checkpointer?.close();
    if (this.db.open) this.db.close();
  }

  /**
   * Runs `fn` in a BEGIN IMMEDIATE transaction (write lock first), committing unless it throws; in
   * an open transaction, in a savepoint. The wrapper is made once: better-sqlite3 builds a new one
   * per `transaction()` call, which costs more than the statements of a verification.
   */
  private immediate<T>(fn: () => T): T {
    return this.inImmediate(fn) as T;
  }
}

export interface SqliteStoreOptions extends SqliteOpenOptions {
  /**
   * 'grouped' (default): the writes of one event-loop turn share one transaction and one commit
   * (see SqliteStore.op); far faster under concurrent load, same guarantees. 'each': every
   * operation commits on its own.
   */
  readonly commitMode?: 'grouped' | 'each';
  /** Grouped mode: write operations per commit at most (default 32). */
  readonly maxGroupOps?: number;
}

/** SQLite's default automatic checkpoint: when the WAL holds this many pages. */
const WAL_AUTOCHECKPOINT_PAGES = 1000;
/** Grouped mode: commits between background checkpoints (a group writes tens of pages). */
const CHECKPOINT_EVERY_COMMITS = 16;

/**
 * Opens (creating if needed) the verifier's SQLite file and brings its schema up to date. Several
 * processes may open the same file; they share it through WAL and SQLite's locks.
 */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteStore {
  const commitMode = options.commitMode ?? 'grouped';
  const full = options.durability !== 'normal';
  const onDisk = file !== '' && file !== ':memory:';
  // Grouped and full: SQLite appends commits without syncing, and WalSync syncs them off the
  // event loop before they are reported. Durability is the same as synchronous=FULL.
  const ownSync = commitMode === 'grouped' && full && onDisk;
  const db = openSqliteDatabase(file, ownSync ? { ...options, durability: 'normal' } : options);
  try {
    migrateSqlite(db, SQLITE_MIGRATIONS);
    const maxGroupOps = Math.max(1, Math.floor(options.maxGroupOps ?? DEFAULT_COMMIT.maxGroupOps));
    // Absolute, so a later change of the working directory cannot point these at another file.
    const path = onDisk ? resolve(file) : file;
    const walSync = ownSync ? new WalSync(`${path}-wal`) : null;
    let checkpointer: WalCheckpointer | null = null;
    if (commitMode === 'grouped' && onDisk && !options.readonly) {
      // Checkpoints move to a worker thread; SQLite's own (in COMMIT, on the event loop) stays as
      // a backstop at ten times its usual WAL size, and takes over again if the worker fails.
      db.pragma(`wal_autocheckpoint = ${10 * WAL_AUTOCHECKPOINT_PAGES}`);
      checkpointer = new WalCheckpointer(path, CHECKPOINT_EVERY_COMMITS, () => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      });
    }
    return new SqliteStore(db, { commitMode, walSync, maxGroupOps, checkpointer });
  } catch (err) {
    db.close();
    throw err;
  }
}
