/** The SQLite store (better-sqlite3): `@nemid-sim/server-verifier/sqlite`. */
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './store/sqlite/sqlite-store.js';
