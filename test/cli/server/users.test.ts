/** `nemid server user ...`: a NemID's life as an operator runs it, checked through the library. */
import { isVerifierError, type Verifier } from '@nemid-sim/server-verifier';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../helpers/cli-in-process.js';
import {
  addUser,
  cardBatch,
  enrol,
  newServer,
  ok,
  PASSWORD,
  refused,
  type ServerFixture,
  verifierOn,
} from './fixture.js';

let f: ServerFixture;
beforeAll(async () => {
  f = await newServer();
});

/** `nemid server <args> --db ... --master-key-file ...` */
const server = (...args: string[]) => ['server', ...args, ...f.opts];

/**
 * The password step of a log-on: 'ok' when the password was taken (a challenge, or AUTH006 for a
 * user without cards, which comes only after the right password), else the error code.
 */
async function logOn(v: Verifier, userId: string, password: string): Promise<string> {
  try {
    await v.startLogon({ userId, password, providerId: 'bank' });
    return 'ok';
  } catch (e) {
    if (isVerifierError(e, 'AUTH006')) return 'ok';
    if (isVerifierError(e)) return e.code;
    throw e;
  }
}

describe('nemid server user add', () => {
  it('refuses a bad password with exit 2 and one sentence (was exit 3 with two glued sentences)', async () => {
    const add = server('user', 'add', '--name', 'X', '--cpr', '020290-1234', '--password-stdin');
    expect(await refused(add, 'abc\n')).toBe('A password is 6-40 characters, or a 4-digit PIN.');
    expect(await refused(add, '\n')).toBe('give the password on the first line of standard input');
  });

  it('refuses a CPR number that already has a NemID (exit 2)', async () => {
    await addUser(f, ['--cpr', '030390-1234']);
    const again = server('user', 'add', '--name', 'Y', '--cpr', '030390-1234', '--password-stdin');
    expect(await refused(again, `${PASSWORD}\n`)).toBe('That CPR number already has a NemID.');
  });
});

describe('nemid server user show', () => {
  it('finds a user by NemID number, CPR number, alias or internal id, with cards and key display', async () => {
    const u = await addUser(f, ['--cpr', '040490-1234', '--alias', 'anna.j', '--mobile', '+4512345678']);
    const batch = await cardBatch(f, 1);
    const serial = batch.cards[0].serial;
    await ok(server('card', 'import', ...batch.files, '--user', u.nemId, '--card', serial));
    for (const id of [u.nemId, '040490-1234', '0404901234', 'Anna.J', u.userId]) {
      const shown = await ok(server('user', 'show', '--user', id));
      expect(shown).toContain(`NemID number  ${u.nemId}\n`);
      expect(shown).toContain('CPR number    040490-1234\n');
      expect(shown).toContain('alias         anna.j\n');
      expect(shown).toContain('status        active\n');
      expect(shown).toMatch(/^password {6}ok {2}set 20/m);
      expect(shown).toMatch(
        new RegExp(`^card {10}${serial}  active  148 keys left  current  issued 20`, 'm'),
      );
      expect(shown).toContain('key display   none\n');
    }
    const json = JSON.parse(await ok(server('user', 'show', '--user', u.nemId, '--json')));
    expect(json).toMatchObject({
      user: { userId: u.userId, nemIdNumber: u.nemId, cpr: '040490-1234', mobile: '+4512345678' },
      cards: [{ cardNumber: serial, status: 'active', keysLeft: 148, current: true }],
      token: null,
    });
    expect(await refused(server('user', 'show', '--user', '999999999'))).toBe(
      'no user with the id 999999999',
    );
  });
});

