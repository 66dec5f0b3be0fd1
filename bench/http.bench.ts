/**
 * HTTP benchmark: `POST /v1/logon/complete` (key checks with card keys and with HOTP codes) through
 * the verifier service on SQLite and PostgreSQL, 64 connections from autocannon, beside a bare
 * Fastify route in the same run (the ceiling of the HTTP layer); then a mixed load: password
 * log-ons (default scrypt) and key checks at once, with the service's password gate at its default
 * and opened wide, and the password log-ons alone.
 *
 * Each server runs in a child process (bench/http-server.ts); autocannon runs here. Every key check
 * answers a fresh challenge made before the timed part, and must be accepted (2xx).
 *
 * Re-run: npx tsc -b && npx tsx bench/http.bench.ts (or `npm run bench -- http`)
 *   NEMID_BENCH_PG or NEMID_TEST_PG: the PostgreSQL server; NEMID_HTTP_ROWS: rows to run
 *   (ceiling,sqlite-card,in-process,sqlite-hotp,pg-card,pg-hotp,mixed); NEMID_HTTP_ANSWERS: key checks per
 *   row (default 40,000; PostgreSQL gets a third); NEMID_HTTP_PROFILE=DIR writes CPU profiles of the
 *   server processes there.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defaultPasswordConcurrency } from '@nemid-sim/server-verifier/http';
import autocannon from 'autocannon';
import type { Job, Ready } from './http-server.js';

const PG_URL =
  process.env.NEMID_BENCH_PG ??
  process.env.NEMID_TEST_PG ??
  'postgres://nemid:nemid@127.0.0.1:5432/nemid_test';
const ROWS = (
  process.env.NEMID_HTTP_ROWS ?? 'ceiling,sqlite-card,in-process,sqlite-hotp,pg-card,pg-hotp,mixed'
).split(',');
const ANSWERS = Number(process.env.NEMID_HTTP_ANSWERS ?? 40_000);
const CONNECTIONS = 64;
const PASSWORD_CONNECTIONS = 16;
const SERVER = fileURLToPath(new URL('./http-server.ts', import.meta.url));

interface Figures {
  readonly label: string;
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function withServer<T>(job: Job, fn: (ready: Ready) => Promise<T>): Promise<T> {
  const child = fork(SERVER, [JSON.stringify(job)], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.NEMID_HTTP_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.NEMID_HTTP_PROFILE}`]
        : []),
    ],
    stdio: 'inherit',
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
  try {
    return await fn(ready);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.send('stop');
    await exited;
  }
}

/** autocannon posting `bodies` to `path` in order (one each), or round-robin for `durationS`. */
function load(
  url: string,
  path: string,
  bodies: readonly string[],
  connections: number,
  durationS?: number,
): { done: Promise<autocannon.Result>; stop: () => void } {
  let next = 0;
  let finish!: (r: autocannon.Result) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url,
      connections,
      ...(durationS === undefined ? { amount: bodies.length } : { duration: durationS }),
      requests: [
        {
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
        },
      ],
    },
    (err, result) => (err ? fail(err) : finish(result)),
  );
  return { done, stop: () => instance.stop() };
}

const figures = (label: string, r: autocannon.Result): Figures => ({
  label,
  rate: r.requests.total / r.duration,
  p50: r.latency.p50,
  p99: r.latency.p99,
  errors: r.non2xx + r.errors + r.timeouts,
});

/** The same key checks answered through the Verifier API in the server's process: no HTTP. */
async function inProcess(label: string, job: Job): Promise<Figures> {
  return withServer({ ...job, inProcess: true }, async (ready) => ({
    label,
    rate: ready.inProcessRate ?? 0,
    p50: Number.NaN,
    p99: Number.NaN,
    errors: 0,
  }));
}

async function keyChecks(label: string, job: Job): Promise<Figures> {
  return withServer(job, async (ready) => {
    const bodies = job.server === 'bare' ? Array(job.answers).fill(ready.answers[0]) : ready.answers;
    return figures(label, await load(ready.url, '/v1/logon/complete', bodies, CONNECTIONS).done);
  });
}

