import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOtpEngine, formatCode } from '@nemid-sim/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { nemid } from '../helpers/cli.js';

const SECRET_HEX = '3132333435363738393031323334353637383930';
const SECRET = new TextEncoder().encode('12345678901234567890');
const engine = createOtpEngine(SECRET);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nemid-cli-device-'));
});

async function newDevice(file: string, ...extra: string[]) {
  const r = await nemid([
    'device',
    'new',
    '--out',
    file,
    '--secret',
    SECRET_HEX,
    '--seed',
    '5',
    '--start',
    '2026-01-01T00:00:00Z',
    '--clock',
    'virtual',
    ...extra,
  ]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r;
}

describe('nemid device new / press', () => {
  it('HOTP: presses print the codes for counters 0, 1, 2 and the file is saved (0600) between them', async () => {
    const file = join(dir, 'd.json');
    const made = await newDevice(file, '--mode', 'hotp', '--serial', '1234 5678 9012 3456');
    expect(made.stdout).toContain('HOTP device 1234 5678 9012 3456');
    expect(made.stdout).not.toContain(SECRET_HEX);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (let counter = 0; counter < 3; counter++) {
      const r = await nemid(['device', 'press', '--device', file]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${formatCode(engine.hotp(counter, 6), 6)}\n`);
    }
    expect(JSON.parse(readFileSync(file, 'utf8')).state.counter).toBe(3);
  });

  it('TOTP: --advance moves the device time; the code is the TOTP of the device clock', async () => {
    const file = join(dir, 't.json');
    await newDevice(file, '--ppm', '0', '--ageing-ppm', '0');
    const r = await nemid(['device', 'press', '--device', file, '--advance', '1d3h', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    const t = Date.parse('2026-01-01T00:00:00Z') / 1000 + 27 * 3600;
    expect(out.code).toBe(formatCode(engine.totp(t, 30, 6), 6));
    expect(out.deviceTime).toBe(new Date(t * 1000).toISOString());
    expect(out.lowBattery).toBe(false);
    expect(out.dead).toBe(false);
  });

  it('NEMID_DEVICE names the device when --device is not given', async () => {
    const file = join(dir, 'env.json');
    await newDevice(file, '--mode', 'hotp');
    const r = await nemid(['device', 'press'], { env: { NEMID_DEVICE: file } });
    expect(r.stdout).toBe(`${formatCode(engine.hotp(0, 6), 6)}\n`);
  });

  it('shows the low-battery mark near the end and nothing once dead (exit 1)', async () => {
    const file = join(dir, 'old.json');
    await newDevice(file, '--mode', 'hotp');
    const low = await nemid(['device', 'press', '--device', file, '--advance', '4y20w']);
    expect(low.stdout).toMatch(/^\d{6} \[low battery\]\n$/);
    const dead = await nemid(['device', 'press', '--device', file, '--advance', '2y']);
    expect(dead.status).toBe(1);
    expect(dead.stdout).toBe('');
    expect(dead.stderr).toContain('battery is dead');
  });

  it('a TOTP device moved ahead of real time says on stderr why a server will refuse its codes', async () => {
    const file = join(dir, 'wall.json');
    const made = await nemid(['device', 'new', '--out', file, '--secret', SECRET_HEX, '--seed', '5']);
    expect(made.status).toBe(0);
    const now = await nemid(['device', 'press', '--device', file]);
    expect(now).toMatchObject({ status: 0, stderr: '' });
    const ahead = await nemid(['device', 'press', '--device', file, '--advance', '1d']);
    expect(ahead.status).toBe(0);
    expect(ahead.stdout).toMatch(/^\d{6}\n$/);
    expect(ahead.stderr).toMatch(
      /^nemid: note: this device lives 24\.0 hours ahead of real time, so a server checking its codes against real time will refuse them\n$/,
    );
  });

  it('refuses to overwrite a device file without --force', async () => {
    const file = join(dir, 'd.json');
    await newDevice(file);
    const again = await nemid(['device', 'new', '--out', file]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('exists');
    expect((await nemid(['device', 'new', '--out', file, '--force'])).status).toBe(0);
  });
});

describe('nemid device life', () => {
  it('--json prints years, lowBatteryYears and clockDriftSeconds', async () => {
    const r = await nemid(['device', 'life', '--presses-per-day', '3', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['years', 'lowBatteryYears', 'clockDriftSeconds']);
    expect(out.years).toBeGreaterThan(4);
    expect(out.lowBatteryYears).toBeLessThan(out.years);
    expect(typeof out.clockDriftSeconds).toBe('number');
  });

  it('prints a report and a chart, and --svg writes an SVG', async () => {
    const svg = join(dir, 'life.svg');
    const r = await nemid(['device', 'life', '--presses-per-day', '20', '--temperature', '5', '--svg', svg]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/battery lasts\s+\d+\.\d\d years/);
    expect(r.stdout).toContain('low-battery mark');
    expect(r.stdout).toContain('┤');
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('<path');
    expect(text.trim().endsWith('</svg>')).toBe(true);
  });

  it('charts the clock error as well as the battery, and marks the low-battery mark and the end of life', async () => {
    const svg = join(dir, 'marks.svg');
    const r = await nemid(['device', 'life', '--presses-per-day', '20', '--json', '--svg', svg]);
    const life = JSON.parse(r.stdout);
    const text = readFileSync(svg, 'utf8');
    expect(text).toContain('<title>clock error</title>');
    expect(text).toMatch(/class="end-of-life"/);
    expect(text).toContain(`battery dead (${life.years.toFixed(2)} y)`);
    expect(text).toContain(`low-battery mark (${life.lowBatteryYears.toFixed(2)} y)`);
    const chart = (await nemid(['device', 'life', '--presses-per-day', '20'])).stdout;
    expect(chart).toContain('clock error (');
    expect(chart).toContain(`✕ battery dead at ${life.years.toFixed(2)} y`);
    expect(chart).toMatch(/▲ low-battery mark at \d+\.\d\d y/);
  });

  it('--svg leaves an existing file alone unless --force', async () => {
    const svg = join(dir, 'mine.svg');
    writeFileSync(svg, 'my own drawing');
    const r = await nemid(['device', 'life', '--svg', svg]);
    expect(r).toMatchObject({
      status: 2,
      stdout: '',
      stderr: `nemid: ${svg} already exists (use --force to replace it)\n`,
    });
    expect(readFileSync(svg, 'utf8')).toBe('my own drawing');
    expect((await nemid(['device', 'life', '--svg', svg, '--force', '--no-chart'])).status).toBe(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    const missing = await nemid(['device', 'life', '--svg', join(dir, 'nowhere', 'x.svg')]);
    expect(missing).toMatchObject({ status: 2, stderr: `nemid: no such folder: ${join(dir, 'nowhere')}\n` });
  });
});

describe('nemid device: bad input is one line and exit 2', () => {
  it.each([
    [['device', 'press'], /no device/],
    [['device', 'press', '--device', '/nonexistent/d.json'], /no such device file/],
    [['device', 'life', '--presses-per-day', '-3'], /presses-per-day/],
    [['device', 'life', '--cell', 'aa'], /cr2016, cr2032/],
    [['device', 'new', '--out', '/tmp/x.json', '--secret', 'zz'], /hex/],
    [['device', 'new', '--out', '/tmp/x.json', '--serial', '12'], /16 digits/],
    [['device', 'new', '--out', '/tmp/x.json', '--start', 'yesterday'], /--start/],
    [['device', 'new', '--out', '/tmp/x.json', '--mode', 'both'], /hotp, totp/],
  ])('%j', async (args, message) => {
    const r = await nemid(args, { env: { NEMID_DEVICE: '' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad --advance or a broken device file', async () => {
    const file = join(dir, 'd.json');
    await newDevice(file);
    const r = await nemid(['device', 'press', '--device', file, '--advance', 'soon']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('duration');
    const notDevice = await nemid(['device', 'press', '--device', join(dir)]);
    expect(notDevice.status).toBe(2);
    expect(notDevice.stderr).toContain('not a device file');
  });

  it('run without a terminal says what to do instead', async () => {
    const r = await nemid(['device', 'run']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nemid device press');
  });

  it('--help explains every option', async () => {
    for (const sub of ['new', 'press', 'life', 'run']) {
      const r = await nemid(['device', sub, '--help']);
      expect(r.status).toBe(0);
      for (const line of r.stdout.split('\n').filter((l) => /^\s+--/.test(l))) {
        expect(line.replace(/^\s+--\S+( <[^>]+>)?/, '').trim().length, line).toBeGreaterThan(0);
      }
    }
  });
});
