/**
 * The SQLite store's answer cache (server-verifier/src/store/sql/sqlite-answer-cache.ts, used by
 * SqliteStore.answerChallenge): rows kept from earlier answers must never decide an answer once
 * they are stale. Two stores on one file are two connections, as two processes would have; a
 * change made through the other one is seen through SQLite's data_version, a change made through
 * the same store drops the rows it writes from the cache.
 *
 * Each test warms store A's cache first: challenges made through A (kept by A), and a first answer
 * through A (which keeps the user, card and provider rows). Between that answer and the one under
 * test, A itself does no write that would empty its cache, so only the mechanism under test can
 * keep A from judging on the kept rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CARD_SLOTS, createOtpEngine, formatCode } from '@nemid-sim/core';
import { type ClosableStore, openSqliteStore } from '@nemid-sim/server-verifier';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BANK,
  CPR,
  cardChallenge,
  codeOf,
  enrolWithCard,
  type Harness,
  keyFor,
  makeHarness,
  PASSWORD,
  TOKEN_SERIAL,
  tokenChallenge,
  tokenSecret,
} from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'nemid-answer-cache-'));
let n = 0;
const open: ClosableStore[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const CARD = 'A000000001';

/** Two verifiers on one SQLite file, each with a store (connection) of its own; user enrolled via A. */
async function twoStores(commitMode: 'grouped' | 'each' = 'grouped') {
  const file = join(dir, `cache-${++n}.db`);
  const storeA = openSqliteStore(file, { commitMode });
  const storeB = openSqliteStore(file, { commitMode });
  open.push(storeA, storeB);
  // Different seeds: the two verifiers must not draw the same challenge ids.
  const a = makeHarness({ store: storeA, seed: `a-${n}` });
  const b = makeHarness({ store: storeB, seed: `b-${n}` });
  const u = await enrolWithCard(a);
  return { a, b, u };
}

function startCard(h: Harness, nemId: string) {
  return h.verifier
    .startLogon({ userId: nemId, password: PASSWORD, providerId: BANK, ip: '192.0.2.1' })
    .then(cardChallenge);
}

/**
 * Two card challenges made through `h`, for two different keys, then the first answered through
 * `h` (the cache now holds user, card and provider). Returns the second, still open.
 */
async function warmWithCard(h: Harness, u: { nemIdNumber: string; secret: Uint8Array }) {
  const first = await startCard(h, u.nemIdNumber);
  let second = await startCard(h, u.nemIdNumber);
  // The key is drawn from the unused ones; the first is not used yet, so it could come twice.
  while (second.keyNumber === first.keyNumber) second = await startCard(h, u.nemIdNumber);
  const r = await h.verifier.completeLogon(first.challengeId, keyFor(u.secret, first.keyNumber));
  expect(r.factor).toBe('card');
  return { first, second };
}

const usedKeys = (h: Harness) => h.store.listUsedKeys(CARD);

const CARD_SUBJECT = { kind: 'card', id: CARD } as const;

/** An HOTP token assigned to the user and activated (T-7) through `h` with code 0. */
async function activeToken(h: Harness, u: { userId: string; nemIdNumber: string }) {
  const engine = createOtpEngine(tokenSecret(1), 'sha1');
  const code = (counter: number) => formatCode(engine.hotp(counter, 6), 6);
  await h.verifier.registerTokens([{ serial: TOKEN_SERIAL, kind: 'hotp', secret: tokenSecret(1) }]);
  await h.verifier.assignToken(u.userId, TOKEN_SERIAL);
  const activation = await h.verifier.switchToToken((await startCard(h, u.nemIdNumber)).challengeId);
  expect((await h.verifier.completeLogon(activation.challengeId, code(0))).tokenActivated).toBe(true);
  const start = (via: Harness) =>
    via.verifier
      .startLogon({ userId: u.nemIdNumber, password: PASSWORD, providerId: BANK })
      .then(tokenChallenge);
  return { code, start, serial: TOKEN_SERIAL.replaceAll(' ', '') };
}

/** A key that is not the one printed next to the challenge's key number. */
function wrongKey(secret: Uint8Array, c: { keyNumber: string }): string {
  const right = keyFor(secret, c.keyNumber);
  return `${(Number(right[0]) + 1) % 10}${right.slice(1)}`;
}

