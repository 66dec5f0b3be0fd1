import pg from 'pg';

export interface PostgresConnectOptions {
  /** postgres://user:password@host:port/database */
  readonly connectionString: string;
  /**
   * The schema that holds the verifier's tables (created if missing). Lets several verifiers, or
   * test runs, share one database. Default: the server's search_path (normally `public`).
   */
  readonly schema?: string;
  /** Most connections this pool opens. */
  readonly max?: number;
  readonly applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Hides the password of a connection string, for messages and logs. */
export function redactConnectionString(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable connection string>';
  }
}

/**
 * A pool whose every connection uses the given schema. The schema is validated (it is spliced into
 * SQL as an identifier) and created on first use. Connection errors are rethrown without the password.
 */
export async function createPostgresPool(options: PostgresConnectOptions): Promise<pg.Pool> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new RangeError('a PostgreSQL schema name must be lower-case letters, digits and _ (at most 63)');
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'nemid-sim verifier',
    connectionTimeoutMillis: 10_000,
    // A startup parameter, so the schema is in force before a connection's first query.
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client's error (server restart, say) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    if (schema !== undefined) await createSchema(pool, schema);
    else await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw connectionError(err, options.connectionString);
  }
  return pool;
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
