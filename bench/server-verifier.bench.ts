/**
 * Server-verifier benchmark: key-card and key-display (HOTP, TOTP) verifications per second through
 * the public Verifier API, on the memory store, SQLite (one process; both durability settings) and
 * PostgreSQL (one instance, and two instances with separate pools), plus the cost of a window-100
 * HOTP search in the core. With SQLite rows it also measures SQLite alone committing what 64
 * answers write (sqlite-commit-floor.ts): the floor under any store that commits on the event loop.
 *
 * A "verification" is one `completeLogon`: one unit of work (`Store.answer`) that consumes the
 * challenge and holds its card or token, lets the domain decide (the key or code, the lockout, the
 * counter), and writes the decision with its audit line. Challenges are made (password step) between the timed batches, by the instance
 * that answers them (session affinity). Every row says how many verifications are in flight. Each
 * figure is the median of three measurements (one with NEMID_BENCH_QUICK=1). The clients (card
 * holders, key displays) build one engine per card or device, once, so the client side leaves no
 * garbage for the verifier's heap to collect in the timed part.
 *
 * Re-run: npx tsc -b && npx tsx bench/server-verifier.bench.ts
 *   PostgreSQL from NEMID_BENCH_PG or NEMID_TEST_PG (default postgres://nemid:nemid@127.0.0.1:5432/nemid_test);
 *   a schema with a random name is created and dropped. NEMID_BENCH_QUICK=1 runs smaller batches.
 *   Narrowing and tuning: NEMID_BENCH_STORES (memory,sqlite,postgres), NEMID_BENCH_SQLITE (rows such
 *   as full-grouped), NEMID_BENCH_FACTORS (card,hotp,totp), NEMID_BENCH_CONCURRENCY (in flight per
 *   instance), NEMID_BENCH_USERS_PER_IN_FLIGHT, NEMID_BENCH_PG_POOL; NEMID_BENCH_VERBOSE=1 prints
 *   every measurement behind a median; NEMID_BENCH_PROFILE=DIR writes a CPU profile of each timed round.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type CardEngine,
  createCardEngine,
  createOtpEngine,
  formatCode,
  type OtpEngine,
} from '@nemid-sim/core';
import {
  type ChallengeView,
  createMemoryStore,
  createVerifier,
  type Store,
  type Verifier,
} from '@nemid-sim/server-verifier';
import { openPostgresStore } from '@nemid-sim/server-verifier/postgres';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import pg from 'pg';
import { type CommitFloor, sqliteCommitFloor } from './sqlite-commit-floor.js';

const QUICK = process.env.NEMID_BENCH_QUICK === '1';
const PG_URL =
  process.env.NEMID_BENCH_PG ??
  process.env.NEMID_TEST_PG ??
  'postgres://nemid:nemid@127.0.0.1:5432/nemid_test';
const MASTER_KEY = new Uint8Array(32).fill(7);
const PASSWORD = 'hemmelig42';
const PROVIDER = 'bank';
/** Cheap scrypt for the password step, which is not what is measured here. */
const FAST_SCRYPT = { N: 16, r: 1, p: 1 };
const START = Date.UTC(2026, 0, 5, 9, 0, 0);
/**
 * Verifications in flight per instance on the SQL stores (a backend serves many users at once;
 * grouped commits and connection pools pay off only then). Sequential figures are latency, not
 * throughput. Override with NEMID_BENCH_CONCURRENCY.
 */
const IN_FLIGHT = Number(process.env.NEMID_BENCH_CONCURRENCY ?? 64);
/** Users per kind for each verification in flight (see `run`). */
const USERS_PER_IN_FLIGHT = Number(process.env.NEMID_BENCH_USERS_PER_IN_FLIGHT ?? 4);
/** Connections per PostgreSQL pool (per instance). */
const PG_POOL = Number(process.env.NEMID_BENCH_PG_POOL ?? 16);
/** Measurements per figure; the median is reported. */
const MEASUREMENTS = QUICK ? 1 : 3;
/** Timed milliseconds per measurement at most. */
const TIME_BUDGET_MS = QUICK ? 1_000 : 4_000;

