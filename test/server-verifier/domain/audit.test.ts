import { describe, expect, it } from 'vitest';
import {
  BANK,
  cardChallenge,
  codeOf,
  enrolWithCard,
  keyFor,
  makeHarness,
  PASSWORD,
  SHOP,
} from './harness.js';

describe('audit log (S-1)', () => {
  it('records every attempt with time, user, IP, provider, factor and outcome, and nothing secret', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const origin = { providerId: SHOP, ip: '203.0.113.5', site: 'shop.example' };
    await codeOf(h.verifier.startLogon({ ...origin, userId: u.nemIdNumber, password: 'wrong-pw1' }));
    const c = cardChallenge(
      await h.verifier.startLogon({ ...origin, userId: u.nemIdNumber, password: PASSWORD }),
    );
    const key = keyFor(u.secret, c.keyNumber);
    const wrongKey = key === '123456' ? '654321' : '123456';
    await codeOf(h.verifier.completeLogon(c.challengeId, wrongKey));
    const c2 = cardChallenge(
      await h.verifier.startLogon({ ...origin, userId: u.nemIdNumber, password: PASSWORD }),
    );
    const key2 = keyFor(u.secret, c2.keyNumber);
    await h.verifier.completeLogon(c2.challengeId, key2);
    const log = await h.verifier.auditLog(u.userId);
    const attempts = log.filter((e) => e.action.startsWith('logon'));
    expect(attempts.map((e) => [e.action, e.factor, e.outcome])).toEqual([
      ['logon-password', 'password', 'AUTH001'],
      ['logon-password', 'password', 'ok'],
      ['logon', 'card', 'AUTH002'],
      ['logon-password', 'password', 'ok'],
      ['logon', 'card', 'ok'],
    ]);
    for (const e of attempts) {
      expect(e).toMatchObject({
        userId: u.userId,
        ip: '203.0.113.5',
        providerId: SHOP,
        site: null,
        at: h.clock.now,
      });
    }
    const text = JSON.stringify(log);
    for (const secret of [PASSWORD, 'wrong-pw1', key, wrongKey, key2, c.challengeId, c2.challengeId]) {
      expect(text).not.toContain(secret);
    }
  });

  it('logs the website only for users who opted in', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    await h.verifier.setSiteLogging(u.userId, true);
    const c = cardChallenge(
      await h.verifier.startLogon({
        userId: u.nemIdNumber,
        password: PASSWORD,
        providerId: BANK,
        site: 'netbank.example',
      }),
    );
    await h.verifier.completeLogon(c.challengeId, keyFor(u.secret, c.keyNumber));
    const sites = (await h.verifier.auditLog(u.userId))
      .filter((e) => e.action.startsWith('logon'))
      .map((e) => e.site);
    expect(sites).toEqual(['netbank.example', 'netbank.example']);
  });

  it('logs attempts on unknown user ids without naming a user', async () => {
    const h = makeHarness();
    await enrolWithCard(h);
    await codeOf(
      h.verifier.startLogon({ userId: '999999999', password: PASSWORD, providerId: BANK, ip: '203.0.113.9' }),
    );
    // Such entries are kept, but belong to no user's own log.
    const all = await h.store.listAudit('');
    expect(all).toEqual([]);
  });
});
