import type { Store } from '@nemid-sim/server-verifier';
import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../../../server-verifier/src/store/store.js';
import { CLEAR, card, challenge, password, T0, token, user } from './records.js';

const settled = <T>(ps: Promise<T>[]) => Promise.allSettled(ps);
const fulfilled = <T>(rs: PromiseSettledResult<T>[]) =>
  rs.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled').map((r) => r.value);

/**
 * Units of work: `update`/`answer` load the rows their keys name, hold them while the domain
 * decides, and write the decision atomically; a unit that throws writes nothing and leaves its
 * challenge; concurrent units on the same rows never lose an update.
 */
export function unitConformance(store: () => Store): void {
  const s = store;

  async function seed(): Promise<void> {
    await s().write({
      insert: {
        users: [user(1), user(2)],
        passwords: [password('user-1')],
        cards: [card('A1', 'user-1'), card('A2', 'user-1', { sequence: 2 })],
        tokens: [token('1000000000000001', { userId: 'user-1', state: 'active' }), token('1000000000000002')],
        challenges: [challenge('c1', { cardSerial: 'A1' })],
      },
    });
    await s().putProvider({ id: 'bank', name: 'Bank', cprApproved: true, isBank: true });
  }

  describe('units of work', () => {
    it('loads the rows its keys name (a decoy created empty), consumes its challenge, writes the decision', async () => {
      await seed();
      const rows = await s().update(
        {
          user: 'user-1',
          password: 'user-1',
          decoy: 'd1',
          card: 'A2',
          cardsOf: 'user-1',
          token: '1000000000000002',
          tokenOf: 'user-1',
          challenge: 'c1',
        },
        (r) => ({
          result: r,
          writes: { update: { decoys: [{ id: 'd1', lockout: { ...CLEAR, failures: 1 } }] } },
        }),
      );
      expect(rows.user).toEqual(user(1));
      expect(rows.password).toEqual(password('user-1'));
      expect(rows.decoy).toEqual({ id: 'd1', lockout: CLEAR });
      expect(rows.card?.serial).toBe('A2');
      expect(rows.cards.map((c) => c.serial)).toEqual(['A1', 'A2']);
      expect(rows.token?.serial).toBe('1000000000000002');
      expect(rows.heldToken?.serial).toBe('1000000000000001');
      expect(rows.challenge?.id).toBe('c1');
      expect(await s().getChallenge('c1')).toBeNull();
      const again = await s().update({ decoy: 'd1', user: 'user-9', challenge: 'c1' }, (r) => ({
        result: r,
      }));
      expect(again.decoy?.lockout.failures).toBe(1);
      expect(again.user).toBeNull();
      expect(again.challenge).toBeNull();
      expect(again.cards).toEqual([]);
    });

    it('writes nothing and keeps the challenge when decide throws, and passes the error through', async () => {
      await seed();
      const refusal = new Error('refused');
      const attempt = s().update({ challenge: 'c1', card: 'A1' }, ({ card: c }) => {
        void c;
        throw refusal;
      });
      await expect(attempt).rejects.toBe(refusal);
      expect(await s().getChallenge('c1')).not.toBeNull();
      const half = s().answer('c1', () => ({
        result: null,
        writes: {
          update: { cards: [card('A1', 'user-1', { status: 'revoked' })] },
          insert: { users: [user(1)] },
        },
      }));
      await expect(half).rejects.toBeInstanceOf(StoreConflictError);
      expect((await s().getCard('A1'))?.status).toBe('active');
      expect(await s().getChallenge('c1')).not.toBeNull();
    });

    it('answers: the challenge with its user, provider and card or token, once; null when unknown', async () => {
      await seed();
      await s().write({
        insert: {
          challenges: [
            challenge('t1', {
              factor: 'token',
              cardSerial: null,
              keyNumber: null,
              tokenSerial: '1000000000000001',
            }),
          ],
        },
      });
      const a = await s().answer('c1', (r) => ({ result: r }));
      expect(a?.challenge).toEqual(challenge('c1', { cardSerial: 'A1' }));
      expect(a?.user).toEqual(user(1));
      expect(a?.provider?.name).toBe('Bank');
      expect(a?.card).toEqual(card('A1', 'user-1'));
      expect(a?.token).toBeNull();
      expect(await s().answer('c1', (r) => ({ result: r }))).toBeNull();
      const t = await s().answer('t1', (r) => ({ result: r }));
      expect(t?.token?.serial).toBe('1000000000000001');
      expect(t?.card).toBeNull();
    });

    it('keeps the other answers of the moment when one decision throws', async () => {
      await seed();
      const ids = ['x0', 'x1', 'x2', 'x3'];
      await s().write({ insert: { challenges: ids.map((id) => challenge(id, { cardSerial: 'A1' })) } });
      const results = await settled(
        ids.map((id) =>
          s().answer(id, (r) => {
            if (id === 'x2') throw new Error('refused');
            const line = {
              at: T0,
              userId: 'user-1',
              ip: null,
              providerId: null,
              site: null,
              factor: 'card' as const,
              action: id,
              outcome: 'ok',
            };
            return { result: r?.challenge.id, writes: { insert: { audit: [line] } } };
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((await s().listAudit('user-1')).map((e) => e.action).sort()).toEqual(['x0', 'x1', 'x3']);
      expect(await s().getChallenge('x2')).not.toBeNull();
      expect(await s().getChallenge('x1')).toBeNull();
    });

    it('hands a challenge to exactly one of 50 concurrent answers', async () => {
      await seed();
      const got = await Promise.all(
        Array.from({ length: 50 }, () => s().answer('c1', (r) => ({ result: r !== null }))),
      );
      expect(got.filter(Boolean)).toHaveLength(1);
    });

    it('loses no update among 100 concurrent read-modify-writes of one row', async () => {
      const bump = () =>
        s().update({ decoy: 'd' }, ({ decoy }) => {
          const lockout = { ...CLEAR, failures: (decoy?.lockout.failures ?? 0) + 1 };
          return { result: lockout.failures, writes: { update: { decoys: [{ id: 'd', lockout }] } } };
        });
      const seen = await Promise.all(Array.from({ length: 100 }, bump));
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect((await s().update({ decoy: 'd' }, (r) => ({ result: r.decoy })))?.lockout.failures).toBe(100);
    });

    it('lets exactly one of 50 answers for one card use a slot (the card is held while each decides)', async () => {
      await seed();
      const ids = Array.from({ length: 50 }, (_, i) => `k${i}`);
      await s().write({ insert: { challenges: ids.map((id) => challenge(id, { cardSerial: 'A1' })) } });
      const useSlot0 = (id: string) =>
        s().answer(id, (r) => {
          const c = r?.card;
          if (!c || (c.usedSlots[0] & 1) === 1) return { result: false };
          const usedSlots = c.usedSlots.slice();
          usedSlots[0] |= 1;
          return { result: true, writes: { update: { cards: [{ ...c, usedSlots }] } } };
        });
      const used = await Promise.all(ids.map(useSlot0));
      expect(used.filter(Boolean)).toHaveLength(1);
      expect((await s().getCard('A1'))?.usedSlots[0]).toBe(1);
    });

    it('keeps at most 4 cards when 10 units add one at once (the user row is held)', async () => {
      await seed();
      const add = (n: number) =>
        s().update({ user: 'user-2', cardsOf: 'user-2' }, ({ cards }) => {
          if (cards.length >= 4) return { result: false };
          const c = card(`B${n}`, 'user-2', { sequence: cards.length + 1 });
          return { result: true, writes: { insert: { cards: [c] } } };
        });
      const added = await Promise.all(Array.from({ length: 10 }, (_, i) => add(i)));
      expect(added.filter(Boolean)).toHaveLength(4);
      expect(await s().listCards('user-2')).toHaveLength(4);
    });

    it('gives a contested alias to exactly one of two units', async () => {
      await seed();
      const claim = (id: string) =>
        s().update({ user: id }, ({ user: u }) => ({
          result: id,
          writes: { update: { users: [{ ...u!, alias: 'same' }] } },
        }));
      const results = await settled([claim('user-1'), claim('user-2')]);
      expect(fulfilled(results)).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { what: 'users.alias' } });
      expect(await s().findUserId('alias', 'same')).toBe(fulfilled(results)[0]);
    });

    it('undoes only the unit that fails, not the others running beside it', async () => {
      await seed();
      const units = Array.from({ length: 10 }, (_, i) =>
        s().write({
          insert: {
            users: [i === 4 ? user(1) : user(10 + i)],
            audit: [
              {
                at: T0,
                userId: 'user-1',
                ip: null,
                providerId: null,
                site: null,
                factor: 'none',
                action: `a${i}`,
                outcome: 'ok',
              },
            ],
          },
        }),
      );
      const results = await settled(units);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
      expect((await s().listAudit('user-1')).map((e) => e.action).sort()).toEqual([
        'a0',
        'a1',
        'a2',
        'a3',
        'a5',
        'a6',
        'a7',
        'a8',
        'a9',
      ]);
    });
  });
}
