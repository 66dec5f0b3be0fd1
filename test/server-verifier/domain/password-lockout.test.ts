import { createMemoryStore } from '@nemid-sim/server-verifier';
import { describe, expect, it } from 'vitest';
import {
  BANK,
  CPR,
  cardChallenge,
  codeOf,
  enrolWithCard,
  HOUR,
  keyFor,
  makeHarness,
  PASSWORD,
} from './harness.js';

const logon = (h: ReturnType<typeof makeHarness>, userId: string, password: string) =>
  h.verifier.startLogon({ userId, password, providerId: BANK, ip: '192.0.2.7' });

describe('password lockout (ID-3, ID-4)', () => {
  it('locks for 8 hours after 5 wrong tries, refuses even the right password meanwhile, then unlocks', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    for (let i = 0; i < 4; i++) expect(await codeOf(logon(h, u.nemIdNumber, 'wrong123'))).toBe('AUTH001');
    expect(await codeOf(logon(h, u.nemIdNumber, 'wrong123'))).toBe('LOCK001');
    expect(await codeOf(logon(h, u.nemIdNumber, PASSWORD))).toBe('LOCK001');
    h.clock.advance(8 * HOUR - 1);
    expect(await codeOf(logon(h, u.nemIdNumber, PASSWORD))).toBe('LOCK001');
    h.clock.advance(1);
    expect(cardChallenge(await logon(h, u.nemIdNumber, PASSWORD)).cardNumber).toBe('A000-000-001');
    expect(h.events.filter((e) => e.type === 'password-locked')).toHaveLength(1);
  });

  it('blocks for good after the next run of 5 wrong tries, until a temporary password is issued', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    for (let i = 0; i < 5; i++) await codeOf(logon(h, u.nemIdNumber, 'wrong123'));
    h.clock.advance(8 * HOUR);
    for (let i = 0; i < 4; i++) expect(await codeOf(logon(h, u.nemIdNumber, 'wrong123'))).toBe('AUTH001');
    expect(await codeOf(logon(h, u.nemIdNumber, 'wrong123'))).toBe('LOCK002');
    expect(await codeOf(logon(h, u.nemIdNumber, PASSWORD))).toBe('AUTH007');
    h.clock.advance(1000 * HOUR);
    expect(await codeOf(logon(h, u.nemIdNumber, PASSWORD))).toBe('AUTH007');
    const temp = await h.verifier.issueTemporaryPassword(u.userId, 'support');
    const c = cardChallenge(await logon(h, u.nemIdNumber, temp.password));
    const result = await h.verifier.completeLogon(c.challengeId, keyFor(u.secret, c.keyNumber));
    expect(result.mustChangePassword).toBe(true);
  });

  it('resets the count after a right password', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    for (let i = 0; i < 4; i++) await codeOf(logon(h, u.nemIdNumber, 'wrong123'));
    await logon(h, u.nemIdNumber, PASSWORD);
    for (let i = 0; i < 4; i++) expect(await codeOf(logon(h, u.nemIdNumber, 'wrong123'))).toBe('AUTH001');
    expect(await codeOf(logon(h, u.nemIdNumber, 'wrong123'))).toBe('LOCK001');
  });

  it('locks a 4-digit password after 3 wrong tries, wherever the user logs on with any user id', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h, { alias: 'anna' });
    await h.verifier.changePassword(u.userId, '2580');
    expect(cardChallenge(await logon(h, 'Anna', '2580')).factor).toBe('card');
    expect(await codeOf(logon(h, u.nemIdNumber, '1111x1'))).toBe('AUTH001');
    expect(await codeOf(logon(h, '010190-1234', '0000'))).toBe('AUTH001');
    expect(await codeOf(logon(h, 'anna', '9999'))).toBe('LOCK001');
    expect(await codeOf(logon(h, CPR, '2580'))).toBe('LOCK001');
  });

  it('lets 100 parallel wrong passwords make no more guesses than the policy', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const codes = await Promise.all(
      Array.from({ length: 100 }, () => codeOf(logon(h, u.nemIdNumber, 'wrong123'))),
    );
    expect(codes.filter((c) => c === 'AUTH001')).toHaveLength(4);
    expect(codes.filter((c) => c === 'LOCK001')).toHaveLength(96);
    expect((await h.store.getPassword(u.userId))?.lockout).toMatchObject({ failures: 0, locks: 1 });
  });

  it('answers an unknown user id exactly like a wrong password, lockout included', async () => {
    const h = makeHarness();
    await enrolWithCard(h);
    const unknown: string[] = [];
    for (let i = 0; i < 7; i++) unknown.push(await codeOf(logon(h, '123456789', PASSWORD)));
    const asPassword = ['AUTH001', 'AUTH001', 'AUTH001', 'AUTH001', 'LOCK001', 'LOCK001', 'LOCK001'];
    const asPin = ['AUTH001', 'AUTH001', 'LOCK001', 'LOCK001', 'LOCK001', 'LOCK001', 'LOCK001'];
    expect([asPassword, asPin]).toContainEqual(unknown);
    const malformed = await codeOf(logon(h, '!!', PASSWORD));
    expect(malformed).toBe('AUTH001');
    const errors: unknown[] = [];
    for (const id of ['999999999', '100000000']) {
      try {
        await logon(h, id, 'wrong123');
      } catch (e) {
        errors.push({ ...(e as object), message: (e as Error).message });
      }
    }
    expect(errors[0]).toEqual(errors[1]);
  });

  it('cannot be told from a PIN user or a password user by counting tries to the lock (ID-4)', async () => {
    const h = makeHarness();
    const pinUser = await enrolWithCard(h);
    await h.verifier.changePassword(pinUser.userId, '2580');
    const triesToLock = async (login: string) => {
      for (let tries = 1; tries <= 6; tries++) {
        if ((await codeOf(logon(h, login, '0000'))) === 'LOCK001') return tries;
      }
      return 0;
    };
    expect(await triesToLock(pinUser.nemIdNumber)).toBe(3);
    const unknown: number[] = [];
    for (let i = 0; i < 24; i++) unknown.push(await triesToLock(String(200_000_000 + i)));
    // Every unknown id locks like some real user does, and both kinds occur, so the count of
    // tries tells nothing about whether an id exists.
    expect(unknown.every((n) => n === 3 || n === 5)).toBe(true);
    expect(unknown).toContain(3);
    expect(unknown).toContain(5);
  });

  it('names the counter of an unknown id by a keyed hash, not the id itself', async () => {
    const decoys: string[] = [];
    const store = createMemoryStore();
    const update = store.update.bind(store);
    store.update = (keys, decide) => {
      if (keys.decoy !== undefined) decoys.push(keys.decoy);
      return update(keys, decide);
    };
    const h = makeHarness({ store });
    await enrolWithCard(h);
    await codeOf(logon(h, '999999999', 'wrong123'));
    expect(decoys).toHaveLength(1);
    expect(decoys[0]).not.toContain('999999999');
    expect(decoys[0]).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
