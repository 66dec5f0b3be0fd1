/**
 * `nemid server serve`: what it refuses at start (one line, exit 2), and a run with both API keys
 * that stops cleanly on SIGTERM with a JSON-lines log.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createVerifier } from '@nemid-sim/server-verifier';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEMID_BIN } from '../../helpers/cli.js';
import { runInProcess } from '../../helpers/cli-in-process.js';

let dir: string;
let db: string;
let masterKey: string;
const BACKEND = 'backend-key-file-0123456789';
const ADMIN = 'admin-key-file-0123456789';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nemid-serve-'));
  db = join(dir, 'verifier.db');
  masterKey = join(dir, 'master.key');
  writeFileSync(masterKey, `${'5a'.repeat(32)}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'other.key'), `${'a5'.repeat(32)}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'backend.key'), `${BACKEND}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'admin.key'), `${ADMIN}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'short.key'), 'short\n', { mode: 0o600 });
  // What `nemid server init` and the first command do: the tables, and the master key claimed.
  const store = openSqliteStore(db, { create: true });
  await createVerifier({
    store,
    masterKey: new Uint8Array(Buffer.from('5a'.repeat(32), 'hex')),
  }).checkMasterKey();
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const serve = (...args: string[]) => ['server', 'serve', '--master-key-file', masterKey, ...args];

describe('nemid server serve refuses at start, with one line and exit 2', () => {
  it.each([
    [
      'a database that does not exist',
      () => serve('--db', join(dir, 'typo.db'), '--port', '0'),
      /no verifier database/,
    ],
    [
      'a master key that is not the database’s',
      () => ['server', 'serve', '--db', db, '--master-key-file', join(dir, 'other.key'), '--port', '0'],
      /other\.key is not the master key of \S*verifier\.db/,
    ],
    [
      'a short API key',
      () => serve('--db', db, '--port', '0', '--api-key-file', join(dir, 'short.key')),
      /--api-key-file must hold/,
    ],
    [
      'the same key for backend and admin',
      () =>
        serve(
          '--db',
          db,
          '--port',
          '0',
          '--api-key-file',
          join(dir, 'admin.key'),
          '--admin-key-file',
          join(dir, 'admin.key'),
        ),
      /must hold different keys/,
    ],
    ['an unknown log level', () => serve('--db', db, '--port', '0', '--log-level', 'loud'), /--log-level/],
  ])('%s', async (_, args, message) => {
    const r = await runInProcess(args());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('a port already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runInProcess(serve('--db', db, '--port', String(port)));
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`nemid: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe('nemid server serve with both keys', () => {
  it('serves backends and the back office each with its own key, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        NEMID_BIN,
        ...serve('--db', db, '--port', '0', '--api-key-file', join(dir, 'backend.key')),
        '--admin-key-file',
        join(dir, 'admin.key'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
      const url = /^listening on (http:\/\/\S+)$/.exec(String(first.value))?.[1];
      expect(url).toBeDefined();
      const call = (path: string, key: string, body?: unknown) =>
        fetch(`${url}${path}`, {
          method: body === undefined ? 'GET' : body === 'PUT' ? 'PUT' : 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body:
            body === undefined
              ? undefined
              : JSON.stringify(body === 'PUT' ? { name: 'Bank', cprApproved: true, isBank: true } : body),
        });
      expect((await call('/v1/admin/providers/bank', ADMIN, 'PUT')).status).toBe(200);
      expect((await call('/v1/admin/providers/bank', BACKEND, 'PUT')).status).toBe(401);
      const logon = { userId: '123456789', password: 'Wrong-pass-1', providerId: 'bank', ip: '192.0.2.1' };
      expect((await call('/v1/logon', BACKEND, logon)).status).toBe(401);
      const asAdmin = await call('/v1/logon', ADMIN, logon);
      expect(asAdmin.status).toBe(401);
      expect(((await asAdmin.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
      expect((await fetch(`${url}/ready`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const lines = stderr
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'request', route: '/v1/logon', status: 401 }),
    );
    expect(lines.at(-1)).toMatchObject({ msg: 'server stopped' });
    for (const secret of [BACKEND, ADMIN, 'Wrong-pass-1']) expect(stderr).not.toContain(secret);
  });
});
