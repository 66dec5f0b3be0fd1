import { auditEntry, type VerifierContext } from './context.js';
import { invalid, VerifierError } from './errors.js';
import { normalizeTokenSerial } from './serials.js';
import type { ChallengePurpose, TokenRecord, UserRecord } from './store/records.js';
import { StoreConflictError } from './store/store.js';
import { tokenEvent } from './token-answer.js';
import { tokenView } from './tokens.js';
import type { TokenAction, TokenActionResult, TokenView } from './views.js';

export const TOKEN_ACTION_PURPOSES: Record<TokenAction, ChallengePurpose> = {
  block: 'token-block',
  unblock: 'token-unblock',
  replace: 'token-replace',
};

/** What a token change decided: the rows to write and what to tell the caller and the bank. */
interface TokenChange {
  readonly tokens: readonly TokenRecord[];
  readonly view: TokenRecord;
  readonly action: string;
}

/**
 * One change to a user's key display in one unit of work: the user and the token they hold (and,
 * for `other`, a second token) are held while `change` decides; the rows it returns are written
 * with an audit line.
 */
async function changeToken(
  ctx: VerifierContext,
  userId: string,
  other: string | null,
  change: (user: UserRecord, held: TokenRecord | null, other: TokenRecord | null) => TokenChange,
): Promise<TokenRecord> {
  const now = ctx.clock();
  const keys = { user: userId, tokenOf: userId, ...(other === null ? {} : { token: other }) };
  try {
    return await ctx.store.update(keys, ({ user, heldToken, token }) => {
      if (user === null || user.status === 'deleted') throw new VerifierError('NOT_FOUND', 'no such user');
      const c = change(user, heldToken, token);
      const line = auditEntry(now, user, {}, 'token', c.action, 'ok');
      return { result: c.view, writes: { update: { tokens: c.tokens }, insert: { audit: [line] } } };
    });
  } catch (e) {
    if (e instanceof StoreConflictError)
      throw new VerifierError('CONFLICT', 'the user already has a key display');
    throw e;
  }
}

const noToken = () => new VerifierError('NOT_FOUND', 'the user has no key display');

/** T-5: gives an ordered key display from stock to a user (one per NemID); it works once activated (T-7). */
export async function assignToken(
  ctx: VerifierContext,
  userId: string,
  tokenSerial: string,
): Promise<TokenView> {
  const serial = normalizeTokenSerial(tokenSerial);
  if (serial === null) throw invalid('a token serial is 16 digits');
  const t = await changeToken(ctx, userId, serial, (user, held, token) => {
    if (token === null) throw new VerifierError('NOT_FOUND', 'no such token');
    if (token.state !== 'stock') throw new VerifierError('CONFLICT', 'that token is not in stock');
    if (held !== null) throw new VerifierError('CONFLICT', 'the user already has a key display');
    const assigned: TokenRecord = { ...token, userId: user.id, state: 'assigned' };
    return { tokens: [assigned], view: assigned, action: 'token-assigned' };
  });
  return tokenView(t);
}

/** T-8: a lost key display is blocked at once (by support on the phone, or in self-service). */
export async function blockToken(ctx: VerifierContext, userId: string): Promise<TokenView> {
  const t = await changeToken(ctx, userId, null, (_user, held) => {
    if (held === null) throw noToken();
    if (held.state !== 'active' && held.state !== 'assigned') {
      throw new VerifierError('CONFLICT', 'the key display is not in use');
    }
    const blocked: TokenRecord = { ...held, state: 'blocked' };
    return { tokens: [blocked], view: blocked, action: 'token-blocked' };
  });
  ctx.emit(tokenEvent(t, 'token-lost', ctx.clock()));
  return tokenView(t);
}

/** T-8: a found key display is unblocked; one never activated goes back to waiting for activation. */
export async function unblockToken(ctx: VerifierContext, userId: string): Promise<TokenView> {
  const t = await changeToken(ctx, userId, null, (_user, held) => {
    if (held === null) throw noToken();
    if (held.state !== 'blocked') throw new VerifierError('CONFLICT', 'the key display is not blocked');
    const back: TokenRecord = { ...held, state: held.activatedAt === null ? 'assigned' : 'active' };
    return { tokens: [back], view: back, action: 'token-unblocked' };
  });
  return tokenView(t);
}

/** T-2, T-3: a new device from stock replaces the user's key display, which is retired. */
export async function replaceToken(
  ctx: VerifierContext,
  userId: string,
  newSerial: string,
): Promise<TokenView> {
  const t = await changeToken(ctx, userId, newSerial, (user, held, next) => {
    if (held === null) throw noToken();
    if (next === null || next.state !== 'stock')
      throw new VerifierError('CONFLICT', 'the new token is not in stock');
    const assigned: TokenRecord = { ...next, userId: user.id, state: 'assigned' };
    // The old one first: a user holds one key display at a time, at every moment.
    return { tokens: [{ ...held, state: 'retired' }, assigned], view: assigned, action: 'token-replaced' };
  });
  return tokenView(t);
}

/** Carries out a token action once its card key was accepted (T-3, T-8). */
export async function applyTokenAction(
  ctx: VerifierContext,
  userId: string,
  purpose: ChallengePurpose,
  newSerial: string | null,
): Promise<TokenActionResult> {
  if (purpose === 'token-block') return result('block', await blockToken(ctx, userId));
  if (purpose === 'token-unblock') return result('unblock', await unblockToken(ctx, userId));
  if (newSerial === null) throw invalid('a replacement needs the new token serial (16 digits)');
  return result('replace', await replaceToken(ctx, userId, newSerial));
}

function result(action: TokenAction, view: TokenView): TokenActionResult {
  return { action, tokenSerial: view.tokenSerial, state: view.state };
}
