/**
 * PostgreSQL for tests. One variable, NEMID_TEST_PG, names the server (default below; CI starts it
 * with scripts/setup-postgres.sh). Every test file gets its own schema with a random name and drops
 * it afterwards, so runs in parallel never see each other's rows. An unreachable server is a test
 * failure with a message that says what to do, never a silent skip, in CI and locally alike.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_PG_URL = process.env.NEMID_TEST_PG ?? 'postgres://nemid:nemid@127.0.0.1:5432/nemid_test';

const PREFIX = 'nemid_t_';
/** Schemas left behind by a killed run are dropped by a later run once they are this old. */
const STALE_AFTER_S = 6 * 3600;

export interface TestSchema {
  readonly url: string;
  readonly schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable NEMID_TEST_PG>';
  }
}

async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `PostgreSQL is not reachable at ${redacted(TEST_PG_URL)} (${reason}). Start it with ` +
        '`sudo bash scripts/setup-postgres.sh`, or point NEMID_TEST_PG at a server where the role may create schemas.',
    );
  }
  return client;
}

/** A fresh, empty schema named nemid_t_<unix seconds>_<random>. */
export async function createTestSchema(): Promise<TestSchema> {
  const client = await adminClient();
  const schema = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString('hex')}`;
  try {
    await dropStaleSchemas(client);
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  return {
    url: TEST_PG_URL,
    schema,
    async drop() {
      const c = await adminClient();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

async function dropStaleSchemas(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)',
    [PREFIX],
  );
  const now = Date.now() / 1000;
  for (const { nspname } of rows) {
    const born = Number(nspname.slice(PREFIX.length).split('_')[0]);
    if (Number.isFinite(born) && now - born > STALE_AFTER_S) {
      await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`).catch(() => undefined);
    }
  }
}
