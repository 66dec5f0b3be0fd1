import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../server-verifier/src/password-hash.js';
import { SecretBox } from '../../../server-verifier/src/secret-box.js';
import {
  cardSecret,
  enrolWithCard,
  FAST_SCRYPT,
  makeHarness,
  seededRandom,
  TOKEN_SERIAL,
  tokenSecret,
} from './harness.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('secrets at rest', () => {
  it('seals with AES-256-GCM bound to the record, and refuses tampering, moving or another key', () => {
    const box = new SecretBox(new Uint8Array(32).fill(1), seededRandom('box'));
    const secret = cardSecret(1);
    const sealed = box.seal(secret, 'card:A000000001');
    expect(box.open(sealed, 'card:A000000001')).toEqual(secret);
    expect(hex(sealed)).not.toContain(hex(secret).slice(0, 16));
    expect(() => box.open(sealed, 'card:A000000002')).toThrow(/master key does not belong/);
    const tampered = sealed.slice();
    tampered[tampered.length - 1] ^= 1;
    expect(() => box.open(tampered, 'card:A000000001')).toThrow(/master key does not belong/);
    const other = new SecretBox(new Uint8Array(32).fill(2), seededRandom('box'));
    expect(() => other.open(sealed, 'card:A000000001')).toThrow(/master key does not belong/);
    expect(box.seal(secret, 'x')).not.toEqual(box.seal(secret, 'x'));
    expect(() => new SecretBox(new Uint8Array(16), seededRandom('x'))).toThrow(RangeError);
  });

  it('leaves no card or token secret, and no password, in a dump of the store', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    await h.verifier.registerTokens([{ serial: TOKEN_SERIAL, kind: 'totp', secret: tokenSecret(1) }]);
    const dump = JSON.stringify(
      [
        await h.store.getUser(u.userId),
        await h.store.getPassword(u.userId),
        await h.store.listCards(u.userId),
        await h.store.getToken('1234567890123456'),
      ],
      (_k, v) => (v instanceof Uint8Array ? hex(v) : v),
    );
    for (const secret of [cardSecret(1), tokenSecret(1)])
      expect(dump).not.toContain(hex(secret).slice(0, 12));
    expect(dump).not.toContain('hemmelig42');
  });

  it('cannot use the stored secrets under another master key', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    await h.verifier.checkMasterKey();
    const { createVerifier } = await import('@nemid-sim/server-verifier');
    const wrongKey = createVerifier({
      store: h.store,
      masterKey: new Uint8Array(32).fill(9),
      clock: () => h.clock.now,
      random: seededRandom('other'),
      policy: { scrypt: FAST_SCRYPT },
    });
    await expect(
      wrongKey.startLogon({ userId: u.nemIdNumber, password: 'hemmelig42', providerId: 'bank' }),
    ).rejects.toMatchObject({ code: 'WRONG_MASTER_KEY' });
    await expect(wrongKey.checkMasterKey()).rejects.toMatchObject({ code: 'WRONG_MASTER_KEY' });
  });

  it('lets the first master key claim the database and refuses any other after it', async () => {
    const h = makeHarness();
    const other = (await import('@nemid-sim/server-verifier')).createVerifier({
      store: h.store,
      masterKey: new Uint8Array(32).fill(9),
    });
    expect(await h.verifier.checkMasterKey()).toBe('claimed');
    expect(await h.verifier.checkMasterKey()).toBe('ok');
    await expect(other.checkMasterKey()).rejects.toMatchObject({ code: 'WRONG_MASTER_KEY' });
  });

  it('keeps nothing in a dump that tests a password offline or singles out a PIN user (ID-4)', async () => {
    const h = makeHarness();
    const pinUser = await enrolWithCard(h);
    await h.verifier.changePassword(pinUser.userId, '2580');
    const other = await h.verifier.enrol({ name: 'Bo', birthDate: '1980-02-03', password: 'hemmelig42' });
    const pin = (await h.store.getPassword(pinUser.userId))!;
    const pwd = (await h.store.getPassword(other.userId))!;
    // The same fields, the same sealed length, and no hash in sight: without the master key a
    // copy of the row cannot be tried against the 10,000 PINs.
    expect(Object.keys(pin).sort()).toEqual(Object.keys(pwd).sort());
    expect(pin.sealed.length).toBe(pwd.sealed.length);
    expect(Buffer.from(pin.sealed).toString('latin1')).not.toMatch(/scrypt|pin/);
    // The seal is bound to the user: moved to another user's row it does not open.
    await h.store.update({ password: other.userId }, ({ password }) => ({
      result: undefined,
      writes: { update: { passwords: [{ ...password!, sealed: pin.sealed }] } },
    }));
    await expect(
      h.verifier.startLogon({ userId: other.nemIdNumber, password: '2580', providerId: 'bank' }),
    ).rejects.toMatchObject({ code: 'WRONG_MASTER_KEY' });
  });
});

describe('password hashes', () => {
  it('store the scrypt parameters with the hash and verify with them', async () => {
    const random = seededRandom('pw');
    const a = await hashPassword('hemmelig42', { N: 32, r: 2, p: 1 }, random);
    expect(a).toMatch(/^scrypt\$32\$2\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('hemmelig42', a)).toBe(true);
    expect(await verifyPassword('hemmelig43', a)).toBe(false);
    const b = await hashPassword('hemmelig42', { N: 32, r: 2, p: 1 }, random);
    expect(b).not.toBe(a);
    await expect(verifyPassword('x', 'md5$abc')).rejects.toThrow(/not scrypt/);
  });
});