/** Key checks at 64 connections with password log-ons at 16 beside them, for as long as the key checks last. */
async function mixed(label: string, passwordConcurrency: number | undefined): Promise<Figures[]> {
  const job: Job = {
    server: 'sqlite',
    factor: 'card',
    answers: ANSWERS / 2,
    passwordUsers: 32,
    passwordConcurrency,
    pgUrl: PG_URL,
  };
  return withServer(job, async (ready) => {
    const passwords = load(ready.url, '/v1/logon', ready.passwordLogins, PASSWORD_CONNECTIONS, 600);
    // Let the password log-ons fill the thread pool first.
    await new Promise((r) => setTimeout(r, 1000));
    const keys = await load(ready.url, '/v1/logon/complete', ready.answers, CONNECTIONS).done;
    passwords.stop();
    const pw = await passwords.done;
    return [figures(`${label}: key checks`, keys), figures(`${label}: password log-ons`, pw)];
  });
}

async function passwordsAlone(): Promise<Figures> {
  const job: Job = { server: 'sqlite', factor: 'card', answers: 0, passwordUsers: 32, pgUrl: PG_URL };
  return withServer(job, async (ready) =>
    figures(
      `password log-ons alone (gate at its default, ${defaultPasswordConcurrency()})`,
      await load(ready.url, '/v1/logon', ready.passwordLogins, PASSWORD_CONNECTIONS, 10).done,
    ),
  );
}

const rows: Figures[] = [];
const job = (server: Job['server'], factor: Job['factor'], answers: number): Job => ({
  server,
  factor,
  answers,
  passwordUsers: 0,
  pgUrl: PG_URL,
});
if (ROWS.includes('ceiling'))
  rows.push(await keyChecks('bare Fastify route (ceiling)', job('bare', 'card', ANSWERS)));
if (ROWS.includes('sqlite-card'))
  rows.push(await keyChecks('SQLite, card keys', job('sqlite', 'card', ANSWERS)));
if (ROWS.includes('in-process'))
  rows.push(await inProcess('SQLite, card keys, in-process (no HTTP)', job('sqlite', 'card', ANSWERS)));
if (ROWS.includes('sqlite-hotp'))
  rows.push(await keyChecks('SQLite, HOTP codes', job('sqlite', 'hotp', ANSWERS)));
const pgAnswers = Math.round(ANSWERS / 3);
if (ROWS.includes('pg-card'))
  rows.push(await keyChecks('PostgreSQL, card keys', job('postgres', 'card', pgAnswers)));
if (ROWS.includes('in-process'))
  rows.push(
    await inProcess('PostgreSQL, card keys, in-process (no HTTP)', job('postgres', 'card', pgAnswers)),
  );
if (ROWS.includes('pg-hotp'))
  rows.push(await keyChecks('PostgreSQL, HOTP codes', job('postgres', 'hotp', pgAnswers)));
if (ROWS.includes('mixed')) {
  rows.push(await passwordsAlone());
  rows.push(...(await mixed('mixed, password gate off (64 at once)', 64)));
  rows.push(...(await mixed('mixed, password gate at 2', 2)));
  rows.push(...(await mixed('mixed, password gate at 1 (the default on 2 cores)', 1)));
}

const ceiling = rows.find((r) => r.label.includes('ceiling'))?.rate;
process.stdout.write(
  `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${CONNECTIONS} connections ` +
    `(password log-ons: ${PASSWORD_CONNECTIONS}), load average before: ${(await import('node:os')).loadavg()[0].toFixed(1)}\n\n`,
);
process.stdout.write(
  '| POST /v1/logon/complete unless noted | requests/s | vs ceiling | p50 ms | p99 ms | non-2xx |\n',
);
process.stdout.write('| --- | ---: | ---: | ---: | ---: | ---: |\n');
for (const r of rows) {
  const share = ceiling === undefined ? '' : `${Math.round((r.rate / ceiling) * 100)} %`;
  process.stdout.write(
    `| ${r.label} | ${Math.round(r.rate).toLocaleString('en')} | ${share} | ${Number.isNaN(r.p50) ? '' : r.p50} | ${Number.isNaN(r.p99) ? '' : r.p99} | ${r.errors} |\n`,
  );
}
