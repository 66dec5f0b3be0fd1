import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../server-verifier/src/postgres.js';
import { openSqliteStore } from '../../../server-verifier/src/sqlite.js';
import { AUDIT, PROVIDERS, type Table, WRITABLE } from '../../../server-verifier/src/store/sql/tables.js';
import { createTestSchema, type TestSchema } from './pg-env.js';

/** Every table the stores map, with the columns the mapping expects (audit adds its own `seq`). */
const TABLES: readonly Table<unknown>[] = [...Object.values(WRITABLE), PROVIDERS];
const expected = (t: Table<unknown>) => [...t.columns, ...(t === AUDIT ? ['seq'] : [])].sort();

const dir = mkdtempSync(join(tmpdir(), 'nemid-schema-'));
const schemas: TestSchema[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(schemas.map((s) => s.drop()));
});

describe('the record mapping and the schemas agree', () => {
  it('SQLite: every mapped table has exactly the mapped columns', async () => {
    const file = join(dir, 'v.db');
    await openSqliteStore(file).close();
    const db = new Database(file, { readonly: true });
    for (const t of TABLES) {
      const cols = (db.prepare(`PRAGMA table_info(${t.name})`).all() as { name: string }[]).map(
        (c) => c.name,
      );
      expect([t.name, cols.sort()]).toEqual([t.name, expected(t)]);
    }
    db.close();
  });

  it('PostgreSQL: every mapped table has exactly the mapped columns', async () => {
    const s = await createTestSchema();
    schemas.push(s);
    await (await openPostgresStore({ connectionString: s.url, schema: s.schema, max: 1 })).close();
    const client = new pg.Client({ connectionString: s.url });
    await client.connect();
    try {
      for (const t of TABLES) {
        const { rows } = await client.query<{ column_name: string }>(
          'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
          [s.schema, t.name],
        );
        expect([t.name, rows.map((r) => r.column_name).sort()]).toEqual([t.name, expected(t)]);
      }
    } finally {
      await client.end();
    }
  });
});
