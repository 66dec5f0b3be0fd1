/**
 * Attempt limits: per end-user address and per calling client, on the starts of log-on, signing
 * and token actions; 429 with Retry-After; and never a way to lock a user out.
 */
import { describe, expect, it } from 'vitest';
import { cardKey, enrolCardUser, RACE_PASSWORD, RACE_PROVIDER } from '../stores/concurrency-setup.js';
import { startService } from './service.js';

const minute = 60_000;

describe('attempt limits', () => {
  it('refuses an address past its limit with 429 and Retry-After, and other addresses go on', async () => {
    const s = await startService({
      rateLimits: { perAddress: { max: 3, windowMs: minute }, perClient: { max: 1000, windowMs: minute } },
    });
    try {
      const u = await enrolCardUser(s.verifier, 1);
      const from = (ip: string, password = RACE_PASSWORD) =>
        s.call('/v1/logon', { userId: u.login, password, providerId: RACE_PROVIDER, ip });
      for (let i = 0; i < 3; i++) expect((await from('192.0.2.1', `wrong-${i}x`)).status).toBe(401);
      const limited = await from('192.0.2.1');
      expect(limited).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(limited.body.error.message).toMatch(
        /^Too many attempts from this address; try again in \d+ s\.$/,
      );
      // An IPv6 address counts by its /64: another address in the same network shares the count.
      for (let i = 0; i < 3; i++) expect((await from(`2001:db8::${i + 1}`)).status).toBe(200);
      expect((await from('2001:db8::ffff')).status).toBe(429);
      expect((await from('2001:db8:1::1')).status).toBe(200);
      // Signing starts count too.
      const sign = {
        userId: u.userId,
        providerId: RACE_PROVIDER,
        transactions: ['Pay 1 DKK'],
        ip: '192.0.2.1',
      };
      expect((await s.call('/v1/sign', sign)).status).toBe(429);
      expect((await s.call('/v1/sign', { ...sign, ip: '192.0.2.2' })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it("cannot be used to lock a user out: refused attempts never reach the user's lockout", async () => {
    const s = await startService({
      rateLimits: { perAddress: { max: 4, windowMs: minute }, perClient: { max: 1000, windowMs: minute } },
    });
    try {
      const victim = await enrolCardUser(s.verifier, 1);
      // An attacker at one address tries the victim's id 30 times: 4 reach the verifier.
      const tries = [];
      for (let i = 0; i < 30; i++) {
        tries.push(
          (
            await s.call('/v1/logon', {
              userId: victim.login,
              password: `guess-${i}x`,
              providerId: RACE_PROVIDER,
              ip: '198.51.100.66',
            })
          ).status,
        );
      }
      expect(tries.filter((t) => t === 401)).toHaveLength(4);
      expect(tries.filter((t) => t === 429)).toHaveLength(26);
      // The victim, at another address, is neither rate limited nor locked (5 wrong passwords lock).
      const c = (
        await s.call('/v1/logon', {
          userId: victim.login,
          password: RACE_PASSWORD,
          providerId: RACE_PROVIDER,
          ip: '203.0.113.5',
        })
      ).body.challenge;
      expect(c.factor).toBe('card');
      const done = await s.call('/v1/logon/complete', {
        challengeId: c.challengeId,
        key: cardKey(c.keyNumber),
      });
      expect(done.status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('limits a calling client, and a request refused by its address does not count against the client', async () => {
    const s = await startService({
      rateLimits: { perAddress: { max: 2, windowMs: minute }, perClient: { max: 4, windowMs: minute } },
    });
    try {
      const u = await enrolCardUser(s.verifier, 1);
      const from = (ip?: string) =>
        s.call('/v1/logon', {
          userId: u.login,
          password: RACE_PASSWORD,
          providerId: RACE_PROVIDER,
          ...(ip ? { ip } : {}),
        });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await from('192.0.2.10')).status);
      expect(statuses).toEqual([200, 200, 429, 429, 429]);
      expect((await from('192.0.2.11')).status).toBe(200);
      expect((await from()).status).toBe(200); // no address given: only the client limit applies
      const client = await from('192.0.2.12');
      expect(client).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
      expect(client.body.error.message).toMatch(/from this client/);
      // The key steps are not limited: each answers a challenge that a limited start made.
      for (let i = 0; i < 10; i++) {
        expect((await s.call('/v1/logon/complete', { challengeId: `gone${i}`, key: '123456' })).status).toBe(
          410,
        );
      }
    } finally {
      await s.close();
    }
  });

  it('is off with max 0', async () => {
    const s = await startService({
      rateLimits: { perAddress: { max: 0, windowMs: minute }, perClient: { max: 0, windowMs: minute } },
    });
    try {
      const u = await enrolCardUser(s.verifier, 1);
      for (let i = 0; i < 40; i++) {
        const r = await s.call('/v1/logon', {
          userId: u.login,
          password: RACE_PASSWORD,
          providerId: RACE_PROVIDER,
          ip: '192.0.2.1',
        });
        expect(r.status).toBe(200);
      }
    } finally {
      await s.close();
    }
  });
});
