import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOtpEngine, formatCode } from '@nemid-sim/core';
import { parsePskc } from '@nemid-sim/pskc';
import jsqr from 'jsqr';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { FIGURE_3, FIGURE_6 } from '../pskc/rfc6030-figures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nemid-cli-pskc-'));
});

const START = ['--clock', 'virtual', '--start', '2026-01-01T00:00:00Z'];

async function ok(args: string[]) {
  const r = await runInProcess(args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

/** A refusal: exit 2, nothing on stdout, one line on stderr; returns that line. */
async function refused(args: string[]): Promise<string> {
  const r = await runInProcess(args);
  expect(r.stdout).toBe('');
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^nemid: [^\n]+\n$/);
  return r.stderr.slice('nemid: '.length, -1);
}

async function pskFile(name = 'k') {
  const file = join(dir, name);
  const r = await runInProcess(['keygen', '--psk', '--out', file]);
  expect(r.status).toBe(0);
  return file;
}

describe('nemid keygen --psk', () => {
  it('writes 32 hex digits with mode 0600 and leaves an existing file alone', async () => {
    const file = await pskFile();
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{32}\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const before = readFileSync(file, 'utf8');
    expect(await refused(['keygen', '--psk', '--out', file])).toBe(
      `${file} already exists (use --force to replace it)`,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    await runInProcess(['keygen', '--psk', '--out', file, '--force']);
    expect(readFileSync(file, 'utf8')).not.toBe(before);
  });
});

describe('nemid device batch and pskc-check', () => {
  it('makes device files and a delivery that gives their secrets; a device shows the delivery\u2019s codes', async () => {
    const psk = await pskFile();
    const out = join(dir, 'devices');
    const pskc = join(dir, 'delivery.xml');
    const made = await ok([
      'device',
      'batch',
      '--count',
      '4',
      '--out-dir',
      out,
      '--pskc',
      pskc,
      '--psk-file',
      psk,
      '--mode',
      'hotp',
      '--digits',
      '8',
      '--seed',
      '3',
      ...START,
    ]);
    expect(made).toBe(
      `made 4 HOTP devices in ${out} (8 digits, SHA1) and their PSKC delivery ${pskc}: secrets encrypted with AES-128-CBC under the pre-shared key, HMAC-SHA1 MACs\n`,
    );
    expect(statSync(pskc).mode & 0o777).toBe(0o600);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(4);
    const { keys } = parsePskc(readFileSync(pskc), {
      psk: new Uint8Array(Buffer.from(readFileSync(psk, 'utf8').trim(), 'hex')),
    });
    for (const file of files) {
      const device = JSON.parse(readFileSync(join(out, file), 'utf8'));
      expect(statSync(join(out, file)).mode & 0o777).toBe(0o600);
      expect(file).toBe(`${device.serial}.json`);
      const key = keys.find((k) => k.serial === device.serial)!;
      expect(Buffer.from(key.secret!).toString('hex')).toBe(device.secretHex);
      expect(key).toMatchObject({ kind: 'hotp', digits: 8, counter: 0, manufacturer: 'nemid-sim' });
    }
    const first = join(out, files[0]);
    const code = (await ok(['device', 'press', '--device', first])).trim();
    const key = keys.find((k) => `${k.serial}.json` === files[0])!;
    expect(code).toBe(formatCode(createOtpEngine(key.secret!).hotp(0, 8), 8));

    const checked = await ok(['device', 'pskc-check', '--pskc', pskc, '--psk-file', psk]);
    const lines = checked.trim().split('\n');
    expect(lines[0]).toBe(
      `${pskc}: 4 keys, secrets encrypted under the pre-shared key, every HMAC-SHA1 MAC checked`,
    );
    expect(lines.slice(1).sort()).toEqual(
      keys
        .map(
          (k) =>
            `${k.serial!.replace(/(\d{4})(?=\d)/g, '$1 ')}  HOTP SHA1  8 digits  counter 0  20-byte secret`,
        )
        .sort(),
    );
    const json = JSON.parse(await ok(['device', 'pskc-check', '--pskc', pskc, '--psk-file', psk, '--json']));
    expect(json.keys).toHaveLength(4);
    expect(JSON.stringify(json)).not.toContain(JSON.parse(readFileSync(first, 'utf8')).secretHex);
  });

  it('all or nothing: an existing delivery is not replaced, and no device file is written', async () => {
    const psk = await pskFile();
    const out = join(dir, 'devices');
    const pskc = join(dir, 'delivery.xml');
    writeFileSync(pskc, 'an earlier delivery');
    const args = [
      'device',
      'batch',
      '--count',
      '3',
      '--out-dir',
      out,
      '--pskc',
      pskc,
      '--psk-file',
      psk,
      ...START,
    ];
    expect(await refused(args)).toBe(`${pskc} exists already (use --force to replace it)`);
    expect(readFileSync(pskc, 'utf8')).toBe('an earlier delivery');
    expect(() => readdirSync(out)).toThrow();
    expect(
      await refused(['device', 'batch', '--count', '3', '--out-dir', out, '--pskc', join(dir, 'x.xml')]),
    ).toBe(
      'the delivery needs a key: --psk-file FILE (make one with: nemid keygen --psk --out FILE) or --password-file FILE',
    );
  });

  it('a password file instead of a pre-shared key', async () => {
    const password = join(dir, 'password');
    writeFileSync(password, 'correct horse battery staple\n');
    const pskc = join(dir, 'd.xml');
    await ok([
      'device',
      'batch',
      '--count',
      '2',
      '--out-dir',
      join(dir, 'd'),
      '--pskc',
      pskc,
      '--password-file',
      password,
      '--mac',
      'hmac-sha256',
      ...START,
    ]);
    expect(parsePskc(readFileSync(pskc), { password: 'correct horse battery staple' }).mac).toBe(
      'hmac-sha256',
    );
    expect(
      (await ok(['device', 'pskc-check', '--pskc', pskc, '--password-file', password])).split('\n')[0],
    ).toBe(
      `${pskc}: 2 keys, secrets encrypted under the key made from the password, every HMAC-SHA256 MAC checked`,
    );
  });

  it('bad deliveries: one line, exit 2, for each', async () => {
    const psk = await pskFile();
    const rfcPsk = join(dir, 'rfc-psk');
    writeFileSync(rfcPsk, '12345678901234567890123456789012\n');
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const check = (path: string, key = rfcPsk) =>
      refused(['device', 'pskc-check', '--pskc', path, '--psk-file', key]);
    expect(await check(file('trunc.xml', FIGURE_6.slice(0, 700)))).toMatch(
      /^the document is not well-formed XML \(/,
    );
    expect(await check(file('mac.xml', FIGURE_6.replace('Su+NvtQf', 'Su+NwtQf')))).toBe(
      'the MAC of the secret of key "12345678" does not match: the file was altered, or the pre-shared key is wrong',
    );
    expect(await check(file('key.xml', FIGURE_6), psk)).toMatch(/pre-shared key is wrong$/);
    expect(await check(file('alg.xml', FIGURE_6.replace('pskc:hotp', 'pskc:ocra')))).toBe(
      'key "12345678" uses the algorithm "urn:ietf:params:xml:ns:keyprov:pskc:ocra", which is not supported',
    );
    const dtd =
      'the document has a document type declaration (<!DOCTYPE>); PSKC files never need one, so it is refused';
    const lol = `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>`;
    expect(
      await check(
        file(
          'lol.xml',
          FIGURE_6.replace('<KeyContainer', `${lol}<KeyContainer`).replace('>Issuer<', '>&b;<'),
        ),
      ),
    ).toBe(dtd);
    const xxe = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>';
    expect(
      await check(
        file(
          'xxe.xml',
          FIGURE_6.replace('<KeyContainer', `${xxe}<KeyContainer`).replace('>Issuer<', '>&e;<'),
        ),
      ),
    ).toBe(dtd);
    const big = join(dir, 'big.xml');
    closeSync(openSync(big, 'w'));
    truncateSync(big, 100 * 1024 * 1024);
    expect(await check(big)).toBe(
      'the document is 104857600 bytes, more than the 33554432 bytes a PSKC file may have here',
    );
    expect(await refused(['device', 'pskc-check', '--pskc', file('plain.xml', FIGURE_3)])).toBe(
      'key "12345678" carries its secret in plain text (PlainValue), which is refused',
    );
    expect(
      await ok(['device', 'pskc-check', '--pskc', join(dir, 'plain.xml'), '--allow-plaintext']),
    ).toContain('1 key, secrets in plain text');
    expect(await refused(['device', 'pskc-check', '--pskc', join(dir, 'mac.xml')])).toBe(
      `${join(dir, 'mac.xml')} is encrypted: give its key with --psk-file or --password-file`,
    );
    expect(await check(join(dir, 'missing.xml'))).toBe(`no such file: ${join(dir, 'missing.xml')}`);
  });

  it('as a separate process too: exit code 2 and one line', () => {
    const path = join(dir, 'trunc.xml');
    writeFileSync(path, FIGURE_6.slice(0, 500));
    const r = runCli(['device', 'pskc-check', '--pskc', path, '--allow-missing-mac']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^nemid: the document is not well-formed XML \([^\n]+\)\n$/);
  });
});

/** Reads back the half-block QR code that `device uri --qr` draws (light modules are blocks). */
function decodeTerminalQr(text: string): string | undefined {
  const rows = text.replace(/\n$/, '').split('\n');
  const scale = 4;
  const width = rows[0].length * scale;
  const height = rows.length * 2 * scale;
  const pixels = new Uint8ClampedArray(width * height * 4);
  rows.forEach((row, r) => {
    [...row].forEach((ch, c) => {
      const light = [ch === '█' || ch === '▀', ch === '█' || ch === '▄'];
      light.forEach((isLight, half) => {
        for (let y = 0; y < scale; y++) {
          for (let x = 0; x < scale; x++) {
            const i = (((r * 2 + half) * scale + y) * width + c * scale + x) * 4;
            pixels.fill(isLight ? 255 : 0, i, i + 3);
            pixels[i + 3] = 255;
          }
        }
      });
    });
  });
  // jsqr is CommonJS: under NodeNext its default import is module.exports, whose .default is jsQR.
  return jsqr.default(pixels, width, height)?.data;
}

describe('nemid device uri and device new --uri', () => {
  it('prints the URI, draws it as a QR code a scanner reads, and writes it as SVG', async () => {
    const device = join(dir, 'd.json');
    await ok([
      'device',
      'new',
      '--out',
      device,
      '--mode',
      'hotp',
      '--serial',
      '1234567890123456',
      '--secret',
      '3132333435363738393031323334353637383930',
      ...START,
    ]);
    await ok(['device', 'press', '--device', device]);
    const uri = (await ok(['device', 'uri', '--device', device])).trim();
    expect(uri).toBe(
      'otpauth://hotp/NemID:1234567890123456?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=NemID&algorithm=SHA1&digits=6&counter=1',
    );
    const qr = await ok(['device', 'uri', '--device', device, '--qr']);
    expect(qr).not.toContain('otpauth');
    expect(decodeTerminalQr(qr)).toBe(uri);
    const svg = join(dir, 'qr.svg');
    const r = await runInProcess(['device', 'uri', '--device', device, '--qr-svg', svg]);
    expect(r).toMatchObject({
      status: 0,
      stdout: '',
      stderr: `nemid: wrote the QR code to ${svg} (mode 0600)\n`,
    });
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(statSync(svg).mode & 0o777).toBe(0o600);

    // A device made from that URI continues where the first one is: both show the code for counter 1.
    const twin = join(dir, 'twin.json');
    expect(await ok(['device', 'new', '--out', twin, '--uri', uri, ...START])).toContain(
      'HOTP device 1234 5678 9012 3456',
    );
    expect(await ok(['device', 'press', '--device', twin])).toBe(
      await ok(['device', 'press', '--device', device]),
    );
  });

  it('device new --uri refuses what the device cannot show, and clashing options', async () => {
    const out = join(dir, 'x.json');
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(
      await refused(['device', 'new', '--out', out, '--uri', `otpauth://totp/a?secret=${secret}&digits=10`]),
    ).toBe('the device shows 6 to 9 digits; the URI asks for 10');
    expect(await refused(['device', 'new', '--out', out, '--uri', 'otpauth://totp/a?secret=GEZDGNBV'])).toBe(
      "the device needs a secret of 10 bytes or more; the URI's is 5",
    );
    expect(
      await refused([
        'device',
        'new',
        '--out',
        out,
        '--uri',
        `otpauth://totp/a?secret=${secret}`,
        '--digits',
        '8',
      ]),
    ).toBe('--uri gives the secret, type, algorithm, digits and counter or period; leave out --digits');
    expect(await refused(['device', 'new', '--out', out, '--uri', 'otpauth://totp/a'])).toBe(
      'otpauth URI: the secret parameter is missing',
    );
    expect(() => statSync(out)).toThrow();
  });
});
