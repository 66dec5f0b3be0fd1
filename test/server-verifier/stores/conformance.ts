import type {
  AuditEntry,
  ChallengeRecord,
  ClosableStore,
  LockoutPolicy,
  LockoutSubject,
  NewCard,
  NewToken,
} from '@nemid-sim/server-verifier';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerConformance } from './conformance-answer.js';
import { T0, user } from './records.js';

const HOUR = 3_600_000;
const ID3: LockoutPolicy = { maxFailures: 5, lockMs: 8 * HOUR, locksBeforeBlock: 1 };

function card(serial: string, userId: string): NewCard {
  return { serial, userId, secretCiphertext: new Uint8Array([1, 2, 3, 0, 255]), issuedAt: T0 };
}

function token(serial: string, kind: 'hotp' | 'totp' = 'hotp'): NewToken {
  return {
    serial,
    kind,
    algorithm: 'sha1',
    digits: 6,
    stepSeconds: 30,
    t0: 0,
    secretCiphertext: new Uint8Array([9, 8, 7, 6]),
  };
}

function challenge(id: string, extra: Partial<ChallengeRecord> = {}): ChallengeRecord {
  return {
    id,
    userId: 'user-1',
    purpose: 'logon',
    factor: 'card',
    cardSerial: 'A000000001',
    keyNumber: 1234,
    tokenSerial: null,
    batchDigest: null,
    providerId: 'bank',
    ip: '192.0.2.1',
    data: null,
    createdAt: T0,
    expiresAt: T0 + 5 * 60_000,
    ...extra,
  };
}

function audit(at: number, userId: string | null, action = 'logon'): AuditEntry {
  return {
    at,
    userId,
    ip: '192.0.2.1',
    providerId: 'bank',
    site: null,
    factor: 'password',
    action,
    outcome: 'ok',
  };
}

/**
 * The contract every Store implementation must keep. Each test gets a fresh, empty store from
 * `makeStore` and closes it afterwards.
 */
