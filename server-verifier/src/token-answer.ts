import { parseCode } from '@nemid-sim/core';
import type { Engines } from './card-engines.js';
import type { VerifierContext } from './context.js';
import { type FactorVerdict, refused } from './factor-verdict.js';
import { afterSuccess, countFailure, isLocked } from './lockout.js';
import { formatTokenSerial } from './serials.js';
import type { ChallengeRecord, TokenRecord } from './store/records.js';
import { locateCode, type WindowResult } from './token-windows.js';
import type { VerifierEvent } from './views.js';

/**
 * T-1, T-7, KC-9: the code typed for a key-display challenge, decided on the token's row as the
 * store holds it. An accepted code moves the counter forward (so it is never accepted twice), the
 * drift as evidenced, and, for the first code after "switch to key display", activates the token.
 * Anything else counts as a failure; the failure that blocks revokes the token; a code beyond the
 * window is remembered as a resync candidate (AUTH011: the device's next code completes it).
 */
export function decideTokenAnswer(
  ctx: VerifierContext,
  engines: Engines,
  c: ChallengeRecord,
  token: TokenRecord | null,
  activation: boolean,
  typed: string,
  now: number,
): FactorVerdict {
  if (token === null || token.userId !== c.userId) return refused('AUTH003', 'token');
  if (token.state === 'blocked') return refused('AUTH008', 'token');
  if (token.state === 'revoked' || token.lockout.blocked) return refused('LOCK003', 'token');
  if (token.state !== (activation ? 'assigned' : 'active')) return refused('AUTH003', 'token');
  if (isLocked(token.lockout, now)) return refused('AUTH004', 'token');
  const code = parseCode(typed, token.digits);
  const found: WindowResult =
    code < 0 ? { kind: 'wrong' } : locateCode(token, engines.token(token), code, now, ctx.policy);
  if (found.kind === 'accept') {
    const next: TokenRecord = {
      ...token,
      lastCounter: found.counter,
      driftSteps: found.driftSteps,
      pendingDriftSteps: found.pendingDriftSteps,
      resyncCounter: null,
      lastUsedAt: now,
      lockout: afterSuccess(token.lockout),
      ...(activation ? { state: 'active', activatedAt: now } : {}),
    };
    const events: VerifierEvent[] = activation ? [tokenEvent(token, 'token-activated', now)] : [];
    return { error: null, token: next, events, activated: activation };
  }
  const { state } = countFailure(token.lockout, now, ctx.policy.factor);
  const counted: TokenRecord = { ...token, lockout: state };
  if (state.blocked) {
    const revoked: TokenRecord = { ...counted, state: 'revoked' };
    return refused('LOCK003', 'token', { token: revoked, events: [tokenEvent(token, 'token-revoked', now)] });
  }
  if (state.lockedUntil !== null) return refused('AUTH004', 'token', { token: counted, events: [] });
  if (found.kind === 'resync') {
    const waiting: TokenRecord = { ...counted, resyncCounter: found.counter };
    return { ...refused('AUTH011', 'token', { token: waiting, events: [] }), resync: true };
  }
  return refused(found.kind === 'old' ? 'AUTH010' : 'AUTH002', 'token', { token: counted, events: [] });
}

export function tokenEvent(
  token: TokenRecord,
  what: 'token-activated' | 'token-revoked' | 'token-lost',
  now: number,
): VerifierEvent {
  const userId = token.userId ?? '';
  const tokenSerial = formatTokenSerial(token.serial);
  if (what === 'token-activated') return { type: 'token-activated', userId, tokenSerial, at: now };
  return {
    type: 'token-blocked',
    userId,
    tokenSerial,
    reason: what === 'token-revoked' ? 'revoked' : 'lost',
    at: now,
  };
}
