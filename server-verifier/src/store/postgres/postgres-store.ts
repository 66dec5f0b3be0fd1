import type pg from 'pg';
import type { ProviderRecord, UserIdKind } from '../records.js';
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
import type { AnswerRows, AuditQuery, Decision, RowKeys, Rows, Store, Writes } from '../store.js';
import { AnswerBatches, DEFAULT_ANSWER_BATCH } from './answer-batches.js';
import { postgresError } from './postgres-errors.js';
import { setWrites } from './set-writes.js';
import { numbered, prepared, type SqlRow } from './sql.js';

const HELD = "state IN ('assigned', 'active', 'blocked')";

/**
 * The store for several instances on several machines. A unit of work is one transaction: BEGIN,
 * the rows locked and read (FOR UPDATE, always in the order challenges, users, passwords, decoys,
 * cards, tokens, so two units never wait for each other in a circle), the domain's decision, its
 * writes in as few statements as allowed, COMMIT. Answers are committed in groups (AnswerBatches).
 */
export class PostgresStore implements Store {
  private readonly batches: AnswerBatches;

  constructor(
    private readonly pool: pg.Pool,
    answerBatch = DEFAULT_ANSWER_BATCH,
  ) {
    this.batches = new AnswerBatches(pool, answerBatch);
  }

  async getUser(id: string) {
    return this.one(USERS, 'SELECT * FROM users WHERE id = $1', id);
  }

  async findUserId(kind: UserIdKind, value: string) {
    const column = kind === 'nemid' ? 'nem_id_number' : kind === 'cpr' ? 'cpr' : 'alias';
    const rows = await this.query(`SELECT id FROM users WHERE ${column} = $1`, [value]);
    return rows[0] === undefined ? null : String(rows[0].id);
  }

  async getPassword(userId: string) {
    return this.one(PASSWORDS, 'SELECT * FROM passwords WHERE user_id = $1', userId);
  }

  async getCard(serial: string) {
    return this.one(CARDS, 'SELECT * FROM cards WHERE serial = $1', serial);
  }

  async listCards(userId: string) {
    return this.all(CARDS, 'SELECT * FROM cards WHERE user_id = $1 ORDER BY sequence', userId);
  }

  async getToken(serial: string) {
    return this.one(TOKENS, 'SELECT * FROM tokens WHERE serial = $1', serial);
  }

  async findUserToken(userId: string) {
    return this.one(TOKENS, `SELECT * FROM tokens WHERE user_id = $1 AND ${HELD}`, userId);
  }

  async listTokens() {
    return this.all(TOKENS, 'SELECT * FROM tokens ORDER BY serial');
  }

  async getChallenge(id: string) {
    return this.one(CHALLENGES, 'SELECT * FROM challenges WHERE id = $1', id);
  }

  async getProvider(id: string) {
    return this.one(PROVIDERS, 'SELECT * FROM providers WHERE id = $1', id);
  }

  async listAudit(userId: string, query: AuditQuery = {}) {
    return this.all(
      AUDIT,
      `SELECT * FROM (SELECT * FROM audit WHERE user_id = $1 AND at >= $2 AND at < $3
         ORDER BY at DESC, seq DESC LIMIT $4) newest ORDER BY at, seq`,
      userId,
      query.since ?? Number.MIN_SAFE_INTEGER,
      query.until ?? Number.MAX_SAFE_INTEGER,
      query.limit ?? null,
    );
  }

  async getSetting(name: string) {
    const rows = await this.query('SELECT value FROM settings WHERE name = $1', [name]);
    return rows[0] === undefined ? null : String(rows[0].value);
  }

