import { createOtpEngine } from '@nemid-sim/core';
import { describe, expect, it } from 'vitest';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('RFC 4226 Appendix D (HOTP, SHA-1)', () => {
  const secret = ascii('12345678901234567890');
  const expected = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];

  it.each(expected.map((code, counter) => [counter, code]))('counter %i gives %i', (counter, code) => {
    expect(createOtpEngine(secret, 'sha1').hotp(counter, 6)).toBe(code);
  });

  it('findHotp finds every Appendix D code at its own counter', () => {
    const engine = createOtpEngine(secret, 'sha1');
    expected.forEach((code, counter) => {
      expect(engine.findHotp(code, 0, 9, 6)).toBe(counter);
    });
  });
});

describe('RFC 6238 Appendix B (TOTP, 8 digits, 30 s steps)', () => {
  const seeds = {
    sha1: ascii('12345678901234567890'),
    sha256: ascii('12345678901234567890123456789012'),
    sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
  } as const;
  const table: [number, string, keyof typeof seeds][] = [
    [59, '94287082', 'sha1'],
    [59, '46119246', 'sha256'],
    [59, '90693936', 'sha512'],
    [1111111109, '07081804', 'sha1'],
    [1111111109, '68084774', 'sha256'],
    [1111111109, '25091201', 'sha512'],
    [1111111111, '14050471', 'sha1'],
    [1111111111, '67062674', 'sha256'],
    [1111111111, '99943326', 'sha512'],
    [1234567890, '89005924', 'sha1'],
    [1234567890, '91819424', 'sha256'],
    [1234567890, '93441116', 'sha512'],
    [2000000000, '69279037', 'sha1'],
    [2000000000, '90698825', 'sha256'],
    [2000000000, '38618901', 'sha512'],
    [20000000000, '65353130', 'sha1'],
    [20000000000, '77737706', 'sha256'],
    [20000000000, '47863826', 'sha512'],
  ];

  it.each(table)('time %i gives %s with %s', (time, code, algorithm) => {
    const engine = createOtpEngine(seeds[algorithm], algorithm);
    expect(String(engine.totp(time, 30, 8)).padStart(8, '0')).toBe(code);
  });

  it('honours T0: shifting time and T0 together gives the same code', () => {
    const engine = createOtpEngine(seeds.sha1, 'sha1');
    expect(engine.totp(1111111109 + 1000, 30, 8, 1000)).toBe(7081804);
  });
});
