import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const RFC_SECRET = '3132333435363738393031323334353637383930';
const RFC_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('nemid otp', () => {
  it('hotp prints the RFC 4226 code, zero-padded', () => {
    const r = runCli(['otp', 'hotp', '--secret', RFC_SECRET, '--counter', '1']);
    expect(r).toMatchObject({ status: 0, stdout: '287082\n', stderr: '' });
    expect(runCli(['otp', 'hotp', '--secret-base32', RFC_BASE32, '--counter', '9']).stdout).toBe('520489\n');
  });

  it('totp prints the RFC 6238 code for a given time, step, t0 and algorithm', () => {
    const r = runCli(['otp', 'totp', '--secret', RFC_SECRET, '--time', '1111111109', '--digits', '8']);
    expect(r.stdout).toBe('07081804\n');
    const sha256 = runCli([
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
    expect(sha256.stdout).toBe('91819424\n');
    expect(
      runCli(['otp', 'totp', '--secret', RFC_SECRET, '--time', '1111112109', '--t0', '1000', '--digits', '8'])
        .stdout,
    ).toBe('07081804\n');
  });

  it('totp without --time uses the current time', () => {
    const r = runCli(['otp', 'totp', '--secret', RFC_SECRET]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d{6}\n$/);
  });

  it('verify prints the matching counter and exits 0, or exits 1 when nothing matches', () => {
    const ok = runCli([
      'otp',
      'verify',
      '--secret',
      RFC_SECRET,
      '--code',
      '399871',
      '--counter',
      '3',
      '--window',
      '10',
    ]);
    expect(ok).toMatchObject({ status: 0, stdout: '8\n' });
    const tooFar = runCli([
      'otp',
      'verify',
      '--secret',
      RFC_SECRET,
      '--code',
      '399871',
      '--counter',
      '0',
      '--window',
      '5',
    ]);
    expect(tooFar.status).toBe(1);
    expect(tooFar.stdout).toBe('');
  });

  it('verify with --time prints the step offset', () => {
    // 07081804 is the code for 1111111109 (step 37037036); at 1111111125 (step 37037037) that is one step back.
    const r = runCli([
      'otp',
      'verify',
      '--secret',
      RFC_SECRET,
      '--digits',
      '8',
      '--code',
      '07081804',
      '--time',
      '1111111125',
    ]);
    expect(r).toMatchObject({ status: 0, stdout: '-1\n' });
    const strict = runCli([
      'otp',
      'verify',
      '--secret',
      RFC_SECRET,
      '--digits',
      '8',
      '--code',
      '07081804',
      '--time',
      '1111111125',
      '--window',
      '0',
    ]);
    expect(strict.status).toBe(1);
  });

  it.each([
    [['otp', 'hotp', '--secret', '313', '--counter', '1'], /odd number of digits/],
    [['otp', 'hotp', '--secret', '31', '--counter', '1x'], /--counter must be a whole number/],
    [['otp', 'hotp', '--secret', '31', '--counter', '9007199254740992'], /--counter must be from 0 to/],
    [['otp', 'hotp', '--counter', '1'], /a secret is required/],
    [
      ['otp', 'hotp', '--secret', '31', '--secret-base32', 'GE', '--counter', '1'],
      /either --secret or --secret-base32/,
    ],
    [['otp', 'hotp', '--secret', '31', '--counter', '1', '--digits', '12'], /--digits must be from 6 to 9/],
    [['otp', 'hotp', '--secret', '31', '--counter', '1', '--algorithm', 'md5'], /--algorithm must be one of/],
    [
      ['otp', 'verify', '--secret', '31', '--code', '123456789012', '--counter', '0'],
      /--code must be exactly 6 digits/,
    ],
    [['otp', 'verify', '--secret', '31', '--code', '123456'], /exactly one of --counter .* or --time/],
    [['otp', 'totp', '--secret', '31', '--step', '0'], /--step must be from 1/],
  ])('bad input %j gives one clear line and exit 2', (args, message) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('never echoes a secret in an error', () => {
    const r = runCli(['otp', 'hotp', '--secret', 'deadbeefcafe9', '--counter', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain('deadbeef');
  });

  it('explains itself with --help', () => {
    const r = runCli(['otp', 'verify', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--window <n>');
    expect(r.stdout).toContain('Exit 1 when nothing in the window matches');
  });
});