const secretOf = (label: string): Uint8Array => new Uint8Array(createHash('sha256').update(label).digest());

interface Instance {
  readonly verifier: Verifier;
  readonly store: Store;
}

/** One or more verifier instances on one database, sharing a clock the benchmark moves. */
interface Setup {
  readonly label: string;
  readonly instances: readonly Instance[];
  /** In-flight verifications per instance (the SQL stores' pools serve several at once). */
  readonly concurrency: number;
  readonly ops: number;
  readonly clock: { now: number };
  close(): Promise<void>;
}

interface BenchUser {
  readonly login: string;
  readonly userId: string;
  /** HOTP: the last counter used. */
  counter: number;
  readonly tokenSecret: Uint8Array;
}

function makeVerifier(store: Store, clock: { now: number }): Verifier {
  return createVerifier({
    store,
    masterKey: MASTER_KEY,
    clock: () => clock.now,
    policy: { scrypt: FAST_SCRYPT },
  });
}

let enrolled = 0;

/** A user with four key cards (592 keys), and optionally an activated key display of `kind`. */
async function benchUser(
  v: Verifier,
  token: 'hotp' | 'totp' | null,
  clock: { now: number },
): Promise<BenchUser> {
  const n = ++enrolled;
  const { userId, nemIdNumber } = await v.enrol({
    name: `Bench ${n}`,
    birthDate: '1980-01-01',
    password: PASSWORD,
  });
  for (let c = 0; c < 4; c++) {
    const serial = `B${String(n * 10 + c).padStart(9, '0')}`;
    await v.issueCard(userId, { serial, secret: secretOf(serial) });
  }
  const user: BenchUser = {
    login: nemIdNumber,
    userId,
    counter: 0,
    tokenSecret: secretOf(`token-${n}`).slice(0, 20),
  };
  if (token === null) return user;
  const serial = `9${String(n).padStart(15, '0')}`;
  await v.registerTokens([{ serial, kind: token, secret: user.tokenSecret }]);
  await v.assignToken(userId, serial);
  const card = await v.startLogon({ userId: nemIdNumber, password: PASSWORD, providerId: PROVIDER });
  const activation = await v.switchToToken(card.challengeId);
  await v.completeLogon(activation.challengeId, tokenCode(user, token, clock.now));
  return user;
}

/** The users' key displays: one engine per device, made once (see `printedCards`). */
const displays = new Map<BenchUser, OtpEngine>();

function tokenCode(user: BenchUser, kind: 'hotp' | 'totp', now: number): string {
  let engine = displays.get(user);
  if (engine === undefined) {
    engine = createOtpEngine(user.tokenSecret, 'sha1');
    displays.set(user, engine);
  }
  if (kind === 'totp') return formatCode(engine.totp(now / 1000, 30, 6, 0), 6);
  return formatCode(engine.hotp(user.counter, 6), 6);
}

/**
 * The card holders' printed cards: one engine per card, made once. (Building one per answer made
 * the benchmark's own client side a large share of the garbage the verifier's heap collected.)
 */
const printedCards = new Map<string, CardEngine>();

function cardKey(c: ChallengeView): string {
  if (c.factor !== 'card') throw new Error('expected a card challenge');
  let engine = printedCards.get(c.cardNumber);
  if (engine === undefined) {
    engine = createCardEngine(secretOf(c.cardNumber.replaceAll('-', '')));
    printedCards.set(c.cardNumber, engine);
  }
  return formatCode(engine.key(engine.slotOf(Number(c.keyNumber))), 6);
}

