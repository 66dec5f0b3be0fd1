import Database from 'better-sqlite3';

export interface SqliteOpenOptions {
  /**
   * How long a statement waits for another connection's write lock before failing with SQLITE_BUSY,
   * in milliseconds. Several processes share one file, so this must cover the longest write.
   */
  readonly busyTimeoutMs?: number;
  /**
   * `full` syncs the WAL on every commit, so an accepted code stays used across a power cut; `normal`
   * syncs only at checkpoints (much faster; after a power cut the last commits may be lost, which
   * could let a code that was just accepted be accepted once more). Default `full`.
   */
  readonly durability?: 'full' | 'normal';
  readonly readonly?: boolean;
}

/**
 * Opens (creating if needed) one SQLite file for the verifier: WAL, so readers never block the
 * writer and several processes can share the file; a busy timeout, so concurrent writers queue
 * instead of failing; foreign keys enforced.
 */
export function openSqliteDatabase(file: string, options: SqliteOpenOptions = {}): Database.Database {
  const db = new Database(file, { readonly: options.readonly ?? false });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
    if (!options.readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      // ':memory:' stays in 'memory' mode; a real file must be WAL.
      if (mode !== 'wal' && file !== ':memory:' && file !== '') {
        throw new Error(`could not switch ${file} to WAL mode (got ${String(mode)})`);
      }
    }
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    // A bigger page cache (32 MiB) keeps the hot tables in memory between statements.
    db.pragma('cache_size = -32768');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
