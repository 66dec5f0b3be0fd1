import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const cliDir = new URL('../../cli/', import.meta.url);

describe('the installed `nemid` command', () => {
  it('is a committed file (npm links it before the build) that runs the built command', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', cliDir), 'utf8')) as {
      bin: { nemid: string };
    };
    const bin = fileURLToPath(new URL(pkg.bin.nemid, cliDir));
    expect(pkg.bin.nemid).not.toContain('dist');
    const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('0.1.0');
  });

  // The other CLI tests call run() in-process; these check that the real process exits with the
  // code run() returns and writes to the real streams.
  it('exits 2 with one "nemid: " line for bad input', () => {
    const parse = runCli(['otp', 'hotp', '--secret', '31', '--counter', '-1']);
    expect(parse).toMatchObject({ status: 2, stdout: '' });
    expect(parse.stderr).toMatch(/^nemid: --counter must be a whole number from 0 to \d+\.\n$/);
  });

  it('exits 1 when the answer is no', () => {
    const secret = ['--secret', '3132333435363738393031323334353637383930'];
    expect(
      runCli(['otp', 'verify', ...secret, '--code', '399871', '--counter', '0', '--window', '5']),
    ).toMatchObject({
      status: 1,
      stdout: '',
      stderr: 'nemid: no match in the window\n',
    });
  });
});
