/** The PostgreSQL store (pg): `@nemid-sim/server-verifier/postgres`. */
export { redactConnectionString } from './store/postgres/pool.js';
export {
  openPostgresStore,
  PostgresStore,
  type PostgresStoreOptions,
} from './store/postgres/postgres-store.js';
