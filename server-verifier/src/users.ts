import type { VerifierContext } from './context.js';
import { audit } from './context.js';
import { ageAt, birthDateOfCpr, formatCpr, normalizeCpr } from './cpr.js';
import { invalid, VerifierError } from './errors.js';
import { hashPassword } from './password-hash.js';
import { isPin, passwordProblem } from './password-rules.js';
import { randomId, randomString } from './runtime.js';
import type { UserRecord } from './store/store.js';
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
    if ((await ctx.store.createUser(user)) === 'ok') {
      await storePassword(ctx, user.id, input.password, false);
      await audit(ctx, user, {}, 'none', 'enrol', 'ok');
      return { userId: user.id, nemIdNumber: user.nemIdNumber, eligibility };
    }
    const holder = cpr === null ? null : await ctx.store.findUserId('cpr', cpr);
    if (holder !== null) {
      const previous = await ctx.store.getUser(holder);
      if (previous?.status === 'deleted') return reinstate(ctx, previous, user, input.password);
      throw new VerifierError('CONFLICT', 'that CPR number already has a NemID');
    }
    if (alias !== null && (await ctx.store.findUserId('alias', alias)) !== null) {
      throw new VerifierError('CONFLICT', 'that user id is taken');
    }
  }
  throw new Error('could not draw a free NemID number');
}

/**
 * A person whose NemID was deleted (KC-8) enrols again: the CPR number is unique, so the old
 * record comes back with the new details, a new password and its old NemID number. Its cards
 * stay blocked and its key display retired; new ones are issued as for anyone.
 */
async function reinstate(
  ctx: VerifierContext,
  previous: UserRecord,
  fresh: UserRecord,
  password: string,
): Promise<Enrolled> {
  if (fresh.alias !== null && (await ctx.store.setAlias(previous.id, fresh.alias)) !== 'ok') {
    throw new VerifierError('CONFLICT', 'that user id is taken');
  }
  await ctx.store.updateUser(previous.id, {
    name: fresh.name,
    address: fresh.address,
    mobile: fresh.mobile,
    email: fresh.email,
    eligibility: fresh.eligibility,
    siteLogOptIn: false,
    reorderThreshold: fresh.reorderThreshold,
    status: 'active',
  });
  await storePassword(ctx, previous.id, password, false);
  await audit(ctx, previous, {}, 'none', 'enrol-again', 'ok');
  return { userId: previous.id, nemIdNumber: previous.nemIdNumber, eligibility: fresh.eligibility };
}

export const aliasRules = 'a user id is 3-40 letters, digits or . _ @ -, with at least one letter';

export async function requireUser(ctx: VerifierContext, userId: string): Promise<UserRecord> {
  const user = await ctx.store.getUser(userId);
  if (user === null || user.status === 'deleted') throw new VerifierError('NOT_FOUND', 'no such user');
  return user;
}

export async function storePassword(
  ctx: VerifierContext,
  userId: string,
  password: string,
  temporary: boolean,
): Promise<void> {
  const hash = await hashPassword(password, ctx.policy.scrypt, ctx.random);
  await ctx.store.setPassword(userId, { hash, isPin: isPin(password), temporary, setAt: ctx.clock() });
}

/** ID-4: the user's own new password (a PIN applies everywhere, with 3 tries). */
export async function changePassword(ctx: VerifierContext, userId: string, password: string): Promise<void> {
  const user = await requireUser(ctx, userId);
  const problem = passwordProblem(password, user.cpr);
  if (problem !== null) throw invalid(problem);
  await storePassword(ctx, userId, password, false);
  await audit(ctx, user, {}, 'password', 'password-changed', 'ok');
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
  await storePassword(ctx, userId, password, true);
  await audit(ctx, user, {}, 'password', `temporary-password-${channel}`, 'ok');
  return { password, sendTo: channel === 'sms' ? user.mobile : null };
}

export async function setAlias(
  ctx: VerifierContext,
  userId: string,
  text: string | null,
): Promise<string | null> {
  const user = await requireUser(ctx, userId);
  const alias = text === null ? null : normalizeAlias(text);
  if (text !== null && alias === null) throw invalid(aliasRules);
  const r = await ctx.store.setAlias(userId, alias);
  if (r === 'taken') throw new VerifierError('CONFLICT', 'that user id is taken');
  if (r === 'no-user') throw new VerifierError('NOT_FOUND', 'no such user');
  await audit(ctx, user, {}, 'none', alias === null ? 'alias-removed' : 'alias-set', 'ok');
  return alias;
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
