import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaMismatchError } from '@nemid-sim/server-verifier';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { storeConformanceSuite } from './conformance.js';
import { audit, card, T0, user } from './records.js';

// Every test gets a new file in one temp directory, removed when the file's tests are done.
const dir = mkdtempSync(join(tmpdir(), 'nemid-sqlite-store-'));
let n = 0;
const file = () => join(dir, `store-${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeConformanceSuite('sqlite', async () => openSqliteStore(file()));

describe('SQLite store specifics', () => {
  it('keeps what was written when the file is opened again, and holds only the ciphertext given', async () => {
    const path = file();
    const a = openSqliteStore(path);
    await a.write({ insert: { users: [user(1)], cards: [card('A1', 'user-1')] } });
    await a.close();
    const b = openSqliteStore(path, { create: false });
    expect(await b.getCard('A1')).toEqual(card('A1', 'user-1'));
    await b.close();
  });

  it('creates the database and its -wal and -shm files readable by the owner only (0600)', async () => {
    const path = file();
    const s = openSqliteStore(path);
    await s.write({ insert: { users: [user(1)] } });
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(f).mode & 0o777).toBe(0o600);
    await s.close();
  });

  it('with create: false, refuses a missing file and a file it did not make, and creates nothing', async () => {
    const missing = join(dir, 'typo.db');
    expect(() => openSqliteStore(missing, { create: false })).toThrow(SchemaMismatchError);
    expect(() => statSync(missing)).toThrow();
    const foreign = file();
    new Database(foreign).exec('CREATE TABLE other (x)');
    expect(() => openSqliteStore(foreign, { create: false })).toThrow(/not a verifier database/);
    const text = file();
    writeFileSync(text, 'not a database at all, but long enough to look like a header of one');
    expect(() => openSqliteStore(text, { create: false })).toThrow();
  });

  it('lets two stores on one file write in the same turn, each unit committed once', async () => {
    const path = file();
    const a = openSqliteStore(path, { busyTimeoutMs: 50 });
    const b = openSqliteStore(path, { busyTimeoutMs: 50 });
    await a.write({ insert: { users: [user(1)] } });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).write({ insert: { audit: [audit(T0 + i, 'user-1', `a${i}`)] } }),
      ),
    );
    expect(await b.listAudit('user-1')).toHaveLength(20);
    await a.close();
    await b.close();
  });

  it('reports a unit as done only once another connection can read it (committed)', async () => {
    const path = file();
    const s = openSqliteStore(path);
    const reader = new Database(path, { readonly: true });
    await s.write({ insert: { users: [user(1)] } });
    expect(reader.prepare('SELECT id FROM users').all()).toEqual([{ id: 'user-1' }]);
    reader.close();
    await s.close();
  });
});
