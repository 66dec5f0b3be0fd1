import { auditEntry, type VerifierContext } from './context.js';
import { ageAt, birthDateOfCpr, formatCpr, normalizeCpr } from './cpr.js';
import { invalid, VerifierError } from './errors.js';
import { hashPassword } from './password-hash.js';
import { isPin, passwordProblem } from './password-rules.js';
import { sealPassword } from './password-seal.js';
import { randomId, randomString } from './runtime.js';
import { NO_LOCKOUT, type PasswordRecord, type UserRecord } from './store/records.js';
import { StoreConflictError } from './store/store.js';
import { normalizeAlias, randomNemIdNumber } from './user-ids.js';
import type { UserView } from './views.js';

export interface EnrolInput {
  readonly name: string;
  /** DDMMYY-SSSS; without it the NemID is bank-only (ID-5) and `birthDate` is needed. */
  readonly cpr?: string | null;
  /** YYYY-MM-DD, for a person without CPR number. */
  readonly birthDate?: string | null;
  readonly address?: string | null;
  readonly mobile?: string | null;
  readonly email?: string | null;
  readonly alias?: string | null;
  readonly password: string;
}

export interface Enrolled {
  readonly userId: string;
  /** The 9-digit number printed on the letter. */
  readonly nemIdNumber: string;
  readonly eligibility: 'full' | 'bank-only';
}

function birthOf(input: EnrolInput, cpr: string | null): [number, number, number] {
  if (cpr !== null) {
    const b = birthDateOfCpr(cpr);
    if (b !== null) return b;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.birthDate ?? '');
  if (!m) throw invalid('a person without CPR number needs a birth date (YYYY-MM-DD)');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    throw invalid('the birth date does not exist');
  }
  return [y, mo, d];
}

/** ID-2, ID-5: a new NemID with a fresh NemID number; full with a CPR number, else bank-only. */
export async function enrol(ctx: VerifierContext, input: EnrolInput): Promise<Enrolled> {
  const name = input.name?.trim() ?? '';
  if (name === '') throw invalid('a name is needed');
  const cpr = input.cpr == null || input.cpr === '' ? null : normalizeCpr(input.cpr);
  if (input.cpr != null && input.cpr !== '' && cpr === null)
    throw invalid('the CPR number is not valid (DDMMYY-SSSS)');
  const now = ctx.clock();
  if (ageAt(birthOf(input, cpr), now) < ctx.policy.minimumAge) {
    throw invalid(`a NemID requires an age of ${ctx.policy.minimumAge}`);
  }
  const alias = input.alias == null ? null : normalizeAlias(input.alias);
  if (input.alias != null && alias === null) throw invalid(aliasRules);
  const problem = passwordProblem(input.password, cpr);
  if (problem !== null) throw invalid(problem);
  const eligibility = cpr === null ? 'bank-only' : 'full';
  const hash = await hashPassword(input.password, ctx.policy.scrypt, ctx.random);
  const pin = isPin(input.password);
  for (let attempt = 0; attempt < 20; attempt++) {
    const user: UserRecord = {
      id: randomId(ctx.random),
      nemIdNumber: randomNemIdNumber(ctx.random),
      cpr,
      alias,
      name,
      address: input.address ?? null,
      mobile: input.mobile ?? null,
      email: input.email ?? null,
      eligibility,
      status: 'active',
      siteLogOptIn: false,
      reorderThreshold: ctx.policy.reorderThreshold,
      createdAt: now,
    };
    const holder = cpr === null ? null : await ctx.store.findUserId('cpr', cpr);
    const previous = holder === null ? null : await ctx.store.getUser(holder);
    if (previous !== null && previous.status !== 'deleted') {
      throw new VerifierError('CONFLICT', 'that CPR number already has a NemID');
    }
    const target = previous ?? user;
    const record = passwordRecord(ctx, target.id, hash, pin, false, now);
    try {
      if (previous !== null) return await reinstate(ctx, previous, user, record);
      await ctx.store.write({
        insert: {
          users: [user],
          passwords: [record],
          audit: [auditEntry(now, user, {}, 'none', 'enrol', 'ok')],
        },
      });
      return { userId: user.id, nemIdNumber: user.nemIdNumber, eligibility };
    } catch (e) {
      if (!(e instanceof StoreConflictError)) throw e;
      if (e.what === 'users.alias') throw new VerifierError('CONFLICT', 'that user id is taken');
      if (e.what === 'users.cpr') throw new VerifierError('CONFLICT', 'that CPR number already has a NemID');
      // A NemID number or internal id drawn twice: draw again.
    }
  }
  throw new Error('could not draw a free NemID number');
}

/**
 * A person whose NemID was deleted (KC-8) enrols again: the CPR number is unique, so the old
 * record comes back with the new details, a new password and its old NemID number. Its cards
 * stay blocked and its key display retired; new ones are issued as for anyone.
 */
