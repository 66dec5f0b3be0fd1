import { codesEqual, type OtpEngine, timeStep } from '@nemid-sim/core';
import type { VerifierPolicy } from './policy.js';
import type { TokenAdvance, TokenRecord } from './store/store.js';

/**
 * Where a token code falls. 'accept': advance the counter to `counter` (by compare-and-set) and
 * write `advance`. 'old': the code is one already accepted or passed (AUTH010). 'resync': an HOTP
 * code beyond the look-ahead; remember `counter` and ask for the next code. 'wrong': none of these.
 */
export type WindowResult =
  | { readonly kind: 'accept'; readonly counter: number; readonly advance: TokenAdvance }
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
    ? locateHotp(token, engine, code, now, policy)
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
  now: number,
  policy: VerifierPolicy,
): WindowResult {
  const last = token.lastCounter;
  const d = token.digits;
  const accept = (counter: number): WindowResult => ({
    kind: 'accept',
    counter,
    advance: { driftSteps: 0, pendingDriftSteps: null, lastUsedAt: now },
  });
  const candidate = token.resyncCounter;
  if (candidate !== null && candidate > last && codesEqual(engine.hotp(candidate + 1, d), code)) {
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
 * offset), widened by how far its crystal can have drifted since it was last used. A second
 * centre is the offset seen last time, if it was not yet confirmed. The stored offset moves only
 * on evidence: when two accepted codes in a row agree within one step. A single match at the edge
 * of a wide window is accepted (the step is consumed) but does not move it.
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
  const widen =
    token.lastUsedAt === null
      ? policy.firstUseSkewSteps
      : Math.ceil(
          ((Math.max(0, now - token.lastUsedAt) / 1000) * policy.maxDriftPpm * 1e-6) / token.stepSeconds,
        );
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
      const s = engine.findHotp(code, from, hi - from, token.digits);
      if (s >= 0) return { kind: 'accept', counter: s, advance: nextDrift(token, s - step, now) };
    }
    const oldHi = Math.min(hi, token.lastCounter);
    if (lo <= oldHi && engine.findHotp(code, lo, oldHi - lo, token.digits) >= 0) sawOld = true;
  }
  return sawOld ? OLD : WRONG;
}

function nextDrift(token: TokenRecord, seen: number, now: number): TokenAdvance {
  const pending = token.pendingDriftSteps;
  if (pending !== null && Math.abs(seen - pending) <= 1) {
    return { driftSteps: seen, pendingDriftSteps: null, lastUsedAt: now };
  }
  if (seen === token.driftSteps) return { driftSteps: seen, pendingDriftSteps: null, lastUsedAt: now };
  return { driftSteps: token.driftSteps, pendingDriftSteps: seen, lastUsedAt: now };
}
