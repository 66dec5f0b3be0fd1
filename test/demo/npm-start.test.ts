/**
 * `npm start` as a new user runs it after `npm install`: ready within 10 s (the build is already
 * done, as `npm install` does it), and every command and value it prints works: the URL, the user id
 * and password with a key from the printed card, and the key display's command in a terminal.
 * Run once, as one process tree; everything else about start-up is tested in process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysFromText } from './helpers.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const READY_MS = 10_000;

let child: ChildProcess;
let out = '';
let err = '';
let readyAfterMs = Number.NaN;
const dir = mkdtempSync(join(tmpdir(), 'nemid-npm-start-'));

beforeAll(async () => {
  const t0 = performance.now();
  // Its own process group, so the test can stop npm and the demo under it together.
  child = spawn('npm', ['start', '--', '--data', join(dir, 'data'), '--port', '0'], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C stops the bank.')) {
        readyAfterMs = performance.now() - t0;
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${err}`)));
  });
});

afterAll(async () => {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function printed(pattern: RegExp): string {
  const m = pattern.exec(out);
  if (m === null) throw new Error(`npm start did not print ${pattern}: ${out}`);
  return m[1];
}

/** A browser's part: the session cookie, and each form sent with its page's CSRF token. */
async function logOn(url: string, userId: string, password: string, keys: Map<string, string>) {
  const front = await fetch(url);
  const cookie = front.headers.getSetCookie()[0].split(';')[0];
  const post = (path: string, page: string, fields: Record<string, string>) =>
    fetch(new URL(path, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1],
        ...fields,
      }).toString(),
    });
  const step = await post('/logon', await front.text(), { userId, password, site: 'bank' });
  expect([step.status, step.headers.get('location')]).toEqual([303, '/key']);
  const keyPage = await (await fetch(new URL('/key', url), { headers: { cookie } })).text();
  const keyNumber = /nøgle nr\. (\d{4})/.exec(keyPage)![1];
  return post('/key', keyPage, { key: keys.get(keyNumber)! });
}

describe('npm start on a fresh clone', () => {
  it(`is ready within ${READY_MS / 1000} s and prints where everything is`, () => {
    expect(readyAfterMs).toBeLessThan(READY_MS);
    expect(err).toBe('');
    expect(out).toMatch(/Demo Netbank is ready: http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('the printed URL, user id, password and card log on', async () => {
    const url = printed(/ready: (\S+)/);
    const userId = printed(/user id: +(\d{9})/);
    const password = printed(/password: +(\S+)/);
    const cardText = printed(/the same keys as text: ([^)]+)\)/);
    const done = await logOn(url, userId, password, keysFromText(cardText));
    expect([done.status, done.headers.get('location')]).toEqual([303, '/account']);
  });

  it('the printed key display command runs the device in a terminal', async () => {
    const command = printed(/^ +(npx nemid device --device \S+)$/m);
    // `script` gives the command a terminal, as a second terminal window would.
    const device = spawn('script', ['-qec', `${command} --plain`, '/dev/null'], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let quit = false;
    // The device may close its terminal before `script` stops reading: that is not a failure.
    device.stdin.on('error', () => {});
    const serial = printed(/key display: (\d{4} \d{4} \d{4} \d{4})/);
    const code = await new Promise<number | null>((resolve) => {
      device.stdout.on('data', (d: Buffer) => {
        screen += d.toString();
        if (!quit && screen.includes(`serial ${serial}`)) {
          quit = true;
          device.stdin.write('q');
        }
      });
      device.once('exit', resolve);
    });
    expect(screen).toContain(`NemID token (nøgleviser), serial ${serial}, HOTP, 6 digits.`);
    expect(code).toBe(0);
  });
});
