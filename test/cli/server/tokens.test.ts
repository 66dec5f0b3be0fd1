/**
 * `nemid server token ...`: key displays from a vendor (device files or a PSKC delivery), assigned,
 * blocked and unblocked, and moved to another server in PSKC with their counters (T-5, T-7, T-8).
 */
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verifier } from '@nemid-sim/server-verifier';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../helpers/cli-in-process.js';
import { FIGURE_3 } from '../../pskc/rfc6030-figures.js';
import {
  cardBatch,
  enrol,
  newServer,
  ok,
  PASSWORD,
  refused,
  type ServerFixture,
  verifierOn,
} from './fixture.js';

const server = (f: ServerFixture, ...args: string[]) => ['server', ...args, ...f.opts];

/** A user with a key card, enrolled through the library. */
async function userWithCard(f: ServerFixture, cpr: string): Promise<string> {
  const { verifier, close } = await verifierOn(f);
  const { nemId } = await enrol(verifier, cpr);
  await close();
  const batch = await cardBatch(f, 1);
  await ok(server(f, 'card', 'import', ...batch.files, '--user', nemId, '--card', batch.cards[0].serial));
  return nemId;
}

/** Logs on with the key display's next code: via "switch to key display" while it waits for activation. */
async function logOnWithToken(v: Verifier, nemId: string, device: string) {
  let challenge = await v.startLogon({ userId: nemId, password: PASSWORD, providerId: 'bank' });
  if (challenge.factor === 'card') {
    expect(challenge.canSwitchToToken).toBe(true);
    challenge = await v.switchToToken(challenge.challengeId);
  }
  const code = (await ok(['device', 'press', '--device', device])).trim();
  return v.completeLogon(challenge.challengeId, code);
}

async function tokensIn(f: ServerFixture) {
  const { verifier, close } = await verifierOn(f);
  try {
    return (await verifier.exportTokens()).map((t) => ({
      serial: t.serial,
      counter: t.counter,
      state: t.state,
    }));
  } finally {
    await close();
  }
}

describe('nemid server token register, assign, block, unblock', () => {
  it('takes a device file, gives it to a user, blocks and unblocks it; refusals exit 2', async () => {
    const f = await newServer();
    const nemId = await userWithCard(f, '010190-1234');
    const other = await userWithCard(f, '020290-1234');
    const device = join(f.dir, 'device.json');
    await ok(['device', 'new', '--out', device, '--mode', 'hotp', '--seed', '7', '--clock', 'virtual']);
    const serial = (JSON.parse(readFileSync(device, 'utf8')) as { serial: string }).serial;
    const spaced = serial.replace(/(\d{4})(?=\d)/g, '$1 ');
    expect(await ok(server(f, 'token', 'register', '--device', device))).toBe('registered 1 key display\n');
    expect(await refused(server(f, 'token', 'register', '--device', device))).toBe(
      'A token serial in the batch is already registered.',
    );
    expect(await refused(server(f, 'token', 'block', '--user', nemId))).toBe('The user has no key display.');
    expect(await ok(server(f, 'token', 'assign', '--user', nemId, '--serial', serial))).toBe(
      `assigned ${spaced} (hotp); activate it with "switch to key display"\n`,
    );
    // #16 item 10: a token not in stock exited 3.
    expect(await refused(server(f, 'token', 'assign', '--user', other, '--serial', serial))).toBe(
      'That token is not in stock.',
    );
    expect(await refused(server(f, 'token', 'assign', '--user', other, '--serial', '1'.repeat(16)))).toBe(
      'No such token.',
    );
    expect(await refused(server(f, 'token', 'assign', '--user', other, '--serial', '123'))).toBe(
      'A token serial is 16 digits.',
    );
    expect(await ok(server(f, 'user', 'show', '--user', nemId))).toContain(
      `key display   ${spaced}  HOTP  assigned  activated -  last used -\n`,
    );

    expect(await ok(server(f, 'token', 'block', '--user', nemId))).toBe(
      `key display ${spaced} blocked (now blocked)\n`,
    );
    expect(await refused(server(f, 'token', 'block', '--user', nemId))).toBe(
      'The key display is not in use.',
    );
    const { verifier, close } = await verifierOn(f);
    try {
      const challenge = await verifier.startLogon({ userId: nemId, password: PASSWORD, providerId: 'bank' });
      expect(challenge).toMatchObject({ factor: 'card', canSwitchToToken: false });
      expect(await ok(server(f, 'token', 'unblock', '--user', nemId))).toBe(
        `key display ${spaced} unblocked (now assigned)\n`,
      );
      expect(await refused(server(f, 'token', 'unblock', '--user', nemId))).toBe(
        'The key display is not blocked.',
      );
      expect(await logOnWithToken(verifier, nemId, device)).toMatchObject({
        factor: 'token',
        tokenActivated: true,
      });
    } finally {
      await close();
    }
  });
});

