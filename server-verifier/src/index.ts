/**
 * The verifier a backend embeds: `createVerifier({ store, masterKey })`. Stores: the memory store
 * here; SQLite in `@nemid-sim/server-verifier/sqlite` and PostgreSQL in
 * `@nemid-sim/server-verifier/postgres`, so a backend loads only the driver it uses; the HTTP
 * service in `@nemid-sim/server-verifier/http`.
 */
export type { ProfilePatch } from './account.js';
export { batchDigest } from './batch-digest.js';
export { ageAt, birthDateOfCpr, formatCpr, normalizeCpr } from './cpr.js';
export { ERROR_TEXTS, type ErrorCode, isVerifierError, VerifierError } from './errors.js';
export { DEFAULT_SCRYPT, type ScryptParams } from './password-hash.js';
export { isPin, passwordProblem } from './password-rules.js';
export type { KeyCall, PhoneService } from './phone-key.js';
export {
  DEFAULT_POLICY,
  type LockoutPolicy,
  type PolicyOverrides,
  resolvePolicy,
  type VerifierPolicy,
} from './policy.js';
export type { ProviderIdentity } from './pseudonym.js';
export { type Clock, type RandomSource, systemClock, systemRandom } from './runtime.js';
export { formatCardSerial, formatTokenSerial, normalizeCardSerial, normalizeTokenSerial } from './serials.js';
export { createMemoryStore } from './store/memory/memory-store.js';
export type * from './store/records.js';
export { SchemaMismatchError } from './store/sql/migration.js';
export type { AuditQuery, Store } from './store/store.js';
export type { VendorToken } from './tokens.js';
export { type LoginId, normalizeAlias, parseLoginId } from './user-ids.js';
export type { EnrolInput, Enrolled } from './users.js';
export {
  type CardInput,
  createVerifier,
  type ExportedToken,
  type LogonRequest,
  type SigningRequest,
  Verifier,
  type VerifierOptions,
} from './verifier.js';
export type * from './views.js';
