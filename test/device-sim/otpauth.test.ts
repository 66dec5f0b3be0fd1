import { createOtpEngine } from '@nemid-sim/core';
import {
  checkDeviceCanEmulate,
  createDevice,
  formatOtpauthUri,
  otpauthFromDevice,
  parseOtpauthUri,
} from '@nemid-sim/device-sim';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';

const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const RFC_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

function refusal(uri: string): string {
  try {
    parseOtpauthUri(uri);
  } catch (err) {
    expect(err).toBeInstanceOf(RangeError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).not.toContain(RFC_BASE32);
    return message;
  }
  throw new Error('the URI was accepted');
}

describe('otpauth:// URIs (Key Uri Format)', () => {
  it('reads the format\u2019s own example, with its defaults', () => {
    expect(
      parseOtpauthUri('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example'),
    ).toEqual({
      type: 'totp',
      account: 'alice@google.com',
      issuer: 'Example',
      secret: new Uint8Array([0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef]),
      algorithm: 'sha1',
      digits: 6,
      period: 30,
    });
  });

  it('reads percent-encoded labels, lower-case and padded base32, and HOTP counters', () => {
    const key = parseOtpauthUri(
      `otpauth://hotp/ACME%20Co:%20john.doe%40email.com?secret=${RFC_BASE32.toLowerCase()}%3D%3D&algorithm=sha256&digits=8&counter=12`,
    );
    expect(key).toEqual({
      type: 'hotp',
      account: 'john.doe@email.com',
      issuer: 'ACME Co',
      secret: RFC_SECRET,
      algorithm: 'sha256',
      digits: 8,
      counter: 12,
    });
  });

  it('writes what it reads, and what the otpauth library reads gives the same codes', () => {
    const key = {
      type: 'totp' as const,
      account: '1234567890123456',
      issuer: 'NemID',
      secret: RFC_SECRET,
      algorithm: 'sha256' as const,
      digits: 8,
      period: 60,
    };
    const uri = formatOtpauthUri(key);
    expect(uri).toBe(
      `otpauth://totp/NemID:1234567890123456?secret=${RFC_BASE32}&issuer=NemID&algorithm=SHA256&digits=8&period=60`,
    );
    expect(parseOtpauthUri(uri)).toEqual(key);
    const theirs = OTPAuth.URI.parse(uri) as OTPAuth.TOTP;
    const ours = createOtpEngine(RFC_SECRET, 'sha256');
    for (const t of [59, 1111111109, 2000000000]) {
      expect(theirs.generate({ timestamp: t * 1000 })).toBe(String(ours.totp(t, 60, 8)).padStart(8, '0'));
    }
    const hotp = { ...key, type: 'hotp' as const, period: undefined, counter: 5 };
    delete hotp.period;
    expect(parseOtpauthUri(formatOtpauthUri(hotp))).toEqual(hotp);
  });

  it('refuses malformed URIs with one sentence that never shows the secret', () => {
    expect(refusal('https://example.com/')).toBe('not an otpauth:// URI');
    expect(refusal('otpauth:/')).toBe('otpauth URI: the type must be hotp or totp (otpauth://totp/...)');
    expect(refusal('otpauth://motp/a?secret=AAAA')).toBe(
      'otpauth URI: the type must be hotp or totp (otpauth://totp/...)',
    );
    expect(refusal('otpauth://totp/a')).toBe('otpauth URI: the secret parameter is missing');
    expect(refusal(`otpauth://totp/a?secret=${RFC_BASE32}1`)).toBe(
      'otpauth URI: the secret is not base32 (A-Z, 2-7)',
    );
    expect(refusal(`otpauth://totp/?secret=${RFC_BASE32}`)).toBe('otpauth URI: the label names no account');
    expect(refusal(`otpauth://totp/a?secret=${RFC_BASE32}&algorithm=MD5`)).toBe(
      'otpauth URI: algorithm must be SHA1, SHA256 or SHA512',
    );
    expect(refusal(`otpauth://totp/a?secret=${RFC_BASE32}&digits=six`)).toBe(
      'otpauth URI: digits must be a whole number',
    );
    expect(refusal(`otpauth://totp/a?secret=${RFC_BASE32}&period=-30`)).toBe(
      'otpauth URI: period must be a whole number',
    );
    expect(refusal(`otpauth://hotp/a?secret=${RFC_BASE32}`)).toBe(
      'otpauth URI: an hotp URI needs a counter parameter',
    );
    expect(refusal(`otpauth://totp/A:a?secret=${RFC_BASE32}&issuer=B`)).toBe(
      'otpauth URI: the issuer parameter and the issuer in the label differ',
    );
    expect(refusal(`otpauth://totp/a?secret=${RFC_BASE32}&secret=${RFC_BASE32}`)).toBe(
      'otpauth URI: the parameter secret appears twice',
    );
    expect(refusal('otpauth://totp/%E0%A4%A?secret=AAAA')).toBe(
      'otpauth URI: the label is not valid percent-encoding',
    );
  });

  it('a device refuses what it cannot show: other code lengths, short secrets, long steps', () => {
    const base = parseOtpauthUri(`otpauth://totp/a?secret=${RFC_BASE32}`);
    expect(() => checkDeviceCanEmulate(base)).not.toThrow();
    expect(() => checkDeviceCanEmulate({ ...base, digits: 10 })).toThrow(
      'the device shows 6 to 9 digits; the URI asks for 10',
    );
    expect(() => checkDeviceCanEmulate({ ...base, digits: 4 })).toThrow('6 to 9 digits');
    expect(() => checkDeviceCanEmulate({ ...base, secret: new Uint8Array(5) })).toThrow(
      "the device needs a secret of 10 bytes or more; the URI's is 5",
    );
    expect(() => checkDeviceCanEmulate({ ...base, period: 0 })).toThrow(
      'the device steps 1 to 86400 seconds',
    );
  });

  it('a device\u2019s URI: serial as account, the next HOTP counter, and no URI for a T0 it cannot say', () => {
    const hotp = createDevice({
      secret: RFC_SECRET,
      startUnix: 1e9,
      mode: 'hotp',
      serial: '1111222233334444',
    });
    hotp.press(1e9 + 1);
    hotp.press(1e9 + 2);
    expect(formatOtpauthUri(otpauthFromDevice(hotp.config, hotp.counter))).toBe(
      `otpauth://hotp/NemID:1111222233334444?secret=${RFC_BASE32}&issuer=NemID&algorithm=SHA1&digits=6&counter=2`,
    );
    const shifted = createDevice({ secret: RFC_SECRET, startUnix: 1e9, t0Seconds: 100 });
    expect(() => otpauthFromDevice(shifted.config, 0)).toThrow('a T0 other than 0');
  });
});
