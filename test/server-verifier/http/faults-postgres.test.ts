/**
 * PostgreSQL stopped and started again while log-ons run: clean 503s with Retry-After while it is
 * down, /ready reports it, nothing is accepted twice, and the service is back without a restart.
 * It restarts a cluster of its own (NEMID_FAULT_PG, made by scripts/setup-postgres-fault.sh), so
 * the test files that use the main cluster at the same time are not disturbed.
 */
import { execFileSync } from 'node:child_process';
import { openPostgresStore } from '@nemid-sim/server-verifier/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolCardUser, raceVerifier } from '../stores/concurrency-setup.js';
import { expectCleanOutcomes, expectNothingAcceptedTwice, LogonLoad } from './fault-load.js';
import { startService, type TestService } from './service.js';

const FAULT_PG = process.env.NEMID_FAULT_PG ?? 'postgres://nemid:nemid@127.0.0.1:5433/nemid_fault';
const CLUSTER = 'nemid_fault';

/**
 * `pg_ctlcluster VERSION nemid_fault ACTION` (nothing when it is already in that state), failing
 * with what to do when the cluster is missing.
 */
function cluster(action: 'start' | 'stop'): void {
  const list = execFileSync('pg_lsclusters', ['-h'], { encoding: 'utf8' });
  const fields = list
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1] === CLUSTER);
  if (fields === undefined) {
    throw new Error(`no PostgreSQL cluster "${CLUSTER}": run \`sudo bash scripts/setup-postgres-fault.sh\``);
  }
  const [version, , , status] = fields;
  if ((status === 'online') === (action === 'start')) return;
  execFileSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', version, CLUSTER, action, ...(action === 'stop' ? ['-m', 'fast'] : [])],
    {
      stdio: 'pipe',
    },
  );
}

let s: TestService;
let schema: string;

beforeAll(async () => {
  schema = `nemid_fault_${process.pid}_${Date.now()}`;
  const store = await openPostgresStore({ connectionString: FAULT_PG, schema, create: true });
  s = await startService({
    verifier: raceVerifier(store, 'pg-fault'),
    rateLimits: { perAddress: { max: 0, windowMs: 60_000 }, perClient: { max: 0, windowMs: 60_000 } },
  });
});
afterAll(async () => {
  await s?.close();
  cluster('start');
  const client = new pg.Client({ connectionString: FAULT_PG });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
});

describe('PostgreSQL restarted under load', () => {
  it('gives clean 503s while it is down, accepts nothing twice, and recovers by itself', async () => {
    const users = [];
    for (let n = 1; n <= 4; n++) users.push(await enrolCardUser(s.verifier, n));
    const load = new LogonLoad(s, users);
    await load.successes(20);

    cluster('stop');
    // Down: every call that needs the database is a clean 503 with Retry-After, and /ready says so.
    const ready = await s.call('/ready', undefined, { key: 'none' });
    expect(ready).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
    expect(ready.headers.get('retry-after')).toBe('1');
    const logon = await s.call('/v1/logon', {
      userId: users[0].login,
      password: 'hemmelig42',
      providerId: 'bank',
    });
    expect(logon).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
    expect(logon.headers.get('retry-after')).toBe('1');
    expect(logon.text).not.toMatch(/ECONNREFUSED|57P01|terminat/i);
    await new Promise((r) => setTimeout(r, 500));

    cluster('start');
    // Back without restarting the service: /ready and log-ons recover by themselves.
    await load.successes(20);
    expect((await s.call('/ready', undefined, { key: 'none' })).status).toBe(200);
    const result = await load.stop();
    expectCleanOutcomes(result);
    await expectNothingAcceptedTwice(s, result);
    expect((await s.call('/metrics', undefined, { key: 'none' })).text).not.toMatch(/status="500"/);
  });
});
