import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PskcKeyInput, parsePskc, writePskc } from '@nemid-sim/pskc';
import { describe, expect, it } from 'vitest';
import { hex, seededRandom } from './helpers.js';

// Other implementations, from Debian (scripts/setup-apt.sh installs them): python-pskc, which
// privacyIDEA's users convert with, and the OATH Toolkit's libpskc, which validates the schema.
const PSKC2CSV = process.env.NEMID_PSKC2CSV ?? 'pskc2csv';
const CSV2PSKC = process.env.NEMID_CSV2PSKC ?? 'csv2pskc';
const PSKCTOOL = process.env.NEMID_PSKCTOOL ?? 'pskctool';

const PSK_HEX = '0f0e0d0c0b0a09080706050403020100';
const PSK = hex(PSK_HEX);

function run(program: string, args: string[], quiet = true): string {
  const r = spawnSync(program, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    throw new Error(`cannot run ${program} (install it with scripts/setup-apt.sh): ${r.error.message}`);
  }
  if (quiet) expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

const KEYS: PskcKeyInput[] = [
  {
    kind: 'hotp',
    serial: '1234567890123456',
    manufacturer: 'nemid-sim',
    secret: seededRandom(1)(20),
    counter: 17,
  },
  {
    kind: 'totp',
    serial: '6543210987654321',
    manufacturer: 'nemid-sim',
    algorithm: 'sha256',
    digits: 8,
    secret: seededRandom(2)(32),
    timeInterval: 60,
    timeDrift: -2,
  },
];

const COLUMNS = 'serial,secret,counter,time_interval,time_drift,response_length,algorithm,algorithm_suite';
const EXPECTED_CSV = [
  COLUMNS,
  `1234567890123456,${Buffer.from(KEYS[0].secret).toString('hex')},17,,,6,urn:ietf:params:xml:ns:keyprov:pskc:hotp,HMAC-SHA1`,
  `6543210987654321,${Buffer.from(KEYS[1].secret).toString('hex')},,60,-2,8,urn:ietf:params:xml:ns:keyprov:pskc:totp,HMAC-SHA256`,
  '',
].join('\r\n');

describe('PSKC between nemid-sim and other implementations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nemid-pskc-interop-'));

  it('python-pskc reads what we write (pre-shared key, HMAC-SHA1 and HMAC-SHA256 MACs)', () => {
    for (const mac of ['hmac-sha1', 'hmac-sha256'] as const) {
      const file = join(dir, `ours-${mac}.xml`);
      writeFileSync(file, writePskc(KEYS, { psk: PSK, mac, random: seededRandom(3) }));
      expect(run(PSKC2CSV, ['-s', PSK_HEX, '-e', 'hex', '-c', COLUMNS, file])).toBe(EXPECTED_CSV);
    }
  });

  it('python-pskc reads what we write with a password (PBKDF2)', () => {
    const file = join(dir, 'ours-password.xml');
    writeFileSync(
      file,
      writePskc(KEYS, { password: 'hunter2 hunter2', iterations: 2000, random: seededRandom(4) }),
    );
    expect(run(PSKC2CSV, ['-p', 'hunter2 hunter2', '-e', 'hex', '-c', COLUMNS, file])).toBe(EXPECTED_CSV);
  });

  it('libpskc finds what we write valid against the RFC 6030 schema', () => {
    const file = join(dir, 'ours-schema.xml');
    writeFileSync(file, writePskc(KEYS, { psk: PSK, random: seededRandom(5) }));
    // libpskc's own parser warns on stderr that it does not know EncryptionKey and MACMethod; the
    // verdict on stdout is the schema validation's.
    expect(run(PSKCTOOL, ['--validate', file], false)).toBe('OK\n');
    writeFileSync(file, '<KeyContainer xmlns="urn:ietf:params:xml:ns:keyprov:pskc" Version="1.0"/>');
    expect(spawnSync(PSKCTOOL, ['--validate', file], { encoding: 'utf8' }).stdout).toBe('FAIL\n');
  });

  it('we read what python-pskc writes, MACs checked', () => {
    const csv = join(dir, 'keys.csv');
    writeFileSync(
      csv,
      [
        'id,serial,secret,algorithm,response_length,counter',
        `k1,1111222233334444,${Buffer.from(KEYS[0].secret).toString('hex')},urn:ietf:params:xml:ns:keyprov:pskc:hotp,8,99`,
        '',
      ].join('\n'),
    );
    for (const [flag, secrets] of [
      ['-s', { psk: PSK }],
      ['-p', { password: PSK_HEX }],
    ] as const) {
      const xml = run(CSV2PSKC, ['-e', 'hex', flag, PSK_HEX, csv]);
      const doc = parsePskc(xml, secrets);
      expect(doc.mac).toBe('hmac-sha1');
      expect(doc.keys).toEqual([
        {
          id: 'k1',
          kind: 'hotp',
          serial: '1111222233334444',
          algorithm: 'sha1',
          digits: 8,
          secret: KEYS[0].secret,
          counter: 99,
        },
      ]);
    }
  });
});
