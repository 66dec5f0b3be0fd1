import type { VerifierContext } from './context.js';
import { VerifierError } from './errors.js';
import { afterSuccess, countFailure, decoyFor, type FailureOutcome } from './lockout.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { openPassword } from './password-seal.js';
import type { LockoutState, UserRecord } from './store/records.js';
import { parseLoginId } from './user-ids.js';

/** The user is given on failure too (null when unknown), so the attempt lands in their own log (S-1). */
export type PasswordCheck =
  | { readonly ok: true; readonly user: UserRecord; readonly temporary: boolean }
  | { readonly ok: false; readonly user: UserRecord | null; readonly error: VerifierError };

/** A hash that no password matches, checked for unknown user ids so they take as long as known ones. */
const dummyHashes = new WeakMap<VerifierContext, Promise<string>>();

function dummyHash(ctx: VerifierContext): Promise<string> {
  let h = dummyHashes.get(ctx);
  if (h === undefined) {
    h = hashPassword('\u0000no password', ctx.policy.scrypt, ctx.random);
    dummyHashes.set(ctx, h);
  }
  return h;
}

interface Reserved {
  readonly outcome: FailureOutcome;
  readonly state: LockoutState;
  /** The hash to check (the user's, as the reservation found it), or null for a decoy. */
  readonly hash: string | null;
  readonly temporary: boolean;
}

/**
 * ID-1..ID-4: the password step of a log-on. The attempt is counted as wrong BEFORE the hash is
 * checked and the count reset when it was right, so 100 parallel guesses still get only the
 * policy's number of tries. An unknown, deleted or malformed user id runs the same steps on a decoy
 * counter and a dummy hash, and fails with the same codes after the same number of tries (a decoy
 * is a PIN user for a keyed half of all ids, see `decoyFor`), so nothing tells whether it exists.
 * The attempt that locks is LOCK001, tries while locked are LOCK001, the attempt that blocks is
 * LOCK002, tries after that AUTH007.
 */
export async function checkPassword(
  ctx: VerifierContext,
  loginText: string,
  password: string,
): Promise<PasswordCheck> {
  const id = parseLoginId(loginText);
  const userId = id === null ? null : await ctx.store.findUserId(id.kind, id.value);
  const found = userId === null ? null : await ctx.store.getUser(userId);
  const user = found !== null && found.status !== 'deleted' ? found : null;
  const now = ctx.clock();
  const reserved = user === null ? null : await reserveForUser(ctx, user.id, now);
  const r = reserved ?? (await reserveForDecoy(ctx, id?.kind ?? 'none', id?.value ?? loginText.trim(), now));
  const known = reserved !== null ? user : null;
  const fail = (code: 'AUTH001' | 'AUTH007' | 'LOCK001' | 'LOCK002'): PasswordCheck => ({
    ok: false,
    user: known,
    error: new VerifierError(code),
  });
  if (r.outcome === 'locked') return fail('LOCK001');
  if (r.outcome === 'blocked') return fail('AUTH007');
  const right = await verifyPassword(password, r.hash ?? (await dummyHash(ctx)));
  if (!right || known === null) {
    if (r.state.blocked) return fail('LOCK002');
    if (r.state.lockedUntil !== null) {
      if (known !== null)
        ctx.emit({ type: 'password-locked', userId: known.id, until: r.state.lockedUntil, at: now });
      return fail('LOCK001');
    }
    return fail('AUTH001');
  }
  await ctx.store.update({ password: known.id }, ({ password: p }) => {
    if (p === null) return { result: undefined };
    const lockout = afterSuccess(p.lockout);
    return { result: undefined, writes: { update: { passwords: [{ ...p, lockout }] } } };
  });
  return { ok: true, user: known, temporary: r.temporary };
}

/** Null when the user has no password (then the attempt runs on a decoy like an unknown id). */
function reserveForUser(ctx: VerifierContext, userId: string, now: number): Promise<Reserved | null> {
  return ctx.store.update({ password: userId }, ({ password: p }) => {
    if (p === null) return { result: null };
    const { hash, isPin } = openPassword(ctx.box, userId, p.sealed);
    const { outcome, state } = countFailure(p.lockout, now, isPin ? ctx.policy.pin : ctx.policy.password);
    const result = { outcome, state, hash, temporary: p.temporary };
    if (outcome !== 'counted') return { result };
    return { result, writes: { update: { passwords: [{ ...p, lockout: state }] } } };
  });
}

function reserveForDecoy(ctx: VerifierContext, kind: string, value: string, now: number): Promise<Reserved> {
  const decoy = decoyFor(ctx.keys.unknownIds, kind, value);
  return ctx.store.update({ decoy: decoy.id }, ({ decoy: d }) => {
    const current = d?.lockout ?? { failures: 0, lockedUntil: null, locks: 0, blocked: false };
    const { outcome, state } = countFailure(current, now, decoy.pin ? ctx.policy.pin : ctx.policy.password);
    const result = { outcome, state, hash: null, temporary: false };
    if (outcome !== 'counted') return { result };
    return { result, writes: { update: { decoys: [{ id: decoy.id, lockout: state }] } } };
  });
}
