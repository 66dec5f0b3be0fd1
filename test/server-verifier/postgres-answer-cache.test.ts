/**
 * PostgreSQL judges an answer on rows it read moments ago (one round trip); the settlement checks
 * them against the database. Rows changed by another instance must make it judge again on fresh rows.
 */
import {
  type AnswerJudge,
  type LoadedChallenge,
  openPostgresStore,
  type PostgresStore,
} from '@nemid-sim/server-verifier';
import { afterAll, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from './pg-env.js';
import { T0, user } from './records.js';

const TOKEN = '9000000000000001';
const schemas: TestSchema[] = [];
const stores: PostgresStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(schemas.map((s) => s.drop()));
});

async function twoInstances(): Promise<[PostgresStore, PostgresStore]> {
  const s = await createTestSchema();
  schemas.push(s);
  const a = await openPostgresStore({ connectionString: s.url, schema: s.schema, max: 4 });
  const b = await openPostgresStore({ connectionString: s.url, schema: s.schema, max: 4 });
  stores.push(a, b);
  await a.createUser(user(1));
  await a.putProvider({ id: 'bank', name: 'Bank', cprApproved: true, isBank: true });
  await a.addTokens([
    {
      serial: TOKEN,
      kind: 'hotp',
      algorithm: 'sha1',
      digits: 6,
      stepSeconds: 30,
      t0: 0,
      secretCiphertext: new Uint8Array([3]),
    },
  ]);
  await a.assignToken(TOKEN, 'user-1');
  await a.setTokenState(TOKEN, 'assigned', 'active', T0);
  return [a, b];
}

async function challengeOn(store: PostgresStore, id: string): Promise<void> {
  // The reads the domain makes for a log-on, which the store keeps for the answer.
  await store.getUser('user-1');
  await store.findUserToken('user-1');
  await store.getProvider('bank');
  await store.createChallenge({
    id,
    userId: 'user-1',
    purpose: 'logon',
    factor: 'token',
    cardSerial: null,
    keyNumber: null,
    tokenSerial: TOKEN,
    batchDigest: null,
    providerId: 'bank',
    ip: null,
    data: null,
    createdAt: T0,
    expiresAt: T0 + 300_000,
  });
}

function recordingJudge(seen: LoadedChallenge[], accept: boolean): AnswerJudge {
  return (l) => {
    seen.push(l);
    const last = l.token?.lastCounter ?? -1;
    return {
      subject: { kind: 'token', id: TOKEN },
      policy: { maxFailures: 5, lockMs: 1000, locksBeforeBlock: 1 },
      use: accept
        ? {
            kind: 'token-counter',
            serial: TOKEN,
            expectedLast: last,
            newValue: last + 1,
            advance: { driftSteps: 0, pendingDriftSteps: null, lastUsedAt: T0 },
          }
        : null,
      audit: null,
    };
  };
}

it('judges once on the rows it kept when nothing changed', async () => {
  const [a] = await twoInstances();
  await challengeOn(a, 'c1');
  const seen: LoadedChallenge[] = [];
  const r = await a.answerChallenge('c1', T0, recordingJudge(seen, true));
  expect(seen).toHaveLength(1);
  expect(r.settled).toEqual({ outcome: 'accepted', usedKeys: 0 });
  // The kept token row moved with the counter: the next answer is judged on counter 0, once.
  await challengeOn(a, 'c2');
  const again: LoadedChallenge[] = [];
  expect((await a.answerChallenge('c2', T0, recordingJudge(again, true))).settled?.outcome).toBe('accepted');
  expect(again.map((l) => l.token?.lastCounter)).toEqual([0]);
  expect((await a.getToken(TOKEN))?.lastCounter).toBe(1);
});

it('judges again on fresh rows when another instance changed the user or the token', async () => {
  const [a, b] = await twoInstances();
  await challengeOn(a, 'c1');
  await b.updateUser('user-1', { status: 'blocked', siteLogOptIn: true });
  await b.advanceTokenCounter(TOKEN, -1, 9, { driftSteps: 0, pendingDriftSteps: null, lastUsedAt: T0 });
  const seen: LoadedChallenge[] = [];
  const r = await a.answerChallenge('c1', T0, recordingJudge(seen, true));
  expect(seen.map((l) => l.user?.status)).toEqual(['active', 'blocked']);
  expect(r.loaded?.user?.siteLogOptIn).toBe(true);
  expect(r.loaded?.token?.lastCounter).toBe(9);
  expect(r.settled).toEqual({ outcome: 'accepted', usedKeys: 0 });
  expect((await b.getToken(TOKEN))?.lastCounter).toBe(10);
});

it('does not trust a refusal judged on kept rows, and spends the challenge once', async () => {
  const [a, b] = await twoInstances();
  await challengeOn(a, 'c1');
  // Instance b answers first: a's kept challenge is gone, so a reads fresh and finds nothing.
  expect((await b.answerChallenge('c1', T0, recordingJudge([], true))).settled?.outcome).toBe('accepted');
  const seen: LoadedChallenge[] = [];
  expect(await a.answerChallenge('c1', T0, recordingJudge(seen, true))).toEqual({
    loaded: null,
    settled: null,
  });
  // A refusal on kept rows is judged again on fresh rows before the challenge is spent.
  await challengeOn(a, 'c2');
  let calls = 0;
  const r = await a.answerChallenge('c2', T0, (l) => (++calls === 1 ? null : recordingJudge([], false)(l)));
  expect(calls).toBe(2);
  expect(r.settled?.outcome).toBe('counted');
  expect(await a.getChallenge('c2')).toBeNull();
});