describe('passwords: temporary, locks', () => {
  it('issues a temporary password by bank, support or SMS; it works at once', async () => {
    const { verifier, close } = await verifierOn(f);
    try {
      const u = await enrol(verifier, '050590-1234');
      const bank = await ok(server('user', 'temporary-password', '--user', u.nemId, '--channel', 'bank'));
      const password = /^temporary password ([a-z]{5}\d{3})\n$/.exec(bank)?.[1] as string;
      expect(password).toBeDefined();
      expect(await logOn(verifier, u.nemId, password)).toBe('ok');
      expect(await logOn(verifier, u.nemId, PASSWORD)).toBe('AUTH001');
      expect(
        await ok(server('user', 'temporary-password', '--user', u.nemId, '--channel', 'support')),
      ).toMatch(/^temporary password [a-z]{5}\d{3}\n$/);
      const sms = server('user', 'temporary-password', '--user', u.nemId, '--channel', 'sms');
      expect(await refused(sms)).toBe('No mobile number on file.');
      const texted = await enrol(verifier, '060690-1234', { mobile: '+4520202020' });
      expect(
        await ok(server('user', 'temporary-password', '--user', texted.nemId, '--channel', 'sms')),
      ).toMatch(/^temporary password [a-z]{5}\d{3}\nsend by SMS to \+4520202020\n$/);
      const fax = await runInProcess(
        server('user', 'temporary-password', '--user', u.nemId, '--channel', 'fax'),
      );
      expect(fax.status).toBe(2);
      expect(fax.stderr).toMatch(/--channel must be one of bank, support, sms/);
    } finally {
      await close();
    }
  });

  it('lifts a password lock; a password blocked for good needs a temporary one', async () => {
    let now = Date.now();
    const { verifier, close } = await verifierOn(f, () => now);
    try {
      const u = await enrol(verifier, '070790-1234');
      for (let i = 0; i < 4; i++) expect(await logOn(verifier, u.nemId, 'wrong-password')).toBe('AUTH001');
      expect(await logOn(verifier, u.nemId, 'wrong-password')).toBe('LOCK001');
      expect(await logOn(verifier, u.nemId, PASSWORD)).toBe('LOCK001');
      expect(await ok(server('user', 'show', '--user', u.nemId))).toMatch(
        /^password {6}locked until 20\S+Z {2}set /m,
      );
      expect(
        JSON.parse(await ok(server('user', 'show', '--user', u.nemId, '--json'))).password,
      ).toMatchObject({
        state: 'locked',
        temporary: false,
      });
      expect(await ok(server('user', 'unlock', '--user', u.nemId))).toBe(
        `password of NemID ${u.nemId} unlocked\n`,
      );
      expect(await logOn(verifier, u.nemId, PASSWORD)).toBe('ok');

      for (let i = 0; i < 5; i++) await logOn(verifier, u.nemId, 'wrong-password');
      now += 9 * 3600_000; // past the 8-hour lock: the next run of 5 blocks for good
      for (let i = 0; i < 5; i++) await logOn(verifier, u.nemId, 'wrong-password');
      expect(await logOn(verifier, u.nemId, PASSWORD)).toBe('AUTH007');
      expect(await ok(server('user', 'show', '--user', u.nemId))).toMatch(/^password {6}blocked {2}set /m);
      expect(await refused(server('user', 'unlock', '--user', u.nemId))).toBe(
        'The password is blocked for good: issue a temporary password.',
      );
    } finally {
      await close();
    }
  });
});

describe('block, unblock and delete a NemID', () => {
  it('blocks a NemID (S-4): the right password then gets AUTH005; unblocking lets it log on again', async () => {
    const { verifier, close } = await verifierOn(f);
    try {
      const u = await enrol(verifier, '090990-1234');
      expect(await ok(server('user', 'block', '--user', u.nemId))).toBe(`NemID ${u.nemId} blocked\n`);
      expect(await ok(server('user', 'show', '--user', u.nemId))).toContain('status        blocked\n');
      expect(await logOn(verifier, u.nemId, PASSWORD)).toBe('AUTH005');
      expect(await ok(server('user', 'unblock', '--user', u.nemId))).toBe(`NemID ${u.nemId} unblocked\n`);
      expect(await logOn(verifier, u.nemId, PASSWORD)).toBe('ok');
    } finally {
      await close();
    }
  });

  it('deletes a NemID (KC-8) only with --yes; it cannot log on or be found after', async () => {
    const { verifier, close } = await verifierOn(f);
    try {
      const u = await enrol(verifier, '101090-1234', { alias: 'gone.user' });
      const del = server('user', 'delete', '--user', u.nemId);
      expect(await refused(del)).toBe('deleting a NemID cannot be undone: add --yes to confirm');
      expect(await ok(server('user', 'show', '--user', u.nemId))).toContain('status        active');
      expect(await ok([...del, '--yes'])).toBe(`NemID ${u.nemId} deleted\n`);
      for (const id of [u.nemId, 'gone.user', u.userId]) {
        expect(await refused(server('user', 'show', '--user', id))).toBe(`no user with the id ${id}`);
      }
      expect(await refused([...del, '--yes'])).toBe(`no user with the id ${u.nemId}`);
      expect(await logOn(verifier, u.nemId, PASSWORD)).toBe('AUTH001');
    } finally {
      await close();
    }
  });
});
