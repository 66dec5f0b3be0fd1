export type { ProfilePatch } from './account.js';
export { batchDigest } from './batch-digest.js';
export { ageAt, birthDateOfCpr, formatCpr, normalizeCpr } from './cpr.js';
export { ERROR_TEXTS, type ErrorCode, isVerifierError, VerifierError } from './errors.js';
export {
  createVerifierHttpServer,
  type RunningVerifierHttp,
  startVerifierHttpServer,
  type VerifierHttpOptions,
} from './http/server.js';
export { DEFAULT_SCRYPT, hashPassword, type ScryptParams, verifyPassword } from './password-hash.js';
export { isPin, passwordProblem } from './password-rules.js';
export { DEFAULT_POLICY, type PolicyOverrides, resolvePolicy, type VerifierPolicy } from './policy.js';
export { type ProviderIdentity, pseudonymFor } from './pseudonym.js';
export { type Clock, type RandomSource, systemClock, systemRandom } from './runtime.js';
export { SecretBox } from './secret-box.js';
export { formatCardSerial, formatTokenSerial, normalizeCardSerial, normalizeTokenSerial } from './serials.js';
export { applyFailure, createMemoryStore, MemoryStore } from './store/memory-store.js';
export { openPostgresStore, PostgresStore, type PostgresStoreOptions } from './store/postgres-store.js';
export { SchemaMismatchError } from './store/sql/migration.js';
export { redactConnectionString } from './store/sql/postgres-pool.js';
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './store/sqlite-store.js';
export type * from './store/store.js';
export type { VendorToken } from './tokens.js';
export { type LoginId, normalizeAlias, parseLoginId } from './user-ids.js';
export type { EnrolInput, Enrolled } from './users.js';
export {
  type CardInput,
  createVerifier,
  type LogonRequest,
  type SigningRequest,
  Verifier,
  type VerifierOptions,
} from './verifier.js';
export type * from './views.js';