/**
 * NEMID_BENCH_PROFILE=DIR: a CPU profile of each timed round (and of nothing else), written to DIR
 * as `<row>-<factor>-<n>.cpuprofile` for Chrome's DevTools or any .cpuprofile reader.
 */
const profiler = process.env.NEMID_BENCH_PROFILE ? timedProfiler(process.env.NEMID_BENCH_PROFILE) : undefined;

function timedProfiler(dir: string) {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (err, result) => (err ? reject(err) : resolve(result))),
    );
  let n = 0;
  let enabled = false;
  return {
    async start() {
      if (!enabled) await post('Profiler.enable');
      enabled = true;
      await post('Profiler.start');
    },
    async stop(label: string, factor: string) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      const name = `${label.replace(/[^A-Za-z0-9]+/g, '-')}-${factor}-${++n}.cpuprofile`;
      writeFileSync(join(dir, name), JSON.stringify(profile));
    },
  };
}

/** Runs `tasks` with at most `limit` in flight. */
async function limited(tasks: readonly (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
}

/**
 * Verifications per second: rounds of one challenge per user (made untimed), then all answered
 * (timed), spread over the instances. Every answer must be accepted.
 */
async function measure(setup: Setup, users: BenchUser[], factor: 'card' | 'hotp' | 'totp'): Promise<number> {
  const n = setup.instances.length;
  let done = 0;
  let ms = 0;
  // Until the operation count or the time budget is reached (slow set-ups get fewer rounds).
  while (done < setup.ops && ms < TIME_BUDGET_MS) {
    if (factor === 'totp') setup.clock.now += 30_000;
    const challenges: ChallengeView[] = new Array(users.length);
    await limited(
      users.map((u, i) => async () => {
        // A log-on's two steps reach the same instance (session affinity), as behind most balancers.
        challenges[i] = await setup.instances[i % n].verifier.startLogon({
          userId: u.login,
          password: PASSWORD,
          providerId: PROVIDER,
        });
      }),
      setup.concurrency,
    );
    const answers = challenges.map((c, i) => {
      const u = users[i];
      if (factor === 'hotp') u.counter++;
      return {
        id: c.challengeId,
        key: factor === 'card' ? cardKey(c) : tokenCode(u, factor, setup.clock.now),
      };
    });
    await profiler?.start();
    const t0 = performance.now();
    await Promise.all(
      setup.instances.map((inst, k) =>
        limited(
          answers.filter((_, i) => i % n === k).map((a) => () => inst.verifier.completeLogon(a.id, a.key)),
          setup.concurrency,
        ),
      ),
    );
    ms += performance.now() - t0;
    await profiler?.stop(setup.label, factor);
    done += answers.length;
  }
  return (done * 1000) / ms;
}

async function run(setup: Setup): Promise<Row> {
  const v = setup.instances[0].verifier;
  // Enough users that every instance keeps `concurrency` verifications in flight through a round,
  // and spread over enough rows that they do not all queue on the same few pages (a backend serves
  // many different users; a handful hammered in a loop measures page contention instead).
  // And enough that no user runs out of keys (4 cards, 592 keys) over all measurements.
  const usersPerKind = Math.max(
    QUICK ? 16 : 64,
    USERS_PER_IN_FLIGHT * setup.concurrency * setup.instances.length,
    Math.ceil((setup.ops * MEASUREMENTS) / 400),
  );
  await v.registerProvider({ id: PROVIDER, name: 'Bank', cprApproved: true, isBank: true });
  const cardUsers: BenchUser[] = [];
  const hotpUsers: BenchUser[] = [];
  const totpUsers: BenchUser[] = [];
  for (let i = 0; i < usersPerKind; i++) {
    cardUsers.push(await benchUser(v, null, setup.clock));
    hotpUsers.push(await benchUser(v, 'hotp', setup.clock));
    totpUsers.push(await benchUser(v, 'totp', setup.clock));
  }
  // NEMID_BENCH_FACTORS picks factors, e.g. 'card' (default: all three; the others show as 0).
  const factors = (process.env.NEMID_BENCH_FACTORS ?? 'card,hotp,totp').split(',');
  // The median of three measurements: single runs on a shared 2-core machine move by +-10 %.
  const timed = async (users: BenchUser[], f: 'card' | 'hotp' | 'totp') => {
    if (!factors.includes(f)) return 0;
    const rates: number[] = [];
    for (let i = 0; i < MEASUREMENTS; i++) rates.push(await measure(setup, users, f));
    if (process.env.NEMID_BENCH_VERBOSE)
      process.stderr.write(`  ${f}: ${rates.map((r) => Math.round(r)).join(', ')}\n`);
    return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)];
  };
  const row: Row = {
    label: setup.label,
    card: await timed(cardUsers, 'card'),
    hotp: await timed(hotpUsers, 'hotp'),
    totp: await timed(totpUsers, 'totp'),
  };
  await setup.close();
  process.stderr.write(`  ${setup.label}: done\n`);
  return row;
}

