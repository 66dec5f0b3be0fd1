import type pg from 'pg';
import type { ChallengeRecord, ProviderRecord, UserIdKind } from '../records.js';
import { SchemaMismatchError } from '../sql/migration.js';
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
import { type Statement, writeStatements } from '../sql/write-statements.js';
import type { AnswerRows, AuditQuery, Decision, RowKeys, Rows, Store, Writes } from '../store.js';
import { migratePostgres, postgresSchemaVersions } from './migrate.js';
import { createPostgresPool, type PostgresConnectOptions } from './pool.js';
import { postgresError } from './postgres-errors.js';
import { POSTGRES_MIGRATIONS } from './schema.js';

export interface PostgresStoreOptions extends PostgresConnectOptions {
  /**
   * Create the tables when the schema has none (default true). Tools that must not create a
   * database by mistake (a mistyped schema name) pass false, and get SchemaMismatchError instead.
   */
  readonly create?: boolean;
}

type SqlRow = Record<string, unknown>;

const HELD = "state IN ('assigned', 'active', 'blocked')";

/**
 * The challenge, consumed, with the rows it names, in one statement. The card or token is locked
 * (FOR UPDATE) until the transaction ends, so answers for one card or token are decided one after
 * another; the locking sub-selects return the row as it is once the lock is held.
 */
const ANSWER_LOAD = `WITH c AS (DELETE FROM challenges WHERE id = $1 RETURNING *)
SELECT row_to_json(c) AS challenge,
  (SELECT row_to_json(u) FROM users u WHERE u.id = c.user_id) AS "user",
  (SELECT row_to_json(p) FROM providers p WHERE p.id = c.provider_id) AS provider,
  (SELECT row_to_json(k) FROM cards k WHERE k.serial = c.card_serial FOR UPDATE) AS card,
  (SELECT row_to_json(t) FROM tokens t WHERE t.serial = c.token_serial FOR UPDATE) AS token
FROM c`;

/**
 * The store for several instances on several machines. A unit of work is one transaction: BEGIN,
 * the rows locked and read (FOR UPDATE, always in the order users, passwords, decoys, cards,
 * tokens, challenges, so two units never wait for each other in a circle), the domain's decision,
 * its writes as one statement, COMMIT. An answer costs four round trips.
 */
export class PostgresStore implements Store {
  constructor(private readonly pool: pg.Pool) {}

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
        const { rows } = await client.query(`SELECT * FROM ${table.name} WHERE ${where} FOR UPDATE`, [key]);
        return rows.map((r: SqlRow) => table.fromRow(r));
      };
      const user = await lock(USERS, 'id = $1', keys.user);
      const password = await lock(PASSWORDS, 'user_id = $1', keys.password);
      if (keys.decoy !== undefined) {
        await client.query('INSERT INTO decoys VALUES ($1, 0, NULL, 0, false) ON CONFLICT (id) DO NOTHING', [
          keys.decoy,
        ]);
      }
      const decoy = await lock(DECOYS, 'id = $1', keys.decoy);
      const cards = await lock(CARDS, 'user_id = $1 ORDER BY sequence', keys.cardsOf);
      const card = await lock(CARDS, 'serial = $1', keys.card);
      const heldToken = await lock(TOKENS, `user_id = $1 AND ${HELD}`, keys.tokenOf);
      const token = await lock(TOKENS, 'serial = $1', keys.token);
      let challenge: ChallengeRecord | null = null;
      if (keys.challenge !== undefined) {
        const { rows } = await client.query('DELETE FROM challenges WHERE id = $1 RETURNING *', [
          keys.challenge,
        ]);
        challenge = rows[0] === undefined ? null : CHALLENGES.fromRow(rows[0]);
      }
      const rows: Rows = {
        user: user[0] ?? null,
        password: password[0] ?? null,
        decoy: decoy[0] ?? null,
        card: card[0] ?? null,
        cards,
        token: token[0] ?? null,
        heldToken: heldToken[0] ?? null,
        challenge,
      };
      return decideAndWrite(client, decide, rows);
    });
  }

  answer<T>(challengeId: string, decide: (rows: AnswerRows | null) => Decision<T>): Promise<T> {
    return this.transaction(async (client) => {
      const { rows } = await client.query(ANSWER_LOAD, [challengeId]);
      const r = rows[0] as SqlRow | undefined;
      return decideAndWrite(client, decide, r === undefined ? null : answerRows(r));
    });
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
      const r = await this.pool.query('DELETE FROM challenges WHERE expires_at <= $1', [now]);
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
      return (await this.pool.query(sql, params as unknown[])).rows;
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

function answerRows(r: SqlRow): AnswerRows {
  const row = <R>(table: Table<R>, v: unknown): R | null => (v === null ? null : table.fromRow(v as SqlRow));
  return {
    challenge: CHALLENGES.fromRow(r.challenge as SqlRow),
    user: row(USERS, r.user),
    provider: row(PROVIDERS, r.provider),
    card: row(CARDS, r.card),
    token: row(TOKENS, r.token),
  };
}

async function decideAndWrite<R, T>(
  client: pg.PoolClient,
  decide: (rows: R) => Decision<T>,
  rows: R,
): Promise<T> {
  const decision = decide(rows);
  if (decision.writes !== undefined) await runWrites(client, decision.writes);
  return decision.result;
}

/**
 * The writes of a unit of work, as few statements as possible: each wave is one statement
 * (data-modifying WITH queries) with at most one write per table, since PostgreSQL runs the parts
 * of one statement in no set order and checks unique indexes row by row. Writes to one table
 * (a replaced token retired before its successor is assigned) keep their order across waves.
 */
async function runWrites(client: pg.PoolClient, writes: Writes): Promise<void> {
  const waves: Statement[][] = [];
  for (const s of writeStatements(writes)) {
    const next = lastWaveWith(waves, s.table) + 1;
    if (next < waves.length) waves[next].push(s);
    else waves.push([s]);
  }
  for (const wave of waves) {
    const joined = wave.length === 1 ? wave[0] : combine(wave);
    await client.query(numbered(joined.sql), joined.params as unknown[]);
  }
}

/** The index of the last wave holding a write to `table`, or -1. */
function lastWaveWith(waves: readonly Statement[][], table: string): number {
  for (let i = waves.length - 1; i >= 0; i--) if (waves[i].some((s) => s.table === table)) return i;
  return -1;
}

function combine(statements: readonly Statement[]): Statement {
  return {
    table: '',
    sql: `WITH ${statements.map((s, i) => `w${i} AS (${s.sql})`).join(', ')} SELECT 1`,
    params: statements.flatMap((s) => s.params),
  };
}

/** `?` placeholders as PostgreSQL's `$1, $2, ...` (our SQL has no `?` anywhere else). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Connects, checks the schema and brings it up to date. With `create: false` a schema without the
 * verifier's tables is refused (SchemaMismatchError) instead of filled.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = await createPostgresPool({ ...options, createSchema: options.create !== false });
  try {
    if (options.create === false && (await postgresSchemaVersions(pool)).length === 0) {
      throw new SchemaMismatchError(
        `${options.schema ?? 'the default schema'} holds no verifier tables (run \`nemid server init\` to make them)`,
      );
    }
    await migratePostgres(pool, POSTGRES_MIGRATIONS);
    return new PostgresStore(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}
