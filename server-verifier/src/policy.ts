import { DEFAULT_SCRYPT, type ScryptParams } from './password-hash.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** When a lockout counter locks and when it blocks for good (lockout.ts applies it). */
export interface LockoutPolicy {
  /** Wrong tries in a row that lock (ID-3: 5; 4-digit PIN: 3; cards and tokens: quarantine). */
  readonly maxFailures: number;
  /** How long a lock lasts (ID-3: 8 hours). */
  readonly lockMs: number;
  /** Locks before the next full run of failures blocks for good (ID-3: 1). */
  readonly locksBeforeBlock: number;
}

/** Everything the verifier decides by number. Defaults follow the seed and DanID's texts. */
export interface VerifierPolicy {
  /** ID-3: 5 wrong lock for 8 hours, 5 more block. */
  readonly password: LockoutPolicy;
  /** ID-4: a 4-digit password locks after 3. */
  readonly pin: LockoutPolicy;
  /** KC-9: wrong keys in a row quarantine the card or token (AUTH004), more revoke it (LOCK003). */
  readonly factor: LockoutPolicy;
  /** The log-on dialog timed out after 5 minutes. */
  readonly challengeTtlMs: number;
  /** KC-3: cards held at once. */
  readonly maxCards: number;
  /** KC-3: default keys left at which a new card is ordered (each user may change it). */
  readonly reorderThreshold: number;
  /** HOTP look-ahead past the last accepted counter. */
  readonly hotpLookAhead: number;
  /** HOTP: how far ahead a code may be and still start a resync (with the next code). */
  readonly hotpResyncWindow: number;
  /** TOTP: steps either side of the expected step. */
  readonly totpSkewSteps: number;
  /** TOTP: the most a token's clock may drift, in ppm (crystals: about +-20, plus ageing). */
  readonly maxDriftPpm: number;
  /**
   * TOTP: the least extra width either side for a token's first code (how well its clock was set);
   * the drift since registration widens it further.
   */
  readonly firstUseSkewSteps: number;
  /** TOTP: the window never grows past this many steps either side. */
  readonly maxSkewSteps: number;
  /**
   * TOTP: a code this many steps either side of the window is a resync candidate: the device's
   * next code (a later step within the challenge's lifetime) confirms it and moves the offset.
   */
  readonly totpResyncSteps: number;
  /** ID-5: the age for any NemID. */
  readonly minimumAge: number;
  readonly scrypt: ScryptParams;
}

export const DEFAULT_POLICY: VerifierPolicy = {
  password: { maxFailures: 5, lockMs: 8 * HOUR, locksBeforeBlock: 1 },
  pin: { maxFailures: 3, lockMs: 8 * HOUR, locksBeforeBlock: 1 },
  factor: { maxFailures: 5, lockMs: 1 * HOUR, locksBeforeBlock: 1 },
  challengeTtlMs: 5 * MINUTE,
  maxCards: 4,
  reorderThreshold: 20,
  hotpLookAhead: 10,
  hotpResyncWindow: 1000,
  totpSkewSteps: 1,
  maxDriftPpm: 30,
  firstUseSkewSteps: 20,
  maxSkewSteps: 240,
  totpResyncSteps: 2880,
  minimumAge: 18,
  scrypt: DEFAULT_SCRYPT,
};

export type PolicyOverrides = Partial<VerifierPolicy>;

export function resolvePolicy(overrides: PolicyOverrides = {}): VerifierPolicy {
  const p = { ...DEFAULT_POLICY, ...overrides };
  for (const [name, lp] of [
    ['password', p.password],
    ['pin', p.pin],
    ['factor', p.factor],
  ] as const) {
    if (
      !(
        Number.isSafeInteger(lp.maxFailures) &&
        lp.maxFailures >= 1 &&
        lp.lockMs >= 0 &&
        lp.locksBeforeBlock >= 0
      )
    ) {
      throw new RangeError(`policy.${name} is not a valid lockout policy`);
    }
  }
  const whole = (name: keyof VerifierPolicy, min: number) => {
    const v = p[name];
    if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= min)) {
      throw new RangeError(`policy.${name} must be a whole number of at least ${min}`);
    }
  };
  whole('challengeTtlMs', 1);
  whole('maxCards', 1);
  whole('reorderThreshold', 0);
  whole('hotpLookAhead', 0);
  whole('hotpResyncWindow', 0);
  whole('totpSkewSteps', 0);
  whole('firstUseSkewSteps', 0);
  whole('maxSkewSteps', 0);
  whole('totpResyncSteps', 0);
  whole('minimumAge', 0);
  const { N, r, p: parallel } = p.scrypt;
  if (!(Number.isSafeInteger(N) && N > 1 && (N & (N - 1)) === 0 && r >= 1 && parallel >= 1)) {
    throw new RangeError('policy.scrypt needs N a power of 2 above 1, r and p at least 1');
  }
  if (!(p.maxDriftPpm >= 0 && p.maxDriftPpm < 1e6))
    throw new RangeError('policy.maxDriftPpm is out of range');
  return p;
}
