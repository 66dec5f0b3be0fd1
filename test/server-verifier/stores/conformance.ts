import type { Store } from '@nemid-sim/server-verifier';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreConflictError } from '../../../server-verifier/src/store/store.js';
import { unitConformance } from './conformance-units.js';
import { audit, CLEAR, card, challenge, password, T0, token, user } from './records.js';

/** Expects `p` to fail with StoreConflictError naming `what`. */
export async function conflict(p: Promise<unknown>, what: string): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(StoreConflictError);
  await expect(p).rejects.toMatchObject({ what });
}

/**
 * The contract every Store keeps: what is written comes back as it was written, unique values stay
 * unique (StoreConflictError, nothing of the unit written), and units of work are atomic and
 * isolated (conformance-units.ts). Each test gets a fresh, empty store from `makeStore`.
 */
export function storeConformanceSuite(name: string, makeStore: () => Promise<Store>): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });
    const s = () => store;

    describe('users and passwords', () => {
      it('keeps a user as written and finds it by each kind of user id', async () => {
        const u = user(1, { cpr: '0101901234', alias: 'anna', mobile: '+4512345678', siteLogOptIn: true });
        await s().write({ insert: { users: [u, user(2)], passwords: [password('user-1')] } });
        expect(await s().getUser('user-1')).toEqual(u);
        expect(await s().findUserId('nemid', '100000001')).toBe('user-1');
        expect(await s().findUserId('cpr', '0101901234')).toBe('user-1');
        expect(await s().findUserId('alias', 'anna')).toBe('user-1');
        expect(await s().findUserId('alias', 'nobody')).toBeNull();
        expect(await s().getUser('user-9')).toBeNull();
        expect(await s().getPassword('user-1')).toEqual(password('user-1'));
        expect(await s().getPassword('user-2')).toBeNull();
      });

      it('refuses a taken id, NemID number, CPR number or alias, and writes nothing of the unit', async () => {
        await s().write({ insert: { users: [user(1, { cpr: '0101901234', alias: 'anna' })] } });
        await conflict(s().write({ insert: { users: [user(1, { nemIdNumber: '999999999' })] } }), 'users.id');
        await conflict(
          s().write({ insert: { users: [user(2, { nemIdNumber: '100000001' })] } }),
          'users.nem_id_number',
        );
        await conflict(
          s().write({ insert: { users: [user(3, { cpr: '0101901234' })], passwords: [password('user-3')] } }),
          'users.cpr',
        );
        await conflict(s().write({ insert: { users: [user(4, { alias: 'anna' })] } }), 'users.alias');
        for (const id of ['user-2', 'user-3', 'user-4']) expect(await s().getUser(id)).toBeNull();
        expect(await s().getPassword('user-3')).toBeNull();
        // Absent values are not values: any number of users may have no CPR number or alias.
        await s().write({ insert: { users: [user(5), user(6)] } });
        expect(await s().getUser('user-6')).toEqual(user(6));
      });

      it('replaces a whole user row, nulls and booleans included, and refuses a taken alias', async () => {
        await s().write({ insert: { users: [user(1), user(2, { alias: 'bo' })] } });
        const changed = user(1, {
          alias: 'anna',
          name: 'Anna B',
          address: 'Vej 1',
          email: 'a@example.dk',
          status: 'blocked',
          eligibility: 'bank-only',
          siteLogOptIn: true,
          reorderThreshold: 5,
        });
        await s().write({ update: { users: [changed] } });
        expect(await s().getUser('user-1')).toEqual(changed);
        await s().write({
          update: { users: [{ ...changed, alias: null, siteLogOptIn: false, address: null }] },
        });
        expect(await s().getUser('user-1')).toMatchObject({
          alias: null,
          siteLogOptIn: false,
          address: null,
        });
        await conflict(s().write({ update: { users: [{ ...changed, alias: 'bo' }] } }), 'users.alias');
      });

      it('hands out copies: changing a returned record changes nothing kept', async () => {
        await s().write({
          insert: { users: [user(1)], passwords: [password('user-1')], cards: [card('A1', 'user-1')] },
        });
        const u = (await s().getUser('user-1')) as { name: string };
        u.name = 'changed';
        const c = await s().getCard('A1');
        c?.usedSlots.fill(255);
        c?.secretCiphertext.fill(0);
        expect((await s().getUser('user-1'))?.name).toBe('User 1');
        expect(await s().getCard('A1')).toEqual(card('A1', 'user-1'));
      });
    });

    describe('cards', () => {
      it('keeps cards with their used slots and lockout, lists them by sequence, refuses a taken number', async () => {
        await s().write({ insert: { users: [user(1), user(2)] } });
        const used = new Uint8Array(19);
        used[0] = 0b101;
        used[18] = 0b1000;
        const second = card('A2', 'user-1', {
          sequence: 2,
          usedSlots: used,
          reorderSentAt: T0 + 5,
          lockout: { failures: 3, lockedUntil: T0 + 60_000, locks: 1, blocked: false },
        });
        await s().write({ insert: { cards: [second, card('A1', 'user-1')] } });
        expect(await s().getCard('A2')).toEqual(second);
        expect((await s().listCards('user-1')).map((c) => c.serial)).toEqual(['A1', 'A2']);
        expect(await s().listCards('user-2')).toEqual([]);
        await conflict(s().write({ insert: { cards: [card('A1', 'user-2')] } }), 'cards.serial');
        expect((await s().getCard('A1'))?.userId).toBe('user-1');
        const revoked = { ...second, status: 'revoked' as const, lockout: { ...CLEAR, blocked: true } };
        await s().write({ update: { cards: [revoked] } });
        expect(await s().getCard('A2')).toEqual(revoked);
      });
    });

    describe('tokens', () => {
      it('registers a batch all or nothing', async () => {
        await s().write({ insert: { tokens: [token('1000000000000001')] } });
        await conflict(
          s().write({ insert: { tokens: [token('1000000000000002'), token('1000000000000001')] } }),
          'tokens.serial',
        );
        expect(await s().getToken('1000000000000002')).toBeNull();
        expect((await s().listTokens()).map((t) => t.serial)).toEqual(['1000000000000001']);
      });

      it('keeps every token field and finds the token a user holds, one at a time', async () => {
        await s().write({ insert: { users: [user(1)] } });
        const t = token('1000000000000001', {
          kind: 'totp',
          algorithm: 'sha512',
          digits: 8,
          stepSeconds: 60,
          t0: 100,
          userId: 'user-1',
          state: 'active',
          lastCounter: 2 ** 40,
          driftSteps: -3,
          pendingDriftSteps: 4,
          resyncCounter: 77,
          lastUsedAt: T0 + 1,
          activatedAt: T0,
          lockout: { failures: 2, lockedUntil: null, locks: 0, blocked: false },
        });
        await s().write({ insert: { tokens: [t, token('1000000000000002')] } });
        expect(await s().getToken(t.serial)).toEqual(t);
        expect(await s().findUserToken('user-1')).toEqual(t);
        const second = { ...token('1000000000000002'), userId: 'user-1', state: 'assigned' as const };
        await conflict(s().write({ update: { tokens: [second] } }), 'tokens.user_id');
        // Retired first, then the next one: a user holds one token at every moment.
        await s().write({ update: { tokens: [{ ...t, state: 'retired' }, second] } });
        expect(await s().findUserToken('user-1')).toEqual(second);
      });
    });

    describe('challenges, providers, settings, audit', () => {
      it('keeps a challenge, refuses a taken id, and purges the expired ones only', async () => {
        const c = challenge('c1', {
          batchDigest: 'ab',
          data: '{"slot":3}',
          factor: 'token',
          tokenSerial: 'T',
        });
        await s().write({ insert: { challenges: [c, challenge('c2', { expiresAt: T0 + 10 })] } });
        expect(await s().getChallenge('c1')).toEqual(c);
        await conflict(s().write({ insert: { challenges: [challenge('c1')] } }), 'challenges.id');
        expect(await s().purgeExpiredChallenges(T0 + 10)).toBe(1);
        expect(await s().getChallenge('c2')).toBeNull();
        expect(await s().getChallenge('c1')).toEqual(c);
      });

      it('puts and replaces providers, and keeps the first value of a setting', async () => {
        await s().putProvider({ id: 'bank', name: 'Bank', cprApproved: true, isBank: true });
        await s().putProvider({ id: 'bank', name: 'Bank A/S', cprApproved: false, isBank: true });
        expect(await s().getProvider('bank')).toEqual({
          id: 'bank',
          name: 'Bank A/S',
          cprApproved: false,
          isBank: true,
        });
        expect(await s().getProvider('shop')).toBeNull();
        expect(await s().getSetting('k')).toBeNull();
        expect(await s().initSetting('k', 'first')).toBe('first');
        expect(await s().initSetting('k', 'second')).toBe('first');
        expect(await s().getSetting('k')).toBe('first');
      });

      it('lists a user’s audit lines oldest first, ties in insertion order, within since/until and limit', async () => {
        const lines = [
          audit(T0 + 2, 'user-1', 'b'),
          audit(T0 + 1, 'user-1', 'a'),
          audit(T0 + 2, 'user-1', 'c'),
          audit(T0 + 3, 'user-2', 'x'),
          audit(T0 + 4, null, 'y'),
          {
            ...audit(T0 + 5, 'user-1', 'd'),
            site: 'netbank.dk',
            factor: 'card' as const,
            outcome: 'AUTH002',
          },
        ];
        for (const line of lines) await s().write({ insert: { audit: [line] } });
        const actions = async (q?: { since?: number; until?: number; limit?: number }) =>
          (await s().listAudit('user-1', q)).map((e) => e.action);
        expect(await s().listAudit('user-1')).toEqual([lines[1], lines[0], lines[2], lines[5]]);
        expect(await actions({ since: T0 + 2 })).toEqual(['b', 'c', 'd']);
        expect(await actions({ until: T0 + 2 })).toEqual(['a']);
        expect(await actions({ limit: 2 })).toEqual(['c', 'd']);
        expect(await actions({ since: T0 + 2, until: T0 + 5, limit: 1 })).toEqual(['c']);
        expect(await s().listAudit('user-9')).toEqual([]);
      });
    });

    unitConformance(s);
  });
}
