import type pg from 'pg';
import { loadDriver } from '../sql/drivers.js';
import type { PostgresConnectOptions } from './options.js';
import { redactConnectionString } from './redact.js';

interface PoolOptions extends PostgresConnectOptions {
  /** Create the schema when it is missing (default true). */
  readonly createSchema?: boolean;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/** BIGINT columns (times, counters) as JS numbers; the store never writes one above 2^53-1. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT value ${text} does not fit a JS number`);
  return n;
}

/** Our own parsers for this pool only, so an embedding application's pg settings stay as they are. */
function typesOf(driver: typeof pg): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID && format !== 'binary'
        ? parseInt8
        : driver.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
  };
}

/**
 * A pool whose every connection uses the given schema. The schema is validated (it is spliced into
 * SQL as an identifier) and created on first use. Connection errors are rethrown without the password.
 */
export async function createPostgresPool(options: PoolOptions): Promise<pg.Pool> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new RangeError('a PostgreSQL schema name must be lower-case letters, digits and _ (at most 63)');
  }
  const driver = loadDriver<typeof pg>('pg');
  const pool = new driver.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'nemid-sim verifier',
    connectionTimeoutMillis: 10_000,
    types: typesOf(driver),
    // Startup parameters, so they are in force before a connection's first query.
    ...sessionOptions(schema, options.durability ?? 'full'),
  });
  // An idle client's error (server restart, say) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    if (schema !== undefined && options.createSchema !== false) await createSchema(pool, schema);
    else await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw connectionError(err, options.connectionString);
  }
  return pool;
}

function sessionOptions(schema: string | undefined, durability: 'full' | 'relaxed'): { options?: string } {
  const settings: string[] = [];
  if (schema !== undefined) settings.push(`-c search_path=${schema}`);
  if (durability === 'relaxed') settings.push('-c synchronous_commit=off');
  return settings.length === 0 ? {} : { options: settings.join(' ') };
}

async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    // Two instances starting together can both pass IF NOT EXISTS; the loser sees a duplicate.
    const code = (err as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw err;
  }
}

function connectionError(err: unknown, url: string): Error {
  const reason = err instanceof Error ? err.message : String(err);
  const safe = reason.split(url).join(redactConnectionString(url));
  return new Error(`cannot use PostgreSQL at ${redactConnectionString(url)}: ${safe}`, { cause: err });
}
