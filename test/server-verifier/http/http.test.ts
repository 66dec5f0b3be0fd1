/** Log-on and signing over HTTP: the endpoints backends use, with their bodies as before Fastify. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cardKey,
  enrolCardUser,
  hotpCode,
  RACE_PASSWORD,
  RACE_PROVIDER,
  type RaceUser,
  TOKEN_SECRET,
} from '../stores/concurrency-setup.js';
import { startService, type TestService } from './service.js';

let s: TestService;
const logon = (u: RaceUser, password = RACE_PASSWORD) =>
  s.call('/v1/logon', { userId: u.login, password, providerId: RACE_PROVIDER, ip: '192.0.2.7' });

let next = 1;
/** A fresh user with a password and a card (each test its own, on one service). */
const newUser = () => enrolCardUser(s.verifier, next++);

beforeAll(async () => {
  s = await startService();
});
afterAll(() => s.close());

describe('HTTP service: log-on and signing', () => {
  it('answers /health', async () => {
    const r = await s.call('/health', undefined, { key: 'none' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true });
  });

  it('logs a user on with password and card key, and refuses the same challenge again', async () => {
    const u = await newUser();
    const first = await logon(u);
    expect(first.status).toBe(200);
    const c = first.body.challenge;
    expect(c).toMatchObject({
      factor: 'card',
      cardNumber: expect.stringMatching(/^A000-000-\d{3}$/),
      purpose: 'logon',
    });
    expect(c.keyNumber).toMatch(/^\d{4}$/);
    const done = await s.call('/v1/logon/complete', {
      challengeId: c.challengeId,
      key: cardKey(c.keyNumber),
    });
    expect(done.status).toBe(200);
    expect(done.body.result).toEqual({
      userId: u.userId,
      factor: 'card',
      identity: { kind: 'cpr', cpr: expect.stringMatching(/^01019012\d\d$/) },
      mustChangePassword: false,
      tokenActivated: false,
    });
    const again = await s.call('/v1/logon/complete', {
      challengeId: c.challengeId,
      key: cardKey(c.keyNumber),
    });
    expect(again).toMatchObject({ status: 410, body: { error: { code: 'AUTH003' } } });
  });

  it('shows a challenge again by its id, and 404 once it is answered', async () => {
    const u = await newUser();
    const c = (await logon(u)).body.challenge;
    const shown = await s.call('/v1/challenge', { challengeId: c.challengeId });
    expect(shown.body.challenge).toEqual(c);
    await s.call('/v1/logon/complete', { challengeId: c.challengeId, key: cardKey(c.keyNumber) });
    const gone = await s.call('/v1/challenge', { challengeId: c.challengeId });
    expect(gone).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('refuses a wrong password with AUTH001, then locks with LOCK001 after 5 (ID-3)', async () => {
    const u = await newUser();
    for (let i = 0; i < 4; i++) {
      const r = await logon(u, `wrong-${i}x`);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: 'AUTH001', message: 'Wrong user id or password.' } });
    }
    expect(await logon(u, 'wrong-5x')).toMatchObject({ status: 423, body: { error: { code: 'LOCK001' } } });
    expect(await logon(u)).toMatchObject({ status: 423, body: { error: { code: 'LOCK001' } } });
  });

  it('answers an unknown user id exactly like a wrong password', async () => {
    const u = await newUser();
    const unknown = await s.call('/v1/logon', {
      userId: '999999999',
      password: 'whatever1',
      providerId: RACE_PROVIDER,
    });
    const wrong = await s.call('/v1/logon', {
      userId: u.login,
      password: 'whatever1',
      providerId: RACE_PROVIDER,
    });
    expect(unknown.status).toBe(401);
    expect(unknown.text).toBe(wrong.text);
  });

  it("gives an unknown provider's 404 with exactly the library's sentence (#16)", async () => {
    const u = await newUser();
    const r = await s.call('/v1/logon', { userId: u.login, password: RACE_PASSWORD, providerId: 'nobank' });
    expect(r).toMatchObject({ status: 404 });
    expect(r.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Unknown service provider.' } });
  });

  it('signs a batch with one key, bound to the exact batch (KC-7)', async () => {
    const u = await newUser();
    const transactions = ['Pay 100.00 DKK to 1234-5678901', 'Pay 25.50 DKK to 9876-5432109'];
    const start = await s.call('/v1/sign', { userId: u.userId, providerId: RACE_PROVIDER, transactions });
    expect(start.status).toBe(200);
    const c = start.body.challenge;
    expect(c.batchDigest).toMatch(/^[0-9a-f]{64}$/);
    const other = await s.call('/v1/sign/complete', {
      challengeId: c.challengeId,
      key: cardKey(c.keyNumber),
      transactions: [transactions[0]],
    });
    expect(other).toMatchObject({ status: 409, body: { error: { code: 'AUTH009' } } });

    const c2 = (await s.call('/v1/sign', { userId: u.userId, providerId: RACE_PROVIDER, transactions })).body
      .challenge;
    const ok = await s.call('/v1/sign/complete', {
      challengeId: c2.challengeId,
      key: cardKey(c2.keyNumber),
      transactions,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toMatchObject({
      transactionCount: 2,
      batchDigest: c2.batchDigest,
      factor: 'card',
    });
  });

  it('activates a key display by "switch to token" (T-7) and asks for its next code on a resync', async () => {
    const u = await newUser();
    await s.verifier.registerTokens([{ serial: '1000 2000 3000 0001', kind: 'hotp', secret: TOKEN_SECRET }]);
    await s.verifier.assignToken(u.userId, '1000 2000 3000 0001');
    const card = (await logon(u)).body.challenge;
    expect(card.canSwitchToToken).toBe(true);
    const sw = await s.call('/v1/logon/switch-to-token', { challengeId: card.challengeId });
    expect(sw.body.challenge).toMatchObject({
      factor: 'token',
      activation: true,
      tokenSerial: '1000 2000 3000 0001',
    });
    const act = await s.call('/v1/logon/complete', {
      challengeId: sw.body.challenge.challengeId,
      key: hotpCode(0),
    });
    expect(act.body.result).toMatchObject({ factor: 'token', tokenActivated: true });

    // 50 presses without logging on: beyond the look-ahead, so the next code is asked for (AUTH011).
    const t = (await logon(u)).body.challenge;
    const far = await s.call('/v1/logon/complete', { challengeId: t.challengeId, key: hotpCode(50) });
    expect(far.status).toBe(409);
    expect(far.body.error.code).toBe('AUTH011');
    const retry = far.body.challenge;
    expect(retry).toMatchObject({ factor: 'token', purpose: 'logon' });
    const next = await s.call('/v1/logon/complete', { challengeId: retry.challengeId, key: hotpCode(51) });
    expect(next.status).toBe(200);
  });
});

describe('HTTP service: input checked at the edge', () => {
  it.each([
    ['a missing field', { password: 'x', providerId: 'bank' }, '"userId" is required.'],
    [
      'a field of the wrong type',
      { userId: 123456789, password: 'x', providerId: 'bank' },
      '"userId" must be a string.',
    ],
    [
      'an unknown field',
      { userId: 'a', password: 'x', providerId: 'bank', pasword: 'x' },
      'Unknown field "pasword".',
    ],
    [
      'an over-long password',
      { userId: 'a', password: 'x'.repeat(129), providerId: 'bank' },
      '"password" is longer than 128 characters.',
    ],
    [
      'a bad IP address',
      { userId: 'a', password: 'x', providerId: 'bank', ip: 'localhost' },
      '"ip" is not an IP address.',
    ],
    [
      'control characters',
      { userId: 'a\u0000b', password: 'x', providerId: 'bank' },
      '"userId" holds control characters.',
    ],
    ['an array body', [1, 2], 'The body must be a JSON object.'],
  ])('refuses %s with 400 INVALID_INPUT and one sentence', async (_, body, message) => {
    const r = await s.call('/v1/logon', body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: { code: 'INVALID_INPUT', message } });
  });

  it('does not echo a rejected value', async () => {
    const r = await s.call('/v1/logon/complete', { challengeId: 'abc', key: 'my-secret-key' });
    expect(r.status).toBe(400);
    expect(r.text).not.toContain('my-secret-key');
  });

  it('refuses bad JSON, a non-JSON body, a huge body, a wrong method and an unknown path', async () => {
    expect((await s.call('/v1/logon', '{"userId": ')).status).toBe(400);
    const form = await s.call('/v1/logon', 'userId=a', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form).toMatchObject({ status: 415, body: { error: { code: 'INVALID_INPUT' } } });
    expect((await s.call('/v1/sign', { transactions: ['x'.repeat(70_000)] })).status).toBe(413);
    const get = await s.call('/v1/logon', undefined, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(get.body.error.code).toBe('INVALID_INPUT');
    expect(await s.call('/v1/nothing', {})).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    const empty = await s.call('/v1/sign', { userId: 'u', providerId: 'bank', transactions: [] });
    expect(empty.body.error.message).toBe('"transactions" must have at least 1 item.');
  });
});
