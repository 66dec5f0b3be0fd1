import { PskcError, type PskcKeyInput, parsePskc, writePskc } from '@nemid-sim/pskc';
import { describe, expect, it } from 'vitest';
import { hex, seededRandom } from './helpers.js';

const PSK = hex('000102030405060708090a0b0c0d0e0f');

const KEYS: PskcKeyInput[] = [
  {
    kind: 'hotp',
    serial: '1234567890123456',
    manufacturer: 'nemid-sim',
    issuer: 'NemID',
    secret: hex('3132333435363738393031323334353637383930'),
    counter: 41,
  },
  {
    kind: 'totp',
    serial: '6543210987654321',
    manufacturer: 'nemid-sim',
    algorithm: 'sha256',
    digits: 8,
    secret: seededRandom(9)(32),
    time: 0,
    timeInterval: 60,
    timeDrift: -3,
  },
  { kind: 'totp', id: 'phone-1', algorithm: 'sha512', digits: 6, secret: seededRandom(8)(64) },
];

const EXPECTED = [
  {
    id: '1234567890123456',
    kind: 'hotp',
    serial: '1234567890123456',
    manufacturer: 'nemid-sim',
    issuer: 'NemID',
    algorithm: 'sha1',
    digits: 6,
    secret: KEYS[0].secret,
    counter: 41,
  },
  {
    id: '6543210987654321',
    kind: 'totp',
    serial: '6543210987654321',
    manufacturer: 'nemid-sim',
    algorithm: 'sha256',
    digits: 8,
    secret: KEYS[1].secret,
    time: 0,
    timeInterval: 60,
    timeDrift: -3,
  },
  {
    id: 'phone-1',
    kind: 'totp',
    algorithm: 'sha512',
    digits: 6,
    secret: KEYS[2].secret,
    time: 0,
    timeInterval: 30,
  },
];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof PskcError ? err.code : 'other';
  }
  return undefined;
}

describe('writePskc then parsePskc', () => {
  for (const mac of ['hmac-sha1', 'hmac-sha256', 'hmac-sha512'] as const) {
    it(`pre-shared key, ${mac}: the same keys come back, every MAC checked`, () => {
      const xml = writePskc(KEYS, { psk: PSK, mac, random: seededRandom(1) });
      const doc = parsePskc(xml, { psk: PSK });
      expect(doc).toMatchObject({ protection: 'pre-shared-key', mac, skipped: [] });
      expect(doc.keys).toEqual(EXPECTED);
    });
  }

  it('password (PBKDF2): the same keys come back; another password is refused', () => {
    const xml = writePskc(KEYS, { password: 'correct horse', iterations: 1000, random: seededRandom(2) });
    expect(parsePskc(xml, { password: 'correct horse' }).keys).toEqual(EXPECTED);
    expect(['wrong-key', 'bad-mac']).toContain(codeOf(() => parsePskc(xml, { password: 'correct horsf' })));
    expect(codeOf(() => parsePskc(xml, { psk: PSK }))).toBe('key-needed');
  });

  it('the output depends only on the keys and the random source, and carries no secret in clear', () => {
    const a = writePskc(KEYS, { psk: PSK, random: seededRandom(3), id: 'delivery-1' });
    expect(writePskc(KEYS, { psk: PSK, random: seededRandom(3), id: 'delivery-1' })).toBe(a);
    expect(writePskc(KEYS, { psk: PSK, random: seededRandom(4), id: 'delivery-1' })).not.toBe(a);
    expect(a).toContain('Id="delivery-1"');
    expect(a).not.toContain('MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=');
    expect(a).not.toContain('PlainValue>MTI');
  });

  it('every value is encrypted under a fresh IV: equal secrets give different ciphertexts', () => {
    const same = [KEYS[0], { ...KEYS[0], serial: '1111222233334444' }];
    const xml = writePskc(same, { psk: PSK, random: seededRandom(5) });
    const values = [...xml.matchAll(/<xenc:CipherValue>([^<]+)</g)].map((m) => m[1]);
    expect(values).toHaveLength(3); // the MAC key and two secrets
    expect(new Set(values).size).toBe(3);
  });

  it('a changed character in the IV or ciphertext of a secret breaks its MAC', () => {
    const xml = writePskc(KEYS.slice(0, 2), { psk: PSK, random: seededRandom(6) });
    const [, first] = [...xml.matchAll(/<xenc:CipherValue>([^<]+)</g)].map((m) => m[1]);
    for (const at of [0, 30, first.length - 3]) {
      const changed = `${first.slice(0, at)}${first[at] === 'A' ? 'B' : 'A'}${first.slice(at + 1)}`;
      expect(codeOf(() => parsePskc(xml.replace(first, changed), { psk: PSK }))).toBe('bad-mac');
    }
  });

  it('refuses what it cannot write', () => {
    const random = seededRandom(7);
    expect(() => writePskc(KEYS, { random })).toThrow('either a pre-shared key or a password');
    expect(() => writePskc(KEYS, { psk: PSK, password: 'x', random })).toThrow(RangeError);
    expect(() => writePskc(KEYS, { psk: PSK.subarray(0, 8), random })).toThrow('16 bytes');
    expect(() => writePskc([], { psk: PSK, random })).toThrow('at least one key');
    expect(() => writePskc([{ ...KEYS[0], digits: 5 }], { psk: PSK, random })).toThrow('digits');
    expect(() => writePskc([{ ...KEYS[0], secret: new Uint8Array() }], { psk: PSK, random })).toThrow(
      'empty',
    );
    expect(() => writePskc([{ ...KEYS[0], counter: -1 }], { psk: PSK, random })).toThrow('counter');
    expect(() => writePskc(KEYS, { psk: PSK, random: () => new Uint8Array(1) })).toThrow(TypeError);
  });
});
