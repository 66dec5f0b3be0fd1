import { createHash, createHmac } from 'node:crypto';
import {
  type Algorithm,
  base32ToBytes,
  bytesToBase32,
  bytesToHex,
  createOtpEngine,
  digest,
  HASHES,
  hexToBytes,
  MAX_COUNTER,
} from '@nemid-sim/core';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const NOBLE = { sha1, sha256, sha512 } as const;
const algorithm = fc.constantFrom<Algorithm>('sha1', 'sha256', 'sha512');
// An empty secret is refused (see below); a 1-byte one is allowed, and keys longer than a block are hashed.
const secret = fc.uint8Array({ minLength: 1, maxLength: 200 });
const counter = fc.oneof(
  fc.integer({ min: 0, max: 1000 }),
  fc.integer({ min: 2 ** 31 - 10, max: 2 ** 32 + 10 }),
  fc.integer({ min: 0, max: MAX_COUNTER }),
  fc.constant(MAX_COUNTER),
);
const digits = fc.integer({ min: 6, max: 9 });

function counterBytes(c: number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(c));
  return b;
}

function truncate(mac: Uint8Array, d: number): number {
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return bin % 10 ** d;
}

describe('HOTP agrees with independent HMAC implementations', () => {
  it('matches node:crypto createHmac for random secrets, counters, algorithms and digit counts', () => {
    fc.assert(
      fc.property(secret, counter, algorithm, digits, (s, c, alg, d) => {
        const expected = truncate(createHmac(alg, s).update(counterBytes(c)).digest(), d);
        expect(createOtpEngine(s, alg).hotp(c, d)).toBe(expected);
      }),
      { numRuns: 600 },
    );
  });

  it('matches @noble/hashes hmac', () => {
    fc.assert(
      fc.property(secret, counter, algorithm, digits, (s, c, alg, d) => {
        const expected = truncate(nobleHmac(NOBLE[alg], s, counterBytes(c)), d);
        expect(createOtpEngine(s, alg).hotp(c, d)).toBe(expected);
      }),
      { numRuns: 600 },
    );
  });

  it('one engine gives the same codes over many calls as fresh engines (no state leaks between calls)', () => {
    fc.assert(
      fc.property(
        secret,
        algorithm,
        fc.array(counter, { minLength: 2, maxLength: 20 }),
        (s, alg, counters) => {
          const engine = createOtpEngine(s, alg);
          for (const c of counters) expect(engine.hotp(c, 8)).toBe(createOtpEngine(s, alg).hotp(c, 8));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('TOTP', () => {
  it('is HOTP of floor((time - t0) / step)', () => {
    fc.assert(
      fc.property(
        secret,
        algorithm,
        digits,
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 0, max: 2 ** 30 }),
        (s, alg, d, time, step, t0) => {
          const engine = createOtpEngine(s, alg);
          const t = time + t0;
          expect(engine.totp(t, step, d, t0)).toBe(engine.hotp(Math.floor(time / step), d));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('findHotp', () => {
  it('returns the first counter in the window that gives the code, or -1, like a naive scan', () => {
    fc.assert(
      fc.property(
        secret,
        algorithm,
        fc.integer({ min: 0, max: MAX_COUNTER - 200 }),
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 0, max: 200 }),
        (s, alg, from, window, target) => {
          const engine = createOtpEngine(s, alg);
          const code = engine.hotp(from + target, 6);
          let expected = -1;
          for (let c = from; c <= from + window; c++) {
            if (engine.hotp(c, 6) === code) {
              expected = c;
              break;
            }
          }
          expect(engine.findHotp(code, from, window, 6)).toBe(expected);
          if (target <= window) expect(expected).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('hash digests', () => {
  it('match node:crypto for messages of 0 to 300 bytes (one and several blocks)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), algorithm, (m, alg) => {
        expect(bytesToHex(digest(HASHES[alg], m))).toBe(createHash(alg).update(m).digest('hex'));
      }),
      { numRuns: 400 },
    );
  });
});

describe('argument checks', () => {
  const engine = createOtpEngine(new Uint8Array(20), 'sha1');
  it.each([
    [-1, 6],
    [1.5, 6],
    [MAX_COUNTER + 1, 6],
    [Number.NaN, 6],
    [0, 5],
    [0, 10],
  ])('hotp(%s, %s) throws a RangeError', (c, d) => {
    expect(() => engine.hotp(c, d)).toThrow(RangeError);
  });

  it('rejects unknown algorithms, bad steps, times before t0 and codes with too many digits', () => {
    expect(() => createOtpEngine(new Uint8Array(1), 'md5' as Algorithm)).toThrow(/unknown algorithm/);
    expect(() => engine.totp(100, 0, 6)).toThrow(/step/);
    expect(() => engine.totp(10, 30, 6, 20)).toThrow(/before t0/);
    expect(() => engine.findHotp(1_000_000, 0, 10, 6)).toThrow(/at most 6 digits/);
    expect(() => engine.findHotp(1, MAX_COUNTER, 1, 6)).toThrow(/window/);
  });

  it('refuses an empty secret, whose codes anyone could compute', () => {
    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      expect(() => createOtpEngine(new Uint8Array(0), algorithm)).toThrow(/the secret is empty/);
    }
    expect(createOtpEngine(new Uint8Array(1)).hotp(0, 6)).toBeGreaterThanOrEqual(0);
  });
});

describe('encodings', () => {
  it('hex and base32 round-trip any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(hexToBytes(bytesToHex(b))).toEqual(b);
        expect(base32ToBytes(bytesToBase32(b))).toEqual(b);
      }),
    );
  });

  it('decodes the RFC 4648 base32 test vectors', () => {
    const dec = (s: string) => new TextDecoder().decode(base32ToBytes(s));
    expect(dec('MZXW6YTBOI======')).toBe('foobar');
    expect(dec('mzxw6ytb')).toBe('fooba');
    expect(dec('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')).toBe('12345678901234567890');
  });

  it('rejects odd or non-hex digits and bad base32 without echoing the input', () => {
    expect(() => hexToBytes('abc')).toThrow('odd number');
    expect(() => hexToBytes('zz')).toThrow(/not 0-9/);
    expect(() => base32ToBytes('M1')).toThrow(/A-Z and 2-7/);
    expect(() => base32ToBytes('MZXW6Y')).toThrow(/trailing bits|length/);
  });
});
