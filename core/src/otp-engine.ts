import { type Algorithm, hashSpec } from './hash-spec.js';
import { CounterMac } from './hmac.js';
import { checkCode, checkCounter, checkDigits, MAX_COUNTER, POW10 } from './validate.js';

export interface OtpEngine {
  readonly algorithm: Algorithm;
  /** RFC 4226 HOTP value for `counter` (0 to 2^53-1) as a number below 10^digits. */
  hotp(counter: number, digits: number): number;
  /** RFC 6238 TOTP value for the time step containing `unixSeconds`. */
  totp(unixSeconds: number, stepSeconds: number, digits: number, t0Seconds?: number): number;
  /**
   * The first counter in fromCounter..fromCounter+window (inclusive) whose HOTP value equals
   * `code`, or -1. The whole window is always computed, so the time taken does not reveal where
   * (or whether) the code matched.
   */
  findHotp(code: number, fromCounter: number, window: number, digits: number): number;
}

const TWO32 = 4294967296;

class Engine implements OtpEngine {
  private readonly mac: CounterMac;

  constructor(
    readonly algorithm: Algorithm,
    secret: Uint8Array,
  ) {
    this.mac = new CounterMac(hashSpec(algorithm), secret);
  }

  hotp(counter: number, digits: number): number {
    checkCounter(counter);
    checkDigits(digits);
    return this.mac.truncated((counter / TWO32) | 0, counter | 0) % POW10[digits];
  }

  totp(unixSeconds: number, stepSeconds: number, digits: number, t0Seconds = 0): number {
    return this.hotp(timeStep(unixSeconds, stepSeconds, t0Seconds), digits);
  }

  findHotp(code: number, fromCounter: number, window: number, digits: number): number {
    checkDigits(digits);
    checkCode(code, digits);
    checkCounter(fromCounter, 'fromCounter');
    if (!(Number.isInteger(window) && window >= 0 && fromCounter + window <= MAX_COUNTER)) {
      throw new RangeError('window must be a non-negative integer and fromCounter + window at most 2^53-1');
    }
    const mod = POW10[digits];
    let found = -1;
    for (let i = 0; i <= window; i++) {
      const c = fromCounter + i;
      const hit = (this.mac.truncated((c / TWO32) | 0, c | 0) % mod) ^ code;
      // Keep the first match but never leave the loop early.
      found = found === -1 && hit === 0 ? c : found;
    }
    return found;
  }
}

/** The RFC 6238 time step T = floor((unixSeconds - t0) / step). */
export function timeStep(unixSeconds: number, stepSeconds: number, t0Seconds = 0): number {
  if (!(Number.isInteger(stepSeconds) && stepSeconds > 0)) {
    throw new RangeError(`step must be a positive whole number of seconds, got ${String(stepSeconds)}`);
  }
  if (!(Number.isFinite(unixSeconds) && Number.isFinite(t0Seconds))) {
    throw new RangeError('time and t0 must be finite numbers of seconds');
  }
  if (unixSeconds < t0Seconds) {
    throw new RangeError('time must not be before t0');
  }
  return Math.floor((unixSeconds - t0Seconds) / stepSeconds);
}

/**
 * Builds an engine for one secret. All memory the engine needs is allocated here; afterwards
 * `hotp`, `totp` and `findHotp` allocate nothing.
 */
export function createOtpEngine(secret: Uint8Array, algorithm: Algorithm = 'sha1'): OtpEngine {
  if (!(secret instanceof Uint8Array)) throw new TypeError('secret must be a Uint8Array');
  // HMAC accepts an empty key, but a code from it proves nothing: anyone can compute it.
  if (secret.length === 0) throw new RangeError('the secret is empty');
  return new Engine(hashSpec(algorithm).name, secret);
}
