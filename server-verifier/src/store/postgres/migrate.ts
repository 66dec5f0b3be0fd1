import type pg from 'pg';
import { type AppliedMigration, type Migration, pendingMigrations } from '../sql/migration.js';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;

/**
 * Brings the PostgreSQL schema (the connection's search_path) up to the newest migration. One
 * transaction holds a transaction-scoped advisory lock keyed on the schema name, so instances starting
 * together migrate one at a time; the lock is taken before even CREATE TABLE IF NOT EXISTS, which is
 * not safe to race. PostgreSQL DDL is transactional: a failing migration changes nothing. Returns the
 * versions applied now.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('nemid-sim migrations ' || current_schema()))");
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<AppliedMigration>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    const done: number[] = [];
    for (const m of pendingMigrations(migrations, rows)) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
      done.push(m.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The versions recorded in the schema, oldest first (for status output and tests). */
export async function postgresSchemaVersions(pool: pg.Pool): Promise<AppliedMigration[]> {
  const { rows } = await pool.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  if (!rows[0]?.present) return [];
  const result = await pool.query<AppliedMigration>(
    'SELECT version, name FROM schema_migrations ORDER BY version',
  );
  return result.rows;
}
