/** How `openPostgresStore` connects and what it keeps to. */
export interface PostgresConnectOptions {
  /** postgres://user:password@host:port/database */
  readonly connectionString: string;
  /**
   * The schema that holds the verifier's tables (created if missing). Lets several verifiers, or
   * test runs, share one database. Default: the server's search_path (normally `public`).
   */
  readonly schema?: string;
  /** Most connections this pool opens. */
  readonly max?: number;
  readonly applicationName?: string;
  /**
   * `full` (default): a commit returns once it is on disk, so an accepted code stays used even if
   * the database server crashes. `relaxed` sets synchronous_commit=off for this pool's sessions:
   * commits return before the disk flush (many times faster on slow disks); a server crash can
   * lose the last fraction of a second of commits (never corrupt the database), which could let a
   * code accepted just before the crash be accepted once more.
   */
  readonly durability?: 'full' | 'relaxed';
}

export interface PostgresStoreOptions extends PostgresConnectOptions {
  /**
   * Create the tables when the schema has none (default true). Tools that must not create a
   * database by mistake (a mistyped schema name) pass false, and get SchemaMismatchError instead.
   */
  readonly create?: boolean;
  /**
   * At most this many answers share one transaction and its commit (default 32; 1 gives every
   * answer a transaction of its own). See AnswerBatches.
   */
  readonly answerBatch?: number;
}
