/** The back office over HTTP: a NemID's whole life through /v1/admin, and the two API keys. */
import { createCardEngine, createOtpEngine, formatCode } from '@nemid-sim/core';
import { createMemoryStore } from '@nemid-sim/server-verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RACE_NOW, raceVerifier } from '../stores/concurrency-setup.js';
import { ADMIN_KEY, BACKEND_KEY, startService, type TestService } from './service.js';

let s: TestService;
const PASSWORD = 'hemmelig42';
const CARD_SECRET = 'ab'.repeat(32);
const TOKEN_SECRET = '3132333435363738393031323334353637383930';
const cardKey = (secretHex: string, keyNumber: string) => {
  const engine = createCardEngine(new Uint8Array(Buffer.from(secretHex, 'hex')));
  return formatCode(engine.key(engine.slotOf(Number(keyNumber))), 6);
};
const hotp = (counter: number) =>
  formatCode(createOtpEngine(new Uint8Array(Buffer.from(TOKEN_SECRET, 'hex')), 'sha1').hotp(counter, 6), 6);

beforeAll(async () => {
  s = await startService();
  const p = await s.call(
    '/v1/admin/providers/bank',
    { name: 'Bank', cprApproved: true, isBank: true },
    { method: 'PUT' },
  );
  expect(p).toMatchObject({ status: 200, body: { ok: true } });
});
afterAll(() => s.close());

async function enrol(cpr: string, extra: Record<string, unknown> = {}) {
  const r = await s.call('/v1/admin/users', { name: 'Anna Jensen', cpr, password: PASSWORD, ...extra });
  expect(r.status).toBe(200);
  return r.body as unknown as { userId: string; nemIdNumber: string; eligibility: string };
}

async function logon(login: string, password = PASSWORD) {
  return s.call('/v1/logon', { userId: login, password, providerId: 'bank' });
}

/** A full log-on with the card secret; returns the result or the refusal. */
async function logonWithCard(login: string, secretHex: string, password = PASSWORD) {
  const start = await logon(login, password);
  if (start.status !== 200) return start;
  const c = start.body.challenge;
  return s.call('/v1/logon/complete', { challengeId: c.challengeId, key: cardKey(secretHex, c.keyNumber) });
}

describe('admin API keys', () => {
  it('refuses an admin endpoint with the backend key and a backend endpoint with the admin key', async () => {
    const asBackend = await s.call('/v1/admin/users/find', { loginId: '123456789' }, { key: 'backend' });
    expect(asBackend).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(asBackend.headers.get('www-authenticate')).toBe('Bearer');
    const asAdmin = await s.call(
      '/v1/logon',
      { userId: 'a', password: 'b', providerId: 'bank' },
      { key: 'admin' },
    );
    expect(asAdmin).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    const none = await s.call(
      '/v1/logon',
      { userId: 'a', password: 'b', providerId: 'bank' },
      { key: 'none' },
    );
    expect(none.status).toBe(401);
    const near = await s.call(
      '/v1/admin/users/find',
      { loginId: '123456789' },
      { key: `${ADMIN_KEY.slice(0, -1)}X` },
    );
    expect(near.status).toBe(401);
    expect((await s.call('/v1/admin/users/find', { loginId: '123456789' })).status).toBe(404);
    expect(BACKEND_KEY).not.toBe(ADMIN_KEY);
  });

  it('keeps the admin endpoints off when no admin key is configured', async () => {
    const open = await startService({ keys: false });
    try {
      const r = await open.call('/v1/admin/users/find', { loginId: '123456789' }, { key: 'none' });
      expect(r).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
      expect(r.body.error.message).toMatch(/without an admin API key/);
      const logon = await open.call(
        '/v1/logon',
        { userId: 'a1', password: 'b', providerId: 'x' },
        { key: 'none' },
      );
      expect(logon.status).toBe(404);
    } finally {
      await open.close();
    }
  });

  it('refuses two equal keys and a short key at start', async () => {
    const v = raceVerifier(createMemoryStore(), 'keys');
    const { startVerifierHttpServer } = await import('@nemid-sim/server-verifier/http');
    await expect(
      startVerifierHttpServer(v, { port: 0, backendKey: ADMIN_KEY, adminKey: ADMIN_KEY }),
    ).rejects.toThrow(/must differ/);
    await expect(startVerifierHttpServer(v, { port: 0, adminKey: 'short' })).rejects.toThrow(/16 characters/);
  });
});

