/** How `openSqliteStore` opens its file. */
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
