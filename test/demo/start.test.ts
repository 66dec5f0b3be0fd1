/**
 * The demo's start-up, in process: the first start makes the data folder (secrets 0600), later
 * starts reuse it, --reset starts over but never empties a folder the demo did not make, and a
 * busy port or a bad argument is one line.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningDemo, runDemo } from '@nemid-sim/demo';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'nemid-demo-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  result: RunningDemo | number;
  out: string;
  err: string;
}

async function run(args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const result = await runDemo(args, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    // No speech here: the Voice Response tests cover it.
    env: { NEMID_ESPEAK: '/nonexistent/espeak-ng' },
    cwd: root,
  });
  return { result, out, err };
}

async function started(args: string[]): Promise<{ demo: RunningDemo; out: string }> {
  const r = await run(args);
  if (typeof r.result === 'number') throw new Error(`the demo did not start: ${r.err}`);
  return { demo: r.result, out: r.out };
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('the data folder', () => {
  const data = join(root, 'data');

  it('the first start makes it: verifier, master key, card PDF and text, key display; secrets 0600', async () => {
    const { demo, out } = await started(['--data', data, '--port', '0']);
    try {
      expect(demo.fresh).toBe(true);
      const card = demo.card!;
      expect(out).toContain(`Demo Netbank is ready: ${demo.url}`);
      expect(out).toContain(`user id:     ${demo.state.nemIdNumber} (or the CPR number 010190-1234)`);
      expect(out).toContain(`password:    ${demo.state.password}\n`);
      expect(out).toContain(
        `key card:    data/cards/${card.serial}.pdf (the same keys as text: data/cards/${card.serial}.txt)`,
      );
      expect(out).toContain('      npx nemid device --device data/token.json\n');
      expect(out).toContain('ordered, not yet active');
      expect(mode(data)).toBe(0o700);
      for (const file of [
        'master.key',
        'verifier.db',
        'token.json',
        'demo.json',
        `cards/${card.serial}.pdf`,
        `cards/${card.serial}.txt`,
      ]) {
        expect([file, mode(join(data, file))]).toEqual([file, 0o600]);
      }
      expect(readFileSync(card.pdf).subarray(0, 5).toString()).toBe('%PDF-');
      expect(readFileSync(join(data, 'master.key'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    } finally {
      await demo.close();
    }
  });

  it('a later start reuses it', async () => {
    const first = JSON.parse(readFileSync(join(data, 'demo.json'), 'utf8')) as { nemIdNumber: string };
    const { demo, out } = await started(['--data', data, '--port', '0']);
    await demo.close();
    expect(demo.fresh).toBe(false);
    expect(demo.state.nemIdNumber).toBe(first.nemIdNumber);
    expect(out).toContain('(as set at the first start)');
    expect(out).toContain('reused;');
  });

  it('--reset starts over', async () => {
    const before = readdirSync(join(data, 'cards'));
    const { demo } = await started(['--data', data, '--port', '0', '--reset']);
    await demo.close();
    expect(demo.fresh).toBe(true);
    expect(readdirSync(join(data, 'cards'))).not.toEqual(before);
  });

  it('a first start that was cut short is made again', async () => {
    rmSync(join(data, 'demo.json'));
    const { demo } = await started(['--data', data, '--port', '0']);
    await demo.close();
    expect(demo.fresh).toBe(true);
  });

  it('--reset never empties a folder the demo did not make', async () => {
    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'thesis.tex'), 'precious');
    const r = await run(['--data', mine, '--port', '0', '--reset']);
    expect(r.result).toBe(2);
    expect(r.err).toBe(
      `nemid-demo: ${mine} holds files the demo did not make; choose another folder with --data (npm start -- --reset starts over)\n`,
    );
    expect(readFileSync(join(mine, 'thesis.tex'), 'utf8')).toBe('precious');
  });

  it("a master key that is not the database's is one line", async () => {
    const other = join(root, 'other');
    const { demo } = await started(['--data', other, '--port', '0']);
    await demo.close();
    writeFileSync(join(other, 'master.key'), `${'ab'.repeat(32)}\n`);
    const r = await run(['--data', other, '--port', '0']);
    expect(r.result).toBe(2);
    expect(r.err.split('\n')).toEqual([
      'nemid-demo: The master key does not belong to this database. (npm start -- --reset starts over)',
      '',
    ]);
  });
});

describe('the command line', () => {
  it('a busy port is one clear line and exit 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await run(['--data', join(root, 'busy'), '--port', String(port)]);
      expect(r.result).toBe(1);
      expect(r.err).toBe(
        `nemid-demo: port ${port} on 127.0.0.1 is in use: stop what uses it, or pick another with --port\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('bad arguments are one line and exit 2; --help shows the usage', async () => {
    expect(await run(['--port', 'x'])).toEqual({
      result: 2,
      out: '',
      err: 'nemid-demo: --port must be a whole number from 0 to 65535\n',
    });
    const unknown = await run(['--prot', '3000']);
    expect(unknown.result).toBe(2);
    expect(unknown.err).toMatch(/^nemid-demo: Unknown option '--prot'.*\(see --help\)\n$/);
    const help = await run(['--help']);
    expect(help.result).toBe(0);
    expect(help.out).toContain('usage: npm start -- [--port N] [--data DIR] [--reset]');
  });
});