for (const commitMode of ['grouped', 'each'] as const) {
  describe(`SQLite answer cache (${commitMode} commits)`, () => {
    for (const via of ['the other store', 'the same store, outside an answer'] as const) {
      it(`counts a key used through ${via} when it reports keys left (reorder at the threshold)`, async () => {
        const { a, b, u } = await twoStores(commitMode);
        // Reorder when 3 keys are used: after the answer below, counting the kept 2 would miss it.
        await a.verifier.setReorderThreshold(u.userId, CARD_SLOTS - 3);
        const { first, second } = await warmWithCard(a, u);
        const other = [1, 2, 3]
          .map((k) => k * 1111)
          .find((k) => k !== Number(first.keyNumber) && k !== Number(second.keyNumber));
        expect(await (via === 'the other store' ? b : a).store.useCardKey(CARD, Number(other))).toBe('ok');
        const reordersBefore = a.events.filter((e) => e.type === 'card-reorder').length;
        await a.verifier.completeLogon(second.challengeId, keyFor(u.secret, second.keyNumber));
        expect(await usedKeys(a)).toHaveLength(3);
        const reorders = a.events.filter((e) => e.type === 'card-reorder');
        expect(reorders).toHaveLength(reordersBefore + 1);
        expect(reorders.at(-1)).toMatchObject({ keysLeft: CARD_SLOTS - 3 });
      });
    }

    for (const via of ['the other store', 'the same store, outside an answer'] as const) {
      it(`refuses the right key of a card locked through ${via} (AUTH004), though A kept its unlocked state`, async () => {
        const { a, b, u } = await twoStores(commitMode);
        const { second } = await warmWithCard(a, u);
        const writer = via === 'the other store' ? b : a;
        const policy = a.verifier.policy.factor;
        for (let i = 0; i < policy.maxFailures; i++)
          await writer.store.recordFailure(CARD_SUBJECT, a.clock.now, policy);
        expect((await a.store.getLockout(CARD_SUBJECT)).lockedUntil).not.toBeNull();
        expect(
          await codeOf(a.verifier.completeLogon(second.challengeId, keyFor(u.secret, second.keyNumber))),
        ).toBe('AUTH004');
        expect(await usedKeys(a)).toHaveLength(1);
      });

      it(`resets the failures counted through ${via} when A accepts a right key`, async () => {
        const { a, b, u } = await twoStores(commitMode);
        const { second } = await warmWithCard(a, u);
        const writer = via === 'the other store' ? b : a;
        const policy = a.verifier.policy.factor;
        // Short of a lock: A's kept state (no failures) would skip the reset.
        for (let i = 0; i < policy.maxFailures - 1; i++)
          await writer.store.recordFailure(CARD_SUBJECT, a.clock.now, policy);
        expect((await b.store.getLockout(CARD_SUBJECT)).failures).toBe(policy.maxFailures - 1);
        await a.verifier.completeLogon(second.challengeId, keyFor(u.secret, second.keyNumber));
        expect((await b.store.getLockout(CARD_SUBJECT)).failures).toBe(0);
        // One more wrong key now counts as the first of a new run, not as the one that locks.
        const third = await startCard(a, u.nemIdNumber);
        expect(await codeOf(a.verifier.completeLogon(third.challengeId, wrongKey(u.secret, third)))).toBe(
          'AUTH002',
        );
        expect(await b.store.getLockout(CARD_SUBJECT)).toMatchObject({ failures: 1, lockedUntil: null });
      });
    }

    it('locks the card after wrong keys answered through A itself, and lets it go once cleared through A', async () => {
      const { a, u } = await twoStores(commitMode);
      await warmWithCard(a, u);
      const policy = a.verifier.policy.factor;
      // Made before the lock, answered after it: A then keeps the locked state.
      const late = await startCard(a, u.nemIdNumber);
      for (let i = 1; i <= policy.maxFailures; i++) {
        const c = await startCard(a, u.nemIdNumber);
        const code = await codeOf(a.verifier.completeLogon(c.challengeId, wrongKey(u.secret, c)));
        expect(code).toBe(i < policy.maxFailures ? 'AUTH002' : 'AUTH004');
      }
      expect(await codeOf(a.verifier.completeLogon(late.challengeId, keyFor(u.secret, late.keyNumber)))).toBe(
        'AUTH004',
      );
      expect(await codeOf(startCard(a, u.nemIdNumber))).toBe('AUTH004');
      expect(await usedKeys(a)).toHaveLength(1);
      // Lifted through the same store, outside an answer (as support would): the kept lock must go.
      await a.store.clearLockout(CARD_SUBJECT);
      const next = await startCard(a, u.nemIdNumber);
      expect(
        (await a.verifier.completeLogon(next.challengeId, keyFor(u.secret, next.keyNumber))).userId,
      ).toBe(u.userId);
      expect(await usedKeys(a)).toHaveLength(2);
    });

    it('refuses a user blocked through the other store (AUTH005), though A kept the active row', async () => {
      const { a, b, u } = await twoStores(commitMode);
      const { second } = await warmWithCard(a, u);
      await b.verifier.blockNemId(u.userId, 'misuse');
      expect(
        await codeOf(a.verifier.completeLogon(second.challengeId, keyFor(u.secret, second.keyNumber))),
      ).toBe('AUTH005');
      // The key was not used, and the challenge is spent.
      expect(await usedKeys(a)).toHaveLength(1);
      expect(await a.store.getChallenge(second.challengeId)).toBeNull();
      // Unblocked through B again, A accepts a new challenge.
      await b.verifier.unblockNemId(u.userId);
      const third = await startCard(a, u.nemIdNumber);
      expect(
        (await a.verifier.completeLogon(third.challengeId, keyFor(u.secret, third.keyNumber))).userId,
      ).toBe(u.userId);
    });

    it('refuses a card blocked through the other store (AUTH008), though A kept the active row', async () => {
      const { a, b, u } = await twoStores(commitMode);
      const { second } = await warmWithCard(a, u);
      expect(await b.verifier.blockCard('A000-000-001', 'lost')).toBe(true);
      expect(
        await codeOf(a.verifier.completeLogon(second.challengeId, keyFor(u.secret, second.keyNumber))),
      ).toBe('AUTH008');
      expect(await usedKeys(a)).toHaveLength(1);
      expect((await a.store.getCard(CARD))?.status).toBe('blocked');
    });

    it('answers with the provider as the other store last wrote it (identity for a provider no longer CPR-approved)', async () => {
      const { a, b, u } = await twoStores(commitMode);
      const { second } = await warmWithCard(a, u);
      await b.verifier.registerProvider({ id: BANK, name: 'Danske Bank', cprApproved: false, isBank: true });
      const r = await a.verifier.completeLogon(second.challengeId, keyFor(u.secret, second.keyNumber));
      // With the kept (CPR-approved) provider row A would hand out the CPR number.
      expect(r.identity.kind).toBe('pseudonym');
      expect(JSON.stringify(r.identity)).not.toContain(CPR);
    });

    it('refuses a challenge A made once the other store has answered it (AUTH003), and uses the key once', async () => {
      const { a, b, u } = await twoStores(commitMode);
      const { second } = await warmWithCard(a, u);
      const key = keyFor(u.secret, second.keyNumber);
      expect((await b.verifier.completeLogon(second.challengeId, key)).userId).toBe(u.userId);
      const keysAfterB = await usedKeys(a);
      expect(keysAfterB).toHaveLength(2);
      expect(await codeOf(a.verifier.completeLogon(second.challengeId, key))).toBe('AUTH003');
      expect(await usedKeys(a)).toEqual(keysAfterB);
      // Nothing counted against the card: the refusal happened before any judging.
      expect((await a.store.getLockout({ kind: 'card', id: CARD })).failures).toBe(0);
      // Nor the other way round: a challenge answered through A is gone for B.
      const third = await startCard(a, u.nemIdNumber);
      const thirdKey = keyFor(u.secret, third.keyNumber);
      expect((await a.verifier.completeLogon(third.challengeId, thirdKey)).userId).toBe(u.userId);
      expect(await codeOf(b.verifier.completeLogon(third.challengeId, thirdKey))).toBe('AUTH003');
      expect(await usedKeys(b)).toHaveLength(3);
      expect((await a.verifier.listCards(u.userId))[0].keysLeft).toBe(CARD_SLOTS - 3);
    });

    it('within one store, a block written through it empties the cache (AUTH005, then AUTH008)', async () => {
      const { a, u } = await twoStores(commitMode);
      const { second } = await warmWithCard(a, u);
      // Same connection: data_version does not move for its own commits; the write must clear the rows.
      await a.verifier.blockNemId(u.userId, 'misuse');
      expect(
        await codeOf(a.verifier.completeLogon(second.challengeId, keyFor(u.secret, second.keyNumber))),
      ).toBe('AUTH005');
      await a.verifier.unblockNemId(u.userId);
      // Warm again (active user, active card), then block the card through the same store.
      const again = await warmWithCard(a, u);
      expect(await a.verifier.blockCard('A000-000-001', 'found')).toBe(true);
      expect(
        await codeOf(
          a.verifier.completeLogon(again.second.challengeId, keyFor(u.secret, again.second.keyNumber)),
        ),
      ).toBe('AUTH008');
      expect(await usedKeys(a)).toHaveLength(2);
    });

    it('refuses a token code behind a counter advanced through the same store, outside an answer', async () => {
      const { a, u } = await twoStores(commitMode);
      const { code, start, serial } = await activeToken(a, u);
      // A keeps the token row after this answer (counter 1).
      const t1 = await start(a);
      const t2 = await start(a);
      expect((await a.verifier.completeLogon(t1.challengeId, code(1))).factor).toBe('token');
      expect(
        await a.store.advanceTokenCounter(serial, 1, 5, {
          driftSteps: 0,
          pendingDriftSteps: null,
          lastUsedAt: 0,
        }),
      ).toBe(true);
      // Code 3 is in the window of the kept row, but behind the counter as it is now.
      expect(await codeOf(a.verifier.completeLogon(t2.challengeId, code(3)))).toMatch(/^AUTH0(02|10)$/);
      expect((await a.store.getToken(serial))?.lastCounter).toBe(5);
      const t3 = await start(a);
      expect((await a.verifier.completeLogon(t3.challengeId, code(6))).userId).toBe(u.userId);
      expect((await a.store.getToken(serial))?.lastCounter).toBe(6);
    });

    it('refuses a token blocked through the same store, outside an answer (AUTH008), though A kept it active', async () => {
      const { a, u } = await twoStores(commitMode);
      const { code, start, serial } = await activeToken(a, u);
      const t1 = await start(a);
      const t2 = await start(a);
      expect((await a.verifier.completeLogon(t1.challengeId, code(1))).factor).toBe('token');
      expect(await a.store.setTokenState(serial, 'active', 'blocked', a.clock.now)).toBe(true);
      expect(await codeOf(a.verifier.completeLogon(t2.challengeId, code(2)))).toBe('AUTH008');
      expect((await a.store.getToken(serial))?.lastCounter).toBe(1);
    });

    it('keeps each accepted code as the counter for the next answers through A, and refuses every replay', async () => {
      const { a, b, u } = await twoStores(commitMode);
      const { code, start, serial } = await activeToken(a, u);
      for (let counter = 1; counter <= 5; counter++) {
        const [t, replay] = [await start(a), await start(a)];
        expect((await a.verifier.completeLogon(t.challengeId, code(counter))).userId).toBe(u.userId);
        expect(await codeOf(a.verifier.completeLogon(replay.challengeId, code(counter)))).toBe('AUTH010');
        expect((await b.store.getToken(serial))?.lastCounter).toBe(counter);
      }
    });

    it('refuses a token code replayed through A after the other store advanced the counter with it', async () => {
      const { a, b, u } = await twoStores(commitMode);
      // Activated (T-7) with code 0 through A.
      const { code, start, serial } = await activeToken(a, u);
      // Two token challenges through A; the first answered through A (code 1) warms its cache.
      const t1 = await start(a);
      const t2 = await start(a);
      expect((await a.verifier.completeLogon(t1.challengeId, code(1))).factor).toBe('token');
      // Through B, code 2 moves the counter.
      const tb = await start(b);
      expect((await b.verifier.completeLogon(tb.challengeId, code(2))).userId).toBe(u.userId);
      // The same code through A's kept challenge: a replay.
      expect(await codeOf(a.verifier.completeLogon(t2.challengeId, code(2)))).toBe('AUTH010');
      expect((await a.store.getToken(serial))?.lastCounter).toBe(2);
      // The next code is still good through A.
      const t3 = await start(a);
      expect((await a.verifier.completeLogon(t3.challengeId, code(3))).userId).toBe(u.userId);
      expect((await b.store.getToken(serial))?.lastCounter).toBe(3);
    });
  });
}
