import { closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SchemaMismatchError } from '../sql/migration.js';
import { migrateSqlite, sqliteSchemaVersions } from './migrate.js';
import { SQLITE_MIGRATIONS } from './schema.js';

export interface SqliteOpenOptions {
  /**
   * Create the file and its tables when they are missing (default true). Tools that must not
   * create a database by mistake (a mistyped path) pass false, and get `SchemaMismatchError` for a
   * file that is missing or was not made by this store.
   */
  readonly create?: boolean;
  /**
   * How long a write waits for another process's write lock before failing, in milliseconds
   * (default 10,000). Several processes share one file, so this must cover the longest write.
   */
  readonly busyTimeoutMs?: number;
  /**
   * `full` (default) syncs the WAL in every commit, so an accepted code stays used across a power
   * cut. `normal` syncs only at checkpoints (faster; a power cut can lose the last commits, which
   * could let a code accepted just before it be accepted once more).
   */
  readonly durability?: 'full' | 'normal';
}

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
  const db = new Database(file);
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
