import { createMemoryStore, type Store, type Verifier } from '@nemid-sim/server-verifier';
import { type RunningVerifierHttp, startVerifierHttpServer } from '@nemid-sim/server-verifier/http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cardKey,
  enrolCardUser,
  hotpCode,
  prepareRaceUser,
  RACE_PASSWORD,
  RACE_PROVIDER,
  type RaceUser,
  raceVerifier,
  TOKEN_SECRET,
} from '../stores/concurrency-setup.js';

/** The service's JSON reply; a test reads the part it expects and fails if it is missing. */
interface ReplyBody {
  challenge: { challengeId: string; keyNumber: string; [field: string]: unknown };
  result: Record<string, unknown>;
  error: { code: string; message: string };
}

interface Reply {
  status: number;
  body: ReplyBody;
}

let service: RunningVerifierHttp;
let verifier: Verifier;
let logLines: string[];

async function start(options: { apiKey?: string; store?: Store } = {}): Promise<void> {
  verifier = raceVerifier(options.store ?? createMemoryStore(), 'http');
  logLines = [];
  service = await startVerifierHttpServer(verifier, {
    port: 0,
    apiKey: options.apiKey,
    log: (l) => logLines.push(l),
  });
}

async function call(path: string, body: unknown, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}

const logon = (u: RaceUser, password = RACE_PASSWORD) =>
  call('/v1/logon', { userId: u.login, password, providerId: RACE_PROVIDER, ip: '192.0.2.7' });

afterEach(async () => {
  await service.close();
});

describe('HTTP service: log-on and signing', () => {
  beforeEach(() => start());

  it('answers /health', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('logs a user on with password and card key, and refuses the same challenge again', async () => {
    const u = await enrolCardUser(verifier, 1);
    const first = await logon(u);
    expect(first.status).toBe(200);
    const c = first.body.challenge;
    expect(c).toMatchObject({ factor: 'card', cardNumber: 'A000-000-001', purpose: 'logon' });
    expect(c.keyNumber).toMatch(/^\d{4}$/);
    const done = await call('/v1/logon/complete', { challengeId: c.challengeId, key: cardKey(c.keyNumber) });
    expect(done.status).toBe(200);
    expect(done.body.result).toMatchObject({
      userId: u.userId,
      factor: 'card',
      identity: { kind: 'cpr', cpr: '0101901201' },
    });
    const again = await call('/v1/logon/complete', { challengeId: c.challengeId, key: cardKey(c.keyNumber) });
    expect(again).toMatchObject({ status: 410, body: { error: { code: 'AUTH003' } } });
  });

  it('refuses a wrong password with AUTH001, then locks with LOCK001 after 5 (ID-3)', async () => {
    const u = await enrolCardUser(verifier, 1);
    for (let i = 0; i < 4; i++) {
      const r = await logon(u, `wrong-${i}x`);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: 'AUTH001', message: expect.any(String) } });
    }
    expect(await logon(u, 'wrong-5x')).toMatchObject({ status: 423, body: { error: { code: 'LOCK001' } } });
    expect(await logon(u)).toMatchObject({ status: 423, body: { error: { code: 'LOCK001' } } });
  });

  it('answers an unknown user id exactly like a wrong password', async () => {
    const u = await enrolCardUser(verifier, 1);
    const unknown = await call('/v1/logon', {
      userId: '999999999',
      password: 'whatever1',
      providerId: RACE_PROVIDER,
    });
    const wrong = await logon(u, 'whatever1');
    expect(unknown).toEqual({
      status: 401,
      body: { error: { code: 'AUTH001', message: expect.any(String) } },
    });
    expect(wrong).toEqual(unknown);
  });

  it('signs a batch with one key, bound to the exact batch (KC-7)', async () => {
    const u = await enrolCardUser(verifier, 1);
    const transactions = ['Pay 100.00 DKK to 1234-5678901', 'Pay 25.50 DKK to 9876-5432109'];
    const start = await call('/v1/sign', { userId: u.userId, providerId: RACE_PROVIDER, transactions });
    expect(start.status).toBe(200);
    const c = start.body.challenge;
    expect(c.batchDigest).toMatch(/^[0-9a-f]{64}$/);
    const other = await call('/v1/sign/complete', {
      challengeId: c.challengeId,
      key: cardKey(c.keyNumber),
      transactions: [transactions[0]],
    });
    expect(other).toMatchObject({ status: 409, body: { error: { code: 'AUTH009' } } });

    const again = await call('/v1/sign', { userId: u.userId, providerId: RACE_PROVIDER, transactions });
    const c2 = again.body.challenge;
    const ok = await call('/v1/sign/complete', {
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
    const u = await enrolCardUser(verifier, 1);
    await verifier.registerTokens([
      {
        serial: '1000 2000 3000 0001',
        kind: 'hotp',
        secret: TOKEN_SECRET,
      },
    ]);
    await verifier.assignToken(u.userId, '1000 2000 3000 0001');
    const card = (await logon(u)).body.challenge;
    expect(card.canSwitchToToken).toBe(true);
    const sw = await call('/v1/logon/switch-to-token', { challengeId: card.challengeId });
    expect(sw.body.challenge).toMatchObject({
      factor: 'token',
      activation: true,
      tokenSerial: '1000 2000 3000 0001',
    });
    const act = await call('/v1/logon/complete', {
      challengeId: sw.body.challenge.challengeId,
      key: hotpCode(0),
    });
    expect(act.body.result).toMatchObject({ factor: 'token', tokenActivated: true });

    // 50 presses without logging on: beyond the look-ahead, so the next code is asked for (AUTH011).
    const t = (await logon(u)).body.challenge;
    const far = await call('/v1/logon/complete', { challengeId: t.challengeId, key: hotpCode(50) });
    expect(far.status).toBe(409);
    expect(far.body.error.code).toBe('AUTH011');
    const next = await call('/v1/logon/complete', {
      challengeId: far.body.challenge.challengeId,
      key: hotpCode(51),
    });
    expect(next.status).toBe(200);
  });

  it('never writes passwords, keys or codes to its log', async () => {
    const u = await prepareRaceUser(verifier, 1);
    await logon(u, 'Secret-Guess-77');
    const t = (await logon(u)).body.challenge;
    await call('/v1/logon/complete', { challengeId: t.challengeId, key: hotpCode(1) });
    const all = logLines.join('\n');
    expect(logLines.length).toBeGreaterThanOrEqual(3);
    for (const secret of ['Secret-Guess-77', RACE_PASSWORD, hotpCode(1), t.challengeId]) {
      expect(all).not.toContain(secret);
    }
    expect(logLines[0]).toMatch(/^POST \/v1\/logon 401 \d+\.\dms$/);
  });
});

