/**
 * The conformance tests of `Store.answerChallenge`, the one store call of a verification: called
 * from the store conformance suite, so every store runs them.
 */
import type {
  AnswerJudge,
  AnswerVerdict,
  AuditEntry,
  ChallengeRecord,
  ClosableStore,
  LoadedChallenge,
  LockoutPolicy,
} from '@nemid-sim/server-verifier';
import { beforeEach, describe, expect, it } from 'vitest';
import { T0, user } from './records.js';

const HOUR = 3_600_000;
const POLICY: LockoutPolicy = { maxFailures: 3, lockMs: HOUR, locksBeforeBlock: 1 };
const CARD = 'A000000001';
const TOKEN = '9000000000000001';
const CARD_SUBJECT = { kind: 'card', id: CARD } as const;
const TOKEN_SUBJECT = { kind: 'token', id: TOKEN } as const;

function challenge(id: string, extra: Partial<ChallengeRecord> = {}): ChallengeRecord {
  return {
    id,
    userId: 'user-1',
    purpose: 'logon',
    factor: 'card',
    cardSerial: CARD,
    keyNumber: 1234,
    tokenSerial: null,
    batchDigest: null,
    providerId: 'bank',
    ip: '192.0.2.1',
    data: null,
    createdAt: T0,
    // Long enough for the tests that answer after a lock has run out.
    expiresAt: T0 + 10 * HOUR,
    ...extra,
  };
}

const tokenChallenge = (id: string): ChallengeRecord =>
  challenge(id, { factor: 'token', cardSerial: null, keyNumber: null, tokenSerial: TOKEN });

function okAudit(at: number): AuditEntry {
  return {
    at,
    userId: 'user-1',
    ip: '192.0.2.1',
    providerId: 'bank',
    site: null,
    factor: 'card',
    action: 'logon',
    outcome: 'ok',
  };
}

/** A judge that says the key asked for was typed right (or wrong). */
const keyJudge =
  (right: boolean, keyNumber = 1234): AnswerJudge =>
  (): AnswerVerdict => ({
    subject: CARD_SUBJECT,
    policy: POLICY,
    use: right ? { kind: 'card-key', serial: CARD, keyNumber } : null,
    audit: okAudit(T0),
  });

/** A judge that accepts a token code at `newValue`, expecting the counter it loaded. */
const counterJudge =
  (newValue: number, expectedLast?: number): AnswerJudge =>
  (l: LoadedChallenge): AnswerVerdict => ({
    subject: TOKEN_SUBJECT,
    policy: POLICY,
    use: {
      kind: 'token-counter',
      serial: TOKEN,
      expectedLast: expectedLast ?? l.token?.lastCounter ?? -1,
      newValue,
      advance: { driftSteps: 2, pendingDriftSteps: null, lastUsedAt: T0 + newValue },
    },
    audit: null,
  });

