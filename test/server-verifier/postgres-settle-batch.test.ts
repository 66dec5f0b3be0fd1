/**
 * Group commit of settlements on the real PostgreSQL: (a) through the public API, many answers at
 * once through one store, settled in batches (nemid_settle_answers), each exactly once and each
 * with its one audit line; (b) the batch function itself, called directly, on races inside one
 * batch (one card key twice, one token counter twice), missing or expired challenges, and a
 * failing element (the whole batch is one transaction).
 */
import {
  type CardChallengeView,
  type ChallengeView,
  openPostgresStore,
  type PostgresStore,
  type Verifier,
} from '@nemid-sim/server-verifier';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { settleParams } from '../../server-verifier/src/store/postgres-store.js';
import type { AuditEntry, LockoutKind } from '../../server-verifier/src/store/store.js';
import {
  cardKey,
  enrolCardUser,
  hotpCode,
  outcomes,
  prepareRaceUser,
  RACE_PASSWORD,
  RACE_PROVIDER,
  type RaceUser,
  raceVerifier,
  tally,
  tokenChallenges,
} from './concurrency-setup.js';
import { createTestSchema, TEST_PG_URL, type TestSchema } from './pg-env.js';
import { T0, user } from './records.js';

const schemas: TestSchema[] = [];
const stores: PostgresStore[] = [];
const clients: pg.Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end()));
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(schemas.map((s) => s.drop()));
});

async function freshStore(settleBatches?: number): Promise<{ store: PostgresStore; schema: TestSchema }> {
  const schema = await createTestSchema();
  schemas.push(schema);
  const store = await openPostgresStore({
    connectionString: schema.url,
    schema: schema.schema,
    max: 8,
    ...(settleBatches === undefined ? {} : { settleBatches }),
  });
  stores.push(store);
  return { store, schema };
}

/**
 * Names of the prepared statements the store sends while `fn` runs (pg.Pool#query spied on; the
 * calls pass through unchanged, except those named in `refuse`, which fail without reaching the server).
 */
async function statementsDuring<T>(
  fn: () => Promise<T>,
  refuse: readonly string[] = [],
  // By default refused as the server refuses a transaction it rolled back: with a SQLSTATE.
  refusal: (name: string) => Error = (name) =>
    Object.assign(new Error(`refused for the test: ${name}`), { code: '40P01' }),
): Promise<{ result: T; names: string[] }> {
  const names: string[] = [];
  const original = pg.Pool.prototype.query;
  const spy = vi.spyOn(pg.Pool.prototype, 'query').mockImplementation(function (
    this: pg.Pool,
    ...args: unknown[]
  ) {
    const config = args[0] as { name?: string } | string;
    const name = typeof config === 'object' ? config?.name : undefined;
    if (name) names.push(name);
    if (name && refuse.includes(name)) return Promise.reject(refusal(name));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original);
  try {
    return { result: await fn(), names };
  } finally {
    spy.mockRestore();
  }
}

/**
 * Set-up shared by the tests of a describe block, run by the first test that needs it. Each test
 * awaits it, so an unreachable server fails every test (a failed beforeAll would skip them).
 */
function once(setup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= setup();
    return done;
  };
}

const logonOk = (v: Verifier, userId: string) =>
  v.auditLog(userId).then((entries) => entries.filter((e) => e.action === 'logon' && e.outcome === 'ok'));