describe('a NemID from enrolment to deletion', () => {
  it('enrols, finds by NemID number, CPR and alias, shows and changes the profile', async () => {
    const u = await enrol('010190-1001', { alias: 'anna.j', mobile: '+4512345678' });
    expect(u).toMatchObject({ nemIdNumber: expect.stringMatching(/^\d{9}$/), eligibility: 'full' });
    for (const loginId of [u.nemIdNumber, '010190-1001', '0101901001', 'Anna.J']) {
      const found = await s.call('/v1/admin/users/find', { loginId });
      expect(found.body.user).toMatchObject({
        userId: u.userId,
        alias: 'anna.j',
        status: 'active',
        cpr: '010190-1001',
      });
    }
    expect(await s.call('/v1/admin/users/find', { loginId: 'nobody.here' })).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    const profile = await s.call(`/v1/admin/users/${u.userId}/profile`, {
      address: 'Vej 1, 8000 Aarhus',
      email: null,
    });
    expect(profile.status).toBe(200);
    const shown = await s.call(`/v1/admin/users/${u.userId}`);
    expect(shown.body.user).toMatchObject({
      address: 'Vej 1, 8000 Aarhus',
      mobile: '+4512345678',
      email: null,
    });
    expect((await s.call('/v1/admin/users/nosuchuser')).status).toBe(404);
  });

  it('issues cards (drawn and imported), lists them, and blocks a lost one (KC-5)', async () => {
    const u = await enrol('010190-1002');
    const drawn = await s.call(`/v1/admin/users/${u.userId}/cards`, { cardNumber: 'B000-000-002' });
    expect(drawn.body).toEqual({
      cardNumber: 'B000-000-002',
      secret: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const secret = drawn.body.secret as string;
    expect(await logonWithCard(u.nemIdNumber, secret)).toMatchObject({ status: 200 });

    const imported = await s.call('/v1/admin/cards/import', {
      cards: [
        { userId: u.userId, cardNumber: 'B000-000-003', secret: CARD_SECRET },
        { userId: u.userId, cardNumber: 'B000-000-002', secret: CARD_SECRET },
      ],
    });
    expect(imported.body).toEqual({
      imported: ['B000-000-003'],
      refused: [{ cardNumber: 'B000-000-002', reason: expect.any(String) }],
    });
    const listed = await s.call(`/v1/admin/users/${u.userId}/cards`);
    expect((listed.body.cards as { cardNumber: string }[]).map((c) => c.cardNumber)).toEqual([
      'B000-000-002',
      'B000-000-003',
    ]);

    expect(await s.call('/v1/admin/cards/B000-000-002/block', { reason: 'lost' })).toMatchObject({
      status: 200,
    });
    expect(await s.call('/v1/admin/cards/Z999-999-999/block', { reason: 'found' })).toMatchObject({
      status: 404,
    });
    const after = await s.call(`/v1/admin/users/${u.userId}/cards`);
    expect(after.body.cards).toContainEqual(
      expect.objectContaining({ cardNumber: 'B000-000-002', status: 'blocked' }),
    );
    // The next log-on asks for a key from the imported card.
    expect(await logonWithCard(u.nemIdNumber, CARD_SECRET)).toMatchObject({ status: 200 });

    expect(
      await s.call(`/v1/admin/users/${u.userId}/reorder-threshold`, { keysLeft: 12 }, { method: 'PUT' }),
    ).toMatchObject({ status: 200 });
    expect((await s.call(`/v1/admin/users/${u.userId}`)).body.user).toMatchObject({ reorderThreshold: 12 });
  });

  it('issues a temporary password (ID-3) and lifts a password lock', async () => {
    const u = await enrol('010190-1003');
    await s.call(`/v1/admin/users/${u.userId}/cards`, { cardNumber: 'B000-000-004', secret: CARD_SECRET });
    for (let i = 0; i < 5; i++) await logon(u.nemIdNumber, `wrong-${i}x`);
    expect(await logon(u.nemIdNumber)).toMatchObject({ status: 423, body: { error: { code: 'LOCK001' } } });
    expect(await s.call(`/v1/admin/users/${u.userId}/unlock-password`, {})).toMatchObject({ status: 200 });
    expect(await logon(u.nemIdNumber)).toMatchObject({ status: 200 });

    const sms = await s.call(`/v1/admin/users/${u.userId}/temporary-password`, { channel: 'sms' });
    expect(sms).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    const temp = await s.call(`/v1/admin/users/${u.userId}/temporary-password`, { channel: 'bank' });
    expect(temp.body).toEqual({ password: expect.any(String), sendTo: null });
    const done = await logonWithCard(u.nemIdNumber, CARD_SECRET, temp.body.password as string);
    expect(done.body.result).toMatchObject({ mustChangePassword: true });
  });

  it('blocks and unblocks a NemID (S-4), reads its log as JSON lines, and deletes it (KC-8)', async () => {
    const u = await enrol('010190-1004');
    await s.call(`/v1/admin/users/${u.userId}/cards`, { cardNumber: 'B000-000-005', secret: CARD_SECRET });
    expect(await s.call(`/v1/admin/users/${u.userId}/block`, { reason: 'suspected misuse' })).toMatchObject({
      status: 200,
    });
    expect(await logon(u.nemIdNumber)).toMatchObject({ status: 403, body: { error: { code: 'AUTH005' } } });
    expect(await s.call(`/v1/admin/users/${u.userId}/unblock`, {})).toMatchObject({ status: 200 });
    expect(await logonWithCard(u.nemIdNumber, CARD_SECRET)).toMatchObject({ status: 200 });

    const log = await s.call(`/v1/admin/users/${u.userId}/audit`);
    expect(log.status).toBe(200);
    expect(log.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = log.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; at: number });
    expect(lines.map((l) => l.action)).toEqual(expect.arrayContaining(['nemid-blocked', 'logon']));
    const none = await s.call(`/v1/admin/users/${u.userId}/audit?since=${RACE_NOW + 1}`);
    expect(none).toMatchObject({ status: 200, text: '' });
    const all = await s.call(`/v1/admin/users/${u.userId}/audit?since=0&until=${RACE_NOW + 1}`);
    expect(all.text).toBe(log.text);
    expect((await s.call(`/v1/admin/users/${u.userId}/audit?since=yesterday`)).status).toBe(400);
    expect((await s.call(`/v1/admin/users/${u.userId}/audit?limit=3`)).status).toBe(400);

    expect(await s.call(`/v1/admin/users/${u.userId}`, undefined, { method: 'DELETE' })).toMatchObject({
      status: 200,
    });
    expect((await s.call(`/v1/admin/users/${u.userId}`)).status).toBe(404);
    expect(await logon(u.nemIdNumber)).toMatchObject({ status: 401, body: { error: { code: 'AUTH001' } } });
  });
});

describe('key displays over the admin API', () => {
  it('registers, assigns, blocks and unblocks a key display (T-5, T-8)', async () => {
    const u = await enrol('010190-1005');
    await s.call(`/v1/admin/users/${u.userId}/cards`, { cardNumber: 'B000-000-006', secret: CARD_SECRET });
    const reg = await s.call('/v1/admin/tokens', {
      tokens: [{ tokenSerial: '2000 0000 0000 0001', kind: 'hotp', secret: TOKEN_SECRET }],
    });
    expect(reg.body).toEqual({ registered: 1 });
    expect((await s.call(`/v1/admin/users/${u.userId}/token`)).body).toEqual({ token: null });
    const assigned = await s.call(`/v1/admin/users/${u.userId}/token`, { tokenSerial: '2000000000000001' });
    expect(assigned.body.token).toMatchObject({
      tokenSerial: '2000 0000 0000 0001',
      state: 'assigned',
      kind: 'hotp',
    });

    const card = (await logon(u.nemIdNumber)).body.challenge;
    const sw = await s.call('/v1/logon/switch-to-token', { challengeId: card.challengeId });
    expect(
      await s.call('/v1/logon/complete', { challengeId: sw.body.challenge.challengeId, key: hotp(0) }),
    ).toMatchObject({ status: 200 });
    expect((await s.call(`/v1/admin/users/${u.userId}/token/block`, {})).body.token).toMatchObject({
      state: 'blocked',
    });
    expect((await s.call(`/v1/admin/users/${u.userId}/token/unblock`, {})).body.token).toMatchObject({
      state: 'active',
    });
  });

  it('exports key displays as PSKC and imports them elsewhere, every key or none (T-5)', async () => {
    await s.call('/v1/admin/tokens', {
      tokens: [
        { tokenSerial: '3000 0000 0000 0001', kind: 'hotp', secret: TOKEN_SECRET, counter: 7 },
        { tokenSerial: '3000 0000 0000 0002', kind: 'totp', secret: TOKEN_SECRET, digits: 8 },
      ],
    });
    const psk = '0f'.repeat(16);
    const exported = await s.call('/v1/admin/tokens/pskc/export', { psk });
    expect(exported.status).toBe(200);
    const document = exported.body.document as string;
    expect(document).toMatch(/<(\w+:)?KeyContainer/);
    expect(document).not.toContain(TOKEN_SECRET);
    expect((await s.call('/v1/admin/tokens/pskc/export', {})).body.error.message).toMatch(
      /exactly one of "psk"/,
    );

    const other = await startService();
    try {
      const wrongKey = await other.call('/v1/admin/tokens/pskc', { document, psk: '1e'.repeat(16) });
      expect(wrongKey.status).toBe(400);
      const asXml = await other.call('/v1/admin/tokens/pskc', { document, psk });
      expect(asXml.body.registered).toBeGreaterThanOrEqual(2);
      const again = await other.call('/v1/admin/tokens/pskc', {
        document: Buffer.from(document).toString('base64'),
        encoding: 'base64',
        psk,
      });
      expect(again.status).toBe(409);
      // All or none: the refused import added nothing (the count is as after the first import).
      const reexport = await other.call('/v1/admin/tokens/pskc/export', { password: 'moving-day-2026' });
      expect(reexport.body.document).toMatch(/3000000000000001|3000 0000 0000 0001/);
    } finally {
      await other.close();
    }
  });
});