interface Row {
  readonly label: string;
  readonly card: number;
  readonly hotp: number;
  readonly totp: number;
}

const tmp = mkdtempSync(join(tmpdir(), 'nemid-bench-'));

function memorySetup(): Setup {
  const clock = { now: START };
  const store = createMemoryStore();
  return {
    label: 'memory, 1 in flight',
    instances: [{ store, verifier: makeVerifier(store, clock) }],
    concurrency: 1,
    ops: QUICK ? 2_000 : 20_000,
    clock,
    close: () => store.close(),
  };
}

function sqliteSetup(durability: 'full' | 'normal', commitMode: 'grouped' | 'each'): Setup {
  const clock = { now: START };
  const file = join(tmp, `bench-${durability}-${commitMode}.db`);
  const store = openSqliteStore(file, { durability });
  // One in flight, every unit of work is alone in its turn of the event loop: a commit each.
  const commits =
    commitMode === 'grouped'
      ? `the units of a turn share a commit, ${IN_FLIGHT} in flight`
      : 'a commit per operation, 1 in flight';
  return {
    label: `SQLite, 1 process, ${commits} (synchronous=${durability.toUpperCase()})`,
    instances: [{ store, verifier: makeVerifier(store, clock) }],
    concurrency: commitMode === 'grouped' ? IN_FLIGHT : 1,
    ops: QUICK ? 2_000 : 20_000,
    clock,
    close: async () => {
      await store.close();
      // Gone at once: otherwise the kernel writes the file's dirty pages back while the next rows
      // run, and PostgreSQL's WAL flushes queue behind that writeback.
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    },
  };
}

async function postgresSetup(
  instances: number,
  schema: string,
  durability: 'full' | 'relaxed',
  answerBatch?: number,
): Promise<Setup> {
  const clock = { now: START };
  const list: Instance[] = [];
  for (let i = 0; i < instances; i++) {
    const store = await openPostgresStore({
      connectionString: PG_URL,
      schema,
      max: PG_POOL,
      durability,
      answerBatch,
    });
    list.push({ store, verifier: makeVerifier(store, clock) });
  }
  const commit = durability === 'full' ? 'synchronous_commit=on' : 'synchronous_commit=off';
  const grouping = answerBatch === 1 ? 'a transaction per answer' : 'answers grouped';
  return {
    label: `PostgreSQL, ${instances === 1 ? '1 instance' : `${instances} instances (separate pools)`}, ${grouping}, ${IN_FLIGHT} in flight per instance, pool ${PG_POOL} (${commit})`,
    instances: list,
    concurrency: IN_FLIGHT,
    ops: QUICK ? 1_000 : 6_000,
    clock,
    close: async () => {
      await Promise.all(list.map((i) => i.store.close()));
    },
  };
}