describe('PostgreSQL group commit through the public API', () => {
  let store: PostgresStore;
  let v: Verifier;
  const cardUsers: RaceUser[] = [];
  const tokenUsers: RaceUser[] = [];

  const ready = once(async () => {
    ({ store } = await freshStore());
    v = raceVerifier(store, 'group-commit');
    for (let n = 1; n <= 30; n++) cardUsers.push(await enrolCardUser(v, n));
    for (let n = 31; n <= 60; n++) tokenUsers.push(await prepareRaceUser(v, n));
  });

  it('accepts 30 card and 30 token answers sent at once, each once, with one audit line each', async () => {
    await ready();
    const cardChallenges: CardChallengeView[] = [];
    for (const u of cardUsers) {
      const c = await v.startLogon({ userId: u.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER });
      if (c.factor !== 'card') throw new Error('expected a card challenge');
      cardChallenges.push(c);
    }
    const tokenChallengeList: ChallengeView[] = [];
    for (const u of tokenUsers) tokenChallengeList.push((await tokenChallenges(v, u, 1))[0]);
    const okBefore = new Map<string, number>();
    for (const u of [...cardUsers, ...tokenUsers])
      okBefore.set(u.userId, (await logonOk(v, u.userId)).length);

    // Every completeLogon is issued in the same turn.
    const { result: results, names } = await statementsDuring(() =>
      Promise.allSettled([
        ...cardChallenges.map((c) => v.completeLogon(c.challengeId, cardKey(c.keyNumber))),
        ...tokenChallengeList.map((c) => v.completeLogon(c.challengeId, hotpCode(1))),
      ]),
    );
    expect(tally(outcomes(results))).toEqual({ ok: 60 });
    const users = results.map((r) => (r as PromiseFulfilledResult<{ userId: string }>).value.userId);
    expect(users).toEqual([...cardUsers, ...tokenUsers].map((u) => u.userId));
    // They were settled in batches, not one by one.
    // All 60 were settled together: one call of the batch function, no single settlement.
    expect(names.filter((n) => n.startsWith('nemid_settle_answer'))).toEqual(['nemid_settle_answers']);

    // Each card key used once: exactly the key asked, on the user's only card.
    for (const [i, u] of cardUsers.entries()) {
      const [card] = await store.listCards(u.userId);
      expect(await store.listUsedKeys(card.serial)).toEqual([Number(cardChallenges[i].keyNumber)]);
      expect(await store.getLockout({ kind: 'card', id: card.serial })).toMatchObject({
        failures: 0,
        blocked: false,
      });
    }
    // Each token counter advanced once, from 0 to 1.
    for (const u of tokenUsers) {
      const token = await store.findUserToken(u.userId);
      expect(token?.lastCounter).toBe(1);
      expect(await store.getLockout({ kind: 'token', id: token!.serial })).toMatchObject({ failures: 0 });
    }
    // Exactly one new 'ok' log-on line per answer, with the answer's factor.
    for (const u of [...cardUsers, ...tokenUsers]) {
      const lines = await logonOk(v, u.userId);
      expect(lines.length - (okBefore.get(u.userId) ?? 0)).toBe(1);
      expect(lines.at(-1)?.factor).toBe(cardUsers.includes(u) ? 'card' : 'token');
    }

    // The same keys and codes again, on new challenges: all refused as used.
    const again = await Promise.allSettled(
      tokenUsers.map(async (u) => {
        const [c] = await tokenChallenges(v, u, 1);
        return v.completeLogon(c.challengeId, hotpCode(1));
      }),
    );
    expect(tally(outcomes(again))).toEqual({ AUTH010: 30 });
  });

  it('accepts one code of several answers for one token settled in the same batch', async () => {
    await ready();
    const u = await prepareRaceUser(v, 61);
    const challenges = await tokenChallenges(v, u, 4);
    const { result, names } = await statementsDuring(() =>
      Promise.allSettled(challenges.map((c) => v.completeLogon(c.challengeId, hotpCode(1)))),
    );
    expect(names).toContain('nemid_settle_answers');
    const t = tally(outcomes(result));
    expect(t.ok).toBe(1);
    // The others are replays of a used code (counted as failures).
    expect(t).toEqual({ ok: 1, AUTH010: 3 });
    expect((await store.findUserToken(u.userId))?.lastCounter).toBe(1);
    expect((await logonOk(v, u.userId)).length).toBe(2); // the activation and this one
  });

  it('answers each of several challenges for one card once when answered in one turn', async () => {
    await ready();
    const u = await enrolCardUser(v, 62);
    const cs: CardChallengeView[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await v.startLogon({ userId: u.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER });
      if (c.factor !== 'card') throw new Error('expected a card challenge');
      cs.push(c);
    }
    // Each challenge answered twice in the same turn: the second answer finds it gone.
    const attempts = cs
      .flatMap((c) => [c, c])
      .map((c) => v.completeLogon(c.challengeId, cardKey(c.keyNumber)));
    const t = tally(outcomes(await Promise.allSettled(attempts)));
    // Two challenges may ask the same key: then only the first of them gets it.
    const distinctKeys = new Set(cs.map((c) => c.keyNumber)).size;
    expect(t.ok).toBe(distinctKeys);
    // The second answer to each challenge finds it spent.
    expect(t.AUTH003).toBe(3);
    const [card] = await store.listCards(u.userId);
    expect((await store.listUsedKeys(card.serial)).sort((a, b) => a - b)).toEqual(
      [...new Set(cs.map((c) => Number(c.keyNumber)))].sort((a, b) => a - b),
    );
    expect((await logonOk(v, u.userId)).length).toBe(distinctKeys);
  });

  it('settles every answer of a refused batch again on its own, with the same outcomes', async () => {
    await ready();
    const us: RaceUser[] = [];
    for (let n = 63; n <= 66; n++) us.push(await prepareRaceUser(v, n));
    const cs: ChallengeView[] = [];
    for (const u of us) cs.push(...(await tokenChallenges(v, u, 1)));
    // Plus a replay inside the batch: the first user's code twice.
    const [extra] = await tokenChallenges(v, us[0], 1);
    const { result, names } = await statementsDuring(
      () =>
        Promise.allSettled([
          ...cs.map((c) => v.completeLogon(c.challengeId, hotpCode(1))),
          v.completeLogon(extra.challengeId, hotpCode(1)),
        ]),
      ['nemid_settle_answers'],
    );
    const settles = names.filter((n) => n.startsWith('nemid_settle_answer'));
    // The refused batch, then its five items one by one. The replay was judged on the cached token
    // row, which the first answer made stale: it is read fresh and settled once more on its own.
    expect(settles).toEqual(['nemid_settle_answers', ...Array(6).fill('nemid_settle_answer')]);
    expect(names.filter((n) => n === 'nemid_load_answer')).toHaveLength(1);
    expect(outcomes(result)).toEqual(['ok', 'ok', 'ok', 'ok', 'AUTH010']);
    for (const u of us) {
      expect((await store.findUserToken(u.userId))?.lastCounter).toBe(1);
      expect((await logonOk(v, u.userId)).length).toBe(2); // the activation and this one
    }
  });

  it('fails the answers of a batch whose fate is unknown (no SQLSTATE), without settling them again', async () => {
    await ready();
    const us: RaceUser[] = [];
    for (let n = 67; n <= 69; n++) us.push(await prepareRaceUser(v, n));
    const cs: ChallengeView[] = [];
    for (const u of us) cs.push(...(await tokenChallenges(v, u, 1)));
    const lost = new Error('Connection terminated unexpectedly');
    const { result, names } = await statementsDuring(
      () => Promise.allSettled(cs.map((c) => v.completeLogon(c.challengeId, hotpCode(1)))),
      ['nemid_settle_answers'],
      () => lost,
    );
    expect(names.filter((n) => n.startsWith('nemid_settle_answer'))).toEqual(['nemid_settle_answers']);
    expect(result).toEqual(cs.map(() => ({ status: 'rejected', reason: lost })));
    // Nothing reached the server here, so nothing was written.
    for (const u of us) expect((await store.findUserToken(u.userId))?.lastCounter).toBe(0);
  });

  it('refuses a settleBatches that is not a whole number of at least 1', async () => {
    for (const settleBatches of [0, -1, 2.5, Number.NaN]) {
      await expect(openPostgresStore({ connectionString: TEST_PG_URL, settleBatches })).rejects.toThrow(
        /settleBatches must be a whole number/,
      );
    }
  });

  it('queues answers behind a single batch in flight (settleBatches: 1) and settles them all', async () => {
    const { store: narrow } = await freshStore(1);
    const w = raceVerifier(narrow, 'narrow');
    const us: RaceUser[] = [];
    for (let n = 1; n <= 10; n++) us.push(await prepareRaceUser(w, n));
    const cs: ChallengeView[] = [];
    for (const u of us) cs.push(...(await tokenChallenges(w, u, 1)));
    // Two waves in different turns; the second arrives while the first is on its way (its batch
    // was sent in the turn in between) and is sent as a batch of its own once a slot is free.
    const { result, names } = await statementsDuring(async () => {
      const first = cs.slice(0, 5).map((c) => w.completeLogon(c.challengeId, hotpCode(1)));
      await new Promise((resolve) => setImmediate(resolve));
      const second = cs.slice(5).map((c) => w.completeLogon(c.challengeId, hotpCode(1)));
      return Promise.allSettled([...first, ...second]);
    });
    expect(tally(outcomes(result))).toEqual({ ok: 10 });
    expect(names.filter((n) => n.startsWith('nemid_settle_answer'))).toEqual([
      'nemid_settle_answers',
      'nemid_settle_answers',
    ]);
    for (const u of us) expect((await narrow.findUserToken(u.userId))?.lastCounter).toBe(1);
  });
});

