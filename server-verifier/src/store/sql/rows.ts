/**
 * Rows as both SQL stores read them, and their conversion to the Store records. Column names are
 * the same in SQLite and PostgreSQL; booleans come back as 0/1 from SQLite and true/false from
 * PostgreSQL, blobs as Buffers from both, so one set of converters serves both dialects.
 */
import type {
  AuditEntry,
  AuditFactor,
  CardRecord,
  CardStatus,
  ChallengeFactor,
  ChallengePurpose,
  ChallengeRecord,
  Eligibility,
  LockoutState,
  PasswordRecord,
  ProviderRecord,
  TokenAlgorithm,
  TokenKind,
  TokenRecord,
  TokenState,
  UserPatch,
  UserRecord,
  UserStatus,
} from '../store.js';

type SqlBool = boolean | number;

export interface UserRow {
  id: string;
  nemid_number: string;
  cpr: string | null;
  alias: string | null;
  name: string;
  address: string | null;
  mobile: string | null;
  email: string | null;
  eligibility: string;
  status: string;
  site_log_opt_in: SqlBool;
  reorder_threshold: number;
  created_at: number;
}

export interface PasswordRow {
  hash: string;
  is_pin: SqlBool;
  temporary: SqlBool;
  set_at: number;
}

export interface LockoutRow {
  failures: number;
  locked_until: number | null;
  locks: number;
  blocked: SqlBool;
}

export interface CardRow {
  serial: string;
  user_id: string;
  secret: Uint8Array;
  sequence: number;
  status: string;
  issued_at: number;
  reorder_sent_at: number | null;
}

export interface TokenRow {
  serial: string;
  kind: string;
  algorithm: string;
  digits: number;
  step_seconds: number;
  t0: number;
  secret: Uint8Array;
  user_id: string | null;
  state: string;
  last_counter: number;
  drift_steps: number;
  pending_drift_steps: number | null;
  resync_counter: number | null;
  last_used_at: number | null;
  activated_at: number | null;
}

export interface ChallengeRow {
  id: string;
  user_id: string;
  purpose: string;
  factor: string;
  card_serial: string | null;
  key_number: number | null;
  token_serial: string | null;
  batch_digest: string | null;
  provider_id: string | null;
  ip: string | null;
  data: string | null;
  created_at: number;
  expires_at: number;
}

export interface ProviderRow {
  id: string;
  name: string;
  cpr_approved: SqlBool;
  is_bank: SqlBool;
}

export interface AuditRow {
  at: number;
  user_id: string | null;
  ip: string | null;
  provider_id: string | null;
  site: string | null;
  factor: string;
  action: string;
  outcome: string;
}

/** A fresh Uint8Array (never a Buffer view into a driver's memory). */
export const bytes = (b: Uint8Array): Uint8Array => new Uint8Array(b);
/** What both drivers bind as a blob. */
export const blob = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  nemIdNumber: r.nemid_number,
  cpr: r.cpr,
  alias: r.alias,
  name: r.name,
  address: r.address,
  mobile: r.mobile,
  email: r.email,
  eligibility: r.eligibility as Eligibility,
  status: r.status as UserStatus,
  siteLogOptIn: Boolean(r.site_log_opt_in),
  reorderThreshold: r.reorder_threshold,
  createdAt: r.created_at,
});

export const toPassword = (r: PasswordRow): PasswordRecord => ({
  hash: r.hash,
  isPin: Boolean(r.is_pin),
  temporary: Boolean(r.temporary),
  setAt: r.set_at,
});

export const NO_LOCKOUT: LockoutState = { failures: 0, lockedUntil: null, locks: 0, blocked: false };

export const toLockout = (r: LockoutRow | undefined): LockoutState =>
  r
    ? { failures: r.failures, lockedUntil: r.locked_until, locks: r.locks, blocked: Boolean(r.blocked) }
    : { ...NO_LOCKOUT };

export const toCard = (r: CardRow): CardRecord => ({
  serial: r.serial,
  userId: r.user_id,
  secretCiphertext: bytes(r.secret),
  sequence: r.sequence,
  status: r.status as CardStatus,
  issuedAt: r.issued_at,
  reorderSentAt: r.reorder_sent_at,
});

export const toToken = (r: TokenRow): TokenRecord => ({
  serial: r.serial,
  kind: r.kind as TokenKind,
  algorithm: r.algorithm as TokenAlgorithm,
  digits: r.digits,
  stepSeconds: r.step_seconds,
  t0: r.t0,
  secretCiphertext: bytes(r.secret),
  userId: r.user_id,
  state: r.state as TokenState,
  lastCounter: r.last_counter,
  driftSteps: r.drift_steps,
  pendingDriftSteps: r.pending_drift_steps,
  resyncCounter: r.resync_counter,
  lastUsedAt: r.last_used_at,
  activatedAt: r.activated_at,
});

export const toChallenge = (r: ChallengeRow): ChallengeRecord => ({
  id: r.id,
  userId: r.user_id,
  purpose: r.purpose as ChallengePurpose,
  factor: r.factor as ChallengeFactor,
  cardSerial: r.card_serial,
  keyNumber: r.key_number,
  tokenSerial: r.token_serial,
  batchDigest: r.batch_digest,
  providerId: r.provider_id,
  ip: r.ip,
  data: r.data,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export const toProvider = (r: ProviderRow): ProviderRecord => ({
  id: r.id,
  name: r.name,
  cprApproved: Boolean(r.cpr_approved),
  isBank: Boolean(r.is_bank),
});

export const toAudit = (r: AuditRow): AuditEntry => ({
  at: r.at,
  userId: r.user_id,
  ip: r.ip,
  providerId: r.provider_id,
  site: r.site,
  factor: r.factor as AuditFactor,
  action: r.action,
  outcome: r.outcome,
});

/** The column behind each field `updateUser` may change (a fixed list: never spliced from input). */
export const USER_PATCH_COLUMNS: Readonly<Record<keyof UserPatch, string>> = {
  name: 'name',
  address: 'address',
  mobile: 'mobile',
  email: 'email',
  eligibility: 'eligibility',
  status: 'status',
  siteLogOptIn: 'site_log_opt_in',
  reorderThreshold: 'reorder_threshold',
};

/** The patch's defined fields, in a fixed order, as [column, value] pairs. */
export function patchColumns(patch: UserPatch): [string, string | number | boolean | null][] {
  const out: [string, string | number | boolean | null][] = [];
  for (const key of Object.keys(USER_PATCH_COLUMNS) as (keyof UserPatch)[]) {
    const value = patch[key];
    if (value !== undefined) out.push([USER_PATCH_COLUMNS[key], value]);
  }
  return out;
}

/** Columns of the user id kinds, for `findUserId`. */
export const USER_ID_COLUMNS = { nemid: 'nemid_number', cpr: 'cpr', alias: 'alias' } as const;

/** Token states in which a token is "the user's token" (T-5: at most one). */
export const HELD_TOKEN_STATES = ['assigned', 'active', 'blocked'] as const;
