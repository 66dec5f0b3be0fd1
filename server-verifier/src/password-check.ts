import type { VerifierContext } from './context.js';
import { VerifierError } from './errors.js';
import { passwordSubject, unknownIdSubject } from './lockout-subjects.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import type { LockoutSubject, UserRecord } from './store/store.js';
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

/**
 * ID-1..ID-4: the password step of a log-on. The attempt is counted as wrong BEFORE the hash is
 * checked and reset when it was right, so 100 parallel guesses still get only the policy's number
 * of tries. An unknown, deleted or malformed user id runs the same steps against a counter of its
 * own and a dummy hash, and fails with the same codes, so nothing tells whether the id exists.
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
  const stored = user === null ? null : await ctx.store.getPassword(user.id);
  const subject: LockoutSubject =
    user !== null && stored !== null
      ? passwordSubject(user.id)
      : unknownIdSubject(ctx.keys.unknownIds, id?.kind ?? 'none', id?.value ?? loginText.trim());
  const policy = stored?.isPin ? ctx.policy.pin : ctx.policy.password;
  const now = ctx.clock();
  const reserved = await ctx.store.recordFailure(subject, now, policy);
  const fail = (code: 'AUTH001' | 'AUTH007' | 'LOCK001' | 'LOCK002'): PasswordCheck => ({
    ok: false,
    user,
    error: new VerifierError(code),
  });
  if (reserved.outcome === 'locked') return fail('LOCK001');
  if (reserved.outcome === 'blocked') return fail('AUTH007');
  const right = await verifyPassword(password, stored?.hash ?? (await dummyHash(ctx)));
  if (!right || user === null || stored === null) {
    if (reserved.state.blocked) return fail('LOCK002');
    if (reserved.state.lockedUntil !== null) {
      if (user !== null) {
        ctx.emit({ type: 'password-locked', userId: user.id, until: reserved.state.lockedUntil, at: now });
      }
      return fail('LOCK001');
    }
    return fail('AUTH001');
  }
  await ctx.store.resetFailures(subject);
  return { ok: true, user, temporary: stored.temporary };
}
