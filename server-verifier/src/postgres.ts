/** The PostgreSQL store (pg, loaded when a store is opened): `@nemid-sim/server-verifier/postgres`. */
export { openPostgresStore } from './store/postgres/open-store.js';
export type { PostgresConnectOptions, PostgresStoreOptions } from './store/postgres/options.js';
export { redactConnectionString } from './store/postgres/redact.js';
