/**
 * Two `nemid server serve` processes on one PostgreSQL database: a key-display code sent to both
 * at the same moment is accepted once, and so is one challenge answered through both.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openPostgresStore } from '@nemid-sim/server-verifier/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEMID_BIN } from '../../helpers/cli.js';
import {
  hotpCode,
  MASTER_KEY_HEX,
  prepareRaceUser,
  RACE_PASSWORD,
  RACE_PROVIDER,
  type RaceUser,
  raceVerifier,
} from '../stores/concurrency-setup.js';
import { createTestSchema, type TestSchema } from '../stores/pg-env.js';

let dir: string;
let schema: TestSchema;
let user: RaceUser;
const children: ChildProcess[] = [];
const urls: string[] = [];

async function startServe(): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      NEMID_BIN,
      'server',
      'serve',
      '--pg',
      schema.url,
      '--pg-schema',
      schema.schema,
      '--master-key-file',
      join(dir, 'master.key'),
      '--port',
      '0',
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  const url = /^listening on (http:\/\/\S+)$/.exec(String(first.value))?.[1];
  if (url === undefined) throw new Error(`serve did not start: ${String(first.value)}`);
  return url;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nemid-two-serves-'));
  writeFileSync(join(dir, 'master.key'), `${MASTER_KEY_HEX}\n`, { mode: 0o600 });
  schema = await createTestSchema();
  const store = await openPostgresStore({
    connectionString: schema.url,
    schema: schema.schema,
    create: true,
  });
  const v = raceVerifier(store, 'two-serves');
  await v.checkMasterKey();
  user = await prepareRaceUser(v, 1);
  await store.close();
  urls.push(...(await Promise.all([startServe(), startServe()])));
});
afterAll(async () => {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
  );
  await schema?.drop();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: { challenge?: { challengeId: string }; error?: { code: string } };
}

async function post(url: string, path: string, body: unknown): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const logon = (url: string) =>
  post(url, '/v1/logon', { userId: user.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER });

describe('two serve processes on one PostgreSQL database', () => {
  it('accept a code sent to both at once exactly once', async () => {
    for (let counter = 1; counter <= 8; counter++) {
      const [a, b] = await Promise.all(urls.map(logon));
      expect([a.status, b.status]).toEqual([200, 200]);
      const answers = await Promise.all(
        [a, b].map((r, i) =>
          post(urls[i], '/v1/logon/complete', {
            challengeId: r.body.challenge?.challengeId,
            key: hotpCode(counter),
          }),
        ),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 401]);
      const refused = answers.find((r) => r.status === 401);
      expect(refused?.body.error?.code).toBe('AUTH010');
    }
  });

  it('accept one challenge answered through both at once exactly once', async () => {
    for (let counter = 9; counter <= 14; counter++) {
      const c = (await logon(urls[0])).body.challenge;
      const answers = await Promise.all(
        urls.map((url) =>
          post(url, '/v1/logon/complete', { challengeId: c?.challengeId, key: hotpCode(counter) }),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 410]);
    }
  });
});