// ---- the batch function, called directly ----

const NOW = T0 + 1_000;
const HOUR = 3_600_000;
const CARD = 'CARD000001';
const TOKEN = '9000000000000001';

type Args = ReturnType<typeof settleParams>;

const POLICY = { maxFailures: 5, lockMs: HOUR, locksBeforeBlock: 1 };

/** An accepted log-on of user-1 at the bank. */
const okAudit = (factor: 'card' | 'token'): AuditEntry => ({
  at: NOW,
  userId: 'user-1',
  ip: null,
  providerId: 'bank',
  site: null,
  factor,
  action: 'logon',
  outcome: 'ok',
});

/** nemid_settle_answer's arguments, as the store makes them, for a right card key. */
function cardArgs(challenge: string, keyNumber: number, now = NOW): Args {
  return settleParams(challenge, now, null, {
    subject: { kind: 'card', id: CARD },
    policy: POLICY,
    use: { kind: 'card-key', serial: CARD, keyNumber },
    audit: okAudit('card'),
  });
}

/** ... for a right token code moving the counter from `expected` to `next`. */
function tokenArgs(challenge: string, expected: number, next: number): Args {
  return settleParams(challenge, NOW, null, {
    subject: { kind: 'token', id: TOKEN },
    policy: POLICY,
    use: {
      kind: 'token-counter',
      serial: TOKEN,
      expectedLast: expected,
      newValue: next,
      advance: { driftSteps: 0, pendingDriftSteps: null, lastUsedAt: NOW },
    },
    audit: okAudit('token'),
  });
}