export function answerConformance(store: () => ClosableStore): void {
  describe('answering a challenge (answerChallenge)', () => {
    beforeEach(async () => {
      const s = store();
      await s.createUser(user(1));
      await s.putProvider({ id: 'bank', name: 'Bank', cprApproved: true, isBank: true });
      await s.addCard(
        { serial: CARD, userId: 'user-1', secretCiphertext: new Uint8Array([1, 2]), issuedAt: T0 },
        4,
      );
      await s.addTokens([
        {
          serial: TOKEN,
          kind: 'hotp',
          algorithm: 'sha1',
          digits: 6,
          stepSeconds: 30,
          t0: 0,
          secretCiphertext: new Uint8Array([3, 4]),
        },
      ]);
      await s.assignToken(TOKEN, 'user-1');
      await s.setTokenState(TOKEN, 'assigned', 'active', T0);
    });

    it('loads the challenge with its user, card and provider, uses a right key once, resets and audits', async () => {
      const s = store();
      // Read first, as the domain does when it makes a challenge (a store may keep what it read).
      await s.getUser('user-1');
      await s.getCard(CARD);
      await s.getProvider('bank');
      await s.createChallenge(challenge('c1'));
      await s.recordFailure(CARD_SUBJECT, T0, POLICY);
      let seen: LoadedChallenge | null = null;
      const r = await s.answerChallenge('c1', T0 + 1, (l) => {
        seen = l;
        return keyJudge(true)(l);
      });
      expect(r.loaded?.challenge).toEqual(challenge('c1'));
      expect(r.loaded?.user?.id).toBe('user-1');
      expect(r.loaded?.card?.serial).toBe(CARD);
      expect(r.loaded?.card?.secretCiphertext).toEqual(new Uint8Array([1, 2]));
      expect(r.loaded?.token).toBeNull();
      expect(r.loaded?.provider).toEqual({ id: 'bank', name: 'Bank', cprApproved: true, isBank: true });
      expect(seen).toEqual(r.loaded);
      expect(r.settled).toEqual({ outcome: 'accepted', usedKeys: 1 });
      expect(await s.listUsedKeys(CARD)).toEqual([1234]);
      expect(await s.getLockout(CARD_SUBJECT)).toEqual({
        failures: 0,
        lockedUntil: null,
        locks: 0,
        blocked: false,
      });
      expect(await s.listAudit('user-1')).toEqual([okAudit(T0)]);
      expect(await s.getChallenge('c1')).toBeNull();
      expect(await s.answerChallenge('c1', T0 + 1, keyJudge(true))).toEqual({ loaded: null, settled: null });
    });

    it('returns nothing for an unknown or expired challenge without judging, and removes the expired one', async () => {
      const s = store();
      await s.createChallenge(challenge('c1'));
      const never: AnswerJudge = () => {
        throw new Error('must not judge');
      };
      expect(await s.answerChallenge('nope', T0, never)).toEqual({ loaded: null, settled: null });
      expect(await s.answerChallenge('c1', challenge('c1').expiresAt, never)).toEqual({
        loaded: null,
        settled: null,
      });
      expect(await s.getChallenge('c1')).toBeNull();
    });

    it('spends the challenge on a refusal (no verdict) and writes nothing else', async () => {
      const s = store();
      await s.createChallenge(challenge('c1'));
      const r = await s.answerChallenge('c1', T0, () => null);
      expect(r.loaded?.challenge.id).toBe('c1');
      expect(r.settled).toBeNull();
      expect(await s.getChallenge('c1')).toBeNull();
      expect(await s.listUsedKeys(CARD)).toEqual([]);
      expect(await s.getLockout(CARD_SUBJECT)).toEqual({
        failures: 0,
        lockedUntil: null,
        locks: 0,
        blocked: false,
      });
      expect(await s.listAudit('user-1')).toEqual([]);
    });

    it('counts wrong answers, locks, refuses even a right answer while locked, then blocks', async () => {
      const s = store();
      for (let i = 1; i <= 3; i++) {
        await s.createChallenge(challenge(`w${i}`));
        const r = await s.answerChallenge(`w${i}`, T0, keyJudge(false));
        expect(r.settled).toEqual({
          outcome: 'counted',
          state:
            i < 3
              ? { failures: i, lockedUntil: null, locks: 0, blocked: false }
              : { failures: 0, lockedUntil: T0 + HOUR, locks: 1, blocked: false },
        });
      }
      await s.createChallenge(challenge('right'));
      const locked = await s.answerChallenge('right', T0 + 1, keyJudge(true));
      expect(locked.settled?.outcome).toBe('locked');
      expect(await s.listUsedKeys(CARD)).toEqual([]);
      expect(await s.listAudit('user-1')).toEqual([]);
      // After the lock, the next run of wrong answers blocks for good; then even a right one is refused.
      const after = T0 + HOUR;
      for (let i = 1; i <= 3; i++) {
        await s.createChallenge(challenge(`x${i}`));
        await s.answerChallenge(`x${i}`, after, keyJudge(false));
      }
      expect(await s.getLockout(CARD_SUBJECT)).toEqual({
        failures: 0,
        lockedUntil: null,
        locks: 1,
        blocked: true,
      });
      await s.createChallenge(challenge('right2'));
      const blocked = await s.answerChallenge('right2', after, keyJudge(true));
      expect(blocked.settled?.outcome).toBe('blocked');
      expect(await s.listUsedKeys(CARD)).toEqual([]);
    });

    it('accepts a right answer after a lock has run out, and resets the count', async () => {
      const s = store();
      for (let i = 1; i <= 3; i++) {
        await s.createChallenge(challenge(`w${i}`));
        await s.answerChallenge(`w${i}`, T0, keyJudge(false));
      }
      await s.createChallenge(challenge('right'));
      const r = await s.answerChallenge('right', T0 + HOUR, keyJudge(true));
      expect(r.settled).toEqual({ outcome: 'accepted', usedKeys: 1 });
      expect(await s.getLockout(CARD_SUBJECT)).toEqual({
        failures: 0,
        lockedUntil: null,
        locks: 0,
        blocked: false,
      });
    });

    it('counts a right key that was used meanwhile as a replay', async () => {
      const s = store();
      expect(await s.useCardKey(CARD, 1234)).toBe('ok');
      await s.createChallenge(challenge('c1'));
      const r = await s.answerChallenge('c1', T0, keyJudge(true));
      expect(r.settled).toEqual({
        outcome: 'replayed',
        state: { failures: 1, lockedUntil: null, locks: 0, blocked: false },
      });
      expect(await s.listAudit('user-1')).toEqual([]);
    });

    it('advances a token counter by compare-and-set and writes the advance', async () => {
      const s = store();
      await s.getToken(TOKEN);
      await s.createChallenge(tokenChallenge('t1'));
      const r = await s.answerChallenge('t1', T0, counterJudge(5));
      expect(r.loaded?.token?.lastCounter).toBe(-1);
      expect(r.settled).toEqual({ outcome: 'accepted', usedKeys: 0 });
      const t = await s.getToken(TOKEN);
      expect(t).toMatchObject({ lastCounter: 5, driftSteps: 2, pendingDriftSteps: null, lastUsedAt: T0 + 5 });
      expect(t?.resyncCounter).toBeNull();
      // A verdict judged on the old counter no longer takes.
      await s.createChallenge(tokenChallenge('t2'));
      const stale = await s.answerChallenge('t2', T0, counterJudge(6, -1));
      expect(stale.settled?.outcome).toBe('replayed');
      expect((await s.getToken(TOKEN))?.lastCounter).toBe(5);
      // The next code, judged on what was loaded, takes.
      await s.createChallenge(tokenChallenge('t3'));
      expect((await s.answerChallenge('t3', T0, counterJudge(6))).settled?.outcome).toBe('accepted');
    });

    it('judges the rows as they are now, not as a store may have kept them', async () => {
      const s = store();
      await s.getUser('user-1');
      await s.getToken(TOKEN);
      await s.createChallenge(tokenChallenge('t1'));
      await s.updateUser('user-1', { status: 'blocked' });
      await s.advanceTokenCounter(TOKEN, -1, 9, { driftSteps: 0, pendingDriftSteps: null, lastUsedAt: T0 });
      const seen: LoadedChallenge[] = [];
      const r = await s.answerChallenge('t1', T0, (l) => {
        seen.push(l);
        return counterJudge(10)(l);
      });
      expect(r.loaded?.user?.status).toBe('blocked');
      expect(r.loaded?.token?.lastCounter).toBe(9);
      expect(seen.at(-1)).toEqual(r.loaded);
      expect(r.settled?.outcome).toBe('accepted');
    });

    it('accepts exactly one of 20 concurrent answers to one challenge', async () => {
      const s = store();
      await s.createChallenge(challenge('c1'));
      const results = await Promise.all(
        Array.from({ length: 20 }, () => s.answerChallenge('c1', T0, keyJudge(true))),
      );
      expect(results.filter((r) => r.settled?.outcome === 'accepted')).toHaveLength(1);
      expect(
        results.filter(
          (r) => r.settled !== null && r.settled.outcome !== 'accepted' && r.settled.outcome !== 'gone',
        ),
      ).toEqual([]);
      expect(await s.listUsedKeys(CARD)).toEqual([1234]);
      expect(await s.listAudit('user-1')).toHaveLength(1);
    });

    it('accepts exactly one of 20 concurrent answers using one key or one counter value', async () => {
      const s = store();
      for (let i = 0; i < 20; i++) {
        await s.createChallenge(challenge(`k${i}`));
        await s.createChallenge(tokenChallenge(`t${i}`));
      }
      const keys = await Promise.all(
        Array.from({ length: 20 }, (_, i) => s.answerChallenge(`k${i}`, T0, keyJudge(true))),
      );
      expect(keys.filter((r) => r.settled?.outcome === 'accepted')).toHaveLength(1);
      const counters = await Promise.all(
        Array.from({ length: 20 }, (_, i) => s.answerChallenge(`t${i}`, T0, counterJudge(3, -1))),
      );
      expect(counters.filter((r) => r.settled?.outcome === 'accepted')).toHaveLength(1);
      expect((await s.getToken(TOKEN))?.lastCounter).toBe(3);
    });
  });
}
