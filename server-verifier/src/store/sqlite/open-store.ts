import type { Store } from '../store.js';
import { openSqliteFile } from './open.js';
import type { SqliteOpenOptions } from './options.js';
import { sqliteError } from './sqlite-errors.js';
import { SqliteStore } from './sqlite-store.js';

/** Opens (and by default creates, mode 0600) a verifier database in one SQLite file. */
export function openSqliteStore(file: string, options: SqliteOpenOptions = {}): Store {
  try {
    return new SqliteStore(openSqliteFile(file, options));
  } catch (err) {
    throw sqliteError(err);
  }
}
