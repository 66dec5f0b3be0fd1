/**
 * `nemid server ...` as an operator uses it: the built binary sets up a SQLite database, a provider,
 * a user and a card from a key-card batch, then serves the verifier over HTTP until SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createCardEngine, formatCode, hexToBytes } from '@nemid-sim/core';
import { readBatchFile } from '@nemid-sim/key-card';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEMID_BIN, runCli } from '../../helpers/cli.js';

let dir: string;
let db: string;
let masterKey: string;
let batchKey: string;
let batch: string;
const PASSWORD = 'hemmelig42';
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nemid-server-cli-'));
  db = join(dir, 'verifier.db');
  masterKey = join(dir, 'master.key');
  batchKey = join(dir, 'batch.key');
  batch = join(dir, 'cards.batch');
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const ok = (args: string[], input?: string): string => {
  const r = runCli(args, { input });
  if (r.status !== 0) throw new Error(`nemid ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
};

describe('nemid server', () => {
  it('sets up a database, a provider, a user and a card, and serves log-ons until SIGTERM', async () => {
    ok(['keygen', '--out', masterKey]);
    ok(['keygen', '--out', batchKey]);
    expect(ok(['server', 'init', '--db', db])).toMatch(/database ready/);
    ok([
      'server',
      'provider',
      'add',
      '--db',
      db,
      '--master-key-file',
      masterKey,
      '--id',
      'bank',
      '--name',
      'Bank',
      '--bank',
      '--cpr-approved',
    ]);
    const added = ok(
      [
        'server',
        'user',
        'add',
        '--db',
        db,
        '--master-key-file',
        masterKey,
        '--name',
        'Anna Jensen',
        '--cpr',
        '010190-1234',
        '--password-stdin',
      ],
      `${PASSWORD}\n`,
    );
    const nemId = /NemID number (\d{9})/.exec(added)?.[1] as string;
    expect(nemId).toMatch(/^\d{9}$/);
    ok(['card', 'new', '--count', '2', '--key-file', batchKey, '--out', batch]);
    const cards = (await readBatchFile(batch, hexToBytes(readFileSync(batchKey, 'utf8').trim()))).cards;
    const imported = ok([
      'server',
      'card',
      'import',
      '--db',
      db,
      '--master-key-file',
      masterKey,
      '--secrets',
      batch,
      '--key-file',
      batchKey,
      '--user',
      nemId,
      '--card',
      cards[0].serial,
    ]);
    expect(imported).toMatch(/^issued [A-Z]\d{3}-\d{3}-\d{3}$/m);

    // A simulated key display, registered and assigned; activated over HTTP below (T-7).
    const device = join(dir, 'device.json');
    ok(['device', 'new', '--out', device, '--mode', 'hotp', '--seed', '7', '--clock', 'virtual']);
    expect(
      ok(['server', 'token', 'register', '--db', db, '--master-key-file', masterKey, '--device', device]),
    ).toMatch(/registered 1 key display/);
    const serial = (JSON.parse(readFileSync(device, 'utf8')) as { serial: string }).serial;
    ok([
      'server',
      'token',
      'assign',
      '--db',
      db,
      '--master-key-file',
      masterKey,
      '--user',
      nemId,
      '--serial',
      serial,
    ]);

    const child = spawn(
      process.execPath,
      [NEMID_BIN, 'server', 'serve', '--db', db, '--master-key-file', masterKey, '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
    const url = /listening on (http:\/\/\S+)/.exec(String(first.value))?.[1];
    expect(url).toBeDefined();

    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, Record<string, string>> };
    };
    const start = await post('/v1/logon', { userId: nemId, password: PASSWORD, providerId: 'bank' });
    expect(start.status).toBe(200);
    const { challengeId, keyNumber, cardNumber } = start.body.challenge;
    expect(cardNumber.replaceAll('-', '')).toBe(cards[0].serial.replaceAll('-', ''));
    const engine = createCardEngine(cards[0].secret);
    const key = formatCode(engine.key(engine.slotOf(Number(keyNumber))), 6);
    const done = await post('/v1/logon/complete', { challengeId, key });
    expect(done.status).toBe(200);
    expect(done.body.result).toMatchObject({ identity: { kind: 'cpr', cpr: '0101901234' }, factor: 'card' });

    const next = await post('/v1/logon', { userId: nemId, password: PASSWORD, providerId: 'bank' });
    expect(next.body.challenge).toMatchObject({ factor: 'card', canSwitchToToken: true });
    const sw = await post('/v1/logon/switch-to-token', { challengeId: next.body.challenge.challengeId });
    expect(sw.body.challenge).toMatchObject({ factor: 'token', activation: true });
    const code = ok(['device', 'press', '--device', device]).trim();
    const activated = await post('/v1/logon/complete', {
      challengeId: sw.body.challenge.challengeId,
      key: code,
    });
    expect(activated.status).toBe(200);
    expect(activated.body.result).toMatchObject({ factor: 'token', tokenActivated: true });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/"method":"POST","route":"\/v1\/logon","url":"\/v1\/logon","status":200/);
    expect(stderr).toMatch(/server stopped/);
    expect(stderr).not.toContain(PASSWORD);
    expect(stderr).not.toContain(key);
    expect(stderr).not.toContain(code);
  });

  it.each([
    ['no database', ['server', 'serve', '--master-key-file', 'k', '--port', '1'], /exactly one of --db FILE/],
    [
      'two databases',
      ['server', 'init', '--db', 'x.db', '--pg', 'postgres://a@b/c'],
      /exactly one of --db FILE/,
    ],
    [
      'a bad port',
      ['server', 'serve', '--db', 'x.db', '--master-key-file', 'k', '--port', '70000'],
      /--port must be/,
    ],
    [
      'a schema without --pg',
      ['server', 'init', '--db', 'x.db', '--pg-schema', 's'],
      /--pg-schema needs --pg/,
    ],
    ['an unknown durability', ['server', 'init', '--db', 'x.db', '--durability', 'sloppy'], /--durability/],
  ])('refuses %s with one line on stderr and exit 2', (_, args, message) => {
    const r = runCli(args, { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a master key file that is not a key, without showing its contents', () => {
    const bad = join(dir, 'bad.key');
    writeFileSync(bad, 'not-a-key-but-a-secret\n');
    const r = runCli(
      ['server', 'user', 'add', '--db', db, '--master-key-file', bad, '--name', 'X', '--password-stdin'],
      {
        input: 'pw\n',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--master-key-file/);
    expect(r.stderr).not.toContain('not-a-key-but-a-secret');
  });

  it('reports an unreachable PostgreSQL without its password', () => {
    const r = runCli(['server', 'init', '--pg', 'postgres://nemid:pw-s3cret@127.0.0.1:1/none']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot use PostgreSQL at postgres:\/\/nemid:\*\*\*@127\.0\.0\.1:1\/none/);
    expect(r.stderr).not.toContain('pw-s3cret');
  });
});
