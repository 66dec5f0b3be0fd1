import { audit, type VerifierContext } from './context.js';
import { invalid, VerifierError } from './errors.js';
import { formatTokenSerial, normalizeTokenSerial } from './serials.js';
import type { ChallengePurpose, TokenState, UserRecord } from './store/store.js';
import { tokenView } from './tokens.js';
import { requireUser } from './users.js';
import type { TokenAction, TokenActionResult, TokenView } from './views.js';

/** T-5: gives an ordered key display to a user (one per NemID); it works once activated (T-7). */
export async function assignToken(
  ctx: VerifierContext,
  userId: string,
  tokenSerial: string,
): Promise<TokenView> {
  const user = await requireUser(ctx, userId);
  const serial = normalizeTokenSerial(tokenSerial);
  if (serial === null) throw invalid('a token serial is 16 digits');
  const r = await ctx.store.assignToken(serial, userId);
  if (r === 'no-token') throw new VerifierError('NOT_FOUND', 'no such token');
  if (r === 'not-in-stock') throw new VerifierError('CONFLICT', 'that token is not in stock');
  if (r === 'user-has-token') throw new VerifierError('CONFLICT', 'the user already has a key display');
  if (r === 'no-user') throw new VerifierError('NOT_FOUND', 'no such user');
  await audit(ctx, user, {}, 'token', 'token-assigned', 'ok');
  return tokenView((await ctx.store.getToken(serial))!);
}

/** T-8, lost device: blocked at once (compare-and-set, so a concurrent change is not overwritten). */
export async function blockToken(ctx: VerifierContext, user: UserRecord, serial: string, state: TokenState) {
  if (state !== 'active' && state !== 'assigned')
    throw new VerifierError('CONFLICT', 'the key display is not in use');
  if (!(await ctx.store.setTokenState(serial, state, 'blocked', ctx.clock()))) {
    throw new VerifierError('CONFLICT', 'the key display changed meanwhile; try again');
  }
  await audit(ctx, user, {}, 'token', 'token-blocked', 'ok');
  ctx.emit({
    type: 'token-blocked',
    userId: user.id,
    tokenSerial: formatTokenSerial(serial),
    reason: 'lost',
    at: ctx.clock(),
  });
}

export const TOKEN_ACTION_PURPOSES: Record<TokenAction, ChallengePurpose> = {
  block: 'token-block',
  unblock: 'token-unblock',
  replace: 'token-replace',
};

/** Carries out a token action once its card key was accepted (T-3, T-8). */
export async function applyTokenAction(
  ctx: VerifierContext,
  user: UserRecord,
  purpose: ChallengePurpose,
  newSerial: string | null,
): Promise<TokenActionResult> {
  const store = ctx.store;
  const now = ctx.clock();
  const t = await store.findUserToken(user.id);
  if (t === null) throw new VerifierError('NOT_FOUND', 'the user has no key display');
  const serial = formatTokenSerial(t.serial);
  if (purpose === 'token-block') {
    await blockToken(ctx, user, t.serial, t.state);
    return { action: 'block', tokenSerial: serial, state: 'blocked' };
  }
  if (purpose === 'token-unblock') {
    const to = t.activatedAt === null ? 'assigned' : 'active';
    if (t.state !== 'blocked' || !(await store.setTokenState(t.serial, 'blocked', to, now))) {
      throw new VerifierError('CONFLICT', 'the key display is not blocked');
    }
    return { action: 'unblock', tokenSerial: serial, state: to };
  }
  // A replacement: the new device must be in stock before the old one is retired.
  const next = newSerial === null ? null : await store.getToken(newSerial);
  if (next === null || next.state !== 'stock')
    throw new VerifierError('CONFLICT', 'the new token is not in stock');
  if (!(await store.setTokenState(t.serial, t.state, 'retired', now))) {
    throw new VerifierError('CONFLICT', 'the key display changed meanwhile; try again');
  }
  const r = await store.assignToken(next.serial, user.id);
  if (r !== 'ok') throw new VerifierError('CONFLICT', `the new token could not be assigned (${r})`);
  return { action: 'replace', tokenSerial: formatTokenSerial(next.serial), state: 'assigned' };
}
