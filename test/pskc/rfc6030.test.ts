import { hexToBytes } from '@nemid-sim/core';
import { PskcError, parsePskc } from '@nemid-sim/pskc';
import { describe, expect, it } from 'vitest';
import { FIGURE_2, FIGURE_3, FIGURE_4, FIGURE_5, FIGURE_6, FIGURE_7, FIGURE_10 } from './rfc6030-figures.js';

const ascii = (s: string) => new TextEncoder().encode(s);
const RFC_SECRET = ascii('12345678901234567890');
const FIGURE_6_PSK = hexToBytes('12345678901234567890123456789012');
const plaintext = { allowPlaintext: true };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof PskcError) return err.code;
    throw err;
  }
  return undefined;
}

describe('RFC 6030 examples', () => {
  it('figure 2: a plain-text HOTP secret "1234", read only when plain text is allowed', () => {
    const doc = parsePskc(FIGURE_2, {}, plaintext);
    expect(doc).toEqual({
      id: 'exampleID1',
      keys: [
        {
          id: '12345678',
          kind: 'hotp',
          issuer: 'Issuer-A',
          algorithm: 'sha1',
          digits: 6,
          secret: ascii('1234'),
        },
      ],
      skipped: [],
      protection: 'plaintext',
    });
    expect(codeOf(() => parsePskc(FIGURE_2))).toBe('plaintext');
  });

  it('figure 3: device info, 8 decimal digits, the secret and counter 0', () => {
    const [key] = parsePskc(FIGURE_3, {}, plaintext).keys;
    expect(key).toEqual({
      id: '12345678',
      kind: 'hotp',
      serial: '987654321',
      manufacturer: 'Manufacturer',
      issuer: 'Issuer',
      algorithm: 'sha1',
      digits: 8,
      secret: RFC_SECRET,
      counter: 0,
    });
  });

  it('figure 4: a key named by KeyProfileId and KeyReference carries no secret', () => {
    const [key] = parsePskc(FIGURE_4).keys;
    expect(key).toEqual({
      id: '12345678',
      kind: 'hotp',
      serial: '987654321',
      manufacturer: 'Manufacturer',
      issuer: 'Issuer',
      algorithm: 'sha1',
      digits: 8,
      keyProfileId: 'keyProfile1',
      keyReference: 'MasterKeyLabel',
      counter: 0,
      policy: { keyUsage: ['OTP'] },
    });
  });

  it('figure 5: an HOTP key with a PIN policy and the PIN key it names', () => {
    const [otp, pin] = parsePskc(FIGURE_5, {}, plaintext).keys;
    expect(otp).toMatchObject({ id: '12345678', kind: 'hotp', digits: 8, secret: RFC_SECRET, counter: 0 });
    expect(otp.policy).toEqual({
      keyUsage: ['OTP'],
      pin: { pinKeyId: '123456781', usageMode: 'Local', minLength: 4, maxLength: 4, encoding: 'DECIMAL' },
    });
    expect(pin).toEqual({
      id: '123456781',
      kind: 'pin',
      serial: '987654321',
      manufacturer: 'Manufacturer',
      issuer: 'Issuer',
      algorithm: 'sha1',
      digits: 4,
      secret: ascii('1234'),
    });
  });

  it('figure 6: AES-128-CBC under the pre-shared key; the HMAC-SHA1 ValueMAC checks', () => {
    const doc = parsePskc(FIGURE_6, { psk: FIGURE_6_PSK });
    expect(doc.protection).toBe('pre-shared-key');
    expect(doc.mac).toBe('hmac-sha1');
    expect(doc.keys).toEqual([
      {
        id: '12345678',
        kind: 'hotp',
        serial: '987654321',
        manufacturer: 'Manufacturer',
        issuer: 'Issuer',
        algorithm: 'sha1',
        digits: 8,
        secret: RFC_SECRET,
        counter: 0,
      },
    ]);
  });

  it('figure 6: a changed ValueMAC, a changed ciphertext or another key is refused', () => {
    const badMac = FIGURE_6.replace('Su+NvtQfmvfJzF6bmQiJqoLRExc=', 'Su+NwtQfmvfJzF6bmQiJqoLRExc=');
    expect(codeOf(() => parsePskc(badMac, { psk: FIGURE_6_PSK }))).toBe('bad-mac');
    const badCipher = FIGURE_6.replace('AAECAwQFBgcICQoLDA0OD+cI', 'AAECAwQFBgcICQoLDA0OD+cJ');
    expect(codeOf(() => parsePskc(badCipher, { psk: FIGURE_6_PSK }))).toBe('bad-mac');
    const other = hexToBytes('12345678901234567890123456789013');
    expect(['wrong-key', 'bad-mac']).toContain(codeOf(() => parsePskc(FIGURE_6, { psk: other })));
    expect(codeOf(() => parsePskc(FIGURE_6))).toBe('key-needed');
  });

  it('figure 7: PBKDF2 of "qwerty" opens the document; the key it derives is 651e63cd...', () => {
    const doc = parsePskc(FIGURE_7, { password: 'qwerty' });
    expect(doc.protection).toBe('password');
    expect(doc.keys).toEqual([
      {
        id: '123456',
        kind: 'hotp',
        serial: '987654321',
        manufacturer: 'TokenVendorAcme',
        issuer: 'Example-Issuer',
        algorithm: 'sha1',
        digits: 8,
        secret: RFC_SECRET,
      },
    ]);
    // The same document under the key the RFC says PBKDF2 derives, given as a pre-shared key.
    const start = FIGURE_7.indexOf('<pskc:EncryptionKey>');
    const end = FIGURE_7.indexOf('</pskc:EncryptionKey>') + '</pskc:EncryptionKey>'.length;
    const withPsk = `${FIGURE_7.slice(0, start)}<pskc:EncryptionKey><ds:KeyName xmlns:ds="http://www.w3.org/2000/09/xmldsig#">k</ds:KeyName></pskc:EncryptionKey>${FIGURE_7.slice(end)}`;
    const psk = hexToBytes('651e63cd57008476af1ff6422cd02e41');
    expect(parsePskc(withPsk, { psk }).keys[0].secret).toEqual(RFC_SECRET);
    expect(['wrong-key', 'bad-mac']).toContain(codeOf(() => parsePskc(FIGURE_7, { password: 'qwertz' })));
  });

  it('figure 10: bulk provisioning of four HOTP keys with their validity dates', () => {
    const doc = parsePskc(FIGURE_10, {}, plaintext);
    expect(doc.keys.map((k) => [k.id, k.serial, k.manufacturer, k.issuer, k.digits, k.counter])).toEqual([
      ['1', '654321', 'TokenVendorAcme', 'Issuer', 8, 0],
      ['2', '123456', 'TokenVendorAcme', 'Issuer', 8, 0],
      ['3', '9999999', 'TokenVendorAcme', 'Issuer', 8, 0],
      ['4', '9999999', 'TokenVendorAcme', 'Issuer', 8, 0],
    ]);
    for (const k of doc.keys) expect(k.secret).toEqual(RFC_SECRET);
    expect(doc.keys.map((k) => [k.policy?.startDate, k.policy?.expiryDate])).toEqual([
      ['2006-05-01T00:00:00Z', '2006-05-31T00:00:00Z'],
      ['2006-05-01T00:00:00Z', '2006-05-31T00:00:00Z'],
      ['2006-03-01T00:00:00Z', '2006-03-31T00:00:00Z'],
      ['2006-04-01T00:00:00Z', '2006-04-30T00:00:00Z'],
    ]);
  });
});
