import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';

// The OATH Toolkit's oathtool (Debian package oathtool, installed by scripts/setup-apt.sh) is an
// independent implementation: a device made from a URI must show the codes it computes.
const OATHTOOL = process.env.NEMID_OATHTOOL ?? 'oathtool';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function oathtool(args: string[]): string[] {
  const r = spawnSync(OATHTOOL, args, { encoding: 'utf8' });
  if (r.error)
    throw new Error(`cannot run ${OATHTOOL} (install it with scripts/setup-apt.sh): ${r.error.message}`);
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n');
}

async function nemid(args: string[]) {
  const r = await runInProcess(args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('a device made from an otpauth:// URI agrees with oathtool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nemid-oathtool-'));
  const start = ['--clock', 'virtual', '--start', '2026-01-01T00:00:00Z', '--ppm', '0', '--ageing-ppm', '0'];

  for (const algorithm of ['SHA1', 'SHA256', 'SHA512']) {
    it(`TOTP, ${algorithm}, 8 digits, 60 s steps`, async () => {
      const file = join(dir, `totp-${algorithm}.json`);
      const uri = `otpauth://totp/Bank:1234567890123456?secret=${SECRET}&algorithm=${algorithm}&digits=8&period=60`;
      await nemid(['device', 'new', '--out', file, '--uri', uri, ...start]);
      for (const advance of ['1m', '3h', '200d']) {
        const pressed = JSON.parse(
          await nemid(['device', 'press', '--device', file, '--advance', advance, '--json']),
        );
        const [expected] = oathtool([
          `--totp=${algorithm.toLowerCase()}`,
          '--base32',
          '--digits=8',
          '--time-step-size=60s',
          '--now',
          pressed.deviceTime,
          SECRET,
        ]);
        expect(pressed.code).toBe(expected);
      }
    });
  }

  it('HOTP from the URI\u2019s counter on', async () => {
    const file = join(dir, 'hotp.json');
    await nemid([
      'device',
      'new',
      '--out',
      file,
      '--uri',
      `otpauth://hotp/x?secret=${SECRET}&counter=5`,
      ...start,
    ]);
    const shown = [];
    for (let i = 0; i < 3; i++) shown.push((await nemid(['device', 'press', '--device', file])).trim());
    expect(shown).toEqual(oathtool(['--hotp', '--base32', '--counter=5', '--window=2', SECRET]));
  });
});
