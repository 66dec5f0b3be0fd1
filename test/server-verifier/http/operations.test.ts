/** Running the service: its log, metrics, health and readiness, internal errors, purging, shutdown. */
import { createMemoryStore, createVerifier, type Store, VerifierError } from '@nemid-sim/server-verifier';
import { describe, expect, it } from 'vitest';
import {
  cardKey,
  enrolCardUser,
  FAST_SCRYPT,
  MASTER_KEY_HEX,
  RACE_NOW,
  RACE_PASSWORD,
  RACE_PROVIDER,
  raceVerifier,
  seededRandom,
} from '../stores/concurrency-setup.js';
import { ADMIN_KEY, BACKEND_KEY, startService } from './service.js';

/** Waits (bounded) until `check` holds; the test fails if it never does. */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

describe('the log', () => {
  it('is JSON lines with request ids, and holds no password, key, code, challenge id or API key', async () => {
    const s = await startService({ logLevel: 'debug' });
    try {
      const u = await enrolCardUser(s.verifier, 1);
      await s.call('/v1/logon', { userId: u.login, password: 'Secret-Guess-77', providerId: RACE_PROVIDER });
      const c = (
        await s.call('/v1/logon', { userId: u.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER })
      ).body.challenge;
      const key = cardKey(c.keyNumber);
      await s.call('/v1/challenge', { challengeId: c.challengeId });
      expect((await s.call('/v1/logon/complete', { challengeId: c.challengeId, key })).status).toBe(200);
      const temp = await s.call(`/v1/admin/users/${u.userId}/temporary-password`, { channel: 'support' });
      const drawn = await s.call(`/v1/admin/users/${u.userId}/cards`, { cardNumber: 'C000-000-001' });
      await s.call('/v1/logon', '{"userId": "x", "password": "Half-A-Secret-9', { headers: {} });

      const objects = s.logObjects();
      const requests = objects.filter((o) => o.msg === 'request');
      expect(requests.length).toBeGreaterThanOrEqual(7);
      for (const r of requests) {
        expect(r).toMatchObject({
          reqId: expect.any(String),
          method: expect.any(String),
          status: expect.any(Number),
        });
      }
      expect(new Set(requests.map((r) => r.reqId)).size).toBe(requests.length);
      const all = s.log.join('');
      for (const secret of [
        'Secret-Guess-77',
        RACE_PASSWORD,
        key,
        c.challengeId,
        temp.body.password as string,
        drawn.body.secret as string,
        'Half-A-Secret-9',
        BACKEND_KEY,
        ADMIN_KEY,
      ]) {
        expect(secret.length).toBeGreaterThan(5);
        expect(all).not.toContain(secret);
      }
    } finally {
      await s.close();
    }
  });

  it('takes a plain X-Request-Id from the caller and answers with it', async () => {
    const s = await startService();
    try {
      const r = await s.call('/health', undefined, { headers: { 'x-request-id': 'backend-req-42' } });
      expect(r.headers.get('x-request-id')).toBe('backend-req-42');
      const odd = await s.call('/health', undefined, { headers: { 'x-request-id': 'a b{"x":1}' } });
      expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.logObjects().some((o) => o.reqId === 'backend-req-42')).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('logs an internal error with its message and stack, and tells the client nothing of it', async () => {
    const store = createMemoryStore();
    store.getProvider = async () => {
      throw new Error('connection to db-secret-host failed for user nemid');
    };
    const s = await startService({ store });
    try {
      const r = await s.call('/v1/logon', { userId: '123456789', password: 'whatever1', providerId: 'bank' });
      expect(r).toMatchObject({
        status: 500,
        body: { error: { code: 'INTERNAL', message: 'Internal error; the service log has a line for it.' } },
      });
      expect(r.text).not.toContain('db-secret-host');
      const line = s.logObjects().find((o) => o.msg === 'internal error') as {
        err: { message: string; stack: string };
      };
      expect(line.err.message).toContain('db-secret-host');
      expect(line.err.stack).toMatch(/\n\s+at /);
    } finally {
      await s.close();
    }
  });
});

describe('database faults', () => {
  it('answers 503 with Retry-After while the store is unavailable, /ready says so, and both recover', async () => {
    const store = createMemoryStore();
    const real = store.getProvider.bind(store);
    const realChallenge = store.getChallenge.bind(store);
    let down = false;
    const fail = () => {
      throw new VerifierError('UNAVAILABLE', undefined, {
        cause: new Error('terminating connection (57P01)'),
      });
    };
    store.getProvider = async (id) => (down ? fail() : real(id));
    store.getChallenge = async (id) => (down ? fail() : realChallenge(id));
    const s = await startService({ store });
    try {
      const u = await enrolCardUser(s.verifier, 1);
      const body = { userId: u.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER };
      expect((await s.call('/ready', undefined, { key: 'none' })).status).toBe(200);
      down = true;
      const r = await s.call('/v1/logon', body);
      expect(r).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.text).not.toContain('57P01');
      const ready = await s.call('/ready', undefined, { key: 'none' });
      expect(ready).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
      expect(ready.headers.get('retry-after')).toBe('1');
      const warn = s.logObjects().find((o) => o.msg === 'database unavailable') as {
        cause: { message: string };
      };
      expect(warn.cause.message).toContain('57P01');
      down = false;
      // /ready goes on reporting it for a few seconds, unless a request succeeds meanwhile.
      expect((await s.call('/ready', undefined, { key: 'none' })).status).toBe(503);
      expect((await s.call('/v1/logon', body)).status).toBe(200);
      expect((await s.call('/ready', undefined, { key: 'none' })).status).toBe(200);
      const metrics = (await s.call('/metrics', undefined, { key: 'none' })).text;
      expect(metrics).toMatch(/^nemid_database_unavailable_total 1$/m);
    } finally {
      await s.close();
    }
  });
});

describe('metrics', () => {
  it('counts requests, latency, verifications by factor and outcome, and lockouts', async () => {
    const s = await startService();
    try {
      const u = await enrolCardUser(s.verifier, 1);
      const c = (
        await s.call('/v1/logon', { userId: u.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER })
      ).body.challenge;
      await s.call('/v1/logon/complete', { challengeId: c.challengeId, key: '000000' });
      const c2 = (
        await s.call('/v1/logon', { userId: u.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER })
      ).body.challenge;
      await s.call('/v1/logon/complete', { challengeId: c2.challengeId, key: cardKey(c2.keyNumber) });
      for (let i = 0; i < 5; i++) {
        await s.call('/v1/logon', { userId: u.login, password: `wrong-${i}x`, providerId: RACE_PROVIDER });
      }
      const m = await s.call('/metrics', undefined, { key: 'none' });
      expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(m.text).toMatch(/^nemid_verifications_total\{factor="card",outcome="ok"\} 1$/m);
      expect(m.text).toMatch(/^nemid_verifications_total\{factor="card",outcome="AUTH002"\} 1$/m);
      expect(m.text).toMatch(/^nemid_lockouts_total\{factor="password"\} 1$/m);
      expect(m.text).toMatch(/^nemid_password_checks_total\{outcome="LOCK001"\} 1$/m);
      expect(m.text).toMatch(
        /^nemid_http_requests_total\{method="POST",route="\/v1\/logon",status="200"\} 2$/m,
      );
      expect(m.text).toMatch(
        /^nemid_http_request_duration_seconds_bucket\{le="0\.01",method="POST",route="\/v1\/logon\/complete"\} \d+$/m,
      );
      expect(m.text).toMatch(/^nemid_process_cpu_seconds_total /m);
    } finally {
      await s.close();
    }
  });
});

describe('housekeeping and shutdown', () => {
  it('removes expired challenges on its own timer (#16)', async () => {
    let now = RACE_NOW;
    const store = createMemoryStore();
    const verifier = raceVerifier(store, 'purge');
    const clocked = raceVerifierAt(store, () => now);
    const s = await startService({ verifier: clocked, purgeIntervalMs: 20 });
    try {
      const u = await enrolCardUser(verifier, 1);
      const c = (
        await s.call('/v1/logon', { userId: u.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER })
      ).body.challenge;
      expect(await store.getChallenge(c.challengeId)).not.toBeNull();
      now = Number(c.expiresAt) + 1;
      await eventually(
        async () => (await store.getChallenge(c.challengeId)) === null,
        'the challenge purged',
      );
      expect(s.logObjects().some((o) => o.msg === 'expired challenges removed' && o.purged === 1)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('finishes a request in flight on shutdown, then stops', async () => {
    const store = createMemoryStore();
    const real = store.getProvider.bind(store);
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let held = false;
    store.getProvider = async (id) => {
      if (!held) {
        held = true;
        entered();
        await gate;
      }
      return real(id);
    };
    const s = await startService({ store });
    const u = await enrolCardUser(s.verifier, 1);
    const inFlight = s.call('/v1/logon', {
      userId: u.login,
      password: RACE_PASSWORD,
      providerId: RACE_PROVIDER,
    });
    await inside;
    let closed = false;
    const closing = s.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
    release();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.body.challenge.factor).toBe('card');
    await closing;
    expect(closed).toBe(true);
  });
});

/** A verifier like raceVerifier's, with a clock the test moves. */
function raceVerifierAt(store: Store, clock: () => number) {
  return createVerifier({
    store,
    masterKey: Buffer.from(MASTER_KEY_HEX, 'hex'),
    clock,
    random: seededRandom('purge-clock'),
    policy: { scrypt: FAST_SCRYPT },
  });
}