  update<T>(keys: RowKeys, decide: (rows: Rows) => Decision<T>): Promise<T> {
    return this.transaction(async (client) => {
      const lock = async <R>(table: Table<R>, where: string, key: string | undefined): Promise<R[]> => {
        if (key === undefined) return [];
        const { rows } = await prepared(client, `SELECT * FROM ${table.name} WHERE ${where} FOR UPDATE`, [
          key,
        ]);
        return rows.map((r) => table.fromRow(r));
      };
      // Consumed: locked first (as answers lock challenges first), deleted with the decision.
      const challenge = await lock(CHALLENGES, 'id = $1', keys.challenge);
      const user = await lock(USERS, 'id = $1', keys.user);
      const password = await lock(PASSWORDS, 'user_id = $1', keys.password);
      if (keys.decoy !== undefined) {
        const make = 'INSERT INTO decoys VALUES ($1, 0, NULL, 0, false) ON CONFLICT (id) DO NOTHING';
        await prepared(client, make, [keys.decoy]);
      }
      const decoy = await lock(DECOYS, 'id = $1', keys.decoy);
      const cards = await lock(CARDS, 'user_id = $1 ORDER BY sequence', keys.cardsOf);
      const card = await lock(CARDS, 'serial = $1', keys.card);
      const heldToken = await lock(TOKENS, `user_id = $1 AND ${HELD}`, keys.tokenOf);
      const token = await lock(TOKENS, 'serial = $1', keys.token);
      const decision = decide({
        user: user[0] ?? null,
        password: password[0] ?? null,
        decoy: decoy[0] ?? null,
        card: card[0] ?? null,
        cards,
        token: token[0] ?? null,
        heldToken: heldToken[0] ?? null,
        challenge: challenge[0] ?? null,
      });
      if (challenge[0] !== undefined)
        await prepared(client, 'DELETE FROM challenges WHERE id = $1', [challenge[0].id]);
      await runWrites(client, decision.writes);
      return decision.result;
    });
  }

  answer<T>(challengeId: string, decide: (rows: AnswerRows | null) => Decision<T>): Promise<T> {
    return this.batches.answer(challengeId, decide);
  }

  write(writes: Writes): Promise<void> {
    return this.transaction((client) => runWrites(client, writes));
  }

  async putProvider(p: ProviderRecord): Promise<void> {
    await this.query(
      `${numbered(PROVIDERS.insertSql)} ON CONFLICT (id) DO UPDATE SET name = excluded.name,
         cpr_approved = excluded.cpr_approved, is_bank = excluded.is_bank`,
      PROVIDERS.params(p),
    );
  }

  async initSetting(name: string, value: string): Promise<string> {
    const rows = await this.query(
      `WITH ins AS (INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING value)
       SELECT value FROM ins UNION ALL SELECT value FROM settings WHERE name = $1`,
      [name, value],
    );
    return String(rows[0]?.value);
  }

  async purgeExpiredChallenges(now: number): Promise<number> {
    try {
      const r = await prepared(this.pool, 'DELETE FROM challenges WHERE expires_at <= $1', [now]);
      return r.rowCount ?? 0;
    } catch (err) {
      throw postgresError(err);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw postgresError(err);
    }
    // A checked-out client's 'error' (the server ended the session between two queries) would
    // otherwise be uncaught and end the process; the failed query itself reports it.
    const ignore = () => undefined;
    client.on('error', ignore);
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e;
      });
      throw postgresError(err);
    } finally {
      client.off('error', ignore);
      // A connection that could not even roll back is not handed out again.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  private async query(sql: string, params: readonly unknown[]): Promise<SqlRow[]> {
    try {
      return (await prepared(this.pool, sql, params)).rows;
    } catch (err) {
      throw postgresError(err);
    }
  }

  private async one<R>(table: Table<R>, sql: string, ...params: unknown[]): Promise<R | null> {
    const rows = await this.query(sql, params);
    return rows[0] === undefined ? null : table.fromRow(rows[0]);
  }

  private async all<R>(table: Table<R>, sql: string, ...params: unknown[]): Promise<R[]> {
    return (await this.query(sql, params)).map((r) => table.fromRow(r));
  }
}

/** The writes of one unit of work, in as few statements as allowed (set-writes.ts). */
async function runWrites(client: pg.PoolClient, writes: Writes | undefined): Promise<void> {
  if (writes === undefined) return;
  for (const s of setWrites(writes)) await prepared(client, numbered(s.sql), s.params);
}
