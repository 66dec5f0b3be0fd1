import { sha256 } from '@noble/hashes/sha2.js';

/** Repeatable "random" bytes for tests: SHA-256 of a seed and a running counter. */
export function seededRandom(seed: number): (n: number) => Uint8Array {
  let counter = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) {
      out.set(sha256(new TextEncoder().encode(`${seed}:${counter++}`)).subarray(0, Math.min(32, n - i)), i);
    }
    return out;
  };
}

export const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
