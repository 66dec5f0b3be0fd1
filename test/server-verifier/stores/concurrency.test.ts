/**
 * Several verifier instances on one database: a code is accepted once, a challenge answered once,
 * and parallel wrong passwords never get more tries than the policy (ID-3), whichever instance
 * each attempt reaches. PostgreSQL: two stores with separate pools in this process. SQLite: two
 * child processes on one file, started together.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store, Verifier } from '@nemid-sim/server-verifier';
import { openPostgresStore } from '@nemid-sim/server-verifier/postgres';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cardKey,
  enrolCardUser,
  hotpCode,
  MASTER_KEY_HEX,
  outcomes,
  prepareRaceUser,
  RACE_NOW,
  RACE_PASSWORD,
  RACE_PROVIDER,
  raceVerifier,
  tally,
  tokenChallenges,
} from './concurrency-setup.js';
import { createTestSchema, type TestSchema } from './pg-env.js';
import { runWorkers } from './workers/run-workers.js';
import type { WorkerJob, WorkerTask } from './workers/sqlite-verifier-worker.js';

const HOUR = 3_600_000;
const WORKER = new URL('./workers/sqlite-verifier-worker.ts', import.meta.url).href;

const wrongLogon = (login: string, i: number) => ({
  userId: login,
  password: `wrong-guess-${i}`,
  providerId: RACE_PROVIDER,
});

describe('PostgreSQL: two instances with separate pools', () => {
  let schema: TestSchema;
  let stores: Store[] = [];
  let a: Verifier;
  let b: Verifier;
  /** Alternates the instances, as a load balancer would. */
  const via = (i: number): Verifier => (i % 2 === 0 ? a : b);

  beforeAll(async () => {
    schema = await createTestSchema();
    const open = () => openPostgresStore({ connectionString: schema.url, schema: schema.schema, max: 10 });
    stores = [await open(), await open()];
    a = raceVerifier(stores[0], 'instance-a');
    b = raceVerifier(stores[1], 'instance-b');
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await schema?.drop();
  });

  it('accepts the same valid key-display code in exactly one of 50 parallel log-ons', async () => {
    const user = await prepareRaceUser(a, 1);
    const challenges = await tokenChallenges(a, user, 50);
    const code = hotpCode(1);
    const results = await Promise.allSettled(
      challenges.map((c, i) => via(i).completeLogon(c.challengeId, code)),
    );
    const t = tally(outcomes(results));
    expect(t.ok).toBe(1);
    // The others: a replayed code (AUTH010), or refused because the racing tries quarantined it (AUTH004).
    expect(Object.keys(t).sort()).toEqual(expect.arrayContaining(['ok']));
    for (const code of Object.keys(t)) expect(['ok', 'AUTH010', 'AUTH004']).toContain(code);
    const token = await stores[1].findUserToken(user.userId);
    expect(token?.lastCounter).toBe(1);
  });

  it('answers one key-card challenge in exactly one of 50 parallel attempts with the right key', async () => {
    const user = await enrolCardUser(a, 2);
    const c = await b.startLogon({ userId: user.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER });
    if (c.factor !== 'card') throw new Error('expected a card challenge');
    const key = cardKey(c.keyNumber);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => via(i).completeLogon(c.challengeId, key)),
    );
    expect(tally(outcomes(results))).toEqual({ ok: 1, AUTH003: 49 });
    expect((await stores[0].listCards(user.userId))[0]).toBeDefined();
  });

  it('gives 100 parallel wrong passwords only the 5 tries of the policy, then blocks after the next run', async () => {
    const user = await enrolCardUser(a, 3);
    const first = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => via(i).startLogon(wrongLogon(user.login, i))),
    );
    // 4 counted wrong, the 5th locks (LOCK001), the other 95 are refused unchecked while locked.
    expect(tally(outcomes(first))).toEqual({ AUTH001: 4, LOCK001: 96 });
    const right = { userId: user.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER };
    await expect(b.startLogon(right)).rejects.toMatchObject({ code: 'LOCK001' });

    // 8 hours later the lock is over; the next run of 5 wrong blocks for good.
    const later = RACE_NOW + 8 * HOUR + 1;
    const a2 = raceVerifier(stores[0], 'instance-a-later', later);
    const b2 = raceVerifier(stores[1], 'instance-b-later', later);
    const second = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? b2 : a2).startLogon(wrongLogon(user.login, i))),
    );
    expect(tally(outcomes(second))).toEqual({ AUTH001: 4, LOCK002: 1, AUTH007: 95 });
    await expect(a2.startLogon(right)).rejects.toMatchObject({ code: 'AUTH007' });
  });
});

describe('SQLite: two processes on one file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nemid-race-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Splits the tasks between two worker processes and returns all outcomes. */
  async function inTwoProcesses(file: string, tasks: WorkerTask[], now = RACE_NOW): Promise<string[]> {
    const job = (part: WorkerTask[]): WorkerJob => ({ file, masterKeyHex: MASTER_KEY_HEX, now, tasks: part });
    const halves = [tasks.filter((_, i) => i % 2 === 0), tasks.filter((_, i) => i % 2 === 1)];
    return (await runWorkers(WORKER, halves.map(job))).flat();
  }

  it('accepts the same valid key-display code in exactly one of 50 log-ons across two processes', async () => {
    const file = join(dir, 'token.db');
    const store = openSqliteStore(file);
    const user = await prepareRaceUser(raceVerifier(store, 'parent'), 1);
    const challenges = await tokenChallenges(raceVerifier(store, 'parent-2'), user, 50);
    await store.close();

    const code = hotpCode(1);
    const t = tally(
      await inTwoProcesses(
        file,
        challenges.map((c) => ({ op: 'complete-logon', challengeId: c.challengeId, key: code })),
      ),
    );
    expect(t.ok).toBe(1);
    for (const c of Object.keys(t)) expect(['ok', 'AUTH010', 'AUTH004']).toContain(c);

    const after = openSqliteStore(file);
    expect((await after.findUserToken(user.userId))?.lastCounter).toBe(1);
    await after.close();
  });

  it('answers one key-card challenge in exactly one of 50 attempts across two processes', async () => {
    const file = join(dir, 'card.db');
    const store = openSqliteStore(file);
    const v = raceVerifier(store, 'parent');
    const user = await enrolCardUser(v, 2);
    const c = await v.startLogon({ userId: user.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER });
    await store.close();
    if (c.factor !== 'card') throw new Error('expected a card challenge');
    const key = cardKey(c.keyNumber);
    const tasks: WorkerTask[] = Array.from({ length: 50 }, () => ({
      op: 'complete-logon',
      challengeId: c.challengeId,
      key,
    }));
    expect(tally(await inTwoProcesses(file, tasks))).toEqual({ ok: 1, AUTH003: 49 });
  });

  it('gives 100 parallel wrong passwords across two processes only the 5 tries of the policy', async () => {
    const file = join(dir, 'password.db');
    const store = openSqliteStore(file);
    const user = await enrolCardUser(raceVerifier(store, 'parent'), 3);
    await store.close();
    const tasks: WorkerTask[] = Array.from({ length: 100 }, (_, i) => ({
      op: 'start-logon',
      login: user.login,
      password: `wrong-guess-${i}`,
      providerId: RACE_PROVIDER,
    }));
    expect(tally(await inTwoProcesses(file, tasks))).toEqual({ AUTH001: 4, LOCK001: 96 });
    const later = RACE_NOW + 8 * HOUR + 1;
    expect(tally(await inTwoProcesses(file, tasks, later))).toEqual({ AUTH001: 4, LOCK002: 1, AUTH007: 95 });
  });
});
