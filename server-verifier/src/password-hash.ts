import { scrypt, timingSafeEqual } from 'node:crypto';
import type { RandomSource } from './runtime.js';

/** scrypt cost parameters; stored with every hash so they can be raised without breaking old ones. */
export interface ScryptParams {
  /** CPU/memory cost, a power of 2. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's minimum for scrypt (N = 2^17 costs 128 MiB; 2^15 with r 8 is 32 MiB, about 50 ms). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_BYTES,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** `scrypt$N$r$p$salt$hash` with base64url salt and hash. */
export async function hashPassword(
  password: string,
  params: ScryptParams,
  random: RandomSource,
): Promise<string> {
  const salt = random(SALT_BYTES);
  const key = await derive(password, salt, params);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  return `scrypt$${params.N}$${params.r}$${params.p}$${b64(salt)}$${b64(key)}`;
}

interface Parsed {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parse(stored: string): Parsed {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new Error('stored password hash is not scrypt');
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((x) => Number.isSafeInteger(x) && x > 0)) {
    throw new Error('stored password hash has bad parameters');
  }
  return {
    params: { N, r, p },
    salt: Buffer.from(parts[4], 'base64url'),
    key: Buffer.from(parts[5], 'base64url'),
  };
}

/** Recomputes with the stored parameters and compares in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { params, salt, key } = parse(stored);
  const candidate = await derive(password, salt, params);
  return candidate.length === key.length && timingSafeEqual(candidate, key);
}
