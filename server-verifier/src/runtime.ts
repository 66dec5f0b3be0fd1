import { randomBytes } from 'node:crypto';

/** Milliseconds since the Unix epoch. Injected so tests can run years in a moment. */
export type Clock = () => number;
/** `n` cryptographically random bytes. Injected so tests are deterministic. */
export type RandomSource = (n: number) => Uint8Array;

export const systemClock: Clock = () => Date.now();
export const systemRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

/** A uniform whole number in 0..bound-1 (bound at most 2^32), by rejection sampling. */
export function randomBelow(random: RandomSource, bound: number): number {
  if (!(Number.isInteger(bound) && bound > 0 && bound <= 2 ** 32)) {
    throw new RangeError('bound must be a whole number from 1 to 2^32');
  }
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const b = random(4);
    const n = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    if (n < limit) return n % bound;
  }
}

/** A random string of `length` characters from `alphabet`. */
export function randomString(random: RandomSource, alphabet: string, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[randomBelow(random, alphabet.length)];
  return s;
}

/** An unguessable id (128 bits, base-36-ish letters and digits). */
export function randomId(random: RandomSource): string {
  return Buffer.from(random(16)).toString('base64url');
}

/**
 * An unguessable id (the same 128 random bits) after the time it was made, in 12 hex digits, so ids
 * sort by time: rows keyed by them are appended at one end of the index, and rows made together sit
 * on the same pages (a commit of many rows made or consumed together writes few pages). For
 * short-lived rows such as challenges; it tells the holder nothing beyond when the id was made.
 */
export function timeOrderedId(now: number, random: RandomSource): string {
  const ms = Math.min(Math.max(0, Math.floor(now)), 0xffff_ffff_ffff);
  return `${ms.toString(16).padStart(12, '0')}${randomId(random)}`;
}