describe('HTTP service: input checked at the edge', () => {
  beforeEach(() => start());

  it.each([
    ['a missing field', { password: 'x', providerId: 'bank' }, /"userId" is required/],
    ['a field of the wrong type', { userId: 123456789, password: 'x', providerId: 'bank' }, /"userId"/],
    [
      'an unknown field',
      { userId: 'a', password: 'x', providerId: 'bank', pasword: 'x' },
      /unknown field "pasword"/,
    ],
    [
      'an over-long password',
      { userId: 'a', password: 'x'.repeat(129), providerId: 'bank' },
      /"password" is longer/,
    ],
    [
      'a bad IP address',
      { userId: 'a', password: 'x', providerId: 'bank', ip: 'localhost' },
      /"ip" is not an IP/,
    ],
    ['control characters', { userId: 'a\u0000b', password: 'x', providerId: 'bank' }, /control characters/],
  ])('refuses %s with 400 INVALID_INPUT', async (_, body, message) => {
    const r = await call('/v1/logon', body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INVALID_INPUT');
    expect(r.body.error.message).toMatch(message);
  });

  it('does not echo a rejected value', async () => {
    const r = await call('/v1/logon/complete', { challengeId: 'abc', key: 'my-secret-key' });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).not.toContain('my-secret-key');
  });

  it('refuses bad JSON, a non-JSON body, a huge body, a wrong method and an unknown path', async () => {
    expect((await call('/v1/logon', '{"userId": ')).status).toBe(400);
    expect((await call('/v1/logon', '[1,2]')).body.error.message).toMatch(/JSON object/);
    const form = await call('/v1/logon', 'userId=a', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect((await call('/v1/sign', { transactions: ['x'.repeat(70_000)] })).status).toBe(413);
    const get = await fetch(`${service.url}/v1/logon`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await call('/v1/nothing', {})).status).toBe(404);
    expect(
      (await call('/v1/sign', { userId: 'u', providerId: 'bank', transactions: [] })).body.error.message,
    ).toMatch(/non-empty array/);
  });
});

describe('HTTP service: API key and internal errors', () => {
  it('requires the API key when one is configured', async () => {
    await start({ apiKey: 'k'.repeat(32) });
    const u = await enrolCardUser(verifier, 1);
    const none = await logon(u);
    expect(none).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    const wrong = await call('/v1/logon', {}, { headers: { authorization: `Bearer ${'x'.repeat(32)}` } });
    expect(wrong.status).toBe(401);
    const right = await call(
      '/v1/logon',
      { userId: u.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER },
      { headers: { 'content-type': 'application/json', authorization: `Bearer ${'k'.repeat(32)}` } },
    );
    expect(right.status).toBe(200);
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
  });

  it('answers a storage failure with 500 INTERNAL and no detail, and logs only its kind', async () => {
    const broken = createMemoryStore();
    broken.getProvider = async () => {
      throw new Error('connection to db-secret-host failed for user nemid');
    };
    await start({ store: broken });
    const r = await call('/v1/logon', { userId: '123456789', password: 'whatever1', providerId: 'bank' });
    expect(r).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: expect.stringMatching(/internal error/) } },
    });
    expect(logLines.join('\n')).not.toContain('db-secret-host');
    expect(logLines).toContain('internal error on POST /v1/logon: Error');
  });
});
