import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  migratePostgres,
  postgresSchemaVersions,
} from '../../../server-verifier/src/store/postgres/migrate.js';
import { createPostgresPool } from '../../../server-verifier/src/store/postgres/pool.js';
import { redactConnectionString } from '../../../server-verifier/src/store/postgres/redact.js';
import { type Migration, SchemaMismatchError } from '../../../server-verifier/src/store/sql/migration.js';
import { createTestSchema, type TestSchema } from './pg-env.js';

const V1: Migration = { version: 1, name: 'things', sql: 'CREATE TABLE things (id BIGINT PRIMARY KEY)' };
const V2: Migration = {
  version: 2,
  name: 'thing names',
  sql: "ALTER TABLE things ADD COLUMN name TEXT NOT NULL DEFAULT ''; CREATE INDEX things_name ON things (name)",
};

let schemas: TestSchema[] = [];
const pools: pg.Pool[] = [];

async function freshPool(): Promise<pg.Pool> {
  const s = await createTestSchema();
  schemas.push(s);
  const pool = await createPostgresPool({ connectionString: s.url, schema: s.schema, max: 4 });
  pools.push(pool);
  return pool;
}

beforeAll(() => {
  schemas = [];
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await Promise.all(schemas.map((s) => s.drop()));
});

describe('PostgreSQL schema migrations', () => {
  it('keeps its tables in the pool schema', async () => {
    const pool = await freshPool();
    await migratePostgres(pool, [V1]);
    const { rows } = await pool.query<{ schema: string }>(
      "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'things'",
    );
    expect(rows.map((r) => r.schema)).toContain(schemas.at(-1)?.schema);
  });

  it('applies every migration once and only what is new later', async () => {
    const pool = await freshPool();
    expect(await migratePostgres(pool, [V1])).toEqual([1]);
    await pool.query('INSERT INTO things (id) VALUES (7)');
    expect(await migratePostgres(pool, [V1, V2])).toEqual([2]);
    expect(await migratePostgres(pool, [V1, V2])).toEqual([]);
    expect(await postgresSchemaVersions(pool)).toEqual([
      { version: 1, name: 'things' },
      { version: 2, name: 'thing names' },
    ]);
    const { rows } = await pool.query('SELECT id::int AS id, name FROM things');
    expect(rows).toEqual([{ id: 7, name: '' }]);
  });

  it('serialises instances that migrate at the same moment', async () => {
    const pool = await freshPool();
    const s = schemas.at(-1)!;
    const other = await createPostgresPool({ connectionString: s.url, schema: s.schema, max: 4 });
    pools.push(other);
    const results = await Promise.all([
      migratePostgres(pool, [V1, V2]),
      migratePostgres(other, [V1, V2]),
      migratePostgres(pool, [V1, V2]),
      migratePostgres(other, [V1, V2]),
    ]);
    expect(results.flat().sort()).toEqual([1, 2]);
  });

  it('rolls back a migration that fails part-way', async () => {
    const pool = await freshPool();
    const broken: Migration = {
      version: 2,
      name: 'broken',
      sql: 'CREATE TABLE more (x int); SELECT * FROM nowhere',
    };
    await expect(migratePostgres(pool, [V1, broken])).rejects.toThrow(/nowhere/);
    expect(await postgresSchemaVersions(pool)).toEqual([]);
    const { rows } = await pool.query("SELECT to_regclass('things') AS t, to_regclass('more') AS m");
    expect(rows[0]).toEqual({ t: null, m: null });
  });

  it('refuses a schema migrated by newer code', async () => {
    const pool = await freshPool();
    await migratePostgres(pool, [V1, V2]);
    await expect(migratePostgres(pool, [V1])).rejects.toThrow(SchemaMismatchError);
  });

  it('waits for the disk on commit by default, and not when durability is relaxed', async () => {
    const s = await createTestSchema();
    schemas.push(s);
    const strict = await createPostgresPool({ connectionString: s.url, schema: s.schema, max: 1 });
    const relaxed = await createPostgresPool({
      connectionString: s.url,
      schema: s.schema,
      max: 1,
      durability: 'relaxed',
    });
    pools.push(strict, relaxed);
    expect((await strict.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
    expect((await relaxed.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('off');
    expect((await relaxed.query('SHOW search_path')).rows[0].search_path).toBe(s.schema);
  });

  it('reports a connection failure without the password', async () => {
    const url = 'postgres://nemid:s3cret-pw@127.0.0.1:1/nowhere';
    const err = await createPostgresPool({ connectionString: url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).not.toContain('s3cret-pw');
    expect(redactConnectionString(url)).toBe('postgres://nemid:***@127.0.0.1:1/nowhere');
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(
      createPostgresPool({ connectionString: 'postgres://x@127.0.0.1/db', schema: 'a"; DROP' }),
    ).rejects.toThrow(RangeError);
  });
});
