/** What users do themselves, through the backend: password, alias, site log, a new card, the key display. */
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
let next = 1;
const newUser = () => enrolCardUser(s.verifier, next++);

beforeAll(async () => {
  s = await startService();
});
afterAll(() => s.close());

async function logonWithCard(login: string, password = RACE_PASSWORD, site?: string) {
  const start = await s.call('/v1/logon', {
    userId: login,
    password,
    providerId: RACE_PROVIDER,
    ...(site ? { site } : {}),
  });
  if (start.status !== 200) return start;
  const c = start.body.challenge;
  return s.call('/v1/logon/complete', { challengeId: c.challengeId, key: cardKey(c.keyNumber) });
}

async function auditActions(u: RaceUser): Promise<{ action: string; site: string | null }[]> {
  const r = await s.call(`/v1/admin/users/${u.userId}/audit`);
  return r.text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('self-service over HTTP', () => {
  it('changes the password to a 4-digit PIN (ID-4), and refuses a run like 1234', async () => {
    const u = await newUser();
    const run = await s.call('/v1/self-service/password', { userId: u.userId, password: '1234' });
    expect(run).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(run.body.error.message).toMatch(/run like 1234/);
    expect(await s.call('/v1/self-service/password', { userId: u.userId, password: '4711' })).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    expect(await logonWithCard(u.login, '4711')).toMatchObject({ status: 200 });
    expect((await logonWithCard(u.login)).status).toBe(401);
  });

  it('sets, uses and removes the self-chosen user id (ID-2)', async () => {
    const u = await newUser();
    const set = await s.call('/v1/self-service/alias', { userId: u.userId, alias: 'Bo.Hansen' });
    expect(set.body).toEqual({ alias: 'bo.hansen' });
    expect(await logonWithCard('bo.hansen')).toMatchObject({ status: 200 });
    expect((await s.call('/v1/self-service/alias', { userId: u.userId, alias: '12' })).status).toBe(400);
    expect((await s.call('/v1/self-service/alias', { userId: u.userId, alias: null })).body).toEqual({
      alias: null,
    });
    expect((await logonWithCard('bo.hansen')).status).toBe(401);
  });

  it('opts in to the site log (S-1) and orders a new card (KC-3)', async () => {
    const u = await newUser();
    await logonWithCard(u.login, RACE_PASSWORD, 'shop.example');
    expect(await s.call('/v1/self-service/site-logging', { userId: u.userId, on: true })).toMatchObject({
      status: 200,
    });
    await logonWithCard(u.login, RACE_PASSWORD, 'bank.example');
    const sites = (await auditActions(u)).filter((l) => l.action === 'logon').map((l) => l.site);
    expect(sites).toEqual([null, 'bank.example']);

    expect(await s.call('/v1/self-service/order-card', { userId: u.userId, reason: 'lost' })).toMatchObject({
      status: 200,
    });
    expect((await auditActions(u)).map((l) => l.action)).toContain('card-ordered-lost');
    expect((await s.call('/v1/self-service/order-card', { userId: u.userId, reason: 'bored' })).status).toBe(
      400,
    );
  });

  it('blocks and unblocks the key display with a card key (T-8)', async () => {
    const u = await newUser();
    const serial = '1000 2000 3000 0100';
    await s.verifier.registerTokens([{ serial, kind: 'hotp', secret: TOKEN_SECRET }]);
    await s.verifier.assignToken(u.userId, serial);
    const card = (
      await s.call('/v1/logon', { userId: u.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER })
    ).body.challenge;
    const sw = await s.call('/v1/logon/switch-to-token', { challengeId: card.challengeId });
    await s.call('/v1/logon/complete', { challengeId: sw.body.challenge.challengeId, key: hotpCode(0) });

    const start = await s.call('/v1/self-service/token-action', {
      userId: u.userId,
      action: 'block',
      ip: '192.0.2.9',
    });
    expect(start.body.challenge).toMatchObject({ factor: 'card', purpose: 'token-block' });
    const c = start.body.challenge;
    const done = await s.call('/v1/self-service/token-action/complete', {
      challengeId: c.challengeId,
      key: cardKey(c.keyNumber),
    });
    expect(done.body.result).toEqual({ action: 'block', tokenSerial: serial, state: 'blocked' });

    const replace = await s.call('/v1/self-service/token-action', { userId: u.userId, action: 'replace' });
    expect(replace).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    const un = (await s.call('/v1/self-service/token-action', { userId: u.userId, action: 'unblock' })).body
      .challenge;
    const wrong = await s.call('/v1/self-service/token-action/complete', {
      challengeId: un.challengeId,
      key: '000000',
    });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'AUTH002' } } });
  });
});