export function storeConformanceSuite(name: string, makeStore: () => Promise<ClosableStore>): void {
  describe(`store conformance: ${name}`, () => {
    let store: ClosableStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('users', () => {
      it('creates, reads and finds a user by each kind of user id', async () => {
        const u = user(1, { cpr: '0101901234', alias: 'anna' });
        expect(await store.createUser(u)).toBe('ok');
        expect(await store.getUser('user-1')).toEqual(u);
        expect(await store.findUserId('nemid', '100000001')).toBe('user-1');
        expect(await store.findUserId('cpr', '0101901234')).toBe('user-1');
        expect(await store.findUserId('alias', 'anna')).toBe('user-1');
        expect(await store.findUserId('alias', 'bob')).toBeNull();
        expect(await store.findUserId('cpr', '100000001')).toBeNull();
        expect(await store.getUser('nobody')).toBeNull();
      });

      it('keeps null CPR and alias distinct from any value', async () => {
        expect(await store.createUser(user(1))).toBe('ok');
        expect(await store.createUser(user(2))).toBe('ok');
        expect(await store.findUserId('alias', '')).toBeNull();
      });

      it('refuses a duplicate id, NemID number, CPR or alias and writes nothing', async () => {
        await store.createUser(user(1, { cpr: '0101901234', alias: 'anna' }));
        expect(await store.createUser(user(1, { nemIdNumber: '999999999' }))).toBe('duplicate');
        expect(await store.createUser(user(2, { nemIdNumber: '100000001' }))).toBe('duplicate');
        expect(await store.createUser(user(3, { cpr: '0101901234' }))).toBe('duplicate');
        expect(await store.createUser(user(4, { alias: 'anna' }))).toBe('duplicate');
        for (const id of ['user-2', 'user-3', 'user-4']) expect(await store.getUser(id)).toBeNull();
      });

      it('updates profile fields and leaves the others alone', async () => {
        await store.createUser(user(1));
        expect(
          await store.updateUser('user-1', {
            mobile: '+4512345678',
            status: 'blocked',
            reorderThreshold: 30,
          }),
        ).toBe(true);
        expect(await store.getUser('user-1')).toEqual({
          ...user(1),
          mobile: '+4512345678',
          status: 'blocked',
          reorderThreshold: 30,
        });
        expect(await store.updateUser('nobody', { name: 'x' })).toBe(false);
      });

      it('updates every patchable field, booleans and nulls included', async () => {
        await store.createUser(user(1, { address: 'Vej 1', siteLogOptIn: false }));
        const patch = {
          name: '',
          address: null,
          email: 'a@example.dk',
          eligibility: 'bank-only',
          siteLogOptIn: true,
          status: 'deleted',
        } as const;
        expect(await store.updateUser('user-1', patch)).toBe(true);
        expect(await store.getUser('user-1')).toEqual({ ...user(1), ...patch });
        expect(await store.updateUser('user-1', { siteLogOptIn: false })).toBe(true);
        expect((await store.getUser('user-1'))?.siteLogOptIn).toBe(false);
        expect(await store.updateUser('user-1', {})).toBe(true);
      });

      it('returns copies: changing a returned record does not change the store', async () => {
        await store.createUser(user(1));
        const u = (await store.getUser('user-1')) as { name: string };
        u.name = 'changed';
        expect((await store.getUser('user-1'))?.name).toBe('User 1');
        await store.addCard(card('A000000001', 'user-1'), 4);
        const c = await store.getCard('A000000001');
        c?.secretCiphertext.fill(0);
        expect((await store.getCard('A000000001'))?.secretCiphertext).toEqual(
          new Uint8Array([1, 2, 3, 0, 255]),
        );
      });

      it('sets, changes and removes an alias, refusing one another user holds', async () => {
        await store.createUser(user(1));
        await store.createUser(user(2));
        expect(await store.setAlias('user-1', 'anna')).toBe('ok');
        expect(await store.setAlias('user-2', 'anna')).toBe('taken');
        expect(await store.setAlias('user-1', 'anna')).toBe('ok');
        expect(await store.setAlias('user-1', 'anna2')).toBe('ok');
        expect(await store.findUserId('alias', 'anna')).toBeNull();
        expect(await store.setAlias('user-2', 'anna')).toBe('ok');
        expect(await store.setAlias('user-2', null)).toBe('ok');
        expect((await store.getUser('user-2'))?.alias).toBeNull();
        expect(await store.setAlias('nobody', 'x')).toBe('no-user');
      });

      it('gives a contested alias to exactly one of two concurrent callers', async () => {
        await store.createUser(user(1));
        await store.createUser(user(2));
        const results = await Promise.all([
          store.setAlias('user-1', 'same'),
          store.setAlias('user-2', 'same'),
        ]);
        expect(results.sort()).toEqual(['ok', 'taken']);
      });
    });

    describe('passwords', () => {
      it('stores and replaces a password record', async () => {
        await store.createUser(user(1));
        expect(await store.getPassword('user-1')).toBeNull();
        const p = { hash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', isPin: false, temporary: true, setAt: T0 };
        expect(await store.setPassword('user-1', p)).toBe(true);
        expect(await store.getPassword('user-1')).toEqual(p);
        const q = { ...p, hash: 'other', isPin: true, temporary: false, setAt: T0 + 1 };
        await store.setPassword('user-1', q);
        expect(await store.getPassword('user-1')).toEqual(q);
        expect(await store.setPassword('nobody', p)).toBe(false);
      });

      it('clears the password lockout, even a block, when a new password is set', async () => {
        await store.createUser(user(1));
        const subject: LockoutSubject = { kind: 'password', id: 'user-1' };
        const policy = { maxFailures: 1, lockMs: HOUR, locksBeforeBlock: 0 };
        await store.recordFailure(subject, T0, policy);
        expect((await store.getLockout(subject)).blocked).toBe(true);
        await store.setPassword('user-1', { hash: 'h', isPin: false, temporary: true, setAt: T0 });
        expect(await store.getLockout(subject)).toEqual({
          failures: 0,
          lockedUntil: null,
          locks: 0,
          blocked: false,
        });
      });
    });

    describe('lockouts', () => {
      const subject: LockoutSubject = { kind: 'password', id: 'user-1' };

      it('starts empty for a subject never seen', async () => {
        expect(await store.getLockout(subject)).toEqual({
          failures: 0,
          lockedUntil: null,
          locks: 0,
          blocked: false,
        });
      });

      it('counts failures, locks at the limit, refuses while locked, then blocks after the next run', async () => {
        for (let i = 1; i <= 4; i++) {
          const r = await store.recordFailure(subject, T0 + i, ID3);
          expect(r).toEqual({
            outcome: 'counted',
            state: { failures: i, lockedUntil: null, locks: 0, blocked: false },
          });
        }
        const locking = await store.recordFailure(subject, T0 + 5, ID3);
        expect(locking).toEqual({
          outcome: 'counted',
          state: { failures: 0, lockedUntil: T0 + 5 + 8 * HOUR, locks: 1, blocked: false },
        });
        const refused = await store.recordFailure(subject, T0 + 8 * HOUR, ID3);
        expect(refused.outcome).toBe('locked');
        expect(refused.state.failures).toBe(0);
        // At the end of the lock it counts again.
        const after = await store.recordFailure(subject, T0 + 5 + 8 * HOUR, ID3);
        expect(after).toEqual({
          outcome: 'counted',
          state: { failures: 1, lockedUntil: null, locks: 1, blocked: false },
        });
        for (let i = 2; i <= 4; i++) await store.recordFailure(subject, T0 + 9 * HOUR + i, ID3);
        const blocking = await store.recordFailure(subject, T0 + 10 * HOUR, ID3);
        expect(blocking).toEqual({
          outcome: 'counted',
          state: { failures: 0, lockedUntil: null, locks: 1, blocked: true },
        });
        const never = await store.recordFailure(subject, T0 + 1000 * HOUR, ID3);
        expect(never.outcome).toBe('blocked');
        expect(await store.getLockout(subject)).toEqual(blocking.state);
      });

      it('uses the policy given with each call (3 for a PIN)', async () => {
        const pin = { ...ID3, maxFailures: 3 };
        await store.recordFailure(subject, T0, pin);
        await store.recordFailure(subject, T0, pin);
        const r = await store.recordFailure(subject, T0, pin);
        expect(r.state.lockedUntil).toBe(T0 + 8 * HOUR);
      });

      it('resets the count and a lock but never a block; clearLockout lifts everything', async () => {
        await store.recordFailure(subject, T0, ID3);
        await store.recordFailure(subject, T0, ID3);
        await store.resetFailures(subject);
        expect(await store.getLockout(subject)).toEqual({
          failures: 0,
          lockedUntil: null,
          locks: 0,
          blocked: false,
        });
        const once = { maxFailures: 1, lockMs: HOUR, locksBeforeBlock: 1 };
        await store.recordFailure(subject, T0, once);
        expect((await store.getLockout(subject)).lockedUntil).toBe(T0 + HOUR);
        await store.resetFailures(subject);
        expect(await store.getLockout(subject)).toEqual({
          failures: 0,
          lockedUntil: null,
          locks: 0,
          blocked: false,
        });
        await store.recordFailure(subject, T0, once);
        await store.recordFailure(subject, T0 + HOUR, once);
        expect((await store.getLockout(subject)).blocked).toBe(true);
        await store.resetFailures(subject);
        expect((await store.getLockout(subject)).blocked).toBe(true);
        await store.clearLockout(subject);
        expect(await store.getLockout(subject)).toEqual({
          failures: 0,
          lockedUntil: null,
          locks: 0,
          blocked: false,
        });
      });

      it('keeps separate counters per kind and id', async () => {
        await store.recordFailure({ kind: 'card', id: 'user-1' }, T0, ID3);
        await store.recordFailure({ kind: 'token', id: 'user-1' }, T0, ID3);
        await store.recordFailure({ kind: 'password', id: 'user-2' }, T0, ID3);
        expect((await store.getLockout(subject)).failures).toBe(0);
        expect((await store.getLockout({ kind: 'card', id: 'user-1' })).failures).toBe(1);
      });

      it('never counts more tries than the policy allows under 100 concurrent failures', async () => {
        const results = await Promise.all(
          Array.from({ length: 100 }, () => store.recordFailure(subject, T0, ID3)),
        );
        expect(results.filter((r) => r.outcome === 'counted')).toHaveLength(5);
        expect(results.filter((r) => r.outcome === 'locked')).toHaveLength(95);
        expect((await store.getLockout(subject)).lockedUntil).toBe(T0 + 8 * HOUR);
      });
    });

    describe('key cards', () => {
      beforeEach(async () => {
        await store.createUser(user(1));
        await store.createUser(user(2));
      });

      it('adds cards with increasing sequence, status active and a copy of the ciphertext', async () => {
        const r1 = await store.addCard(card('A000000001', 'user-1'), 4);
        expect(r1).toEqual({
          ok: true,
          card: { ...card('A000000001', 'user-1'), sequence: 1, status: 'active', reorderSentAt: null },
        });
        const r2 = await store.addCard(card('A000000002', 'user-1'), 4);
        expect(r2.ok && r2.card.sequence).toBe(2);
        const r3 = await store.addCard(card('B000000001', 'user-2'), 4);
        expect(r3.ok && r3.card.sequence).toBe(1);
        const got = await store.getCard('A000000001');
        expect(got?.secretCiphertext).toEqual(new Uint8Array([1, 2, 3, 0, 255]));
        expect(got?.secretCiphertext).toBeInstanceOf(Uint8Array);
        expect(await store.getCard('Z999999999')).toBeNull();
        expect((await store.listCards('user-1')).map((c) => c.serial)).toEqual(['A000000001', 'A000000002']);
        expect(await store.listCards('user-3')).toEqual([]);
      });

      it('refuses a duplicate serial, an unknown user, and more active cards than the limit', async () => {
        await store.addCard(card('A000000001', 'user-1'), 4);
        expect(await store.addCard(card('A000000001', 'user-2'), 4)).toEqual({
          ok: false,
          reason: 'duplicate-serial',
        });
        expect(await store.addCard(card('A000000009', 'nobody'), 4)).toEqual({
          ok: false,
          reason: 'no-user',
        });
        for (let i = 2; i <= 4; i++) await store.addCard(card(`A00000000${i}`, 'user-1'), 4);
        expect(await store.addCard(card('A000000005', 'user-1'), 4)).toEqual({ ok: false, reason: 'limit' });
        // Only active cards count: an exhausted one frees a place, and sequence keeps growing.
        expect(await store.setCardStatus('A000000001', 'exhausted')).toBe(true);
        const r = await store.addCard(card('A000000005', 'user-1'), 4);
        expect(r.ok && r.card.sequence).toBe(5);
      });

      it('enforces the card limit under concurrent adds', async () => {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.addCard(card(`C00000000${i}`, 'user-1'), 4)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(4);
        const seqs = (await store.listCards('user-1')).map((c) => c.sequence);
        expect(new Set(seqs).size).toBe(4);
      });

      it('changes a card status', async () => {
        await store.addCard(card('A000000001', 'user-1'), 4);
        for (const s of ['blocked', 'revoked', 'exhausted', 'active'] as const) {
          expect(await store.setCardStatus('A000000001', s)).toBe(true);
          expect((await store.getCard('A000000001'))?.status).toBe(s);
        }
        expect(await store.setCardStatus('Z999999999', 'blocked')).toBe(false);
      });

      it('uses each key once, per card', async () => {
        await store.addCard(card('A000000001', 'user-1'), 4);
        await store.addCard(card('A000000002', 'user-1'), 4);
        expect(await store.listUsedKeys('A000000001')).toEqual([]);
        expect(await store.useCardKey('A000000001', 42)).toBe('ok');
        expect(await store.useCardKey('A000000001', 42)).toBe('already-used');
        expect(await store.useCardKey('A000000001', 7)).toBe('ok');
        expect(await store.useCardKey('A000000002', 42)).toBe('ok');
        expect(await store.listUsedKeys('A000000001')).toEqual([7, 42]);
      });

      it('accepts a key exactly once among 50 concurrent uses', async () => {
        await store.addCard(card('A000000001', 'user-1'), 4);
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.useCardKey('A000000001', 9999)),
        );
        expect(results.filter((r) => r === 'ok')).toHaveLength(1);
      });

      it('marks the reorder as sent only once, even concurrently', async () => {
        await store.addCard(card('A000000001', 'user-1'), 4);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.markReorderSent('A000000001', T0 + i)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.markReorderSent('A000000001', T0 + 99)).toBe(false);
        const at = (await store.getCard('A000000001'))?.reorderSentAt;
        expect(at).toBeGreaterThanOrEqual(T0);
        expect(at).toBeLessThan(T0 + 10);
        expect(await store.markReorderSent('Z999999999', T0)).toBe(false);
      });
    });

    describe('tokens', () => {
      const S1 = '1000000000000001';
      const S2 = '1000000000000002';
      beforeEach(async () => {
        await store.createUser(user(1));
        await store.createUser(user(2));
      });

      it('registers a batch in stock with empty state', async () => {
        expect(await store.addTokens([token(S1), token(S2, 'totp')])).toBe('ok');
        expect(await store.getToken(S2)).toEqual({
          ...token(S2, 'totp'),
          userId: null,
          state: 'stock',
          lastCounter: -1,
          driftSteps: 0,
          pendingDriftSteps: null,
          resyncCounter: null,
          lastUsedAt: null,
          activatedAt: null,
        });
        expect(await store.getToken('0000000000000000')).toBeNull();
      });

      it('writes nothing from a batch with a duplicate serial', async () => {
        await store.addTokens([token(S1)]);
        expect(await store.addTokens([token(S2), token(S1)])).toBe('duplicate-serial');
        expect(await store.getToken(S2)).toBeNull();
        expect(await store.addTokens([token(S2), token(S2)])).toBe('duplicate-serial');
        expect(await store.getToken(S2)).toBeNull();
      });

      it('assigns one token per user from stock', async () => {
        await store.addTokens([token(S1), token(S2)]);
        expect(await store.findUserToken('user-1')).toBeNull();
        expect(await store.assignToken(S1, 'user-1')).toBe('ok');
        expect(await store.getToken(S1)).toMatchObject({ userId: 'user-1', state: 'assigned' });
        expect((await store.findUserToken('user-1'))?.serial).toBe(S1);
        expect(await store.assignToken(S2, 'user-1')).toBe('user-has-token');
        expect(await store.assignToken(S1, 'user-2')).toBe('not-in-stock');
        expect(await store.assignToken('0000000000000000', 'user-2')).toBe('no-token');
        expect(await store.assignToken(S2, 'nobody')).toBe('no-user');
        // A retired token no longer counts as the user's token.
        expect(await store.setTokenState(S1, 'assigned', 'retired', T0)).toBe(true);
        expect(await store.findUserToken('user-1')).toBeNull();
        expect(await store.assignToken(S2, 'user-1')).toBe('ok');
      });

      it('assigns a token to only one of two users racing for it, and a user one of two tokens', async () => {
        await store.addTokens([token(S1), token(S2)]);
        const a = await Promise.all([store.assignToken(S1, 'user-1'), store.assignToken(S1, 'user-2')]);
        expect(a.filter((r) => r === 'ok')).toHaveLength(1);
        const loser = a[0] === 'ok' ? 'user-2' : 'user-1';
        await store.addTokens([token('1000000000000003')]);
        const b = await Promise.all([
          store.assignToken(S2, loser),
          store.assignToken('1000000000000003', loser),
        ]);
        expect(b.filter((r) => r === 'ok')).toHaveLength(1);
      });

      it('changes state by compare-and-set and stamps activation', async () => {
        await store.addTokens([token(S1)]);
        await store.assignToken(S1, 'user-1');
        expect(await store.setTokenState(S1, 'stock', 'active', T0)).toBe(false);
        expect(await store.setTokenState(S1, 'assigned', 'active', T0 + 7)).toBe(true);
        expect(await store.getToken(S1)).toMatchObject({ state: 'active', activatedAt: T0 + 7 });
        expect(await store.setTokenState(S1, 'active', 'blocked', T0 + 8)).toBe(true);
        expect(await store.setTokenState(S1, 'blocked', 'active', T0 + 9)).toBe(true);
        expect((await store.getToken(S1))?.activatedAt).toBe(T0 + 7);
        expect(await store.setTokenState('0000000000000000', 'stock', 'retired', T0)).toBe(false);
        const race = await Promise.all([
          store.setTokenState(S1, 'active', 'blocked', T0),
          store.setTokenState(S1, 'active', 'retired', T0),
        ]);
        expect(race.filter(Boolean)).toHaveLength(1);
      });

      it('advances the counter only by compare-and-set to a greater value', async () => {
        await store.addTokens([token(S1, 'totp')]);
        await store.setTokenResync(S1, 77);
        const adv = { driftSteps: -2, pendingDriftSteps: 5, lastUsedAt: T0 + 1 };
        expect(await store.advanceTokenCounter(S1, 0, 10, adv)).toBe(false);
        expect(await store.advanceTokenCounter(S1, -1, -1, adv)).toBe(false);
        expect(await store.advanceTokenCounter(S1, -1, 10, adv)).toBe(true);
        expect(await store.getToken(S1)).toMatchObject({
          lastCounter: 10,
          driftSteps: -2,
          pendingDriftSteps: 5,
          lastUsedAt: T0 + 1,
          resyncCounter: null,
        });
        expect(await store.advanceTokenCounter(S1, -1, 11, adv)).toBe(false);
        expect(await store.advanceTokenCounter(S1, 10, 10, adv)).toBe(false);
        expect(await store.advanceTokenCounter(S1, 10, 9, adv)).toBe(false);
        const big = 2 ** 53 - 1;
        expect(await store.advanceTokenCounter(S1, 10, big, adv)).toBe(true);
        expect((await store.getToken(S1))?.lastCounter).toBe(big);
        expect(await store.advanceTokenCounter('0000000000000000', -1, 1, adv)).toBe(false);
      });

      it('lets exactly one of 50 concurrent advances with the same expected value win', async () => {
        await store.addTokens([token(S1)]);
        const adv = { driftSteps: 0, pendingDriftSteps: null, lastUsedAt: T0 };
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.advanceTokenCounter(S1, -1, 5, adv)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.getToken(S1))?.lastCounter).toBe(5);
      });

      it('remembers and forgets an HOTP resync candidate', async () => {
        await store.addTokens([token(S1)]);
        expect(await store.setTokenResync(S1, 500)).toBe(true);
        expect((await store.getToken(S1))?.resyncCounter).toBe(500);
        expect(await store.setTokenResync(S1, null)).toBe(true);
        expect((await store.getToken(S1))?.resyncCounter).toBeNull();
        expect(await store.setTokenResync('0000000000000000', 1)).toBe(false);
      });
    });

    describe('challenges', () => {
      it('creates, reads and refuses a duplicate id', async () => {
        const c = challenge('c1', { batchDigest: 'ab'.repeat(32), data: '{"x":1}' });
        expect(await store.createChallenge(c)).toBe('ok');
        expect(await store.createChallenge(challenge('c1'))).toBe('duplicate');
        expect(await store.getChallenge('c1')).toEqual(c);
        expect(await store.getChallenge('c2')).toBeNull();
        const t = challenge('t1', { factor: 'token', cardSerial: null, keyNumber: null, tokenSerial: 'S' });
        await store.createChallenge(t);
        expect(await store.getChallenge('t1')).toEqual(t);
      });

      it('consumes a challenge once, and not after it expires', async () => {
        const c = challenge('c1');
        await store.createChallenge(c);
        await store.createChallenge(challenge('c2'));
        expect(await store.consumeChallenge('c1', c.expiresAt - 1)).toEqual(c);
        expect(await store.consumeChallenge('c1', c.expiresAt - 1)).toBeNull();
        expect(await store.getChallenge('c1')).toBeNull();
        expect(await store.consumeChallenge('c2', c.expiresAt)).toBeNull();
        expect(await store.getChallenge('c2')).toBeNull();
        expect(await store.consumeChallenge('nope', T0)).toBeNull();
      });

      it('hands a challenge to exactly one of 50 concurrent consumers', async () => {
        await store.createChallenge(challenge('c1'));
        const results = await Promise.all(Array.from({ length: 50 }, () => store.consumeChallenge('c1', T0)));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      });

      it('purges expired challenges only', async () => {
        await store.createChallenge(challenge('old', { expiresAt: T0 + 10 }));
        await store.createChallenge(challenge('edge', { expiresAt: T0 + 20 }));
        await store.createChallenge(challenge('new', { expiresAt: T0 + 30 }));
        expect(await store.purgeExpiredChallenges(T0 + 20)).toBe(2);
        expect(await store.getChallenge('new')).not.toBeNull();
        expect(await store.getChallenge('edge')).toBeNull();
      });
    });

    answerConformance(() => store);

    describe('providers', () => {
      it('puts, replaces and reads providers', async () => {
        expect(await store.getProvider('bank')).toBeNull();
        await store.putProvider({ id: 'bank', name: 'Bank', cprApproved: true, isBank: true });
        expect(await store.getProvider('bank')).toEqual({
          id: 'bank',
          name: 'Bank',
          cprApproved: true,
          isBank: true,
        });
        await store.putProvider({ id: 'bank', name: 'Bank A/S', cprApproved: false, isBank: false });
        expect(await store.getProvider('bank')).toEqual({
          id: 'bank',
          name: 'Bank A/S',
          cprApproved: false,
          isBank: false,
        });
      });
    });

    describe('audit', () => {
      it('lists a user’s entries oldest first, ties in insertion order, with since and limit', async () => {
        await store.appendAudit(audit(T0 + 2, 'user-1', 'b'));
        await store.appendAudit(audit(T0 + 1, 'user-1', 'a'));
        await store.appendAudit(audit(T0 + 2, 'user-1', 'c'));
        await store.appendAudit(audit(T0 + 3, 'user-2', 'x'));
        await store.appendAudit(audit(T0 + 4, null, 'y'));
        await store.appendAudit({
          ...audit(T0 + 5, 'user-1', 'd'),
          site: 'shop.example',
          ip: null,
          providerId: null,
        });
        const all = await store.listAudit('user-1');
        expect(all.map((e) => e.action)).toEqual(['a', 'b', 'c', 'd']);
        expect(all[3]).toEqual({
          ...audit(T0 + 5, 'user-1', 'd'),
          site: 'shop.example',
          ip: null,
          providerId: null,
        });
        expect((await store.listAudit('user-1', { since: T0 + 2 })).map((e) => e.action)).toEqual([
          'b',
          'c',
          'd',
        ]);
        expect((await store.listAudit('user-1', { limit: 2 })).map((e) => e.action)).toEqual(['c', 'd']);
        expect((await store.listAudit('user-1', { since: T0 + 2, limit: 10 })).map((e) => e.action)).toEqual([
          'b',
          'c',
          'd',
        ]);
        expect(await store.listAudit('user-1', { since: T0 + 6 })).toEqual([]);
        expect(await store.listAudit('user-9')).toEqual([]);
      });
    });
  });
}
