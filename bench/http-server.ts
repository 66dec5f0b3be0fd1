/**
 * The server side of bench/http.bench.ts, in a process of its own (so the load generator does not
 * share its event loop): a bare Fastify route (the ceiling of the HTTP layer), or the verifier
 * service on SQLite or PostgreSQL with users and challenges made ready. Started with one JSON
 * argument (see `Job`); reports `{ url, answers, passwordLogins }` to its parent over IPC, then
 * serves until it gets 'stop'.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCardEngine, createOtpEngine, formatCode } from '@nemid-sim/core';
import { type ChallengeView, createVerifier, type Store, type Verifier } from '@nemid-sim/server-verifier';
import { startVerifierHttpServer } from '@nemid-sim/server-verifier/http';
import { openPostgresStore } from '@nemid-sim/server-verifier/postgres';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import Fastify from 'fastify';
import pg from 'pg';

export interface Job {
  readonly server: 'bare' | 'sqlite' | 'postgres';
  readonly factor: 'card' | 'hotp';
  /** Key checks to make challenges for. */
  readonly answers: number;
  /** Users with the default (slow) scrypt, for password log-ons; 0 for none. */
  readonly passwordUsers: number;
  /** The service's passwordConcurrency (undefined: its default). */
  readonly passwordConcurrency?: number;
  /** Answer the key checks here with 64 in flight, without HTTP, and report the rate (`inProcessRate`). */
  readonly inProcess?: boolean;
  readonly pgUrl: string;
}

export interface Ready {
  readonly url: string;
  /** One body per key check, in the order to send them. */
  readonly answers: string[];
  /** Log-on bodies (password step) for the password users. */
  readonly passwordLogins: string[];
  /** With `inProcess`: key checks per second through the Verifier API itself. */
  readonly inProcessRate?: number;
}

const MASTER_KEY = new Uint8Array(32).fill(9);
const PASSWORD = 'hemmelig42';
const FAST_SCRYPT = { N: 16, r: 1, p: 1 };
const secretOf = (label: string) => new Uint8Array(createHash('sha256').update(label).digest());

async function limited(tasks: readonly (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
}

async function bare(): Promise<Ready> {
  const app = Fastify();
  app.post(
    '/v1/logon/complete',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['challengeId', 'key'],
          properties: { challengeId: { type: 'string' }, key: { type: 'string' } },
        },
        response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    },
    async () => ({ ok: true }),
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.once('message', () => void app.close().then(() => process.exit(0)));
  return {
    url,
    answers: [JSON.stringify({ challengeId: 'x'.repeat(34), key: '123456' })],
    passwordLogins: [],
  };
}

