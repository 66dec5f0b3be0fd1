/** The SQLite store (better-sqlite3, loaded when a store is opened): `@nemid-sim/server-verifier/sqlite`. */
export { openSqliteStore } from './store/sqlite/open-store.js';
export type { SqliteOpenOptions as SqliteStoreOptions } from './store/sqlite/options.js';