function reinstate(
  ctx: VerifierContext,
  previous: UserRecord,
  fresh: UserRecord,
  password: PasswordRecord,
): Promise<Enrolled> {
  const now = ctx.clock();
  return ctx.store.update({ user: previous.id }, ({ user }) => {
    if (user === null || user.status !== 'deleted')
      throw new VerifierError('CONFLICT', 'that CPR number already has a NemID');
    const back: UserRecord = {
      ...user,
      alias: fresh.alias,
      name: fresh.name,
      address: fresh.address,
      mobile: fresh.mobile,
      email: fresh.email,
      eligibility: fresh.eligibility,
      siteLogOptIn: false,
      reorderThreshold: fresh.reorderThreshold,
      status: 'active',
    };
    const line = auditEntry(now, back, {}, 'none', 'enrol-again', 'ok');
    return {
      result: { userId: back.id, nemIdNumber: back.nemIdNumber, eligibility: back.eligibility },
      writes: { update: { users: [back], passwords: [password] }, insert: { audit: [line] } },
    };
  });
}

export const aliasRules = 'a user id is 3-40 letters, digits or . _ @ -, with at least one letter';

export async function requireUser(ctx: VerifierContext, userId: string): Promise<UserRecord> {
  const user = await ctx.store.getUser(userId);
  if (user === null || user.status === 'deleted') throw new VerifierError('NOT_FOUND', 'no such user');
  return user;
}

/** A fresh password record: the hash sealed with its PIN flag, the lockout cleared (ID-3). */
export function passwordRecord(
  ctx: VerifierContext,
  userId: string,
  hash: string,
  pin: boolean,
  temporary: boolean,
  now: number,
): PasswordRecord {
  return {
    userId,
    sealed: sealPassword(ctx.box, userId, hash, pin),
    temporary,
    setAt: now,
    lockout: NO_LOCKOUT,
  };
}

/** Replaces the password, which lifts its lock or block, and logs why. */
async function storePassword(
  ctx: VerifierContext,
  user: UserRecord,
  password: string,
  temporary: boolean,
  action: string,
): Promise<void> {
  const hash = await hashPassword(password, ctx.policy.scrypt, ctx.random);
  const now = ctx.clock();
  const record = passwordRecord(ctx, user.id, hash, isPin(password), temporary, now);
  const line = auditEntry(now, user, {}, 'password', action, 'ok');
  await ctx.store.update({ password: user.id }, ({ password: old }) => ({
    result: undefined,
    writes:
      old === null
        ? { insert: { passwords: [record], audit: [line] } }
        : { update: { passwords: [record] }, insert: { audit: [line] } },
  }));
}

/** ID-4: the user's own new password (a PIN applies everywhere, with 3 tries). */
export async function changePassword(ctx: VerifierContext, userId: string, password: string): Promise<void> {
  const user = await requireUser(ctx, userId);
  const problem = passwordProblem(password, user.cpr);
  if (problem !== null) throw invalid(problem);
  await storePassword(ctx, user, password, false, 'password-changed');
}

const TEMP_LETTERS = 'abcdefghjkmnpqrstuvwxyz';
const TEMP_DIGITS = '23456789';

/**
 * ID-3: a temporary password from the bank, support or by SMS (only with a mobile number on
 * file). It works at once, lifts a lock or block, and the user is asked to change it.
 */
export async function issueTemporaryPassword(
  ctx: VerifierContext,
  userId: string,
  channel: 'bank' | 'support' | 'sms',
): Promise<{ password: string; sendTo: string | null }> {
  const user = await requireUser(ctx, userId);
  if (channel === 'sms' && user.mobile === null)
    throw new VerifierError('CONFLICT', 'no mobile number on file');
  const password = `${randomString(ctx.random, TEMP_LETTERS, 5)}${randomString(ctx.random, TEMP_DIGITS, 3)}`;
  await storePassword(ctx, user, password, true, `temporary-password-${channel}`);
  return { password, sendTo: channel === 'sms' ? user.mobile : null };
}

export async function setAlias(
  ctx: VerifierContext,
  userId: string,
  text: string | null,
): Promise<string | null> {
  const alias = text === null ? null : normalizeAlias(text);
  if (text !== null && alias === null) throw invalid(aliasRules);
  await changeUser(ctx, userId, alias === null ? 'alias-removed' : 'alias-set', (u) => ({ ...u, alias }));
  return alias;
}

/**
 * Changes one user row (loaded and held in the unit of work, so concurrent changes of other fields
 * are not lost) and logs the change. A deleted NemID is NOT_FOUND.
 */
export async function changeUser(
  ctx: VerifierContext,
  userId: string,
  action: string,
  change: (user: UserRecord) => UserRecord,
): Promise<UserRecord> {
  const now = ctx.clock();
  try {
    return await ctx.store.update({ user: userId }, ({ user }) => {
      if (user === null || user.status === 'deleted') throw new VerifierError('NOT_FOUND', 'no such user');
      const next = change(user);
      const line = auditEntry(now, next, {}, 'none', action, 'ok');
      return { result: next, writes: { update: { users: [next] }, insert: { audit: [line] } } };
    });
  } catch (e) {
    if (e instanceof StoreConflictError && e.what === 'users.alias') {
      throw new VerifierError('CONFLICT', 'that user id is taken');
    }
    throw e;
  }
}

export function userView(u: UserRecord): UserView {
  return {
    userId: u.id,
    nemIdNumber: u.nemIdNumber,
    cpr: u.cpr === null ? null : formatCpr(u.cpr),
    alias: u.alias,
    name: u.name,
    address: u.address,
    mobile: u.mobile,
    email: u.email,
    eligibility: u.eligibility,
    status: u.status,
    siteLogOptIn: u.siteLogOptIn,
    reorderThreshold: u.reorderThreshold,
  };
}