/** Microseconds per window-100 HOTP search that matches nothing (the whole window is scanned). */
function hotpWindowCost(window: number): number {
  const engine = createOtpEngine(secretOf('window'), 'sha1');
  let code = 0;
  while (engine.findHotp(code, 0, 10_000 + window, 6) >= 0) code++;
  const n = QUICK ? 2_000 : 20_000;
  let sink = 0;
  for (let i = 0; i < 500; i++) sink += engine.findHotp(code, i, window, 6);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += engine.findHotp(code, i % 10_000, window, 6);
  const us = ((performance.now() - t0) * 1000) / n;
  if (sink === 42) process.stderr.write('');
  return us;
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  const rows: Row[] = [];
  const floors: CommitFloor[] = [];
  const only = (process.env.NEMID_BENCH_STORES ?? 'memory,sqlite,postgres').split(',');
  if (only.includes('memory')) rows.push(await run(memorySetup()));
  if (only.includes('sqlite')) {
    // NEMID_BENCH_SQLITE picks rows, e.g. 'full-grouped' (default: all four).
    const pick = process.env.NEMID_BENCH_SQLITE?.split(',');
    for (const durability of ['normal', 'full'] as const) {
      const modes = (['grouped', 'each'] as const).filter(
        (mode) => pick === undefined || pick.includes(`${durability}-${mode}`),
      );
      for (const mode of modes) rows.push(await run(sqliteSetup(durability, mode)));
      if (modes.length > 0) floors.push(sqliteCommitFloor(tmp, durability, IN_FLIGHT, QUICK ? 50 : 400));
    }
  }
  if (!only.includes('postgres')) return print(rows, floors);
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const schemas: string[] = [];
  try {
    const setups: [number, 'full' | 'relaxed', number | undefined][] = [
      [1, 'full', undefined],
      [2, 'full', undefined],
      [1, 'full', 1],
      [1, 'relaxed', undefined],
      [2, 'relaxed', undefined],
    ];
    for (const [instances, durability, batch] of setups) {
      const schema = `nemid_bench_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      rows.push(await run(await postgresSetup(instances, schema, durability, batch)));
    }
  } finally {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await admin.end();
  }
  print(rows, floors);
}

function print(rows: readonly Row[], floors: readonly CommitFloor[]): void {
  const w10 = hotpWindowCost(10);
  const w100 = hotpWindowCost(100);

  const out = [
    '| store | key-card verifications/s | HOTP token verifications/s | TOTP token verifications/s |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${fmt(r.card)} | ${fmt(r.hotp)} | ${fmt(r.totp)} |`),
    '',
    ...(floors.length === 0
      ? []
      : [
          `| SQLite alone: a commit of the ${2 * IN_FLIGHT} pages ${IN_FLIGHT} answers write (bench/sqlite-commit-floor.ts) | ms per commit | ms to change the rows | answers/s if answering cost nothing else |`,
          '|---|---:|---:|---:|',
          ...floors.map(
            (f) =>
              `| synchronous=${f.durability.toUpperCase()} | ${f.msPerCommit.toFixed(2)} | ${f.msPerChanges.toFixed(2)} | ${fmt((f.answersPerCommit * 1000) / f.msPerCommit)} |`,
          ),
          '',
        ]),
    '| HOTP search (core, no match, whole window scanned) | µs per search | searches/s |',
    '|---|---:|---:|',
    `| window 10 (the default look-ahead) | ${w10.toFixed(1)} | ${fmt(1e6 / w10)} |`,
    `| window 100 | ${w100.toFixed(1)} | ${fmt(1e6 / w100)} |`,
    '',
    `Node ${process.version}, ${QUICK ? 'quick run, ' : ''}targets: 15,000/s SQLite (one process), 5,000/s PostgreSQL (8,000/s with two instances).`,
    'Re-run: `npx tsc -b && npx tsx bench/server-verifier.bench.ts` (PostgreSQL from NEMID_BENCH_PG or NEMID_TEST_PG).',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