describe('nemid server token import and export (PSKC)', () => {
  let psk: string;
  let delivery: string;
  let devices: string;
  let f: ServerFixture;
  beforeAll(async () => {
    f = await newServer();
    psk = join(f.dir, 'vendor.psk');
    delivery = join(f.dir, 'delivery.xml');
    devices = join(f.dir, 'devices');
    expect((await runInProcess(['keygen', '--psk', '--out', psk])).status).toBe(0);
    await ok([
      'device',
      'batch',
      '--count',
      '3',
      '--mode',
      'hotp',
      '--out-dir',
      devices,
      '--pskc',
      delivery,
      '--psk-file',
      psk,
    ]);
  });

  it('imports a batch; a device logs on; the export moves every counter to another server', async () => {
    expect(await ok(server(f, 'token', 'import', '--pskc', delivery, '--psk-file', psk))).toBe(
      `registered 3 key displays from ${delivery}\n`,
    );
    const nemId = await userWithCard(f, '030390-1234');
    const file = readdirSync(devices).sort()[0];
    const device = join(devices, file);
    await ok(server(f, 'token', 'assign', '--user', nemId, '--serial', file.replace('.json', '')));
    const { verifier, close } = await verifierOn(f);
    try {
      expect(await logOnWithToken(verifier, nemId, device)).toMatchObject({
        factor: 'token',
        tokenActivated: true,
      });
      expect(await logOnWithToken(verifier, nemId, device)).toMatchObject({
        factor: 'token',
        tokenActivated: false,
      });
    } finally {
      await close();
    }
    const before = await tokensIn(f);
    expect(before.map((t) => t.counter).sort()).toEqual([0, 0, 2]);

    const password = join(f.dir, 'move.password');
    writeFileSync(password, 'correct horse battery staple\n', { mode: 0o600 });
    const out = join(f.dir, 'move.xml');
    expect(await ok(server(f, 'token', 'export', '--pskc', out, '--password-file', password))).toBe(
      `exported 3 key displays to ${out} (mode 0600)\n`,
    );
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const written = readFileSync(out, 'utf8');
    expect(await refused(server(f, 'token', 'export', '--pskc', out, '--password-file', password))).toBe(
      `${out} already exists (use --force to replace it)`,
    );
    expect(readFileSync(out, 'utf8')).toBe(written);
    await ok(server(f, 'token', 'export', '--pskc', out, '--password-file', password, '--force'));
    expect(readFileSync(out, 'utf8')).not.toBe(written);

    const g = await newServer();
    expect(await ok(server(g, 'token', 'import', '--pskc', out, '--password-file', password))).toBe(
      `registered 3 key displays from ${out}\n`,
    );
    const after = await tokensIn(g);
    expect(after).toEqual(before.map((t) => ({ ...t, state: 'stock' })));
    // The device goes on where it stopped: its next code activates it on the new server.
    const moved = await userWithCard(g, '040490-1234');
    await ok(server(g, 'token', 'assign', '--user', moved, '--serial', file.replace('.json', '')));
    const next = await verifierOn(g);
    try {
      expect(await logOnWithToken(next.verifier, moved, device)).toMatchObject({ tokenActivated: true });
    } finally {
      await next.close();
    }
  });

  it('refuses a wrong key, a truncated file, a DTD, a missing key and a file too large: exit 2, nothing imported', async () => {
    const g = await newServer();
    const otherPsk = join(g.dir, 'other.psk');
    await runInProcess(['keygen', '--psk', '--out', otherPsk]);
    const xml = readFileSync(delivery, 'utf8');
    const file = (name: string, text: string) => {
      const path = join(g.dir, name);
      writeFileSync(path, text);
      return path;
    };
    const truncated = file('truncated.xml', xml.slice(0, Math.floor(xml.length / 2)));
    const dtd = file('dtd.xml', xml.replace('?>', '?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'));
    const huge = join(g.dir, 'huge.xml');
    writeFileSync(huge, '');
    truncateSync(huge, 33 * 1024 * 1024);
    const imp = (path: string, ...key: string[]) => server(g, 'token', 'import', '--pskc', path, ...key);
    const cases: [string[], RegExp][] = [
      [
        imp(delivery, '--psk-file', otherPsk),
        // A wrong key garbles the MAC key; now and then the garbage still unpads, and the first
        // ValueMAC fails instead. Either way the one sentence says the key is wrong.
        /^The MAC (key|of .+) does not (decrypt|match: the file was altered, or the pre-shared key is wrong)/,
      ],
      [imp(truncated, '--psk-file', psk), /^The document is not well-formed XML \(/],
      [imp(dtd, '--psk-file', psk), /^The document has a document type declaration \(<!DOCTYPE>\)/],
      [imp(delivery), /^The document is encrypted with a pre-shared key; give that key\.$/],
      [
        imp(huge, '--psk-file', psk),
        /^the document is 34603008 bytes, more than the 33554432 bytes a PSKC file may have here$/,
      ],
      [
        imp(delivery, '--psk-file', psk, '--password-file', otherPsk),
        /^give either --psk-file or --password-file, not both$/,
      ],
    ];
    for (const [args, message] of cases) expect(await refused(args)).toMatch(message);
    expect(await tokensIn(g)).toEqual([]);
    const empty = join(g.dir, 'empty.xml');
    expect(await refused(server(g, 'token', 'export', '--pskc', empty, '--psk-file', psk))).toBe(
      'a PSKC document needs at least one key',
    );
    expect(existsSync(empty)).toBe(false);
  });

  it('takes plain-text secrets only with --allow-plaintext, and leaves out unknown keys only with --skip-unsupported', async () => {
    const g = await newServer();
    const plain = FIGURE_3.replace('987654321', '9876543210123456');
    const unknown = plain
      .replace('</KeyContainer>', '')
      .concat(
        plain
          .slice(plain.indexOf('<KeyPackage>'), plain.indexOf('</KeyContainer>'))
          .replace('9876543210123456', '9876543210654321')
          .replace('Id="12345678"', 'Id="87654321"')
          .replace('urn:ietf:params:xml:ns:keyprov:pskc:hotp', 'urn:example:no-such-algorithm'),
        '</KeyContainer>\n',
      );
    const file = join(g.dir, 'plain.xml');
    writeFileSync(file, unknown);
    const imp = (...flags: string[]) => server(g, 'token', 'import', '--pskc', file, ...flags);
    expect(await refused(imp())).toMatch(/in plain text \(PlainValue\), which is refused\.$/);
    expect(await refused(imp('--allow-plaintext'))).toMatch(/urn:example:no-such-algorithm/);
    expect(await tokensIn(g)).toEqual([]);
    const r = await runInProcess(imp('--allow-plaintext', '--skip-unsupported'));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`registered 1 key display from ${file}\n`);
    expect(r.stderr).toMatch(/^nemid: skipped key 87654321: .*urn:example:no-such-algorithm.*\n$/);
    expect(await tokensIn(g)).toEqual([{ serial: '9876 5432 1012 3456', counter: 0, state: 'stock' }]);
  });
});
