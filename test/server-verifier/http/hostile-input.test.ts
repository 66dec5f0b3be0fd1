/**
 * Hostile input on every endpoint that takes a body, on a SQLite store (so SQL-looking strings
 * meet SQL): malformed JSON, a 10 MB body, JSON nested 10,000 deep, wrong types, unknown fields,
 * __proto__ and constructor.prototype, control characters, SQL. Each is a 4xx with a clear
 * message, never a 500, and the service keeps serving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cardKey,
  enrolCardUser,
  RACE_PASSWORD,
  RACE_PROVIDER,
  type RaceUser,
  raceVerifier,
} from '../stores/concurrency-setup.js';
import { firstResponse, openRaw } from './raw-socket.js';
import { BACKEND_KEY, startService, type TestService } from './service.js';

let dir: string;
let s: TestService;
let user: RaceUser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nemid-hostile-'));
  const store = openSqliteStore(join(dir, 'v.db'));
  s = await startService({ verifier: raceVerifier(store, 'hostile') });
  user = await enrolCardUser(s.verifier, 1);
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every route with a body (admin ones with a path parameter filled in). */
const ROUTES: readonly [string, string][] = [
  ['POST', '/v1/logon'],
  ['POST', '/v1/logon/switch-to-token'],
  ['POST', '/v1/logon/complete'],
  ['POST', '/v1/challenge'],
  ['POST', '/v1/sign'],
  ['POST', '/v1/sign/complete'],
  ['POST', '/v1/self-service/password'],
  ['POST', '/v1/self-service/alias'],
  ['POST', '/v1/self-service/site-logging'],
  ['POST', '/v1/self-service/order-card'],
  ['POST', '/v1/self-service/token-action'],
  ['POST', '/v1/self-service/token-action/complete'],
  ['PUT', '/v1/admin/providers/bank2'],
  ['POST', '/v1/admin/users'],
  ['POST', '/v1/admin/users/find'],
  ['POST', '/v1/admin/users/u1/profile'],
  ['POST', '/v1/admin/users/u1/temporary-password'],
  ['POST', '/v1/admin/users/u1/unlock-password'],
  ['POST', '/v1/admin/users/u1/block'],
  ['POST', '/v1/admin/users/u1/unblock'],
  ['PUT', '/v1/admin/users/u1/reorder-threshold'],
  ['POST', '/v1/admin/users/u1/cards'],
  ['POST', '/v1/admin/cards/import'],
  ['POST', '/v1/admin/cards/A123-456-789/block'],
  ['POST', '/v1/admin/tokens'],
  ['POST', '/v1/admin/tokens/pskc'],
  ['POST', '/v1/admin/tokens/pskc/export'],
  ['POST', '/v1/admin/users/u1/token'],
  ['POST', '/v1/admin/users/u1/token/block'],
  ['POST', '/v1/admin/users/u1/token/unblock'],
];

const DEEP_ARRAY = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
const HOSTILE: readonly [string, string][] = [
  ['malformed JSON', '{"userId": "a", '],
  ['a JSON string', '"just a string"'],
  ['null', 'null'],
  ['an array nested 10,000 deep', DEEP_ARRAY],
  ['an object nested 10,000 deep', DEEP_OBJECT],
  ['a field nested 10,000 deep', `{"userId":${DEEP_ARRAY}}`],
  ['wrong types', '{"userId":1,"password":true,"providerId":[],"challengeId":{},"key":1.5,"alias":7}'],
  ['an unknown field', '{"userId":"a","password":"b","providerId":"bank","admin":true}'],
  ['__proto__', '{"__proto__":{"admin":true},"userId":"a"}'],
  ['a nested __proto__', '{"cards":[{"__proto__":{"x":1}}]}'],
  ['constructor.prototype', '{"constructor":{"prototype":{"admin":true}}}'],
  [
    'control characters',
    '{"userId":"a\\u0000\\u001b[31m","password":"b\\r\\nX-Injected: 1","providerId":"bank"}',
  ],
  ['an empty body', ''],
];

async function send(method: string, path: string, body: string): Promise<{ status: number; text: string }> {
  const key = path.startsWith('/v1/admin') ? 'admin' : 'backend';
  const r = await s.call(path, body, { method, key });
  return { status: r.status, text: r.text };
}

function expectClearRefusal(r: { status: number; text: string }, where: string): void {
  expect(r.status, where).toBeGreaterThanOrEqual(400);
  expect(r.status, where).toBeLessThan(500);
  const body = JSON.parse(r.text) as { error: { code: string; message: string } };
  expect(body.error.code, where).toMatch(/^[A-Z_0-9]+$/);
  expect(body.error.message, where).toMatch(/^["A-Z].{5,200}\.$/);
  // A message may name a field, but never quotes a value from the request.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for echoed control characters is the point
  expect(body.error.message, where).not.toMatch(/X-Injected|[\u0000-\u001f]|true|just a string/);
}

describe('hostile input on every endpoint', () => {
  it.each(HOSTILE)('refuses %s everywhere with a clear 4xx', async (_, body) => {
    for (const [method, path] of ROUTES)
      expectClearRefusal(await send(method, path, body), `${method} ${path}`);
  });

  it('answers SQL-looking strings as ordinary wrong input, and the tables are still there', async () => {
    const sql = ["' OR '1'='1", '1; DROP TABLE users; --', "admin'--", '" UNION SELECT * FROM passwords --'];
    for (const text of sql) {
      const logon = await s.call('/v1/logon', { userId: text, password: text, providerId: RACE_PROVIDER });
      expect(logon).toMatchObject({ status: 401, body: { error: { code: 'AUTH001' } } });
      const find = await s.call('/v1/admin/users/find', { loginId: text });
      expect(find.status).toBe(404);
      expect((await s.call('/v1/logon', { userId: 'a', password: 'b', providerId: text })).status).toBe(400);
      expect((await s.call('/v1/challenge', { challengeId: text })).status).toBe(400);
    }
    const c = (
      await s.call('/v1/logon', { userId: user.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER })
    ).body.challenge;
    const done = await s.call('/v1/logon/complete', {
      challengeId: c.challengeId,
      key: cardKey(c.keyNumber),
    });
    expect(done.status).toBe(200);
  });

  it('refuses a 10 MB body with 413 before reading it', async () => {
    const c = await openRaw(s.url);
    const big = `{"userId":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    c.socket.write(
      `POST /v1/logon HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${BACKEND_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(big)}\r\n\r\n`,
    );
    c.socket.write(big);
    await c.closed;
    const r = firstResponse(c.received());
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ error: { code: 'INVALID_INPUT', message: 'The body is too large.' } });
  });

  it('refuses a 10 MB body without a declared length (chunked) with 413', async () => {
    const c = await openRaw(s.url);
    c.socket.write(
      `POST /v1/logon HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${BACKEND_KEY}\r\n` +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 10 && !c.socket.destroyed; i++)
      c.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    await c.closed;
    expect(firstResponse(c.received()).status).toBe(413);
  });

  it('keeps serving after all of it', async () => {
    const c = (
      await s.call('/v1/logon', { userId: user.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER })
    ).body.challenge;
    expect(c.factor).toBe('card');
    const metrics = await s.call('/metrics', undefined, { key: 'none' });
    expect(metrics.text).not.toMatch(/status="5\d\d"/);
  });
});
