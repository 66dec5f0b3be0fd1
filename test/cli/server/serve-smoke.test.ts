/**
 * Smoke test through the built binary, as an operator runs it: a user enrolled by a real `nemid`
 * process (the password on standard input), then `nemid server serve` answering log-ons with a key
 * card and a key display over HTTP until SIGTERM. Everything else runs in the test process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createCardEngine, formatCode } from '@nemid-sim/core';
import { afterAll, describe, expect, it } from 'vitest';
import { NEMID_BIN, runCli } from '../../helpers/cli.js';
import { cardBatch, newServer, ok, PASSWORD } from './fixture.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('nemid server (built binary)', () => {
  it('enrols a user from standard input and serves log-ons with a card and a key display until SIGTERM', async () => {
    const f = await newServer();
    const added = runCli(
      [
        'server',
        'user',
        'add',
        ...f.opts,
        '--name',
        'Anna Jensen',
        '--cpr',
        '010190-1234',
        '--password-stdin',
      ],
      { input: `${PASSWORD}\n` },
    );
    expect(added.status).toBe(0);
    const nemId = /^NemID number (\d{9})$/m.exec(added.stdout)?.[1] as string;
    expect(nemId).toMatch(/^\d{9}$/);
    const batch = await cardBatch(f, 2);
    const card = batch.cards[0];
    await ok(['server', 'card', 'import', ...f.opts, ...batch.files, '--user', nemId, '--card', card.serial]);
    const device = join(f.dir, 'device.json');
    await ok(['device', 'new', '--out', device, '--mode', 'hotp', '--seed', '7', '--clock', 'virtual']);
    await ok(['server', 'token', 'register', ...f.opts, '--device', device]);
    const serial = (JSON.parse(readFileSync(device, 'utf8')) as { serial: string }).serial;
    await ok(['server', 'token', 'assign', ...f.opts, '--user', nemId, '--serial', serial]);

    const child = spawn(process.execPath, [NEMID_BIN, 'server', 'serve', ...f.opts, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    expect(cardNumber).toBe(card.serial);
    const engine = createCardEngine(card.secret);
    const key = formatCode(engine.key(engine.slotOf(Number(keyNumber))), 6);
    const done = await post('/v1/logon/complete', { challengeId, key });
    expect(done.status).toBe(200);
    expect(done.body.result).toMatchObject({ identity: { kind: 'cpr', cpr: '0101901234' }, factor: 'card' });

    const next = await post('/v1/logon', { userId: nemId, password: PASSWORD, providerId: 'bank' });
    expect(next.body.challenge).toMatchObject({ factor: 'card', canSwitchToToken: true });
    const sw = await post('/v1/logon/switch-to-token', { challengeId: next.body.challenge.challengeId });
    expect(sw.body.challenge).toMatchObject({ factor: 'token', activation: true });
    const code = (await ok(['device', 'press', '--device', device])).trim();
    const activated = await post('/v1/logon/complete', {
      challengeId: sw.body.challenge.challengeId,
      key: code,
    });
    expect(activated.status).toBe(200);
    expect(activated.body.result).toMatchObject({ factor: 'token', tokenActivated: true });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const secret of [PASSWORD, key, code]) expect(stderr).not.toContain(secret);
  });
});
