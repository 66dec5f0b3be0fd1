import { closeSync, existsSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { driverMissing, isMissingNativePart, loadDriver } from '../sql/drivers.js';
import { SchemaMismatchError } from '../sql/migration.js';
import { migrateSqlite, sqliteSchemaVersions } from './migrate.js';
import type { SqliteOpenOptions } from './options.js';
import { SQLITE_MIGRATIONS } from './schema.js';

/**
 * Opens one SQLite file for the verifier. A new file is created with mode 0600 before SQLite opens
 * it (SQLite gives its -wal and -shm files the database file's mode), since it holds CPR numbers,
 * names and the audit log. WAL, so readers never block the writer and several processes can share
 * the file; a busy timeout, so writers queue instead of failing; foreign keys enforced. The schema
 * is brought up to date (or, with `create: false`, must already be there).
 */
export function openSqliteFile(file: string, options: SqliteOpenOptions = {}): Database.Database {
  const create = options.create ?? true;
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory && !existsSync(file)) {
    if (!create) throw new SchemaMismatchError(`there is no verifier database at ${file}`);
    closeSync(openSync(file, 'wx', 0o600));
  }
  const Driver = loadDriver<typeof Database>('better-sqlite3');
  let db: Database.Database;
  try {
    db = new Driver(file);
  } catch (err) {
    throw isMissingNativePart(err) ? driverMissing('better-sqlite3', err) : err;
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal' && !inMemory)
      throw new Error(`could not switch ${file} to WAL mode (got ${String(mode)})`);
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    if (!create && sqliteSchemaVersions(db).length === 0) {
      throw new SchemaMismatchError(
        `${file} is not a verifier database (run \`nemid server init\` to make one)`,
      );
    }
    migrateSqlite(db, SQLITE_MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