/** ... for a wrong answer on the card (no use, no audit line); `kind` may break the CHECK. */
function wrongCardArgs(challenge: string, kind = 'card'): Args {
  return settleParams(challenge, NOW, null, {
    subject: { kind: kind as LockoutKind, id: CARD },
    policy: POLICY,
    use: null,
    audit: null,
  });
}

interface BatchRow {
  o_index: number;
  o_outcome: string;
  o_failures: number;
  o_locked_until: string | null;
  o_locks: number;
  o_blocked: boolean;
  o_used_keys: number;
  o_token_version: string | null;
}

describe('nemid_settle_answers, called directly', () => {
  let store: PostgresStore;
  let client: pg.Client;

  const ready = once(async () => {
    const fresh = await freshStore();
    store = fresh.store;
    client = new pg.Client({ connectionString: fresh.schema.url, connectionTimeoutMillis: 5_000 });
    clients.push(client);
    await client.connect();
    await client.query(`SET search_path TO "${fresh.schema.schema}"`);

    await store.createUser(user(1));
    await store.putProvider({ id: 'bank', name: 'Bank', cprApproved: true, isBank: true });
    const added = await store.addCard(
      { serial: CARD, userId: 'user-1', secretCiphertext: new Uint8Array([1]), issuedAt: T0 },
      3,
    );
    expect(added.ok).toBe(true);
    await store.addTokens([
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
    expect(await store.assignToken(TOKEN, 'user-1')).toBe('ok');
    expect(await store.setTokenState(TOKEN, 'assigned', 'active', T0)).toBe(true);
  });

  async function challenge(
    id: string,
    factor: 'card' | 'token',
    keyNumber: number | null = null,
    expiresAt = T0 + 300_000,
  ) {
    const r = await store.createChallenge({
      id,
      userId: 'user-1',
      purpose: 'logon',
      factor,
      cardSerial: factor === 'card' ? CARD : null,
      keyNumber,
      tokenSerial: factor === 'token' ? TOKEN : null,
      batchDigest: null,
      providerId: 'bank',
      ip: null,
      data: null,
      createdAt: T0,
      expiresAt,
    });
    expect(r).toBe('ok');
  }

  async function settleBatch(batch: Args[]): Promise<BatchRow[]> {
    const { rows } = await client.query<BatchRow>(
      'SELECT * FROM nemid_settle_answers($1::jsonb) ORDER BY o_index',
      [JSON.stringify(batch)],
    );
    return rows;
  }

  const auditCount = async () => (await store.listAudit('user-1')).length;

  it('gives the second settlement of one card key in a batch "replayed", counted as a failure', async () => {
    await ready();
    await store.resetFailures({ kind: 'card', id: CARD });
    await challenge('k1', 'card', 7);
    await challenge('k2', 'card', 7);
    const audits = await auditCount();
    const rows = await settleBatch([cardArgs('k1', 7), cardArgs('k2', 7)]);
    expect(rows).toEqual([
      {
        o_index: 0,
        o_outcome: 'accepted',
        o_failures: 0,
        o_locked_until: null,
        o_locks: 0,
        o_blocked: false,
        o_used_keys: 1,
        o_token_version: null,
      },
      {
        o_index: 1,
        o_outcome: 'replayed',
        o_failures: 1,
        o_locked_until: null,
        o_locks: 0,
        o_blocked: false,
        o_used_keys: 0,
        o_token_version: null,
      },
    ]);
    expect(await store.listUsedKeys(CARD)).toEqual([7]);
    // Both challenges are spent; one audit line, for the accepted answer only.
    expect(await store.getChallenge('k1')).toBeNull();
    expect(await store.getChallenge('k2')).toBeNull();
    expect(await auditCount()).toBe(audits + 1);
    expect(await store.getLockout({ kind: 'card', id: CARD })).toEqual({
      failures: 1,
      lockedUntil: null,
      locks: 0,
      blocked: false,
    });
  });

  it('accepts one of two settlements advancing the token counter from the same value, in order', async () => {
    await ready();
    const before = await store.getToken(TOKEN);
    const last = before!.lastCounter;
    await challenge('t1', 'token');
    await challenge('t2', 'token');
    await challenge('t3', 'token');
    const audits = await auditCount();
    const rows = await settleBatch([
      tokenArgs('t1', last, last + 1),
      tokenArgs('t2', last, last + 1),
      // Later elements see the earlier ones: the next code after the accepted one is accepted.
      tokenArgs('t3', last + 1, last + 2),
    ]);
    expect(rows.map((r) => [r.o_index, r.o_outcome, r.o_failures])).toEqual([
      [0, 'accepted', 0],
      [1, 'replayed', 1],
      [2, 'accepted', 0],
    ]);
    expect((await store.getToken(TOKEN))?.lastCounter).toBe(last + 2);
    expect(await auditCount()).toBe(audits + 2);
    // The accepted answer after the replay reset the counter's failures.
    expect(await store.getLockout({ kind: 'token', id: TOKEN })).toMatchObject({ failures: 0, locks: 0 });
  });

  it('gives "gone" for a missing or expired challenge without disturbing the others', async () => {
    await ready();
    await store.resetFailures({ kind: 'card', id: CARD });
    await challenge('g1', 'card', 11);
    await challenge('g-expired', 'card', 12, NOW); // expires exactly at NOW: too late
    await challenge('g2', 'token');
    await challenge('g3', 'card', 13);
    const last = (await store.getToken(TOKEN))!.lastCounter;
    const audits = await auditCount();
    const rows = await settleBatch([
      cardArgs('g1', 11),
      cardArgs('no-such-challenge', 14),
      cardArgs('g-expired', 12),
      tokenArgs('g2', last, last + 1),
      cardArgs('g3', 13),
    ]);
    expect(rows.map((r) => r.o_index)).toEqual([0, 1, 2, 3, 4]);
    expect(rows.map((r) => r.o_outcome)).toEqual(['accepted', 'gone', 'gone', 'accepted', 'accepted']);
    expect(rows[1]).toMatchObject({ o_failures: 0, o_used_keys: 0 });
    // The keys of the gone elements are not used, nor is a failure counted for them.
    expect(await store.listUsedKeys(CARD)).toEqual([7, 11, 13]);
    expect(rows[4].o_used_keys).toBe(3);
    expect((await store.getToken(TOKEN))?.lastCounter).toBe(last + 1);
    expect(await store.getLockout({ kind: 'card', id: CARD })).toMatchObject({ failures: 0 });
    expect(await auditCount()).toBe(audits + 3);
    // The expired challenge was removed all the same.
    expect(await store.getChallenge('g-expired')).toBeNull();
  });

  it('counts wrong answers in a batch in order, on one counter row', async () => {
    await ready();
    await store.resetFailures({ kind: 'card', id: CARD });
    for (const id of ['w1', 'w2', 'w3']) await challenge(id, 'card', 20);
    const rows = await settleBatch([wrongCardArgs('w1'), wrongCardArgs('w2'), wrongCardArgs('w3')]);
    expect(rows.map((r) => [r.o_outcome, r.o_failures])).toEqual([
      ['counted', 1],
      ['counted', 2],
      ['counted', 3],
    ]);
    expect(await store.getLockout({ kind: 'card', id: CARD })).toMatchObject({ failures: 3 });
    await store.resetFailures({ kind: 'card', id: CARD });
  });

  it('writes nothing of a batch in which one element fails: it is one transaction', async () => {
    await ready();
    await challenge('a1', 'card', 30);
    await challenge('a2', 'card', 31);
    const last = (await store.getToken(TOKEN))!.lastCounter;
    await challenge('a3', 'token');
    const audits = await auditCount();
    // 'bogus' breaks the lockouts.kind CHECK constraint when the wrong answer is counted.
    await expect(
      settleBatch([cardArgs('a1', 30), tokenArgs('a3', last, last + 1), wrongCardArgs('a2', 'bogus')]),
    ).rejects.toThrow(/lockouts_kind_check|check constraint/);
    expect(await store.getChallenge('a1')).not.toBeNull();
    expect(await store.getChallenge('a2')).not.toBeNull();
    expect(await store.getChallenge('a3')).not.toBeNull();
    expect(await store.listUsedKeys(CARD)).not.toContain(30);
    expect((await store.getToken(TOKEN))?.lastCounter).toBe(last);
    expect(await auditCount()).toBe(audits);
    // The same settlements without the broken one go through.
    const rows = await settleBatch([cardArgs('a1', 30), tokenArgs('a3', last, last + 1)]);
    expect(rows.map((r) => r.o_outcome)).toEqual(['accepted', 'accepted']);
  });

  it('returns "stale" for an element whose expectations no longer hold, and writes nothing for it', async () => {
    await ready();
    await challenge('s1', 'card', 40);
    await challenge('s2', 'card', 41);
    // The user row's version (xmin) now, and a version it no longer has (it was updated since).
    const { rows: now } = await client.query<{ v: string }>(
      "SELECT xmin::text AS v FROM users WHERE id = 'user-1'",
    );
    const current = now[0].v;
    const stale = cardArgs('s1', 40);
    stale[2] = JSON.stringify({ u: { id: 'user-1', v: String(Number(current) - 1) } });
    const fresh = cardArgs('s2', 41);
    fresh[2] = JSON.stringify({ u: { id: 'user-1', v: current } });
    const rows = await settleBatch([stale, fresh]);
    expect(rows.map((r) => r.o_outcome)).toEqual(['stale', 'accepted']);
    expect(await store.getChallenge('s1')).not.toBeNull();
    expect(await store.listUsedKeys(CARD)).not.toContain(40);
    expect(await store.listUsedKeys(CARD)).toContain(41);
  });

  it("returns the token row's new version with an accepted token answer, and it matches the row", async () => {
    await ready();
    const last = (await store.getToken(TOKEN))!.lastCounter;
    await challenge('v1', 'token');
    const [row] = await settleBatch([tokenArgs('v1', last, last + 1)]);
    expect(row.o_outcome).toBe('accepted');
    const { rows } = await client.query<{ v: string }>(
      'SELECT xmin::text AS v FROM tokens WHERE serial = $1',
      [TOKEN],
    );
    expect(row.o_token_version).toBe(rows[0].v);
  });

  it('settles an empty batch to no rows', async () => {
    await ready();
    expect(await settleBatch([])).toEqual([]);
  });
});
