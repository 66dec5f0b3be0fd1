import { createHmac } from 'node:crypto';
import type { LockoutPolicy } from './policy.js';
import { type LockoutState, NO_LOCKOUT } from './store/records.js';

/**
 * ID-3 and KC-9, the one lockout rule (passwords, PINs, cards, tokens): a try while blocked or
 * locked is refused without counting; otherwise it is counted, and the try that reaches the
 * policy's limit starts a lock, or after `locksBeforeBlock` locks blocks for good.
 * - 'counted': `state` is the new state (it may have just locked or blocked).
 * - 'locked' / 'blocked': refused, `state` unchanged.
 */
export type FailureOutcome = 'counted' | 'locked' | 'blocked';

export function countFailure(
  current: LockoutState,
  now: number,
  policy: LockoutPolicy,
): { readonly outcome: FailureOutcome; readonly state: LockoutState } {
  if (current.blocked) return { outcome: 'blocked', state: current };
  if (isLocked(current, now)) return { outcome: 'locked', state: current };
  const failures = current.failures + 1;
  if (failures < policy.maxFailures) {
    return { outcome: 'counted', state: { ...current, failures, lockedUntil: null } };
  }
  if (current.locks < policy.locksBeforeBlock) {
    return {
      outcome: 'counted',
      state: { failures: 0, lockedUntil: now + policy.lockMs, locks: current.locks + 1, blocked: false },
    };
  }
  return {
    outcome: 'counted',
    state: { failures: 0, lockedUntil: null, locks: current.locks, blocked: true },
  };
}

/** A lock in force at `now` (one whose time has passed is not). */
export function isLocked(state: LockoutState, now: number): boolean {
  return state.lockedUntil !== null && now < state.lockedUntil;
}

/** After a right answer: the count and any lock go; a block stays (only a new password lifts it). */
export function afterSuccess(state: LockoutState): LockoutState {
  return state.blocked ? { ...NO_LOCKOUT, blocked: true } : NO_LOCKOUT;
}

export function isClear(state: LockoutState): boolean {
  return state.failures === 0 && state.lockedUntil === null && state.locks === 0 && !state.blocked;
}

/**
 * The lockout of a user id nobody has: it locks exactly like a real user's, so neither error codes
 * nor lockouts tell whether an id exists. Named by a keyed hash, so the database does not learn
 * the ids that were tried. Some real users have a 4-digit PIN (3 tries, ID-4), so a decoy is a
 * PIN user too when its name says so (a keyed, so unpredictable, half of all ids): counting the
 * tries to a lock then tells an attacker nothing about whether an id exists.
 */
export function decoyFor(key: Uint8Array, kind: string, value: string): { id: string; pin: boolean } {
  const mac = createHmac('sha256', key).update(`${kind}\u0000${value}`).digest();
  return { id: mac.subarray(0, 24).toString('base64url'), pin: (mac[31] & 1) === 1 };
}
