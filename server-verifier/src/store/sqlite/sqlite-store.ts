import type Database from 'better-sqlite3';
import type { ChallengeRecord, ProviderRecord, UserIdKind } from '../records.js';
import {
  AUDIT,
  CARDS,
  CHALLENGES,
  DECOYS,
  PASSWORDS,
  PROVIDERS,
  type Table,
  TOKENS,
  USERS,
} from '../sql/tables.js';
import { writeStatements } from '../sql/write-statements.js';
import type { AnswerRows, AuditQuery, Decision, RowKeys, Rows, Store, Writes } from '../store.js';
import { sqliteError } from './sqlite-errors.js';
import { TurnBatch } from './turn-batch.js';

type SqlRow = Record<string, unknown>;

const HELD = "state IN ('assigned', 'active', 'blocked')";

/**
 * The embedded store: one SQLite file, shared by any number of processes on one machine.
 * better-sqlite3 is synchronous, so a unit of work runs from load to write without yielding; the
 * units of one turn of the event loop share a transaction and its commit (`TurnBatch`). Every
 * write takes the file's write lock (BEGIN IMMEDIATE) before it reads, so no other process can
 * change a row between a unit's load and its write.
 */
export class SqliteStore implements Store {
  private readonly batch: TurnBatch;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.batch = new TurnBatch(db);
  }

  async getUser(id: string) {
    return this.one(USERS, 'SELECT * FROM users WHERE id = ?', id);
  }

  async findUserId(kind: UserIdKind, value: string) {
    const column = kind === 'nemid' ? 'nem_id_number' : kind === 'cpr' ? 'cpr' : 'alias';
    const row = this.read(`SELECT id FROM users WHERE ${column} = ?`, value)[0];
    return row === undefined ? null : String(row.id);
  }

  async getPassword(userId: string) {
    return this.one(PASSWORDS, 'SELECT * FROM passwords WHERE user_id = ?', userId);
  }

  async getCard(serial: string) {
    return this.one(CARDS, 'SELECT * FROM cards WHERE serial = ?', serial);
  }

  async listCards(userId: string) {
    return this.all(CARDS, 'SELECT * FROM cards WHERE user_id = ? ORDER BY sequence', userId);
  }

  async getToken(serial: string) {
    return this.one(TOKENS, 'SELECT * FROM tokens WHERE serial = ?', serial);
  }

  async findUserToken(userId: string) {
    return this.one(TOKENS, `SELECT * FROM tokens WHERE user_id = ? AND ${HELD}`, userId);
  }

  async listTokens() {
    return this.all(TOKENS, 'SELECT * FROM tokens ORDER BY serial');
  }

  async getChallenge(id: string) {
    return this.one(CHALLENGES, 'SELECT * FROM challenges WHERE id = ?', id);
  }

  async getProvider(id: string) {
    return this.one(PROVIDERS, 'SELECT * FROM providers WHERE id = ?', id);
  }

  async listAudit(userId: string, query: AuditQuery = {}) {
    const rows = this.all(
      AUDIT,
      `SELECT * FROM (SELECT * FROM audit WHERE user_id = ? AND at >= ? AND at < ?
         ORDER BY at DESC, seq DESC LIMIT ?) ORDER BY at, seq`,
      userId,
      query.since ?? Number.MIN_SAFE_INTEGER,
      query.until ?? Number.MAX_SAFE_INTEGER,
      query.limit ?? -1,
    );
    return rows;
  }

  async getSetting(name: string) {
    const row = this.read('SELECT value FROM settings WHERE name = ?', name)[0];
    return row === undefined ? null : String(row.value);
  }

  update<T>(keys: RowKeys, decide: (rows: Rows) => Decision<T>): Promise<T> {
    return this.batch.run(() => {
      if (keys.decoy !== undefined) {
        this.run('INSERT INTO decoys VALUES (?, 0, NULL, 0, 0) ON CONFLICT (id) DO NOTHING', keys.decoy);
      }
      const challenge =
        keys.challenge === undefined
          ? null
          : this.oneNow(CHALLENGES, 'DELETE FROM challenges WHERE id = ? RETURNING *', keys.challenge);
      const rows: Rows = {
        user: this.byKey(USERS, 'SELECT * FROM users WHERE id = ?', keys.user),
        password: this.byKey(PASSWORDS, 'SELECT * FROM passwords WHERE user_id = ?', keys.password),
        decoy: this.byKey(DECOYS, 'SELECT * FROM decoys WHERE id = ?', keys.decoy),
        card: this.byKey(CARDS, 'SELECT * FROM cards WHERE serial = ?', keys.card),
        cards:
          keys.cardsOf === undefined
            ? []
            : this.all(CARDS, 'SELECT * FROM cards WHERE user_id = ? ORDER BY sequence', keys.cardsOf),
        token: this.byKey(TOKENS, 'SELECT * FROM tokens WHERE serial = ?', keys.token),
        heldToken: this.byKey(TOKENS, `SELECT * FROM tokens WHERE user_id = ? AND ${HELD}`, keys.tokenOf),
        challenge,
      };
      return this.decideAndWrite(decide, rows);
    });
  }

  answer<T>(challengeId: string, decide: (rows: AnswerRows | null) => Decision<T>): Promise<T> {
    return this.batch.run(() => {
      const c = this.oneNow(CHALLENGES, 'DELETE FROM challenges WHERE id = ? RETURNING *', challengeId);
      return this.decideAndWrite(decide, c === null ? null : this.answerRows(c));
    });
  }

  write(writes: Writes): Promise<void> {
    return this.batch.run(() => this.applyWrites(writes));
  }

  putProvider(p: ProviderRecord): Promise<void> {
    return this.batch.run(() => {
      this.run(
        `${PROVIDERS.insertSql} ON CONFLICT (id) DO UPDATE SET name = excluded.name,
           cpr_approved = excluded.cpr_approved, is_bank = excluded.is_bank`,
        ...PROVIDERS.params(p),
      );
    });
  }

  initSetting(name: string, value: string): Promise<string> {
    return this.batch.run(() => {
      this.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', name, value);
      return String(this.read('SELECT value FROM settings WHERE name = ?', name)[0]?.value);
    });
  }

  purgeExpiredChallenges(now: number): Promise<number> {
    return this.batch.run(() => this.run('DELETE FROM challenges WHERE expires_at <= ?', now).changes);
  }

  async close(): Promise<void> {
    // Let the units already handed in commit first.
    await this.batch.run(() => undefined);
    this.db.close();
  }

  private answerRows(c: ChallengeRecord): AnswerRows {
    return {
      challenge: c,
      user: this.oneNow(USERS, 'SELECT * FROM users WHERE id = ?', c.userId),
      provider: this.byKey(PROVIDERS, 'SELECT * FROM providers WHERE id = ?', c.providerId ?? undefined),
      card: this.byKey(CARDS, 'SELECT * FROM cards WHERE serial = ?', c.cardSerial ?? undefined),
      token: this.byKey(TOKENS, 'SELECT * FROM tokens WHERE serial = ?', c.tokenSerial ?? undefined),
    };
  }

  private decideAndWrite<R, T>(decide: (rows: R) => Decision<T>, rows: R): T {
    const decision = decide(rows);
    if (decision.writes !== undefined) this.applyWrites(decision.writes);
    return decision.result;
  }

  private applyWrites(writes: Writes): void {
    for (const s of writeStatements(writes)) this.run(s.sql, ...s.params);
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  private read(sql: string, ...params: unknown[]): SqlRow[] {
    try {
      return this.statement(sql).all(...params) as SqlRow[];
    } catch (err) {
      throw sqliteError(err);
    }
  }

  private oneNow<R>(table: Table<R>, sql: string, ...params: unknown[]): R | null {
    const row = this.read(sql, ...params)[0];
    return row === undefined ? null : table.fromRow(row);
  }

  private byKey<R>(table: Table<R>, sql: string, key: string | undefined): R | null {
    return key === undefined ? null : this.oneNow(table, sql, key);
  }

  private async one<R>(table: Table<R>, sql: string, ...params: unknown[]): Promise<R | null> {
    return this.oneNow(table, sql, ...params);
  }

  private all<R>(table: Table<R>, sql: string, ...params: unknown[]): R[] {
    return this.read(sql, ...params).map((row) => table.fromRow(row));
  }
}
