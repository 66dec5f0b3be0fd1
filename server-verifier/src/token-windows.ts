import { type OtpEngine, timeStep } from '@nemid-sim/core';
import type { VerifierPolicy } from './policy.js';
import type { TokenRecord } from './store/records.js';

/** What an accepted code moves the token to. */
export interface TokenAdvance {
  readonly counter: number;
  readonly driftSteps: number;
  readonly pendingDriftSteps: number | null;
}

/**
 * Where a token code falls. 'accept': the code's counter (HOTP) or step (TOTP) is new; advance the
 * token. 'old': a code already accepted or passed (AUTH010). 'resync': a code beyond the window;
 * remember `counter` and ask for the device's next code. 'wrong': none of these.
 */
export type WindowResult =
  | ({ readonly kind: 'accept' } & TokenAdvance)
  | { readonly kind: 'old' }
  | { readonly kind: 'resync'; readonly counter: number }
  | { readonly kind: 'wrong' };

const WRONG: WindowResult = { kind: 'wrong' };
const OLD: WindowResult = { kind: 'old' };

/** `code` is a parsed code (0..10^digits-1); `now` in milliseconds. */
export function locateCode(
  token: TokenRecord,
  engine: OtpEngine,
  code: number,
  now: number,
  policy: VerifierPolicy,
): WindowResult {
  return token.kind === 'hotp'
    ? locateHotp(token, engine, code, policy)
    : locateTotp(token, engine, code, now, policy);
}

/**
 * HOTP: the look-ahead window past the last accepted counter. A code further ahead (up to the
 * resync window) is only a candidate: the device's next code, at candidate + 1, must follow.
 */
function locateHotp(
  token: TokenRecord,
  engine: OtpEngine,
  code: number,
  policy: VerifierPolicy,
): WindowResult {
  const last = token.lastCounter;
  const d = token.digits;
  const accept = (counter: number): WindowResult => ({
    kind: 'accept',
    counter,
    driftSteps: 0,
    pendingDriftSteps: null,
  });
  const candidate = token.resyncCounter;
  if (candidate !== null && candidate > last && engine.findHotp(code, candidate + 1, 0, d) >= 0) {
    return accept(candidate + 1);
  }
  const near = engine.findHotp(code, last + 1, policy.hotpLookAhead, d);
  if (near >= 0) return accept(near);
  if (last >= 0) {
    const from = Math.max(0, last - policy.hotpLookAhead);
    if (engine.findHotp(code, from, last - from, d) >= 0) return OLD;
  }
  const farFrom = last + 1 + policy.hotpLookAhead + 1;
  const farWindow = policy.hotpResyncWindow - policy.hotpLookAhead - 1;
  if (farWindow >= 0) {
    const far = engine.findHotp(code, farFrom, farWindow, d);
    if (far >= 0) return { kind: 'resync', counter: far };
  }
  return WRONG;
}

/**
 * TOTP: +-skew steps around the step the token's clock is believed to show (server step + stored
 * offset), widened by how far its crystal can have drifted since its clock was last known: its
 * last accepted code, or its registration (T-2: a device may lie in a drawer for years before its
 * first use). A second centre is the offset seen last time, if not yet confirmed. The stored
 * offset moves only on evidence: two accepted codes in a row that agree within one step. A code
 * beyond the window but within `totpResyncSteps` of it is a resync candidate; the device's next
 * code, a later step within a challenge's lifetime, confirms it.
 */
function locateTotp(
  token: TokenRecord,
  engine: OtpEngine,
  code: number,
  now: number,
  policy: VerifierPolicy,
): WindowResult {
  const nowSeconds = now / 1000;
  if (nowSeconds < token.t0) return WRONG;
  const step = timeStep(nowSeconds, token.stepSeconds, token.t0);
  const d = token.digits;
  const candidate = token.resyncCounter;
  if (candidate !== null) {
    const from = Math.max(candidate, token.lastCounter) + 1;
    const s = engine.findHotp(code, from, Math.ceil(policy.challengeTtlMs / 1000 / token.stepSeconds), d);
    if (s >= 0) return { kind: 'accept', counter: s, driftSteps: s - step, pendingDriftSteps: null };
  }
  const knownAt = token.lastUsedAt ?? token.registeredAt;
  const drift = Math.ceil(
    ((Math.max(0, now - knownAt) / 1000) * policy.maxDriftPpm * 1e-6) / token.stepSeconds,
  );
  const widen = token.lastUsedAt === null ? Math.max(policy.firstUseSkewSteps, drift) : drift;
  const skew = Math.min(policy.maxSkewSteps, policy.totpSkewSteps + widen);
  const centres =
    token.pendingDriftSteps === null ? [token.driftSteps] : [token.driftSteps, token.pendingDriftSteps];
  let sawOld = false;
  for (const centre of centres) {
    const lo = Math.max(0, step + centre - skew);
    const hi = step + centre + skew;
    if (hi < 0) continue;
    const from = Math.max(lo, token.lastCounter + 1);
    if (from <= hi) {
      const s = engine.findHotp(code, from, hi - from, d);
      if (s >= 0) return { kind: 'accept', counter: s, ...nextDrift(token, s - step) };
    }
    const oldHi = Math.min(hi, token.lastCounter);
    if (lo <= oldHi && engine.findHotp(code, lo, oldHi - lo, d) >= 0) sawOld = true;
  }
  if (sawOld) return OLD;
  const reach = skew + policy.totpResyncSteps;
  const lo = Math.max(0, step + token.driftSteps - reach, token.lastCounter + 1);
  const hi = step + token.driftSteps + reach;
  const far = policy.totpResyncSteps > 0 && lo <= hi ? engine.findHotp(code, lo, hi - lo, d) : -1;
  return far >= 0 ? { kind: 'resync', counter: far } : WRONG;
}

function nextDrift(token: TokenRecord, seen: number): Omit<TokenAdvance, 'counter'> {
  const pending = token.pendingDriftSteps;
  if (pending !== null && Math.abs(seen - pending) <= 1) return { driftSteps: seen, pendingDriftSteps: null };
  if (seen === token.driftSteps) return { driftSteps: seen, pendingDriftSteps: null };
  return { driftSteps: token.driftSteps, pendingDriftSteps: seen };
}
