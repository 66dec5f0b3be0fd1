import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Migration, SchemaMismatchError } from '../../../server-verifier/src/store/sql/migration.js';
import { migrateSqlite, sqliteSchemaVersions } from '../../../server-verifier/src/store/sqlite/migrate.js';
import { openSqliteFile } from '../../../server-verifier/src/store/sqlite/open.js';

const openSqliteDatabase = (path: string) => new Database(path);

const V1: Migration = { version: 1, name: 'things', sql: 'CREATE TABLE things (id INTEGER PRIMARY KEY)' };
const V2: Migration = {
  version: 2,
  name: 'thing names',
  sql: "ALTER TABLE things ADD COLUMN name TEXT NOT NULL DEFAULT ''; CREATE INDEX things_name ON things (name)",
};

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nemid-migrate-'));
  file = join(dir, 'verifier.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tableNames(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

describe('SQLite schema migrations', () => {
  it('opens the file in WAL mode with a busy timeout', () => {
    const db = openSqliteFile(file, { busyTimeoutMs: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('syncs every commit by default, and only at checkpoints when durability is normal', () => {
    const full = openSqliteFile(file);
    expect(full.pragma('synchronous', { simple: true })).toBe(2);
    full.close();
    const normal = openSqliteFile(file, { durability: 'normal' });
    expect(normal.pragma('synchronous', { simple: true })).toBe(1);
    normal.close();
  });

  it('applies every migration to a new file, in order, and records each', () => {
    const db = openSqliteDatabase(file);
    expect(migrateSqlite(db, [V1, V2])).toEqual([1, 2]);
    expect(sqliteSchemaVersions(db)).toEqual([
      { version: 1, name: 'things' },
      { version: 2, name: 'thing names' },
    ]);
    db.prepare("INSERT INTO things (id, name) VALUES (1, 'a')").run();
    db.close();
  });

  it('applies only what is new when the file is opened again', () => {
    let db = openSqliteDatabase(file);
    expect(migrateSqlite(db, [V1])).toEqual([1]);
    db.prepare('INSERT INTO things (id) VALUES (7)').run();
    db.close();
    db = openSqliteDatabase(file);
    expect(migrateSqlite(db, [V1, V2])).toEqual([2]);
    expect(migrateSqlite(db, [V1, V2])).toEqual([]);
    expect(db.prepare('SELECT id, name FROM things').all()).toEqual([{ id: 7, name: '' }]);
    db.close();
  });

  it('leaves the file untouched when a migration fails part-way', () => {
    const db = openSqliteDatabase(file);
    const broken: Migration = {
      version: 2,
      name: 'broken',
      sql: 'CREATE TABLE more (x); SELECT * FROM nowhere',
    };
    expect(() => migrateSqlite(db, [V1, broken])).toThrow(/nowhere/);
    expect(sqliteSchemaVersions(db)).toEqual([]);
    expect(tableNames(db)).toEqual([]);
    db.close();
  });

  it('refuses a file migrated by newer code', () => {
    const db = openSqliteDatabase(file);
    migrateSqlite(db, [V1, V2]);
    expect(() => migrateSqlite(db, [V1])).toThrow(SchemaMismatchError);
    db.close();
  });

  it('refuses a file whose recorded migration has another name', () => {
    const db = openSqliteDatabase(file);
    migrateSqlite(db, [V1]);
    expect(() => migrateSqlite(db, [{ ...V1, name: 'other' }, V2])).toThrow(/expected "other"/);
    db.close();
  });

  it('rejects a migration list with gaps', () => {
    const db = openSqliteDatabase(file);
    expect(() => migrateSqlite(db, [V2])).toThrow(/out of order/);
    db.close();
  });
});