async function openStore(job: Job): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  if (job.server === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'nemid-http-bench-'));
    const store = openSqliteStore(join(dir, 'v.db'));
    return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `nemid_http_bench_${randomBytes(4).toString('hex')}`;
  const store = await openPostgresStore({ connectionString: job.pgUrl, schema, max: 16 });
  return {
    store,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: job.pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

/**
 * Key-check bodies, one user after another round-robin, so no user's codes are answered out of
 * order. A user's pending card challenges must ask for different keys (the first answer would use
 * the key the other asks for), so a challenge asking for a key already asked for is made again.
 */
async function answerBodies(v: Verifier, job: Job): Promise<string[]> {
  // Enough users that a user's next challenge comes long after the last (HOTP codes in order).
  const users = Math.max(256, Math.ceil(job.answers / (job.factor === 'hotp' ? 20 : 40)));
  const logins: { login: string; card: string; token: Uint8Array; counter: number }[] = [];
  await limited(
    Array.from({ length: users }, (_, n) => async () => {
      const { userId, nemIdNumber } = await v.enrol({
        name: `Bench ${n}`,
        birthDate: '1980-01-01',
        password: PASSWORD,
      });
      for (let c = 0; c < 4; c++) {
        const serial = `B${String(n * 10 + c).padStart(9, '0')}`;
        await v.issueCard(userId, { serial, secret: secretOf(serial) });
      }
      const token = secretOf(`token-${n}`).slice(0, 20);
      if (job.factor === 'hotp') {
        const serial = `9${String(n).padStart(15, '0')}`;
        await v.registerTokens([{ serial, kind: 'hotp', secret: token }]);
        await v.assignToken(userId, serial);
        const card = await v.startLogon({ userId: nemIdNumber, password: PASSWORD, providerId: 'bank' });
        const activation = await v.switchToToken(card.challengeId);
        await v.completeLogon(
          activation.challengeId,
          formatCode(createOtpEngine(token, 'sha1').hotp(0, 6), 6),
        );
      }
      logins[n] = { login: nemIdNumber, card: '', token, counter: 0 };
    }),
    16,
  );
  const challenges: { c: ChallengeView; u: (typeof logins)[number]; counter: number }[] = new Array(
    job.answers,
  );
  const asked = new Set<string>();
  await limited(
    Array.from({ length: job.answers }, (_, i) => async () => {
      const u = logins[i % users];
      const counter = Math.floor(i / users) + 1;
      for (;;) {
        const c = await v.startLogon({ userId: u.login, password: PASSWORD, providerId: 'bank' });
        const asks = c.factor === 'card' ? `${c.cardNumber}/${c.keyNumber}` : c.challengeId;
        if (asked.has(asks)) continue;
        asked.add(asks);
        challenges[i] = { c, u, counter };
        break;
      }
    }),
    64,
  );
  const cards = new Map<string, ReturnType<typeof createCardEngine>>();
  const tokens = new Map<Uint8Array, ReturnType<typeof createOtpEngine>>();
  return challenges.map(({ c, u, counter }) => {
    let key: string;
    if (c.factor === 'card') {
      const e = cards.get(c.cardNumber) ?? createCardEngine(secretOf(c.cardNumber.replaceAll('-', '')));
      cards.set(c.cardNumber, e);
      key = formatCode(e.key(e.slotOf(Number(c.keyNumber))), 6);
    } else {
      const e = tokens.get(u.token) ?? createOtpEngine(u.token, 'sha1');
      tokens.set(u.token, e);
      key = formatCode(e.hotp(counter, 6), 6);
    }
    return JSON.stringify({ challengeId: c.challengeId, key });
  });
}

async function service(job: Job): Promise<Ready> {
  const { store, cleanup } = await openStore(job);
  // Users and challenges are made with a cheap scrypt: the key check is what is measured.
  const setup = createVerifier({ store, masterKey: MASTER_KEY, policy: { scrypt: FAST_SCRYPT } });
  await setup.registerProvider({ id: 'bank', name: 'Bank', cprApproved: true, isBank: true });
  const answers = await answerBodies(setup, job);
  // Password users get the default scrypt (about 100 ms a hash here): the password step as deployed.
  const server = createVerifier({ store, masterKey: MASTER_KEY });
  const passwordLogins: string[] = [];
  for (let n = 0; n < job.passwordUsers; n++) {
    const { nemIdNumber, userId } = await server.enrol({
      name: `Pw ${n}`,
      birthDate: '1980-01-01',
      password: PASSWORD,
    });
    await server.issueCard(userId, { serial: `P${String(n).padStart(9, '0')}`, secret: secretOf(`pw-${n}`) });
    passwordLogins.push(JSON.stringify({ userId: nemIdNumber, password: PASSWORD, providerId: 'bank' }));
  }
  if (job.inProcess) {
    const t0 = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < answers.length) {
        const { challengeId, key } = JSON.parse(answers[next++]) as { challengeId: string; key: string };
        await server.completeLogon(challengeId, key);
      }
    };
    await Promise.all(Array.from({ length: 64 }, lane));
    const inProcessRate = (answers.length * 1000) / (performance.now() - t0);
    process.once('message', () => {
      void store
        .close()
        .then(cleanup)
        .then(() => process.exit(0));
    });
    return { url: '', answers: [], passwordLogins: [], inProcessRate };
  }
  const running = await startVerifierHttpServer(server, {
    port: 0,
    passwordConcurrency: job.passwordConcurrency,
    purgeIntervalMs: 0,
  });
  process.once('message', () => {
    void running
      .close()
      .then(() => store.close())
      .then(cleanup)
      .then(() => process.exit(0));
  });
  return { url: running.url, answers, passwordLogins };
}

const job = JSON.parse(process.argv[2]) as Job;
const ready = job.server === 'bare' ? await bare() : await service(job);
process.send?.(ready);
