import { describe, expect, it } from 'vitest';
import { nemid } from '../helpers/cli.js';

const RFC_SECRET = '3132333435363738393031323334353637383930';
const RFC_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

const stdoutOf = async (args: string[]): Promise<string> => (await nemid(args)).stdout;

describe('nemid otp', () => {
  it('hotp prints the RFC 4226 code, zero-padded', async () => {
    const r = await nemid(['otp', 'hotp', '--secret', RFC_SECRET, '--counter', '1']);
    expect(r).toMatchObject({ status: 0, stdout: '287082\n', stderr: '' });
    expect(await stdoutOf(['otp', 'hotp', '--secret-base32', RFC_BASE32, '--counter', '9'])).toBe('520489\n');
  });

  it('totp prints the RFC 6238 code for a given time, step, t0 and algorithm', async () => {
    expect(
      await stdoutOf(['otp', 'totp', '--secret', RFC_SECRET, '--time', '1111111109', '--digits', '8']),
    ).toBe('07081804\n');
    const sha256 = await stdoutOf([
      'otp',
      'totp',
      '--secret',
      Buffer.from('12345678901234567890123456789012').toString('hex'),
      '--time',
      '1234567890',
      '--digits',
      '8',
      '--algorithm',
      'sha256',
    ]);
    expect(sha256).toBe('91819424\n');
    expect(
      await stdoutOf([
        'otp',
        'totp',
        '--secret',
        RFC_SECRET,
        '--time',
        '1111112109',
        '--t0',
        '1000',
        '--digits',
        '8',
      ]),
    ).toBe('07081804\n');
  });

  it('totp without --time uses the current time', async () => {
    const r = await nemid(['otp', 'totp', '--secret', RFC_SECRET]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d{6}\n$/);
  });

  it('verify prints the matching counter and exits 0, or exits 1 when nothing matches', async () => {
    const verify = ['otp', 'verify', '--secret', RFC_SECRET, '--code', '399871', '--counter'];
    expect(await nemid([...verify, '3', '--window', '10'])).toMatchObject({ status: 0, stdout: '8\n' });
    const tooFar = await nemid([...verify, '0', '--window', '5']);
    expect(tooFar).toMatchObject({ status: 1, stdout: '', stderr: 'nemid: no match in the window\n' });
  });

  it('verify with --time prints the step offset', async () => {
    // 07081804 is the code for 1111111109 (step 37037036); at 1111111125 (step 37037037) that is one step back.
    const verify = ['otp', 'verify', '--secret', RFC_SECRET, '--digits', '8', '--code', '07081804'];
    expect(await nemid([...verify, '--time', '1111111125'])).toMatchObject({ status: 0, stdout: '-1\n' });
    expect((await nemid([...verify, '--time', '1111111125', '--window', '0'])).status).toBe(1);
  });

  it('the README examples print what the README says they print', async () => {
    const readme = await import('node:fs').then((fs) =>
      fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8'),
    );
    const examples = [...readme.matchAll(/^npx nemid (otp [^#\n]+?)\s+# (?:prints )?(-?\d+)/gm)];
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const [, command, printed] of examples) {
      const r = await nemid(command.trim().split(/\s+/));
      expect(r, command).toMatchObject({ status: 0, stdout: `${printed}\n` });
    }
  });

  it.each([
    [['otp', 'hotp', '--secret', '313', '--counter', '1'], /odd number of digits/],
    [['otp', 'hotp', '--secret', '31', '--counter', '1x'], /--counter must be a whole number from 0 to/],
    [
      ['otp', 'hotp', '--secret', '31', '--counter', '-1'],
      /--counter must be a whole number from 0 to 9007199254740991/,
    ],
    [
      ['otp', 'hotp', '--secret', '31', '--counter', '9007199254740992'],
      /--counter must be a whole number from 0 to/,
    ],
    [['otp', 'hotp', '--counter', '1'], /a secret is required/],
    [['otp', 'hotp', '--secret', '', '--counter', '1'], /the secret is empty/],
    [['otp', 'hotp', '--secret', '  ', '--counter', '1'], /the secret is empty/],
    [['otp', 'totp', '--secret-base32', ''], /the secret is empty/],
    [['otp', 'verify', '--secret', '', '--code', '123456', '--counter', '0'], /the secret is empty/],
    [
      ['otp', 'hotp', '--secret', '31', '--secret-base32', 'GE', '--counter', '1'],
      /either --secret or --secret-base32/,
    ],
    [
      ['otp', 'hotp', '--secret', '31', '--counter', '1', '--digits', '12'],
      /--digits must be a whole number from 6 to 9/,
    ],
    [['otp', 'hotp', '--secret', '31', '--counter', '1', '--algorithm', 'md5'], /--algorithm must be one of/],
    [
      ['otp', 'verify', '--secret', '31', '--code', '123456789012', '--counter', '0'],
      /--code must be exactly 6 digits/,
    ],
    [['otp', 'verify', '--secret', '31', '--code', '123456'], /exactly one of --counter .* or --time/],
    [['otp', 'totp', '--secret', '31', '--step', '0'], /--step must be a whole number from 1/],
    [['otp', 'hotp', '--secret', '31'], /required option '--counter <n>' not specified/],
    [
      ['otp', 'hotp', '--secret', '31', '--counter', '1', '--countr', '2'],
      /unknown option '--countr' \(Did you mean --counter\?\)/,
    ],
    [['otp', 'hotpp'], /unknown command 'hotpp'/],
    [['otp', 'hotp', '--secret', '31', '--counter', '1', 'extra'], /too many arguments/],
  ])('bad input %j gives one line starting "nemid: " and exit 2', async (args, message) => {
    const r = await nemid(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^nemid: [^\n]+\n$/);
    expect(r.stdout).toBe('');
  });

  it('never echoes a secret in an error', async () => {
    const r = await nemid(['otp', 'hotp', '--secret', 'deadbeefcafe9', '--counter', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain('deadbeef');
  });

  it('explains itself with --help', async () => {
    const r = await nemid(['otp', 'verify', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--window <n>');
    expect(r.stdout).toContain('Exit 1 when nothing in the window matches');
  });
});
